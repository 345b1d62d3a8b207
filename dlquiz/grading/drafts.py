"""Autosaved drafts of the learner's code, so no typed code is ever lost.

A draft is the editor's text for one exercise, kept as
``paths.drafts_dir/<exercise-id>.py``. Writes are atomic: the text goes to a
temporary file in the same directory, is flushed and ``fsync``-ed, then
``os.replace``-d over the draft, so a crash or ``kill -9`` mid-write leaves
either the previous draft or the new one, never a torn file.

:class:`DraftAutosaver` debounces saves (the coding screen calls
:meth:`~DraftAutosaver.changed` on every keystroke; the file is written once the
typing pauses for ``delay_s``) and :meth:`~DraftAutosaver.flush` writes any
pending text immediately (on leaving the screen, on quit, before grading).
The debounce timer is a :class:`threading.Timer`, so disk I/O never runs on the
UI thread. This module is core: it imports no Textual.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path

#: Seconds of quiet typing before a draft is written.
DEFAULT_DEBOUNCE_S = 0.8

_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")


def draft_path(drafts_dir: Path, exercise_id: str) -> Path:
    """Where the draft for ``exercise_id`` lives (ids are slugs; anything else is escaped)."""
    safe = _SAFE_ID.sub("_", exercise_id).lstrip(".") or "_"
    return drafts_dir / f"{safe}.py"


def load_draft(drafts_dir: Path, exercise_id: str) -> str | None:
    """The saved draft, or ``None`` when there is none (or it cannot be read as UTF-8)."""
    path = draft_path(drafts_dir, exercise_id)
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError, IsADirectoryError):
        return None


def save_draft(drafts_dir: Path, exercise_id: str, text: str) -> Path:
    """Atomically write ``text`` as the draft for ``exercise_id``; returns the path."""
    drafts_dir.mkdir(parents=True, exist_ok=True)
    target = draft_path(drafts_dir, exercise_id)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=drafts_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(drafts_dir)
    return target


def discard_draft(drafts_dir: Path, exercise_id: str) -> None:
    """Forget the draft (used when the learner resets the editor to the starter)."""
    try:
        draft_path(drafts_dir, exercise_id).unlink()
    except FileNotFoundError:
        pass


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


class DraftAutosaver:
    """Debounced, thread-safe saving of one exercise's draft.

    ``changed(text)`` records the latest text and (re)starts the timer;
    ``flush()`` writes pending text now and cancels the timer. Writing the same
    text twice is skipped. Errors from the background write are kept in
    ``last_error`` (the screen shows them) rather than lost in a thread.
    """

    def __init__(
        self, drafts_dir: Path, exercise_id: str, *, delay_s: float = DEFAULT_DEBOUNCE_S
    ) -> None:
        self.drafts_dir = drafts_dir
        self.exercise_id = exercise_id
        self.delay_s = delay_s
        self.last_error: OSError | None = None
        self._lock = threading.Lock()
        self._pending: str | None = None
        self._saved: str | None = None
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
                save_draft(self.drafts_dir, self.exercise_id, text)
            except OSError as exc:
                self.last_error = exc
                self._pending = text
                return False
            self._saved = text
            self.last_error = None
            return True
