"""Review keys: choices and card keys never collide, answer fields and escape, binding ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlquiz.paths import resolve_paths
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.context import AppContext
from tests.tui.conftest import FIXED_NOW, choice_key, open_store, start_deck, until

KEYS_DECK = """\
id: keysdeck
title: Keys
description: choice and numeric cards back to back
cards:
  - id: pick
    type: choice
    topics: [ml.metrics]
    front: Which metric ignores true negatives?
    choices: [Accuracy, Precision, Specificity, Recall, F1 score]
    answer: 1
    explanation: Precision is TP / (TP + FP).
  - id: n1
    type: numeric
    topics: [arch.conv]
    generator: conv_output_size
  - id: n2
    type: numeric
    topics: [arch.conv]
    generator: conv_output_size
  - id: last
    type: basic
    topics: [arch.conv]
    front: Last card?
    back: Yes.
"""


@pytest.fixture
def keys_app(tmp_path: Path, isolated_home: Path):
    folder = tmp_path / "keys"
    folder.mkdir()
    (folder / "keysdeck.yaml").write_text(KEYS_DECK, encoding="utf-8")

    def build() -> DlquizApp:
        ctx = AppContext(paths=resolve_paths(isolated_home), deck_paths=(str(folder),),
                         now=lambda: FIXED_NOW, seed=7, only_decks=("keysdeck",))
        return DlquizApp(ctx)

    return build


def shown_keys(screen) -> dict[str, str]:
    """What the key bar offers now: key -> description (enabled bindings with show)."""
    return {key: b.description for key, (_, b, enabled, _) in screen.active_bindings.items()
            if b.show and enabled}


def states(home: Path) -> dict[str, object]:
    with open_store(home) as store:
        return {s.item_key: s for s in store.states()}


async def test_on_a_choice_card_letters_are_card_keys_and_digits_pick(keys_app, isolated_home):
    app = keys_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        assert screen.view.item.key == "keysdeck/pick"
        front = screen.query_one("#front").source
        assert "**5**" in front and "**A**" not in front and "**B**" not in front
        # the footer offers exactly the card keys, and each does what it says
        offered = shown_keys(screen)
        assert offered.get("b") == "Bury" and offered.get("e") == "Edit card"
        assert offered.get("s") == "Suspend" and offered.get("u") == "Undo"
        assert not {"1", "2", "3", "4"} & set(offered)  # no grade keys before a pick
        assert "1-5: pick" in str(screen.query_one("#keys-hint").render())
        await pilot.press("e")  # no editor in the test env: the card is not answered by it
        await pilot.pause()
        assert screen.state == "front" and screen.selected == []
        await pilot.press("b")
        await until(pilot, lambda: screen.view.item.key == "keysdeck/n1")
        assert states(isolated_home)["keysdeck/pick"].buried_until == "2025-03-15"
        with open_store(isolated_home) as store:
            assert list(store.reviews()) == []  # bury is not an answer
        await pilot.press("u")  # nothing answered: undo says so and stays
        await pilot.pause()
        assert screen.view.item.key == "keysdeck/n1"


async def test_a_digit_past_the_last_choice_does_nothing_and_a_digit_picks(keys_app, isolated_home):
    app = keys_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await pilot.press("6", "0")
        await pilot.pause()
        assert screen.state == "front"
        await pilot.press(choice_key(screen, 1))
        await until(pilot, lambda: screen.state == "graded")
        assert shown_keys(screen).get("space") == "Next card"  # not "Show answer" any more
        with open_store(isolated_home) as store:
            (review,) = store.reviews()
        assert (review.item_key, review.grade) == ("keysdeck/pick", "correct")


async def answer_numeric(pilot, screen) -> None:
    value = screen.view.problem.answer[0]
    await pilot.press(*f"{value:g}", "enter")
    await until(pilot, lambda: screen.state == "graded")


async def test_each_numeric_card_focuses_its_field_even_after_escape(keys_app, isolated_home):
    app = keys_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await pilot.press(choice_key(screen, 1))
        await until(pilot, lambda: screen.state == "graded")
        await pilot.press("space")
        await until(pilot, lambda: screen.view.item.key == "keysdeck/n1" and screen.state == "front")
        field = screen.query_one("#numeric")
        assert app.focused is field  # a new card: typing goes straight into its field
        await pilot.press("escape")  # leaves the field, not the session
        assert app.screen is screen and app.focused is not field
        assert "escape: leave the field" not in str(screen.query_one("#keys-hint").render())
        # out of the field, a digit goes back into it (it is not a card key)
        value = screen.view.problem.answer[0]
        await pilot.press(*f"{value:g}")
        assert app.focused is field and field.value == f"{value:g}"
        assert "escape: leave the field" in str(screen.query_one("#keys-hint").render())
        await pilot.press("enter")
        await until(pilot, lambda: screen.state == "graded")
        await pilot.press("space")
        await until(pilot, lambda: screen.view.item.key == "keysdeck/n2" and screen.state == "front")
        assert app.focused is screen.query_one("#numeric") and field.value == ""
        await answer_numeric(pilot, screen)
        await pilot.press("space")
        await until(pilot, lambda: screen.view.item.key == "keysdeck/last")
        await pilot.press("escape")  # no field here: escape leaves the session
        await until(pilot, lambda: app.screen is not screen)
    with open_store(isolated_home) as store:
        assert [(r.item_key, r.grade) for r in store.reviews()] == [
            ("keysdeck/pick", "correct"), ("keysdeck/n1", "correct"), ("keysdeck/n2", "correct")]


async def test_out_of_a_field_the_card_keys_act(keys_app, isolated_home):
    app = keys_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await pilot.press("s")  # suspend the choice card
        await until(pilot, lambda: screen.view.item.key == "keysdeck/n1")
        await pilot.press("s")  # in the field: text, not suspend
        assert screen.query_one("#numeric").value == "s" and screen.view.item.key == "keysdeck/n1"
        await pilot.press("escape", "s")
        await until(pilot, lambda: screen.view.item.key == "keysdeck/n2")
        assert states(isolated_home)["keysdeck/n1"].suspended


def test_every_review_and_coding_binding_has_a_unique_id() -> None:
    from dlquiz.tui.screens.coding import CodingScreen
    from dlquiz.tui.screens.review import ReviewScreen

    for screen, prefix in ((ReviewScreen, "review."), (CodingScreen, "coding.")):
        ids = [b.id for b in screen.BINDINGS]
        assert all(i is not None and i.startswith(prefix) for i in ids), ids
        assert len(set(ids)) == len(ids)
    review = {b.id: b.action for b in ReviewScreen.BINDINGS}
    assert review["review.reveal"] == "reveal" and review["review.grade_good"] == "grade('good')"
    assert {b.id: b.action for b in CodingScreen.BINDINGS}["coding.run"] == "run"


async def test_a_keymap_moves_a_grade_and_the_hint_and_bar_follow(make_app, isolated_home):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        app.set_keymap({"review.grade_good": "g", "review.reveal": "r"})
        screen = await start_deck(app, pilot)
        assert "r: show answer" in str(screen.query_one("#keys-hint").render())
        await pilot.press("r")
        await until(pilot, lambda: screen.state == "revealed")
        assert "g good" in str(screen.query_one("#keys-hint").render())
        assert "g Good" in " ".join(screen.query_one("GradeBar").labels())
        await pilot.press("3")  # the old key no longer grades
        await pilot.pause()
        assert screen.state == "revealed"
        await pilot.press("g")
        await until(pilot, lambda: screen.state == "front")
    with open_store(isolated_home) as store:
        assert [(r.item_key, r.grade) for r in store.reviews()] == [("tuideck/relu", "good")]


async def test_a_key_pressed_before_the_first_card_acts_on_it(keys_app, isolated_home,
                                                             monkeypatch):
    import time

    from dlquiz.tui.screens import review
    from dlquiz.tui.screens.review import ReviewScreen

    build = review.build_session

    def slow_build(*args):  # a cold start: the session takes a moment on the db thread
        time.sleep(0.4)
        return build(*args)

    monkeypatch.setattr(review, "build_session", slow_build)
    app = keys_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
        await pilot.press("enter", "2")  # "2" arrives while the session is still loading
        assert app.screen.state == "loading"
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.state == "graded")
    with open_store(isolated_home) as store:
        (review,) = store.reviews()
    assert review.item_key == "keysdeck/pick" and dict(review.drawn)["choice_order"]
