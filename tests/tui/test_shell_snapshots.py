"""Snapshots of the app shell's screens at 80x24 and 120x40 (fixture deck, fixed clock, UTC).

Regenerate after an intended change with
``pytest tests/tui/test_shell_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import pytest

from tests.tui.conftest import until

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_home_shell(make_app, snap_compare, size):
    app = make_app()

    async def ready(pilot):
        await until(pilot, lambda: "today:" in str(app.screen.query_one("#totals").render()))

    assert snap_compare(app, run_before=ready, terminal_size=size)


async def settled(pilot, app) -> None:  # type: ignore[no-untyped-def]
    """Wait until no scroll animation runs and every scrollable's offset and size hold still.

    Focusing the first field scrolls it into view with an animation; a snapshot
    taken mid-way (seen on a loaded CI machine) shows the scrollbar a row off.
    """
    def scroll_state():  # type: ignore[no-untyped-def]
        return [(w.scroll_offset, w.virtual_size, w.size) for w in app.screen.query("*")
                if w.is_scrollable]

    seen, steady = None, 0
    while steady < 3:
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.05)
        now = scroll_state()
        steady = steady + 1 if now == seen else 0
        seen = now


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_settings_shell(make_app, snap_compare, size):
    app = make_app()

    async def ready(pilot):
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
        await pilot.press("o")
        await until(pilot, lambda: type(app.screen).__name__ == "SettingsScreen"
                    and getattr(app.focused, "id", None) == "new_per_day")
        app.screen.query_one("#new_per_day").cursor_blink = False
        for hint in app.screen.query(".hint"):  # the temporary home's path varies in length
            if "Saved to" in str(hint.render()):
                hint.update("Saved to DLQUIZ_HOME/config.toml (also editable by hand).")
        await settled(pilot, app)

    assert snap_compare(app, run_before=ready, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_help_shell(make_app, snap_compare, size, isolated_home):
    (isolated_home / "config.toml").write_text('[keys]\n"home.study" = "l"\n', encoding="utf-8")
    app = make_app()

    async def ready(pilot):
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
        await pilot.press("question_mark")
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        await pilot.pause(0.2)

    assert snap_compare(app, run_before=ready, terminal_size=size)
