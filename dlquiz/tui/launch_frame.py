"""The app's half of the launch splash (:mod:`dlquiz.splash`): take over from it, save it.

Taking over: Textual's Linux driver enters the alternate screen when it
starts, and several terminals (xterm, VTE) clear that screen when asked to
enter it while already on it, which would blank the splash for the ~80 ms
before Textual's first frame. :func:`driver_class` gives the app a driver that
skips that one request when a splash is showing (the splash entered the
alternate screen already; Textual's exit leaves it as usual) and hands the
terminal settings back just before Textual saves them. If the terminal was
resized while the splash showed, it clears the screen instead: Textual draws
for the new size and would leave parts of the old frame standing.

Saving: on a launch without a usable splash, the decks screen calls
:func:`save_first_frame` once its table is drawn and before it asks the store
for today's counts, so the saved frame shows the decks with their counts
pending, which is never stale. Saving renders the screen once more (~5 ms)
and happens only when the terminal size, the environment, the decks, the
config or dlquiz itself changed since the last save.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from textual.driver import Driver

from dlquiz import splash

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from dlquiz.decks.catalog import Catalog
    from dlquiz.paths import Paths

CLEAR_SCREEN = "\x1b[2J"
#: Modules whose files draw the decks screen: a change to any of them retires saved frames.
DRAWN_BY = ("textual", "rich", "dlquiz", "dlquiz.splash", "dlquiz.tui.app", "dlquiz.tui.keymap",
            "dlquiz.tui.themes", "dlquiz.tui.screens.home", "dlquiz.tui.screens.base",
            "dlquiz.tui.widgets.key_bar")


def driver_class(default: type[Driver]) -> type[Driver]:
    """``default``, or a subclass that takes over from the splash when one is showing."""
    from textual.drivers.linux_driver import LinuxDriver

    if splash.current() is None or default is not LinuxDriver:
        return default

    class AfterSplashDriver(LinuxDriver):
        """Textual's Linux driver, starting on the screen the splash already drew."""

        _skip_alt_screen = True

        #: The terminal was resized since the splash: clear it rather than draw over it.
        _clear_splash = False

        def start_application_mode(self) -> None:
            shown = splash.current()
            if shown is not None:
                shown.hand_over()  # the learner's tty settings are the ones Textual saves
                if tuple(self._get_terminal_size()) != tuple(shown.size):
                    self._skip_alt_screen, self._clear_splash = False, True
            else:
                self._skip_alt_screen = False
            super().start_application_mode()  # type: ignore[no-untyped-call]

        def write(self, data: str) -> None:
            if data == splash.ALT_SCREEN_ON:
                if self._skip_alt_screen:
                    self._skip_alt_screen = False
                    return
                if self._clear_splash:  # Textual's frames are laid out for the new size
                    self._clear_splash = False
                    data += CLEAR_SCREEN
            super().write(data)

    return AfterSplashDriver


def render_frame(app: App[object], screen: Screen[object]) -> tuple[str, str]:
    """The screen as terminal output (each line placed absolutely), and its plain text."""
    strips = screen._compositor.render_strips()
    console = app.console
    frame = "".join(f"\x1b[{y};1H{strip.render(console)}" for y, strip in enumerate(strips, 1))
    return frame, "\n".join(strip.text for strip in strips)


def depends_of(paths: Paths, catalog: Catalog) -> list[splash.Stamp]:
    """Everything the decks frame was drawn from, stamped (see :mod:`dlquiz.splash`)."""
    from dlquiz.decks.catalog import env_deck_paths
    from dlquiz.paths import bundled_decks_dir

    stamps: dict[str, tuple[int, int] | None] = dict(catalog.stamps)
    folders = {bundled_decks_dir(), paths.user_decks_dir, *env_deck_paths()}
    folders |= {Path(p).parent for p in stamps}
    for root in [paths.user_decks_dir, *env_deck_paths()]:
        if root.is_dir():
            folders |= {Path(walked) for walked, _dirs, _files in os.walk(root)}
    for folder in folders:
        stamps[str(folder)] = splash.stamp_of(folder)
    stamps[str(paths.config_file)] = splash.stamp_of(paths.config_file)
    files = [getattr(sys.modules.get(name), "__file__", None) for name in DRAWN_BY]
    here = Path(__file__).parent
    for file in [*files, here / "app.tcss", here / "screens" / "home.tcss"]:
        if file:
            stamps[str(file)] = splash.stamp_of(file)
    return sorted(stamps.items())


def save_first_frame(app: App[object], screen: Screen[object], must_show: str,
                     paths: Paths, catalog: Catalog) -> bool | None:
    """Save ``screen`` for the next launch if one is wanted: True saved, False not drawn yet.

    ``None``: nothing to do (a splash was shown, or this is not a bare ``dlquiz``
    on a terminal). ``False``: the screen does not show ``must_show`` yet (the
    table has not drawn its rows); the caller tries again after the next
    refresh. Any error writing the file
    only costs the next launch its splash.
    """
    target = splash.wanted()
    if target is None:
        return None
    path, size = target
    if tuple(app.size) != size or not screen.is_current:  # resized, or a key left the screen
        splash.done_saving()
        return None
    frame, text = render_frame(app, screen)
    if must_show not in text:
        return False
    try:
        splash.save(path, size, frame, depends_of(paths, catalog))
    except OSError:
        pass
    splash.done_saving()
    return True
