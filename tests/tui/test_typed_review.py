"""Typed answers in a session: type, compare on the reveal, self-grade, the text is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlquiz.config import Settings
from dlquiz.paths import resolve_paths
from dlquiz.store.typed_answers import typed_answer
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.context import AppContext
from tests.tui.conftest import FIXED_NOW, open_store, until

TYPED_DECK = """\
id: typeddeck
title: Typed
description: typed answers
cards:
  - id: relu
    type: basic
    topics: [arch.conv]
    front: What does **ReLU** return for a negative input?
    back: "**Zero** for every negative input."
    explanation: ReLU is max(0, x).
    input: typed
  - id: flip
    type: basic
    topics: [arch.conv]
    front: A card without input.
    back: Flipped.
  - id: never
    type: basic
    topics: [arch.conv]
    front: A card that says reveal.
    back: Revealed.
    input: reveal
"""


@pytest.fixture
def typed_app(tmp_path: Path, isolated_home: Path):
    folder = tmp_path / "typed"
    folder.mkdir()
    (folder / "typeddeck.yaml").write_text(TYPED_DECK, encoding="utf-8")

    def build(*, setting: bool = False) -> DlquizApp:
        ctx = AppContext(paths=resolve_paths(isolated_home), deck_paths=(str(folder),),
                         now=lambda: FIXED_NOW, seed=7, only_decks=("typeddeck",))
        if setting:
            ctx.save_config(Settings(typed_answers=True))
        return DlquizApp(ctx)

    return build


async def start(app, pilot):
    from dlquiz.tui.screens.review import ReviewScreen

    await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.state == "front")
    return app.screen


def typed_of_reviews(home: Path) -> list[tuple[str, str, str | None]]:
    with open_store(home) as store:
        return [(r.item_key, r.grade, typed_answer(store, r.id)) for r in store.reviews()]


async def test_type_compare_grade_and_the_text_is_kept(typed_app, isolated_home):
    app = typed_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(app, pilot)
        field = screen.query_one("#typed")
        assert field.display and app.focused is field  # typing starts at once
        assert not screen.query_one("#back").display
        await pilot.press(*"it returns one for negative inputs", "enter")
        await until(pilot, lambda: screen.state == "revealed")
        diff = screen.query_one("#typed-diff")
        assert diff.display and screen.query_one("#back").display
        typed_line, answer_line, note = diff.lines()
        assert typed_line.plain == "it returns one for negative inputs"
        assert answer_line.plain == "Zero for every negative input."
        assert note is not None and "2 of 5 words" in note.plain  # for, negative (inputs != input)
        assert field.disabled and app.focused is not field  # the grade keys grade now
        assert "1 again" in str(screen.query_one("#keys-hint").render())
        await pilot.press("2")
        await until(pilot, lambda: screen.view.item.key == "typeddeck/flip")
        assert not screen.query_one("#typed").display  # a plain card: no field
        assert not screen.query_one("#typed-diff").display
    assert typed_of_reviews(isolated_home) == [
        ("typeddeck/relu", "hard", "it returns one for negative inputs")]


async def test_space_out_of_the_field_reveals_without_typing(typed_app, isolated_home):
    app = typed_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(app, pilot)
        await pilot.press("escape", "space")
        await until(pilot, lambda: screen.state == "revealed")
        assert screen.query_one("#typed-diff").lines()[0].plain == "(nothing typed)"
        await pilot.press("1")
        await until(pilot, lambda: screen.view.item.key == "typeddeck/flip")
        assert typed_of_reviews(isolated_home) == [("typeddeck/relu", "again", "")]
        await pilot.press("u")  # undo takes the text back with the review
        await until(pilot, lambda: screen.view.item.key == "typeddeck/relu")
        assert typed_of_reviews(isolated_home) == []
        assert app.focused is screen.query_one("#typed") and screen.query_one("#typed").value == ""


async def test_the_setting_types_every_basic_card_that_does_not_say(typed_app, isolated_home):
    app = typed_app(setting=True)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start(app, pilot)
        seen = {}
        for _ in range(3):
            key = screen.view.item.key
            seen[key] = screen.view.typed and screen.query_one("#typed").display
            await pilot.press("enter")  # typed: compare (nothing typed); plain: reveal
            await until(pilot, lambda: screen.state == "revealed")
            await pilot.press("3")
            await until(pilot, lambda key=key: screen.state in ("front", "done")
                        and (screen.view is None or screen.view.item.key != key))
        assert seen == {"typeddeck/relu": True, "typeddeck/flip": True, "typeddeck/never": False}
    assert [t for _, _, t in typed_of_reviews(isolated_home)] == ["", "", None]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_of_the_typed_reveal(typed_app, snap_compare, size):
    app = typed_app()

    async def ready(pilot):
        screen = await start(app, pilot)
        await pilot.press(*"it returns one for negative inputs", "enter")
        await until(pilot, lambda: screen.state == "revealed")

    assert snap_compare(app, run_before=ready, terminal_size=size)
