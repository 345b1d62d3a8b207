"""Study-session flows driven through the keyboard, checked against the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.conftest import choice_key, open_store, start_deck, until

# The documented mapping (README / ARCHITECTURE): Again=1, Hard=3, Good=4, Easy=5.
SELF_GRADE_KEYS = [("1", "again", 1), ("2", "hard", 3), ("3", "good", 4), ("4", "easy", 5)]


def reviews(home: Path) -> list:  # type: ignore[type-arg]
    with open_store(home) as store:
        return list(store.reviews())


@pytest.mark.parametrize(("key", "grade", "quality"), SELF_GRADE_KEYS)
async def test_reveal_and_self_grade_writes_the_review(make_app, isolated_home, key, grade, quality):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        assert screen.view.item.key == "tuideck/relu"
        assert "negative input" in screen.query_one("#front").source
        assert not screen.query_one("#back").display
        await pilot.press("space")
        await until(pilot, lambda: screen.state == "revealed")
        assert screen.query_one("#back").display
        assert "Zero." in screen.query_one("#back").source
        await pilot.press(key)
        await until(pilot, lambda: screen.view is not None and screen.view.item.key == "tuideck/pick")
        logged = reviews(isolated_home)
        assert [(r.item_key, r.grade, r.quality, r.graded_by) for r in logged] == [
            ("tuideck/relu", grade, quality, "self")
        ]


async def test_grade_keys_do_nothing_before_reveal(make_app, isolated_home):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await pilot.press("3")
        await pilot.pause()
        assert screen.state == "front"
        assert reviews(isolated_home) == []


async def _to_card(app, pilot, screen, key: str) -> None:
    """Answer 'good' on self-graded cards until ``key`` is current."""
    while screen.view.item.key != key:
        current = screen.view.item.key
        await pilot.press("space")
        await until(pilot, lambda: screen.state == "revealed")
        await pilot.press("3")
        await until(pilot, lambda current=current: screen.view is not None
                    and screen.view.item.key != current and screen.state == "front")


async def _to_numeric_card(app, pilot, screen) -> None:
    """Past the choice card (any answer) to the fixture deck's numeric card."""
    await _to_card(app, pilot, screen, "tuideck/pick")
    await pilot.press(choice_key(screen, 1))
    await until(pilot, lambda: screen.state == "graded")
    await pilot.press("space")
    await until(pilot, lambda: screen.state == "front")
    await _to_card(app, pilot, screen, "tuideck/convsize")


@pytest.mark.parametrize(("right", "verdict", "quality"), [(True, "correct", 4), (False, "wrong", 1)])
async def test_choice_is_auto_graded(make_app, isolated_home, right, verdict, quality):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await _to_card(app, pilot, screen, "tuideck/pick")
        # The fixture's answer is choice 1 (Precision); 0 (Accuracy) is wrong.
        await pilot.press(choice_key(screen, 1 if right else 0))
        await until(pilot, lambda: screen.state == "graded")
        shown = str(screen.query_one("#verdict").render())
        assert ("Correct" in shown) == (verdict == "correct")
        assert "Precision is TP" in screen.query_one("#back").source
        last = reviews(isolated_home)[-1]
        assert (last.item_key, last.grade, last.quality, last.graded_by) == (
            "tuideck/pick", verdict, quality, "auto")
        await pilot.press("space")
        await until(pilot, lambda: screen.view.item.key == "tuideck/iou#c1")


async def test_choices_are_shuffled_and_the_order_is_stored(make_app, isolated_home):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await _to_card(app, pilot, screen, "tuideck/pick")
        order = list(screen.view.choice_order)
        assert sorted(order) == [0, 1, 2]
        choices = ["Accuracy", "Precision", "Specificity"]
        front = screen.query_one("#front").source
        # Each number sits next to the choice the order puts there, in that order on screen.
        for position, index in enumerate(order):
            assert f"**{position + 1}** {choices[index]}" in front
        assert [front.index(choices[i]) for i in order] == sorted(front.index(c) for c in choices)
        # Press the *number* shown beside Precision: graded right through the permutation.
        await pilot.press(str(order.index(1) + 1))
        await until(pilot, lambda: screen.state == "graded")
        last = reviews(isolated_home)[-1]
        assert last.grade == "correct"
        assert dict(last.drawn) == {"choice_order": order}
        assert f"✓ **{order.index(1) + 1}** Precision" in screen.query_one("#back").source


async def test_cloze_hides_the_span_until_revealed(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await _to_card(app, pilot, screen, "tuideck/pick")
        await pilot.press(choice_key(screen, 1))
        await until(pilot, lambda: screen.state == "graded")
        await pilot.press("enter")
        await until(pilot, lambda: screen.view.item.key == "tuideck/iou#c1" and screen.state == "front")
        front = screen.query_one("#front").source
        assert "[...]" in front and "intersection" not in front
        await pilot.press("space")
        await until(pilot, lambda: screen.state == "revealed")
        assert "**intersection**" in screen.query_one("#back").source


@pytest.mark.parametrize("right", [True, False])
async def test_numeric_answer_is_checked_and_drawn_numbers_stored(make_app, isolated_home, right):
    from dlquiz.tui.cards import format_answer

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await _to_numeric_card(app, pilot, screen)
        problem = screen.view.problem
        assert problem is not None and problem.question in screen.query_one("#front").source
        value = problem.answer[0] if right else problem.answer[0] + 1000
        await pilot.click("#numeric")
        await pilot.press(*f"{value:g} px", "enter")
        await until(pilot, lambda: screen.state == "graded")
        last = reviews(isolated_home)[-1]
        assert last.item_key == "tuideck/convsize"
        assert last.grade == ("correct" if right else "wrong")
        assert last.quality == (4 if right else 1)
        assert dict(last.drawn) == dict(problem.drawn)
        assert format_answer(problem) in screen.query_one("#back").source


async def test_undo_restores_the_card_and_removes_the_review(make_app, isolated_home):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await _to_card(app, pilot, screen, "tuideck/pick")
        assert len(reviews(isolated_home)) == 1
        await pilot.press("u")
        await until(pilot, lambda: screen.view.item.key == "tuideck/relu")
        assert reviews(isolated_home) == []
        with open_store(isolated_home) as store:
            assert store.state("tuideck/relu").is_new
        await _to_card(app, pilot, screen, "tuideck/pick")
        await pilot.press("ctrl+z")
        await until(pilot, lambda: screen.view.item.key == "tuideck/relu")
        assert reviews(isolated_home) == []


async def test_suspend_and_bury_hide_the_card(make_app, isolated_home):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await pilot.press("s")
        await until(pilot, lambda: screen.view.item.key == "tuideck/pick")
        await pilot.press("b")  # on a choice card too, "b" buries (digits pick choices)
        await until(pilot, lambda: screen.view.item.key == "tuideck/iou#c1" and screen.state == "front")
        await pilot.press("b")
        await until(pilot, lambda: screen.view.item.key == "tuideck/convsize")
        with open_store(isolated_home) as store:
            assert store.state("tuideck/relu").suspended
            assert store.state("tuideck/pick").buried_until == "2025-03-15"
            assert store.state("tuideck/iou#c1").buried_until == "2025-03-15"
        assert reviews(isolated_home) == []


async def test_session_summary_after_last_card(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await _to_numeric_card(app, pilot, screen)
        await pilot.press("escape", "b")  # leave the answer field, then bury
        await until(pilot, lambda: screen.view.item.key == "tuideck/addone")
        await pilot.press("b")
        await until(pilot, lambda: screen.state == "done")
        text = screen.query_one("#front").source
        assert "Session complete" in text
        assert "| Cards | 3 |" in text and "| Correct | 100% |" in text
        assert "2025-03-15" in text  # every card answered "good" for the first time: due tomorrow


async def test_a_typo_on_a_numeric_card_records_nothing(make_app, isolated_home):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await _to_numeric_card(app, pilot, screen)
        before = len(reviews(isolated_home))
        await pilot.click("#numeric")
        await pilot.press(*"abc", "enter")
        await pilot.pause(0.2)
        assert screen.state == "front"
        assert len(reviews(isolated_home)) == before


async def test_key_bar_offers_only_keys_that_do_something(make_app):
    def shown(screen) -> set[str]:
        return {b.description for _, b, enabled, _ in screen.active_bindings.values()
                if b.show and enabled}

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await _to_card(app, pilot, screen, "tuideck/pick")
        assert "Again" not in shown(screen) and "Show answer" not in shown(screen)
        await pilot.press(choice_key(screen, 1))
        await until(pilot, lambda: screen.state == "graded")
        await pilot.press("space")
        await until(pilot, lambda: screen.state == "front")
        assert screen.card_type() == "cloze"  # the fixture deck's next card is self-graded
        assert "Show answer" in shown(screen) and "Again" not in shown(screen)
        await pilot.press("space")
        await until(pilot, lambda: screen.state == "revealed")
        assert {"Again", "Hard", "Good", "Easy"} <= shown(screen)
