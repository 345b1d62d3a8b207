"""Checks on the database file itself, before SQLite is trusted with it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from dlquiz.errors import CorruptDatabaseError, StoreError


class DiskFullError(StoreError):
    """SQLite could not write: the disk (or the database's limit) is full."""

    title = "Disk full"


_CORRUPT_HINTS = ("malformed", "not a database", "file is encrypted", "disk image",
                  "could not decode")
_FULL_HINTS = ("database or disk is full", "disk is full", "no space left")
RESTORE_HINT = "Run `dlquiz db restore` to restore the newest backup (the damaged file is kept)."
RESTORE_HINT_SHORT = "run `dlquiz db restore` to restore the newest backup."


def is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """Whether an SQLite error means a damaged file (rather than, say, a lock)."""
    return not isinstance(exc, sqlite3.OperationalError) or any(
        hint in str(exc).lower() for hint in _CORRUPT_HINTS
    )


def is_disk_full(exc: BaseException) -> bool:
    """SQLITE_FULL (or ENOSPC underneath it)."""
    return any(hint in str(exc).lower() for hint in _FULL_HINTS)


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def store_error(exc: sqlite3.Error, path: Path | str) -> StoreError:
    """The person's version of an SQLite error on ``path``: damaged, disk full, or other."""
    if is_disk_full(exc):
        return DiskFullError(f"disk full: {path} cannot grow. Free some space; every answer "
                             "given so far is saved.")
    if isinstance(exc, sqlite3.DatabaseError) and is_corruption(exc):
        return CorruptDatabaseError(f"{path} is damaged ({_clip(str(exc))}). {RESTORE_HINT}")
    return StoreError(f"{path}: {_clip(str(exc))}")


def error_for(exc: BaseException) -> StoreError | None:
    """A raw SQLite error that escaped the store, as a StoreError (None for anything else).

    The CLI's last line of defence: it prints this instead of a traceback.
    """
    if not isinstance(exc, sqlite3.Error):
        return None
    return store_error(exc, "the database")


def rollback_quietly(con: sqlite3.Connection) -> None:
    """ROLLBACK if a transaction is still open. SQLITE_FULL and some I/O errors end the
    transaction themselves; a ROLLBACK then raised "cannot rollback - no transaction is
    active" over the real error, which is how a full disk used to end a session."""
    if con.in_transaction:
        try:
            con.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def _has_backups(path: Path) -> bool:
    folder = path.parent / "backups"
    try:
        return any(p.name.startswith("dlquiz-") and p.name.endswith(".sqlite3")
                   for p in folder.iterdir())
    except OSError:
        return False


def check_missing_or_empty(path: Path) -> None:
    """Refuse to start afresh where a database was lost.

    * The file is gone but its ``-wal``/``-shm`` are still there: it was
      deleted or moved while in use, and SQLite would silently make a new one.
    * The file has 0 bytes while backups exist (or a WAL is beside it): it was
      truncated. (A 0-byte file with neither is a first open killed before
      its first write: there was nothing to lose, so it is used as new.)
    """
    wal = path.with_name(path.name + "-wal")
    shm = path.with_name(path.name + "-shm")
    if not path.exists():
        left = [p.name for p in (wal, shm) if p.exists()]
        if left:
            raise CorruptDatabaseError(
                f"{path} is missing but {' and '.join(left)} are still beside it: the database "
                f"was deleted or moved while in use. Put it back, or {RESTORE_HINT_SHORT}")
        return
    if path.stat().st_size == 0 and (_has_backups(path) or (wal.exists() and wal.stat().st_size)):
        raise CorruptDatabaseError(f"{path} is empty (0 bytes): its contents were lost. "
                                   + RESTORE_HINT)


def check_file_size(path: Path) -> None:
    """Catch a missing, emptied or truncated database before SQLite reads past its end.

    The header (bytes 28-31) records the page count; with no WAL file to
    supply the missing pages, a shorter file has lost data.
    """
    check_missing_or_empty(path)
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(100)
    wal = path.with_name(path.name + "-wal")
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise CorruptDatabaseError(f"{path} is not a dlquiz database (bad header). {RESTORE_HINT}")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    has_wal = wal.exists() and wal.stat().st_size > 0
    if not has_wal and pages and path.stat().st_size < pages * page_size:
        raise CorruptDatabaseError(
            f"{path} is truncated ({path.stat().st_size} bytes, expected {pages * page_size}). "
            + RESTORE_HINT
        )
