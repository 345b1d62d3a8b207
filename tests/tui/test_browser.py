"""The card browser in the app: query, results, detail with history, actions, cram."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest

from dlquiz.tui.screens.browser import BrowserScreen
from tests.tui.conftest import FIXED_NOW, open_store, until


async def open_browser(app, pilot) -> BrowserScreen:
    await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
    await pilot.press("b")
    await until(pilot, lambda: isinstance(app.screen, BrowserScreen) and app.screen.shown_query == "")
    return app.screen


async def type_query(pilot, screen: BrowserScreen, text: str) -> None:
    """Type ``text`` after what the query holds, then wait for the results of the whole query."""
    expected = screen.query_one("#query").value + text
    await pilot.press(*[{" ": "space", ":": "colon", "-": "minus", '"': "quotation_mark"}.get(c, c)
                        for c in text])
    await until(pilot, lambda: screen.shown_query == expected)


def table_keys(screen: BrowserScreen) -> list[str]:
    table = screen.query_one("#results")
    return [str(k.value) for k in table.rows]


async def test_type_a_query_and_see_results_and_detail(make_app, isolated_home) -> None:
    with open_store(isolated_home) as store:
        store.answer("tuideck/relu", 4, grade="good", graded_by="self", duration_s=2.0, now=FIXED_NOW)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browser(app, pilot)
        assert table_keys(screen) == ["tuideck/relu", "tuideck/pick", "tuideck/iou#c1",
                                      "tuideck/convsize", "tuideck/addone"]
        await type_query(pilot, screen, "zero")
        assert table_keys(screen) == ["tuideck/relu"]
        assert "1 match" in str(screen.query_one("#query-status").render())
        await pilot.press("enter")  # to the results; the detail shows the card and its history
        await until(pilot, lambda: "History: 1 review" in str(screen.query_one("#detail-text").render()))
        detail = str(screen.query_one("#detail-text").render())
        assert "What does **ReLU** return" in detail and "Zero." in detail
        assert "2025-03-14 12:00  good" in detail
        await pilot.press("slash")
        for _ in "zero":
            await pilot.press("backspace")
        await type_query(pilot, screen, "-type:choice is:new")
        assert table_keys(screen) == ["tuideck/iou#c1", "tuideck/convsize", "tuideck/addone"]
        await type_query(pilot, screen, " dek:x")
        assert "unknown filter dek:" in str(screen.query_one("#query-status").render())
        await pilot.press(*["backspace"] * 6)  # back to a query that parses
        await until(pilot, lambda: screen.shown_query == "-type:choice is:new")
        assert table_keys(screen) == ["tuideck/iou#c1", "tuideck/convsize", "tuideck/addone"]
        assert "✗" not in str(screen.query_one("#query-status").render())


async def test_suspend_bury_reset_from_the_browser(make_app, isolated_home) -> None:
    with open_store(isolated_home) as store:
        store.answer("tuideck/relu", 5, grade="easy", graded_by="self", duration_s=1.0, now=FIXED_NOW)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browser(app, pilot)
        await type_query(pilot, screen, "relu")
        await pilot.press("down")
        await pilot.press("s")
        await until(pilot, lambda: screen.states.of("tuideck/relu") & 4)
        assert "suspended" in str(screen.query_one("#results").get_cell("tuideck/relu", "state"))
        await pilot.press("b")
        await until(pilot, lambda: screen.states.of("tuideck/relu") & 8)
        await pilot.press("r")
        await pilot.press("y")
        await until(pilot, lambda: screen.states.of("tuideck/relu") & 1)
        await pilot.press("s", "b")
        await until(pilot, lambda: screen.states.of("tuideck/relu") == 1)
    with open_store(isolated_home) as store:
        state = store.state("tuideck/relu")
        assert state.is_new and not state.suspended and state.buried_until is None
        assert len(list(store.reviews("tuideck/relu"))) == 1  # the history is kept


async def test_cram_on_the_results(make_app, isolated_home) -> None:
    from dlquiz.tui.screens.review import ReviewScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browser(app, pilot)
        await type_query(pilot, screen, "type:basic")
        await pilot.press("enter", "c")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.state == "front")
        review = app.screen
        assert review.plan.cram and review.plan.keys == ("tuideck/relu",)
        assert review.view.item.key == "tuideck/relu"
        await pilot.press("space", "3")
        await until(pilot, lambda: review.state == "done")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen and screen.query_one("#query").has_focus)
    with open_store(isolated_home) as store:
        (logged,) = store.reviews("tuideck/relu")
        assert not logged.scheduled  # cram: history, no schedule
        assert store.state("tuideck/relu").is_new


async def test_edit_a_bundled_card_opens_its_override(make_app, isolated_home, monkeypatch,
                                                      tmp_path) -> None:
    from dlquiz.decks import catalog as catalog_module
    from dlquiz.decks import overrides
    from dlquiz.paths import resolve_paths
    from tests.decks.test_overrides import BUNDLED

    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "vision.yaml").write_text(BUNDLED, encoding="utf-8")
    monkeypatch.setattr(catalog_module, "bundled_decks_dir", lambda: bundled)
    monkeypatch.setattr(overrides, "bundled_decks_dir", lambda: bundled)
    commands: list[list[str]] = []

    def fake_editor(command, check=False):  # an editor that tags the card
        path = Path(command[-1])
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("type: basic", "type: basic\n    tags: [edited-here]", 1),
                        encoding="utf-8")
        commands.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setenv("EDITOR", "nano")
    monkeypatch.setattr(subprocess, "run", fake_editor)
    app = make_app()
    app.ctx.only_decks = ("tuideck", "vision")
    app.suspend = contextlib.nullcontext  # the headless driver cannot hand the terminal over
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browser(app, pilot)
        await type_query(pilot, screen, "deck:vision type:basic")
        await pilot.press("enter", "e")
        await until(pilot, lambda: bool(commands)
                    and app.ctx.catalog.item("vision/relu").card.tags == ("edited-here",))
        await pilot.press("slash")
        await type_query(pilot, screen, " tag:edited-here")
        assert table_keys(screen) == ["vision/relu"]
    (command,) = commands
    opened = Path(command[-1]).resolve()
    assert command[:2] == ["nano", "+9"]  # at the card's line in the override file
    assert not opened.is_relative_to(bundled.resolve())
    assert opened == (resolve_paths(isolated_home).user_decks_dir / "overrides" / "vision"
                      / "relu.yaml").resolve()
    assert "edited-here" not in (bundled / "vision.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_browser_snapshot(make_app, snap_compare, isolated_home, size) -> None:
    with open_store(isolated_home) as store:
        store.answer("tuideck/relu", 4, grade="good", graded_by="self", duration_s=2.0, now=FIXED_NOW)
        store.set_suspended("tuideck/pick", True)
    app = make_app()

    async def ready(pilot):
        screen = await open_browser(app, pilot)
        await type_query(pilot, screen, "-type:code")
        await pilot.press("enter")
        await until(pilot, lambda: "History: 1 review" in str(screen.query_one("#detail-text").render()))

    assert snap_compare(app, run_before=ready, terminal_size=size)


async def test_keys_typed_right_after_b_land_in_the_query(make_app) -> None:
    from textual import events

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
        for key in "bzero":  # one burst, as a terminal delivers fast typing: no waiting between keys
            app._driver.send_message(events.Key(key, key))
        await until(pilot, lambda: isinstance(app.screen, BrowserScreen)
                    and app.screen.shown_query == "zero")
        assert table_keys(app.screen) == ["tuideck/relu"]


async def test_the_palette_opens_the_browser(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
        await pilot.press("ctrl+p")
        await pilot.press(*"browse cards")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, BrowserScreen) and app.screen.shown_query == "")


async def test_results_beyond_the_first_page_come_as_the_cursor_reaches_the_end(
        make_app, monkeypatch) -> None:
    import dlquiz.tui.screens.browser as browser

    monkeypatch.setattr(browser, "SHOWN_ROWS", 2)  # five cards: pages of two
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browser(app, pilot)
        assert table_keys(screen) == ["tuideck/relu", "tuideck/pick"]
        assert "5 matches (listed 2 at a time as you scroll)" in str(
            screen.query_one("#query-status").render())
        await pilot.press("enter")  # to the results, on the first row
        await pilot.press("down")  # the last row: the next page comes
        await until(pilot, lambda: len(table_keys(screen)) == 4)
        await pilot.press("down", "down")
        await until(pilot, lambda: len(table_keys(screen)) == 5)
        assert table_keys(screen) == ["tuideck/relu", "tuideck/pick", "tuideck/iou#c1",
                                      "tuideck/convsize", "tuideck/addone"]
        await pilot.press("down")  # past the end: nothing more to add, nothing breaks
        await pilot.pause()
        assert len(table_keys(screen)) == 5
