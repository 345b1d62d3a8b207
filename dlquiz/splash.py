"""The decks screen drawn from the last launch's frame, before Textual has loaded.

Why: what a learner waits for after typing ``dlquiz`` is the list of decks. A
bare Textual app needs ~230 ms on this machine just to import Textual and draw
one line; dlquiz's decks screen needed ~390 ms, and no trimming of dlquiz's
own work closes that gap, because most of it is Textual importing, parsing CSS
and laying out widgets. So the launcher draws the screen the learner is about
to see straight away (~30 ms after the interpreter starts) from a copy of that
screen's first frame saved by an earlier launch, and Textual draws over it once
it runs. Keys typed meanwhile stay in the terminal's input queue (echo is off)
and reach the app when it starts reading; the decks screen holds them until
its data is there, so ``enter`` pressed on the splash studies the first deck.

The saved frame (``<cache>/splash/<cols>x<rows>-<env>.frame``) is the decks
screen exactly as Textual rendered it, with today's counts still pending
("…"), so nothing in it can be out of date for the few hundred milliseconds it
shows. It is used only when everything it was drawn from is unchanged: the
terminal size; the environment variables that change colours or encoding;
every deck file, deck folder and override; ``config.toml`` (theme, keymap);
and the dlquiz and Textual files that draw the screen (a stat of each, ~0.2 ms
in all). Otherwise, and on a terminal size seen for the first time, there is
no splash, and the decks screen saves a fresh frame for the next launch.

Only the bare ``dlquiz`` (optionally ``--data-dir DIR``) on a terminal shows
it; ``DLQUIZ_SPLASH=0`` turns it off. This module imports nothing of Textual or
of the rest of dlquiz but :mod:`dlquiz.paths`: it runs first.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

#: Bump when the file layout changes (older files are then ignored).
FORMAT = 2
ENV_SWITCH = "DLQUIZ_SPLASH"
ALT_SCREEN_ON = "\x1b[?1049h"
ALT_SCREEN_OFF = "\x1b[?1049l"
#: Hide the cursor and stop auto-wrap (a full last line must not scroll), as Textual does.
ENTER = ALT_SCREEN_ON + "\x1b[?25l\x1b[?7l"
LEAVE = "\x1b[?7h\x1b[?25h" + ALT_SCREEN_OFF
#: Variables that change how Textual and Rich draw (colour depth, encoding, driver).
ENV_PREFIXES = ("TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "TEXTUAL", "LANG", "LC_",
                "COLUMNS", "LINES", "DLQUIZ_DECKS")
#: Splash files kept per data directory (one per terminal size and environment).
KEEP = 8

#: One dependency: a path and its (mtime_ns, size), or ``None`` for "must not exist".
Stamp = tuple[str, tuple[int, int] | None]


def stamp_of(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def env_fingerprint(environ: dict[str, str] | os._Environ[str]) -> str:
    """A short hash of the variables in :data:`ENV_PREFIXES` (names and values)."""
    import zlib

    chosen = sorted((k, v) for k, v in environ.items() if k.startswith(ENV_PREFIXES))
    return f"{zlib.crc32(repr(chosen).encode('utf-8', 'replace')):08x}"


def frame_file(cache_dir: Path, size: tuple[int, int], environ: dict[str, str] | os._Environ[str]) -> Path:
    """Where the frame for this terminal size and environment is kept."""
    return cache_dir / "splash" / f"{size[0]}x{size[1]}-{env_fingerprint(environ)}.frame"


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until all of ``data`` is out (a terminal may take a large frame in parts)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def terminal_size(environ: dict[str, str] | os._Environ[str]) -> tuple[int, int]:
    """The size Textual will use: :func:`shutil.get_terminal_size`'s rules, without importing shutil.

    ``$COLUMNS`` / ``$LINES`` first, then the terminal on stdout, else 80x24.
    """
    def from_env(name: str) -> int:
        try:
            return int(environ.get(name, "0"))
        except ValueError:
            return 0

    columns, lines = from_env("COLUMNS"), from_env("LINES")
    if columns <= 0 or lines <= 0:
        try:
            measured = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            measured = os.terminal_size((80, 24))
        columns = columns if columns > 0 else measured.columns
        lines = lines if lines > 0 else measured.lines
    return (columns, lines)


def still_valid(depends: Iterable[Stamp]) -> bool:
    """Whether every dependency still has the stamp it had when the frame was saved.

    A malformed entry (a file edited by hand) counts as changed.
    """
    for path, st in depends:
        if not isinstance(path, str) or stamp_of(path) != (tuple(st) if st is not None else None):
            return False
    return True


class Splash:
    """A frame on the terminal (and echo turned off) until Textual takes over.

    :meth:`hand_over` is called by the app's driver just before Textual sets
    up the terminal: the terminal's own settings are put back first, so the
    ones Textual saves (and restores at exit) are the learner's, not ours.
    :meth:`withdraw` undoes everything when the app never starts (an error
    message, an interrupt): the alternate screen is left before anything is
    printed, so the message is not drawn on a screen that then vanishes.
    """

    def __init__(self, fd: int, saved: list[Any] | None, size: tuple[int, int] = (0, 0)) -> None:
        self.fd = fd
        self.saved = saved
        #: The terminal size the frame was drawn for (a resize since makes it garbage).
        self.size = size
        self.active = True

    def hand_over(self) -> None:
        """The app's driver takes the terminal: restore its settings, keep the screen."""
        if self.active:
            self.active = False
            self._restore_tty()

    def withdraw(self) -> None:
        """The app is not coming: leave the alternate screen, show the cursor, restore echo."""
        if self.active:
            self.active = False
            try:
                write_all(self.fd, LEAVE.encode())
            except OSError:
                pass
            self._restore_tty()

    def _restore_tty(self) -> None:
        if self.saved is None:
            return
        import termios

        try:
            termios.tcsetattr(0, termios.TCSANOW, self.saved)
        except termios.error:
            pass


class _WithdrawOnWrite:
    """``sys.stderr`` while a splash shows: the first message takes the splash down first."""

    def __init__(self, stream: object, splash: Splash) -> None:
        self._stream = stream
        self._splash = splash

    def write(self, text: str) -> int:
        self._splash.withdraw()
        return self._stream.write(text)  # type: ignore[attr-defined, no-any-return]

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


#: The splash this process drew (``None``: none), and where a fresh frame should go.
_current: Splash | None = None
_wanted: tuple[Path, tuple[int, int]] | None = None


def current() -> Splash | None:
    """The splash on the terminal now (``None`` once there is none to hand over)."""
    return _current if _current is not None and _current.active else None


def wanted() -> tuple[Path, tuple[int, int]] | None:
    """(file, terminal size) the decks screen should save its first frame to, if any."""
    return _wanted


def done_saving() -> None:
    """The frame was saved (or cannot be): the decks screen stops trying."""
    global _wanted
    _wanted = None


def data_dir_of(tokens: Sequence[str]) -> str | None | bool:
    """The ``--data-dir`` of a bare ``dlquiz`` command line; ``False`` for any other command line."""
    if not tokens:
        return None
    if len(tokens) == 2 and tokens[0] == "--data-dir":
        return tokens[1]
    if len(tokens) == 1 and tokens[0].startswith("--data-dir="):
        return tokens[0].split("=", 1)[1]
    return False


def draw(tokens: Sequence[str]) -> Splash | None:
    """Draw the saved decks frame if this launch can use it (see the module docstring).

    Never raises: a splash that cannot be drawn is simply not drawn.
    """
    global _current, _wanted
    data_dir = data_dir_of(tokens)
    environ = os.environ
    if (data_dir is False or environ.get(ENV_SWITCH, "1") == "0" or "TEXTUAL_DRIVER" in environ
            or sys.platform == "win32" or not (os.isatty(0) and os.isatty(2))):
        return None
    try:
        from dlquiz.paths import resolve_paths

        cache_dir = resolve_paths(data_dir if isinstance(data_dir, str) and data_dir else None).cache_dir
        size = terminal_size(environ)
        path = frame_file(cache_dir, size, environ)
        _wanted = (path, size)
        import json  # C-accelerated; `re`, which it needs, the console script imported already

        try:
            with open(path, "rb") as f:
                saved = json.loads(f.read())
        except FileNotFoundError:
            return None
        if (not isinstance(saved, dict) or saved.get("format") != FORMAT
                or tuple(saved.get("size", ())) != size or not still_valid(saved["depends"])
                or not isinstance(saved.get("frame"), str)):
            return None
        frame = saved["frame"]
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        return None
    tty_settings = _quiet_tty()
    splash = Splash(2, tty_settings, size)
    try:
        write_all(2, (ENTER + frame).encode("utf-8", "replace"))
    except OSError:
        splash.withdraw()
        return None
    _current, _wanted = splash, None
    sys.stderr = _WithdrawOnWrite(sys.stderr, splash)  # type: ignore[assignment,unused-ignore]
    return splash


def _quiet_tty() -> list[Any] | None:
    """Keys typed now wait in the queue, unseen and as Textual will read them; the old settings.

    Echo and line buffering go off, and so does the input translation Textual
    turns off too (a carriage return stays ``\r``, which Textual reads as
    ``enter``; translated to ``\n`` it would be ``ctrl+j``). ISIG stays on:
    ``ctrl+c`` still interrupts a launch that never reaches the app.
    """
    import termios

    try:
        saved = termios.tcgetattr(0)
        quiet = termios.tcgetattr(0)
        quiet[0] &= ~(termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR)
        quiet[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN)
        termios.tcsetattr(0, termios.TCSANOW, quiet)
    except termios.error:
        return None
    return saved


def save(path: Path, size: tuple[int, int], frame: str, depends: Sequence[Stamp]) -> None:
    """Write a frame for later launches (atomically), and keep only the newest :data:`KEEP`."""
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"format": FORMAT, "size": list(size), "frame": frame,
                       "depends": [[p, list(st) if st is not None else None] for p, st in depends]})
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, path)
    frames = sorted(path.parent.glob("*.frame"), key=lambda p: stamp_of(p) or (0, 0), reverse=True)
    for old in frames[KEEP:]:
        try:
            old.unlink()
        except OSError:
            pass
