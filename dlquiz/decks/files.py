"""Finding and reading deck files without trusting the file system.

Whatever sits where a deck is expected -- a symlink loop, a FIFO, a socket, a
device, a folder named ``x.yaml``, a file nobody may read, a 50 MB file, a
folder full of someone else's virtual environment -- becomes a message about
that one path; nothing here raises, so the other decks still load.

Conventions:

* a deck file is a *regular* file of at most :data:`MAX_DECK_BYTES` bytes. It
  is opened with ``O_NONBLOCK`` and checked with ``fstat`` on the open handle
  before a byte is read, so a FIFO never blocks and ``/dev/zero`` is never read,
  and at most ``MAX_DECK_BYTES + 1`` bytes are read even from a file that grows;
* folders are walked without following symlinked folders (so no loop), in
  sorted order; hidden folders are skipped silently, and folders that hold
  no decks (:data:`SKIP_DIRS`, and any virtual environment: a folder with a
  ``pyvenv.cfg``) are skipped and *reported*, so ``dlquiz decks validate /tmp``
  says what it left out instead of reporting other projects' YAML.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

#: The largest deck file accepted: 2 MiB, about 12,800 cards. Measured cold (before
#: the parsed-deck cache) on the shared 2-core machine: 2 MiB took 1.8 s and 145 MB
#: peak, 4 MiB 11.3 s and 267 MB, and the issue's 50 MB deck 106 s and 3.4 GB.
MAX_DECK_BYTES = 2 * 1024 * 1024
DECK_SUFFIXES = (".yaml", ".yml")
#: Folder names that never hold decks (package caches, dependencies, VCS data).
SKIP_DIRS = frozenset({
    "node_modules", "site-packages", "dist-packages", "__pycache__", ".git", ".hg", ".svn",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".venv", "venv",
})
_VCS = frozenset({".git", ".hg", ".svn"})


class DeckReadError(Exception):
    """A deck path that cannot be read as a deck file; ``message`` says why, for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Skipped:
    """A folder left out of a deck search, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path} ({self.reason})"


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop (the link points back at itself)"
    if exc.errno == errno.ENOENT:
        return "no such deck file or folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied: dlquiz may not read it"
    return exc.strerror or type(exc).__name__


def kind_problem(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not a deck file (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a deck file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a deck file; not read"
    if stat.S_ISSOCK(mode):
        return "a socket, not a deck file; not read"
    return "a device, not a deck file; not read"


def size_problem(size: int) -> str | None:
    if size <= MAX_DECK_BYTES:
        return None
    return (f"deck file is {size:,} bytes, over the limit of {MAX_DECK_BYTES:,} bytes per "
            "file: split it into several decks")


def read_deck(path: Path) -> tuple[bytes, os.stat_result]:
    """The bytes of one deck file and its ``fstat``; :class:`DeckReadError` otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise DeckReadError(f"cannot read: {_os_reason(exc)}") from None
    try:
        st = os.fstat(fd)
        problem = kind_problem(st.st_mode) or size_problem(st.st_size)
        if problem:
            raise DeckReadError(problem)
        chunks: list[bytes] = []
        left = MAX_DECK_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > MAX_DECK_BYTES:  # it grew while being read
            raise DeckReadError(size_problem(len(data)) or "deck file too large")
        return data, st
    except OSError as exc:
        raise DeckReadError(f"cannot read: {_os_reason(exc)}") from None
    finally:
        os.close(fd)


def _skip_reason(folder: Path, name: str) -> str | None:
    if name in _VCS:
        return "version-control data"
    if name in SKIP_DIRS:
        return "holds no decks"
    if name.startswith("."):
        return ""  # hidden: skipped without a word
    try:
        if (folder / name / "pyvenv.cfg").is_file():
            return "a Python virtual environment"
    except OSError:
        return None
    return None


def walk_decks(root: Path, skipped: list[Skipped] | None = None) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` entry under ``root`` that is not a folder, sorted.

    Symlinked folders are not entered (no loops). FIFOs, sockets and dangling
    or looping links are returned too: reading them reports what they are.
    """
    found: list[Path] = []

    def on_error(exc: OSError) -> None:
        if skipped is not None and exc.filename and Path(exc.filename) != root:
            skipped.append(Skipped(Path(exc.filename), f"cannot read: {_os_reason(exc)}"))

    for folder, dirs, files in os.walk(root, onerror=on_error, followlinks=False):
        here = Path(folder)
        keep = []
        for name in sorted(dirs):
            reason = _skip_reason(here, name)
            if reason is None:
                keep.append(name)
            elif reason and skipped is not None:
                skipped.append(Skipped(here / name, reason))
        dirs[:] = keep
        # A folder named x.yaml is walked as a folder; a symlink loop or a
        # dangling link lands in ``files`` and reading it says what it is.
        found.extend(here / name for name in files
                     if name.endswith(DECK_SUFFIXES) and not name.startswith("."))
    return sorted(found)


def path_problem(path: Path) -> str | None:
    """Why a path named on the command line (or in ``$DLQUIZ_DECKS``) cannot be searched.

    None when it is a folder or something to read as a file.
    """
    try:
        os.stat(path)
    except OSError as exc:
        return _os_reason(exc)
    return None


def safe_resolve(path: Path) -> Path:
    """``path.resolve()``, or its absolute form when resolving fails (a symlink loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))
