"""The dlquiz Textual app: modes, global keys and wiring, nothing else.

Modes are the top-level places (decks, exercises, stats, settings), each with
its own screen stack; study sessions and exercises are pushed on top of the
mode they were started from, so ``escape`` always goes back one screen.

Only the home screen is imported up front: every other screen module (and
what it pulls in, such as Textual's Markdown widget) is imported the first
time it is opened, which keeps the cold start close to a bare Textual app.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from dlquiz.tui.context import AppContext
from dlquiz.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from textual.driver import Driver

    from dlquiz.tui.study import StudyPlan

def _exercises_screen() -> Screen[None]:
    from dlquiz.tui.screens.exercises import ExercisesScreen

    return ExercisesScreen()


def _stats_screen() -> Screen[None]:
    from dlquiz.tui.screens.stats import StatsScreen

    return StatsScreen()


def _settings_screen() -> Screen[None]:
    from dlquiz.tui.screens.settings import SettingsScreen

    return SettingsScreen()



#: Keys that act even while keys are held: quitting never waits for the decks.
QUIT_KEYS = frozenset({"ctrl+q", "ctrl+c"})


class DlquizApp(App[None]):
    """Spaced-repetition study and graded coding exercises in the terminal."""

    TITLE = "dlquiz"
    #: The decks screen's rules are part of the app's stylesheet, not the screen's own
    #: CSS_PATH: a screen that brings CSS makes Textual re-parse every stylesheet when
    #: it first shows, and this one shows at launch (about 15 ms of start-up).
    CSS_PATH = [Path(__file__).with_name("app.tcss"), Path(__file__).with_name("screens") / "home.tcss"]
    MODES = {
        "home": HomeScreen,
        "exercises": _exercises_screen,
        "stats": _stats_screen,
        "settings": _settings_screen,
    }
    DEFAULT_MODE = "home"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("question_mark", "help", "Keys", key_display="?", id="app.help"),
    ]

    def __init__(self, ctx: AppContext, *, plan: StudyPlan | None = None) -> None:
        """``plan``: open straight into that study session (``dlquiz study``), over home."""
        super().__init__()
        self.ctx = ctx
        self.start_plan = plan
        #: Keys pressed while a screen waits for its data (see hold_keys), in order.
        self._held_keys: list[events.Key] | None = None
        self._quit_keys = QUIT_KEYS

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, or one that takes over from the launch splash (dlquiz.splash)."""
        from dlquiz.tui.launch_frame import driver_class

        return driver_class(super().get_driver_class())

    # -- keys pressed before the data is there -----------------------------------------

    def hold_keys(self) -> None:
        """Keep every key pressed from now on (except quit) until :meth:`release_keys`.

        Why: the decks screen draws its first frame before a cold start has
        parsed the decks; ``enter`` pressed in that moment must study the first
        deck once it is listed, not do nothing.
        """
        if self._held_keys is None:
            self._held_keys = []

    def release_keys(self) -> None:
        """Replay the held keys, in the order they were pressed, then stop holding."""
        held, self._held_keys = self._held_keys, None
        for key in held or ():
            self.post_message(events.Key(key.key, key.character))

    async def on_event(self, event: events.Event) -> None:
        if (self._held_keys is not None and isinstance(event, events.Key)
                and not event.is_forwarded and event.key not in self._quit_keys):
            self._held_keys.append(event)
            return
        await super().on_event(event)

    def on_mount(self) -> None:
        theme = getattr(self.ctx.config, "theme", "")
        if theme in self.available_themes:
            self.theme = theme
        if self.ctx.config.keys:
            self._apply_keymap()
        if self.start_plan is not None:
            # Pushed over the decks screen so escape lands on home, as for any session.
            self.call_later(self._study, self.start_plan)

    # -- the user's keymap ([keys] in config.toml) ------------------------------------

    def _apply_keymap(self) -> None:
        """Rebind the keys the user chose; report each bad entry in one line, keep its default."""
        from dlquiz.tui.keymap import build_keymap

        keymap, errors = build_keymap(self.ctx.config.keys, str(self.ctx.paths.config_file))
        self.set_keymap(keymap)
        if "app.quit" in self._keymap:  # quitting still works while keys are held
            self._quit_keys = frozenset({"ctrl+c", *self._keymap["app.quit"].split(",")})
        for error in errors:
            self.notify(error, severity="error", timeout=20)
        # Knowing every binding id imports every screen: after the first frame, off this thread.
        self.call_after_refresh(lambda: self.run_worker(self._check_keymap_ids, thread=True,
                                                        group="keymap", exit_on_error=False))

    def _check_keymap_ids(self) -> None:
        from dlquiz.tui.keymap import all_bindings, clashes, unknown_ids

        source = str(self.ctx.paths.config_file)
        known = all_bindings()
        errors = unknown_ids(self.ctx.config.keys, known, source)
        errors += clashes(self.ctx.config.keys, self._keymap, source)
        for error in errors:
            self.call_from_thread(self.notify, error, severity="error", timeout=20)

    def action_help(self) -> None:
        from dlquiz.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_go(self, mode: str) -> None:
        """Switch to a top-level place (``home``, ``exercises``, ``stats``, ``settings``)."""
        self.switch_mode(mode)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Decks", "Your decks and what is due", lambda: self.action_go("home"))
        yield SystemCommand(
            "Exercises", "All coding exercises", lambda: self.action_go("exercises")
        )
        yield SystemCommand("Stats", "Reviews, forecast and mastery", lambda: self.action_go("stats"))
        yield SystemCommand("Settings", "Daily limits, day start, theme", lambda: self.action_go("settings"))
        yield SystemCommand("Mock interview", "A timed DL/CV interview: concepts, follow-ups, "
                            "numeric, coding; report and history", self.action_mock)
        yield SystemCommand("Browse cards", "Search every card; suspend, bury, reset, edit, cram",
                            self.action_browse)
        yield SystemCommand("Keys", "Every key binding", self.action_help)
        yield from self._content_commands()

    def _content_commands(self) -> Iterable[SystemCommand]:
        """Study any deck, practise any exercise (once the decks have been loaded)."""
        from functools import partial

        from dlquiz.tui.study import StudyPlan

        if self.ctx._catalog is None:
            return
        for deck in self.ctx.catalog.decks:
            yield SystemCommand(f"Study: {deck.title}", f"Due and new cards of {deck.id}",
                                partial(self._study, StudyPlan(decks=(deck.id,))))
            yield SystemCommand(f"Cram: {deck.title}", "Practise ahead; schedule untouched",
                                partial(self._study, StudyPlan(decks=(deck.id,), cram=True)))
        from dlquiz.tui.screens.exercises import all_exercises

        for exercise in all_exercises(self.ctx).values():
            yield SystemCommand(f"Exercise: {exercise.title}", f"Practise {exercise.id}",
                                partial(self._practise, exercise))

    def action_browse(self) -> None:
        """Open the card browser (home's ``b``, the palette)."""
        from dlquiz.tui.screens.browser import BrowserScreen

        self.push_screen(BrowserScreen())

    def action_mock(self) -> None:
        """Set up a mock interview (home's ``m``, the palette)."""
        from dlquiz.tui.screens.mock import MockSetupScreen

        self.push_screen(MockSetupScreen())

    def _study(self, plan: StudyPlan) -> None:
        from dlquiz.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(plan))

    def _practise(self, exercise: object) -> None:
        from dlquiz.tui.screens.coding import CodingScreen

        self.push_screen(CodingScreen(exercise))  # type: ignore[arg-type]

    async def action_quit(self) -> None:
        for screen in self.screen_stack:
            flush = getattr(screen, "flush_draft", None)
            if flush is not None:
                flush()
        self.exit()

    def on_unmount(self) -> None:
        self.ctx.close()
