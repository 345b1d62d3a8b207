"""The learner's code: one file per exercise, shared by the app and the CLI.

``<data dir>/workspace/<exercise-id>.py`` is what ``dlquiz practice`` writes,
what ``dlquiz check``/``watch`` grade by default and what the app's editor
shows and autosaves, so a pass in one is the code the other shows.

Writes are atomic: the text goes to a temporary file in the same directory, is
flushed and ``fsync``-ed, then ``os.replace``-d over the file, so a crash or
``kill -9`` mid-write leaves either the previous text or the new one, never a
torn file. Nothing is ever thrown away: ``reset`` and a review that starts
from the starter first copy the file to ``workspace/.backups/`` (the newest
backup is "your last attempt", one key away in the app).

Drafts written by earlier versions of the app under ``<data dir>/drafts/`` are
adopted the first time an exercise is opened (moved into the workspace, or
kept as a backup when the workspace already has a different file).

:class:`Autosaver` debounces saves (the coding screen calls
:meth:`~Autosaver.changed` on every keystroke; the file is written once the
typing pauses for ``delay_s``) and :meth:`~Autosaver.flush` writes any
pending text immediately (on leaving the screen, on quit, before grading).
The debounce timer is a :class:`threading.Timer`, so disk I/O never runs on the
UI thread. This module is core: it imports no Textual.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

from dlquiz.model import Exercise

#: Seconds of quiet typing before the file is written.
DEFAULT_DEBOUNCE_S = 0.8
BACKUPS = ".backups"

_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")


def _safe(exercise_id: str) -> str:
    return _SAFE_ID.sub("_", exercise_id).lstrip(".") or "_"


def workspace_file(workspace_dir: Path, exercise_id: str) -> Path:
    """Where the code for ``exercise_id`` lives (ids are slugs; anything else is escaped)."""
    return workspace_dir / f"{_safe(exercise_id)}.py"


def starter_text(exercise: Exercise) -> str:
    """The starter as written to a fresh workspace file: the prompt as comments, then the code."""
    header = "".join(f"# {line}".rstrip() + "\n" if line else "#\n"
                     for line in exercise.statement.strip().splitlines())
    return f"# {exercise.title} ({exercise.id})\n#\n{header}\n{exercise.starter}"


def read_code(workspace_dir: Path, exercise_id: str, *,
              legacy_drafts_dir: Path | None = None) -> str | None:
    """The saved code, or ``None`` when there is none (or it cannot be read as UTF-8)."""
    if legacy_drafts_dir is not None:
        adopt_legacy_draft(workspace_dir, legacy_drafts_dir, exercise_id)
    try:
        return workspace_file(workspace_dir, exercise_id).read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError, IsADirectoryError, NotADirectoryError):
        return None


def write_code(workspace_dir: Path, exercise_id: str, text: str) -> Path:
    """Atomically write ``text`` as the code for ``exercise_id``; returns the path."""
    return _atomic_write(workspace_file(workspace_dir, exercise_id), text)


def _atomic_write(target: Path, text: str) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(target.parent)
    return target


def backup_code(workspace_dir: Path, exercise_id: str, text: str | None = None) -> Path | None:
    """Copy the current code (or ``text``) to ``.backups/``; ``None`` when there is nothing."""
    if text is None:
        text = read_code(workspace_dir, exercise_id)
    if text is None:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return _atomic_write(workspace_dir / BACKUPS / f"{_safe(exercise_id)}-{stamp}.py", text)


def backups(workspace_dir: Path, exercise_id: str) -> list[Path]:
    """Backups of this exercise's code, newest first."""
    folder = workspace_dir / BACKUPS
    prefix = f"{_safe(exercise_id)}-"
    try:
        found = [p for p in folder.iterdir() if p.name.startswith(prefix) and p.suffix == ".py"
                 and p.name[len(prefix):-3][:1].isdigit()]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name, reverse=True)


def last_attempt(workspace_dir: Path, exercise_id: str) -> str | None:
    """The newest backup's text: what the learner had before a reset or a review."""
    for path in backups(workspace_dir, exercise_id):
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return None


def reset_to_starter(workspace_dir: Path, exercise: Exercise) -> tuple[Path, Path | None]:
    """Back up the current code, then write the starter; returns (file, backup or None)."""
    current = read_code(workspace_dir, exercise.id)
    fresh = starter_text(exercise)
    backup = backup_code(workspace_dir, exercise.id, current) if current not in (None, fresh) else None
    return write_code(workspace_dir, exercise.id, fresh), backup


def adopt_legacy_draft(workspace_dir: Path, legacy_drafts_dir: Path, exercise_id: str) -> None:
    """Move an app draft from before the shared workspace into it (never losing either copy)."""
    old = legacy_drafts_dir / f"{_safe(exercise_id)}.py"
    try:
        text = old.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    target = workspace_file(workspace_dir, exercise_id)
    try:
        current: str | None = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        current = None
    if current is None:
        write_code(workspace_dir, exercise_id, text)
    elif current != text:
        backup_code(workspace_dir, exercise_id, text)
    with contextlib.suppress(OSError):
        old.unlink()


def opening_text(workspace_dir: Path, exercise: Exercise, *, review: bool,
                 legacy_drafts_dir: Path | None = None) -> tuple[str, str | None]:
    """What an editor opens with, and the saved file's text (None when there is none).

    Practice reopens the saved file (the starter when there is none). A
    scheduled review opens the starter, so the code is written again; a saved
    file that differs from it is copied to the backups first (one key brings
    it back, see :func:`last_attempt`).
    """
    saved = read_code(workspace_dir, exercise.id, legacy_drafts_dir=legacy_drafts_dir)
    fresh = starter_text(exercise)
    if not review:
        return (saved if saved is not None else fresh), saved
    if saved is not None and saved != fresh:
        backup_code(workspace_dir, exercise.id, saved)
    return fresh, saved


def code_fingerprint(source: str) -> str:
    """SHA-256 of the code with trailing spaces and blank lines dropped (same code, same hash)."""
    lines = [line.rstrip() for line in source.replace("\r\n", "\n").split("\n")]
    return hashlib.sha256("\n".join(line for line in lines if line).encode()).hexdigest()


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Autosaver:
    """Debounced, thread-safe saving of one exercise's workspace file.

    ``changed(text)`` records the latest text and (re)starts the timer;
    ``flush()`` writes pending text now and cancels the timer. Writing the same
    text twice is skipped. Errors from the background write are kept in
    ``last_error`` (the screen shows them) rather than lost in a thread.
    """

    def __init__(
        self, workspace_dir: Path, exercise_id: str, *, delay_s: float = DEFAULT_DEBOUNCE_S,
        saved: str | None = None,
    ) -> None:
        self.workspace_dir = workspace_dir
        self.exercise_id = exercise_id
        self.delay_s = delay_s
        self.last_error: OSError | None = None
        self._lock = threading.Lock()
        self._pending: str | None = None
        self._saved: str | None = saved
        self._timer: threading.Timer | None = None

    def changed(self, text: str) -> None:
        """Remember ``text`` and write it once typing has paused for ``delay_s``."""
        with self._lock:
            self._pending = text
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay_s, self.flush)
            self._timer.daemon = True
            self._timer.start()

    def flush(self) -> bool:
        """Write pending text now; True when something was written."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            text, self._pending = self._pending, None
            if text is None or text == self._saved:
                return False
            try:
                write_code(self.workspace_dir, self.exercise_id, text)
            except OSError as exc:
                self.last_error = exc
                self._pending = text
                return False
            self._saved = text
            self.last_error = None
            return True
