"""Stats, settings, help, command palette and the app entry point."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from textual.widgets import DataTable, Input

from dlquiz.config import load_settings
from dlquiz.paths import resolve_paths
from tests.tui.conftest import FIXED_NOW, open_store, until


def seed_reviews(home: Path) -> None:
    """Two answered cards through the core's single write path, on the fixed clock."""

    with open_store(home) as store:
        store.answer("tuideck/relu", 4, grade="good", graded_by="self", duration_s=2.0, now=FIXED_NOW)
        store.answer("tuideck/pick", 1, grade="wrong", graded_by="auto", duration_s=3.0, now=FIXED_NOW)
        store.record_attempt("add-one", "pass", 2, 2, 0, 0.5)


async def test_stats_screen_renders_the_data(make_app, isolated_home):
    seed_reviews(isolated_home)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("t")
        await until(pilot, lambda: app.screen.query("Heatmap"))
        totals = str(app.screen.query_one("#totals").render())
        assert "reviews 2 (2 today)" in totals
        assert "exercises solved 1" in totals
        heatmap = str(app.screen.query_one("Heatmap").render())
        assert "busiest day: 2" in heatmap
        forecast = str(app.screen.query_one("ForecastBars").render())
        assert "total 2" in forecast  # both answered cards are due tomorrow
        table = app.screen.query_one("#topics", DataTable)
        topics = [str(k.value) for k in table.rows]
        assert set(topics) == {"arch.transformer", "ml.metrics", "detection.nms", "arch.conv"}
        await pilot.press("s")  # sort by topic name
        await pilot.pause()
        assert [str(k.value) for k in table.rows] == sorted(topics)
        await pilot.press("escape")
        await until(pilot, lambda: app.current_mode == "home")


async def test_settings_change_persists(make_app, isolated_home):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.screen.query("#decks"))
        await pilot.press("o")
        await until(pilot, lambda: app.screen.query("#new_per_day"))
        field = app.screen.query_one("#new_per_day", Input)
        field.value = "7"
        app.screen.query_one("#day_start_hour", Input).value = "5"
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = load_settings(resolve_paths(isolated_home))
    assert (saved.new_per_day, saved.day_start_hour) == (7, 5)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("o")
        await until(pilot, lambda: app.screen.query("#new_per_day"))
        assert app.screen.query_one("#new_per_day", Input).value == "7"


async def test_settings_reject_a_bad_hour(make_app, isolated_home):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("o")
        await until(pilot, lambda: app.screen.query("#day_start_hour"))
        app.screen.query_one("#day_start_hour", Input).value = "31"
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = str(app.screen.query_one("#settings-error").render())
        assert shown.startswith("day_start_hour: expected an integer 0-23, got 31")
        await pilot.press("escape")
        await until(pilot, lambda: not app.screen.query("#day_start_hour"))
        await pilot.press("o")  # back again: the unsaved edit is gone
        await until(pilot, lambda: app.screen.query("#day_start_hour"))
        assert app.screen.query_one("#day_start_hour", Input).value == "4"
    assert not resolve_paths(isolated_home).config_file.exists()


async def test_help_lists_the_keys_of_the_screen(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.screen.query("#decks"))
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.query_one("Markdown").source
        assert "All due" in text and "Cram" in text and "ctrl+q" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query("#decks")


async def test_home_lists_broken_decks_with_their_error(make_app, deck_dir):
    (deck_dir / "broken.yaml").write_text("id: brokendeck\ntitle: B\ndescription: x\ncards: 3\n")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count == 2)
        table = app.screen.query_one("#decks", DataTable)
        table.move_cursor(row=1)
        await pilot.pause()
        detail = str(app.screen.query_one("#detail").render())
        assert "Broken deck" in detail and "broken.yaml:4" in detail


async def test_q_quits_from_home(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.screen.query("#decks"))
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


def test_run_app_reports_a_corrupt_database(isolated_home, capsys):
    from dlquiz.commands.app import run_app

    paths = resolve_paths(isolated_home)
    paths.database.parent.mkdir(parents=True, exist_ok=True)
    paths.database.write_bytes(b"this is not sqlite" * 10)
    code = run_app(argparse.Namespace(data_dir=None, deck_paths=[]))
    assert code == 1
    assert "dlquiz db restore" in capsys.readouterr().err


async def test_command_palette_offers_decks_exercises_and_actions(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Study: TUI fixture deck" in titles
        assert "Exercise: Add one" in titles
        assert "Stats" in titles and "Settings" in titles


async def test_deck_titles_and_errors_are_shown_as_written(make_app, deck_dir):
    """Square brackets in a title or an error message are text, not Rich/Textual markup."""
    deck = (deck_dir / "tuideck.yaml").read_text()
    (deck_dir / "tuideck.yaml").write_text(deck.replace("title: TUI fixture deck",
                                                        "title: \"[b] brackets [red]\""))
    (deck_dir / "broken.yaml").write_text(
        "id: tuideck-broken\ntitle: B\ndescription: d\ncards:\n  - id: q\n    type: choice\n"
        "    topics: [ml.metrics]\n    front: F\n    choices: [x, y]\n    answer: '[a] y'\n"
        "    explanation: E\n")
    app = make_app()
    app.ctx.only_decks = ("tuideck", "tuideck-broken")
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
        table = app.screen.query_one("#decks", DataTable)
        assert str(table.get_cell("tuideck", "deck")) == "[b] brackets [red]"
        assert "[b] brackets [red]" in str(app.screen.query_one("#detail").render())
        table.move_cursor(row=1)
        await pilot.pause()
        detail = str(app.screen.query_one("#detail").render())
        assert "Broken deck" in detail and "cards[0].answer" in detail
        assert "('[a] y')" in detail


async def test_home_reloads_a_deck_when_its_file_changes(make_app, deck_dir, monkeypatch):
    from dlquiz.tui.screens import home as home_module

    monkeypatch.setattr(home_module, "WATCH_INTERVAL_S", 0.1)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        table_ready = lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count == 1  # noqa: E731
        await until(pilot, table_ready)
        table = app.screen.query_one("#decks", DataTable)
        assert str(table.get_cell("tuideck", "cards")) == "5"
        deck = deck_dir / "tuideck.yaml"
        extra = ("  - id: added-later\n    type: basic\n    topics: [arch.conv]\n"
                 "    front: Added while the app was open?\n    back: Yes.\n")
        text = deck.read_text(encoding="utf-8").replace("exercises:\n", extra + "exercises:\n")
        deck.write_text(text, encoding="utf-8")
        stamp = deck.stat().st_mtime + 5
        os.utime(deck, (stamp, stamp))
        await until(pilot, lambda: str(app.screen.query_one("#decks", DataTable)
                                       .get_cell("tuideck", "cards")) == "6")


def test_starting_the_app_takes_the_daily_backup(isolated_home):
    from dlquiz.commands.app import run_app
    from dlquiz.store.backup import list_backups

    def quit_when_shown(app):
        app.call_later(app.exit)

    args = argparse.Namespace(data_dir=None, deck_paths=[])
    assert run_app(args, configure=quit_when_shown) == 0
    backups = list_backups(resolve_paths(isolated_home).backups_dir)
    assert len(backups) == 1
    assert run_app(args, configure=quit_when_shown) == 0  # a second start the same day: none
    assert list_backups(resolve_paths(isolated_home).backups_dir) == backups


async def test_home_total_new_respects_the_global_daily_limit(deck_dir, isolated_home):
    from dlquiz.tui.app import DlquizApp
    from dlquiz.tui.context import AppContext

    (deck_dir / "second.yaml").write_text(
        "id: second\ntitle: Second deck\ndescription: Two more new cards.\ncards:\n"
        "  - {id: a, type: basic, topics: [ml.terms], front: A?, back: A.}\n"
        "  - {id: b, type: basic, topics: [ml.terms], front: B?, back: B.}\n", encoding="utf-8")
    (isolated_home / "config.toml").write_text("new_per_day = 3\n", encoding="utf-8")
    ctx = AppContext(paths=resolve_paths(isolated_home), deck_paths=(str(deck_dir),),
                     now=lambda: FIXED_NOW, seed=7, only_decks=("tuideck", "second"))
    app = DlquizApp(ctx)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: "today:" in str(app.screen.query_one("#totals").render()))
        table = app.screen.query_one("#decks", DataTable)
        assert str(table.get_cell("tuideck", "new")) == "3"
        assert str(table.get_cell("second", "new")) == "2"
        assert "3 new" in str(app.screen.query_one("#totals").render())  # not 3 + 2
