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
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert app.screen.plan.decks == ("tuideck",)
