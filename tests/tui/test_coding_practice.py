"""The coding screen built for repetition: shared workspace, reviews from the starter,
repeats, stale verdicts, auto-indent, select-all, try-the-example, next exercise, 80x24."""

from __future__ import annotations

from textual.widgets import TextArea

from dlquiz.grading.workspace import last_attempt, read_code, write_code
from dlquiz.paths import resolve_paths
from dlquiz.tui.widgets.code_editor import next_indent
from tests.tui.conftest import open_store, until
from tests.tui.test_coding import SOLUTION, open_from_exercise_list, run_and_wait


def test_next_indent_follows_python_blocks() -> None:
    assert next_indent("def f(x):") == "    "
    assert next_indent("    if x > 0:  # positive") == "        "
    assert next_indent("    y = x + 1") == "    "
    assert next_indent("        return y") == "    "
    assert next_indent("    s = 'a:'") == "    "  # a colon inside a string opens nothing
    assert next_indent("pass") == ""


async def test_the_editor_shows_the_same_file_as_the_cli(make_app, isolated_home):
    workspace = resolve_paths(isolated_home).workspace_dir
    write_code(workspace, "add-one", "# from the shell\n" + SOLUTION)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_from_exercise_list(app, pilot)
        editor = screen.query_one("#editor", TextArea)
        assert editor.text.startswith("# from the shell")
        editor.move_cursor(editor.document.end)
        await pilot.press(*"# typed in the app")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is not screen)
    assert read_code(workspace, "add-one").rstrip().endswith("# typed in the app")


async def test_enter_auto_indents_and_f7_selects_all(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_from_exercise_list(app, pilot)
        editor = screen.query_one("#editor", TextArea)
        editor.load_text("")
        await pilot.press(*"def f(x):", "enter", *"if x:", "enter", *"return 1", "enter", *"y")
        assert editor.text == "def f(x):\n    if x:\n        return 1\n    y"
        await pilot.press("f7")
        assert editor.selected_text == editor.text
        assert "Select all" in str(screen.query_one("KeyBar").render())


async def test_a_verdict_goes_stale_when_the_code_changes(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_from_exercise_list(app, pilot)
        await run_and_wait(app, pilot, screen)
        panel = screen.query_one("ResultsPanel")
        assert not panel.has_class("-stale")
        editor = screen.query_one("#editor", TextArea)
        editor.move_cursor(editor.document.end)
        await pilot.press("x")
        assert panel.has_class("-stale") and "stale" in str(panel.border_title)


async def test_a_review_opens_the_starter_and_ctrl_l_restores(make_app, isolated_home):
    from dlquiz.tui.screens.coding import CodingScreen

    workspace = resolve_paths(isolated_home).workspace_dir
    write_code(workspace, "add-one", SOLUTION)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
        exercise = app.ctx.catalog.exercise("add-one")
        app.push_screen(CodingScreen(exercise, in_session=True, review=True))
        await until(pilot, lambda: isinstance(app.screen, CodingScreen) and app.screen.query("#editor"))
        screen = app.screen
        editor = screen.query_one("#editor", TextArea)
        assert "np.zeros_like" in editor.text and "np.asarray(x) + 1" not in editor.text
        assert last_attempt(workspace, "add-one") == SOLUTION
        await pilot.press("ctrl+l")
        assert editor.text == SOLUTION


async def test_passing_the_same_code_again_is_a_repeat(make_app, isolated_home):
    workspace = resolve_paths(isolated_home).workspace_dir
    write_code(workspace, "add-one", SOLUTION)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_from_exercise_list(app, pilot)
        await run_and_wait(app, pilot, screen)
        assert screen.result().verdict == "pass" and screen.result().quality == 5
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is not screen)
        await pilot.press("enter")  # the exercise list: open the same exercise again
        await until(pilot, lambda: app.screen is not screen and app.screen.query("#editor"))
        screen = app.screen
        await until(pilot, lambda: screen.earlier_passes)
        await run_and_wait(app, pilot, screen)
        result = screen.result()
        assert (result.verdict, result.quality) == ("pass_repeat", 3)
        assert "counts as Hard" in str(screen.query_one("#report").render())
    with open_store(isolated_home) as store:
        rows = store.query("SELECT verdict, code_sha256 IS NOT NULL FROM exercise_attempts")
    assert rows == [("pass", 1), ("pass", 1)]


async def test_try_example_shows_both_outputs(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_from_exercise_list(app, pilot)
        await pilot.press("f5")
        await until(pilot, lambda: "Try on the example" in str(screen.query_one("#report").render()))
        text = str(screen.query_one("#report").render())
        assert "yours:" in text and "reference:" in text and "differs" in text


async def test_the_editor_has_ten_lines_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_exercise_list(app, pilot)
        assert screen.query_one("#editor").size.height >= 10
        await run_and_wait(app, pilot, screen)
        assert screen.query_one("#editor").size.height >= 10
        await pilot.press("f2")  # collapse the prompt
        await pilot.pause()
        assert screen.query_one("#editor").size.height >= 14
