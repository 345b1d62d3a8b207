"""BaseScreen.db: a screen that closes while the store answers stops quietly.

A CI run once caught ``NoMatches`` at shutdown: a worker awaited the store, the
app closed meanwhile, and the worker went on to query widgets that were gone.
Every screen now awaits the store through ``BaseScreen.db``.
"""

from __future__ import annotations

import threading

from textual.worker import WorkerState
from textual.app import ComposeResult
from textual.widgets import Static

from dlquiz.tui.screens.base import BaseScreen
from tests.tui.conftest import until


class SlowScreen(BaseScreen[None]):
    """Asks the store something slow, then shows it (if it is still there)."""

    def __init__(self, release: threading.Event, ran: list[str]) -> None:
        super().__init__()
        self.release, self.ran, self.shown = release, ran, False
        self.started = threading.Event()

    def compose(self) -> ComposeResult:
        yield Static("waiting", id="answer")

    def on_mount(self) -> None:
        # An app-level worker, as a callback from elsewhere would be: closing the
        # screen does not cancel it, so only BaseScreen.db can stop it in time.
        self.worker = self.app.run_worker(self.ask(), exit_on_error=False)

    async def ask(self) -> None:
        def slow(store: object) -> str:
            self.started.set()
            self.release.wait(10)
            self.ran.append("committed")
            return "answer"

        answer = await self.db(slow)
        self.query_one("#answer", Static).update(answer)  # NoMatches if the screen were gone
        self.shown = True


async def test_a_screen_dismissed_while_the_store_answers_stops_quietly(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    release, ran = threading.Event(), []
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.screen.query("#decks"))
        screen = SlowScreen(release, ran)
        app.push_screen(screen)
        await until(pilot, screen.started.is_set)  # the store is working on it
        app.pop_screen()
        await pilot.pause()
        release.set()
        await until(pilot, lambda: ran == ["committed"])
        await until(pilot, lambda: screen.worker.is_finished)
        assert screen.worker.state == WorkerState.CANCELLED, screen.worker.error
        assert app.is_running and not screen.shown  # the work was done, nothing was shown
    assert app.return_code in (None, 0)


async def test_a_screen_still_open_shows_the_answer(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    release, ran = threading.Event(), []
    release.set()
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.screen.query("#decks"))
        screen = SlowScreen(release, ran)
        app.push_screen(screen)
        await until(pilot, lambda: screen.shown)
        assert str(screen.query_one("#answer", Static).render()) == "answer"
