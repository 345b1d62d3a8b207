"""The app shell: keys pressed before the decks are listed, settings focus, keymap, footer."""

from __future__ import annotations

import time

from textual.widgets import DataTable

from tests.tui.conftest import until


def slow_catalog(monkeypatch, seconds: float = 0.4) -> None:
    """Make loading the decks (on the database thread) take a while, as a cold start does."""
    from dlquiz.tui.context import AppContext

    original = AppContext.reload_catalog

    def slow(self):  # type: ignore[no-untyped-def]
        time.sleep(seconds)
        return original(self)

    monkeypatch.setattr(AppContext, "reload_catalog", slow)


async def test_enter_pressed_before_the_decks_are_listed_studies_the_first_deck(make_app, monkeypatch):
    from dlquiz.tui.screens.review import ReviewScreen

    slow_catalog(monkeypatch)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.screen.query_one("#decks", DataTable).row_count == 0  # still loading
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.state == "front")
        assert app.screen.plan.decks == ("tuideck",)


# -- the footer: every key whole at 80 and 100 columns ---------------------------------


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    """The screen as plain text, one line per row (what a terminal would show)."""
    update = app.screen._compositor.render_full_update()
    return "\n".join("".join(segment.text for segment in strip) for strip in update.strips)


def assert_footer_whole(app, where: str) -> None:  # type: ignore[no-untyped-def]
    """Every binding the footer should show is on screen as ``key description`` (or compact)."""
    from dlquiz.tui.widgets.key_bar import compact

    bar = app.screen.query_one("KeyBar")
    footer = screen_text(app).splitlines()[-bar.size.height:]
    text = "\n".join(footer)
    seen: set[str] = set()
    missing = []
    for _node, binding, _enabled, _tip in app.screen.active_bindings.values():
        action = binding.action.removeprefix("app.")
        if binding.action in {"command_palette", "app.command_palette"}:
            shown = f"{app.get_key_display(binding)} {binding.description}"
            if shown not in text:
                missing.append(shown)
            continue
        if not binding.show or action in seen:
            continue
        seen.add(action)
        key = app.get_key_display(binding)
        if f" {key} {binding.description} " not in f"{text} " and f" {key} {compact(binding.description)} " not in f"{text} ":
            missing.append(f"{key} {binding.description}")
    assert not missing, f"{where}: not fully shown: {missing}\n{text}"
    assert seen, f"{where}: no keys at all"


async def check_both_sizes(app, pilot, where: str) -> None:  # type: ignore[no-untyped-def]
    for size in ((80, 24), (100, 30)):
        await pilot.resize_terminal(*size)
        await pilot.pause(0.05)
        assert_footer_whole(app, f"{where} {size}")


async def test_footer_shows_every_key_at_80_and_100_columns(make_app):
    from dlquiz.tui.screens.review import ReviewScreen
    from tests.tui.test_coding import open_from_exercise_list

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.screen.query_one("#decks", DataTable).row_count > 0)
        await check_both_sizes(app, pilot, "home")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.state == "front")
        await check_both_sizes(app, pilot, "review")
        await pilot.press("escape")
        for key, name in (("x", "ExercisesScreen"), ("t", "StatsScreen"), ("o", "SettingsScreen")):
            await pilot.press(key)
            await until(pilot, lambda name=name: type(app.screen).__name__ == name)
            await check_both_sizes(app, pilot, name)
            await pilot.press("escape")
            await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        await open_from_exercise_list(app, pilot)  # the screen with the most keys
        await check_both_sizes(app, pilot, "coding")


# -- settings from the keyboard alone ----------------------------------------------------


async def test_settings_open_on_the_first_field_and_work_from_the_keyboard(make_app, isolated_home):
    from textual.widgets import Input, Select

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one("#decks", DataTable).row_count > 0)
        await pilot.press("o")
        await until(pilot, lambda: type(app.screen).__name__ == "SettingsScreen")
        await pilot.pause()
        assert isinstance(app.focused, Input) and app.focused.id == "new_per_day"
        await pilot.press("ctrl+a", "backspace", *"7", "tab")  # type a value, move on
        assert app.focused.id == "reviews_per_day"
        order = [app.focused.id]
        for _ in range(8):
            await pilot.press("tab")
            order.append(app.focused.id)
        assert order[:4] == ["reviews_per_day", "day_start_hour", "leech_threshold", "desired_retention"]
        assert "scheduler" in order and isinstance(app.screen.query_one("#scheduler"), Select)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "new_per_day = 7" in (isolated_home / "config.toml").read_text()
                    if (isolated_home / "config.toml").exists() else False)
        await pilot.press("escape")  # from inside a field: straight back to the decks
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        await pilot.press("o")
        await until(pilot, lambda: type(app.screen).__name__ == "SettingsScreen")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "new_per_day"  # again on the way back


# -- one vocabulary: cards are what is scheduled, notes the YAML entries ---------------------

CLOZE_DECK = """\
id: clozes
title: Cloze deck with a title far too long to fit beside its counts at eighty columns
description: Two notes, three cards.
cards:
  - {id: a, type: basic, topics: [ml.terms], front: A?, back: A.}
  - {id: b, type: cloze, topics: [ml.terms], text: "{{c1::x}} then {{c2::y}}"}
"""


async def test_the_cli_and_the_app_count_the_same_cards(deck_dir, isolated_home, capsys):
    import json

    from dlquiz.cli import main
    from dlquiz.paths import resolve_paths
    from dlquiz.tui.app import DlquizApp
    from dlquiz.tui.context import AppContext
    from tests.tui.conftest import FIXED_NOW

    (deck_dir / "clozes.yaml").write_text(CLOZE_DECK, encoding="utf-8")
    assert main(["--deck", str(deck_dir), "decks", "list", "--json"]) == 0
    records = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    cli = records["clozes"]
    assert (cli["cards"], cli["notes"], cli["new"]) == (3, 2, 3)  # basic + c1 + c2; 2 entries
    ctx = AppContext(paths=resolve_paths(isolated_home), deck_paths=(str(deck_dir),),
                     now=lambda: FIXED_NOW, seed=7, only_decks=("clozes", "tuideck"))
    app = DlquizApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "today:" in str(app.screen.query_one("#totals").render()))
        await pilot.pause()
        header, first = screen_text(app).splitlines()[1:3]
        assert header.split()[-4:] == ["Due", "New", "Cards", "Status"]  # the counts stay on screen
        assert first.split()[-3:] == ["0", "3", "3"] and "…" in first  # the long title is cut
        table = app.screen.query_one("#decks", DataTable)
        for deck in ("clozes", "tuideck"):
            shown = tuple(str(table.get_cell(deck, column)) for column in ("cards", "due", "new"))
            assert shown == tuple(str(records[deck][k]) for k in ("cards", "due", "new")), deck


def two_deck_app(deck_dir, isolated_home):  # type: ignore[no-untyped-def]
    from dlquiz.paths import resolve_paths
    from dlquiz.tui.app import DlquizApp
    from dlquiz.tui.context import AppContext
    from tests.tui.conftest import FIXED_NOW

    (deck_dir / "clozes.yaml").write_text(CLOZE_DECK, encoding="utf-8")  # listed first ("C" < "T")
    ctx = AppContext(paths=resolve_paths(isolated_home), deck_paths=(str(deck_dir),),
                     now=lambda: FIXED_NOW, seed=7, only_decks=("clozes", "tuideck"))
    return DlquizApp(ctx)


async def test_down_then_enter_typed_before_the_decks_are_listed_studies_the_second_deck(
        deck_dir, isolated_home, monkeypatch):
    from dlquiz.tui.screens.review import ReviewScreen

    slow_catalog(monkeypatch)
    app = two_deck_app(deck_dir, isolated_home)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "enter")  # in order, both held, both replayed
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.state == "front")
        assert app.screen.plan.decks == ("tuideck",)


async def test_down_then_enter_in_one_burst_studies_the_second_deck(deck_dir, isolated_home):
    from dlquiz.tui.screens.review import ReviewScreen

    app = two_deck_app(deck_dir, isolated_home)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one("#decks", DataTable).row_count == 2)
        await pilot.press("down", "enter")  # enter is a priority binding: it must wait for down
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.state == "front")
        assert app.screen.plan.decks == ("tuideck",)


async def test_an_enter_typed_before_the_terminal_was_set_up_still_studies(make_app):
    """Typed in a launch's first ms, the terminal turned it into a newline: ctrl+j."""
    from dlquiz.tui.screens.review import ReviewScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one("#decks", DataTable).row_count > 0)
        await pilot.press("ctrl+j")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert app.screen.plan.decks == ("tuideck",)
