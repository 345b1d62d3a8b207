"""The coding screen: real sandboxed grading, hints, give-up, drafts across restarts."""

from __future__ import annotations

from textual.widgets import TextArea

from tests.tui.conftest import open_store, start_deck, until

SOLUTION = "import numpy as np\n\ndef add_one(x):\n    return np.asarray(x) + 1\n"


async def open_from_exercise_list(app, pilot):
    from dlquiz.tui.screens.coding import CodingScreen

    await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
    await pilot.press("x")
    await until(pilot, lambda: app.screen.query("#exercise-table")
                and "add-one" in [str(k.value) for k in app.screen.query_one("#exercise-table").rows])
    table = app.screen.query_one("#exercise-table")
    row = [str(k.value) for k in table.rows].index("add-one")
    table.move_cursor(row=row)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CodingScreen))
    return app.screen


async def run_and_wait(app, pilot, screen):
    runs = screen.runs
    await pilot.press("ctrl+r")
    await until(pilot, lambda: screen.runs > runs)
    await app.workers.wait_for_complete()


async def test_wrong_code_shows_the_first_failing_case(make_app, isolated_home):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_from_exercise_list(app, pilot)
        editor = screen.query_one("#editor", TextArea)
        assert "np.zeros_like" in editor.text  # the starter
        await run_and_wait(app, pilot, screen)
        report = str(screen.query_one("#report").render())
        assert "WRONG ANSWER" in report
        assert "0/2 cases passed" in report
        assert "First failing case: zeros" in report
        assert not screen.query_one("#solution").display
        with open_store(isolated_home) as store:
            assert store.solved_exercises() == set()
            rows = store.query("SELECT verdict, passed, total FROM exercise_attempts")
        assert rows == [("wrong_answer", 0, 2)]


async def test_correct_code_passes_and_feeds_the_session(make_app, isolated_home):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        review = await start_deck(app, pilot)
        for _ in range(4):
            key = review.view.item.key
            await pilot.press("escape" if key.endswith("convsize") else "s")
            if key.endswith("convsize"):
                await pilot.press("s")
            await until(pilot, lambda key=key: review.view.item.key != key)
        assert review.view.item.key == "tuideck/addone"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is not review)
        coding = app.screen
        coding.query_one("#editor", TextArea).load_text(SOLUTION)
        await run_and_wait(app, pilot, coding)
        assert "PASS" in str(coding.query_one("#report").render())
        assert "2/2 cases passed" in str(coding.query_one("#report").render())
        assert coding.query_one("#solution").display
        await pilot.press("escape")  # leaves the exercise at once, even from the editor
        await until(pilot, lambda: app.screen is review and review.state == "done")
        with open_store(isolated_home) as store:
            assert store.solved_exercises() == {"add-one"}
            last = list(store.reviews())[-1]
        # first-try pass without hints is quality 5 (documented mapping)
        assert (last.item_key, last.grade, last.quality, last.graded_by) == (
            "tuideck/addone", "pass", 5, "exercise")


async def test_hints_are_revealed_one_at_a_time(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_from_exercise_list(app, pilot)
        assert not screen.query_one("#hints").display
        await pilot.press("ctrl+t")
        await pilot.pause()
        hints = screen.query_one("#hints")
        assert hints.display and "broadcasts" in hints.source and "x + 1" not in hints.source
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "Just return x + 1" in hints.source
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert screen.hints_shown == 2


async def test_give_up_needs_confirmation_then_shows_solution(make_app, isolated_home):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_from_exercise_list(app, pilot)
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and not screen.query_one("#solution").display
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert screen.query_one("#solution").display
        assert "np.asarray(x) + 1" in screen.query_one("#solution").source
        await pilot.press("escape", "escape")
        await until(pilot, lambda: app.screen is not screen)
        with open_store(isolated_home) as store:
            last = list(store.reviews())[-1]
        assert (last.item_key, last.quality, last.graded_by) == ("tuideck/addone", 1, "exercise")


async def test_draft_is_restored_after_restarting_the_app(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_from_exercise_list(app, pilot)
        editor = screen.query_one("#editor", TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)
        await pilot.press(*"# my note", "enter")
        await pilot.pause()
        typed = editor.text
        assert typed.rstrip().endswith("# my note")
        await pilot.press("ctrl+q")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_from_exercise_list(app, pilot)
        assert screen.query_one("#editor", TextArea).text == typed


async def test_the_editor_highlights_python(make_app):
    """tree-sitter (textual[syntax]) parses the draft: keywords and names get highlight spans."""
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_from_exercise_list(app, pilot)
        editor = screen.query_one("#editor", TextArea)
        assert editor.language == "python" and editor.is_syntax_aware
        line = editor.text.splitlines().index("def add_one(x):")
        text = editor.text.splitlines()[line]
        spans = {text[start:end]: name for start, end, name in editor._highlights[line]
                 if end is not None}
        assert spans["def"].startswith("keyword")
        assert spans["add_one"] == "function"
