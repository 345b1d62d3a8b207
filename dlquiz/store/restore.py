"""Restoring a backup atomically: copy, verify, then swap; never while the database is in use.

The old ``restore`` moved the database aside first and then copied the backup:
with little free space the copy failed and no database was left, so the next
command created an empty one. And a session still running went on writing
into the moved-aside file. The order here is:

1. refuse when another process has the database open (:func:`holders`);
2. check the backup (``PRAGMA quick_check``);
3. copy it beside the database (``<db>.restoring``, same folder so the final
   rename is atomic), ``fsync`` it and check the *copy*; if anything fails the
   copy is deleted and nothing else was touched;
4. keep the current files aside under ``<db>.damaged-<time>`` (a hard link,
   so no space and no moment without a database), drop the stale ``-wal`` and
   ``-shm`` (their copies are kept too: a WAL must never be replayed onto
   another file), then ``os.replace`` the checked copy over the database.

A crash at any point leaves either the old database or the restored one in
place, never nothing.

Who holds the database open: every SQLite connection in WAL mode keeps a
shared POSIX lock on the "DMS" byte (offset 128) of the ``-shm`` file for as
long as it is open. :func:`holders` asks the kernel (``F_GETLK``, which takes
no lock) whether another process holds it. Linux only; elsewhere the check is
skipped.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import sys
from datetime import UTC, datetime
from pathlib import Path

from dlquiz.errors import StoreError

_STAMP = "%Y%m%dT%H%M%S%fZ"
#: Byte of the -shm file every open WAL connection holds a shared lock on (SQLite's unix VFS).
_SHM_DMS_BYTE = 128


def check_file(path: Path) -> list[str]:
    """``PRAGMA quick_check`` of ``path`` (and that it holds a review log); ``[]`` when sound."""
    if not path.is_file() or path.stat().st_size == 0:
        return ["missing or empty file"]
    try:
        con = sqlite3.connect(path)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        rows = [str(r[0]) for r in con.execute("PRAGMA quick_check").fetchall()]
        con.execute("SELECT count(*) FROM reviews").fetchone()
    except sqlite3.DatabaseError as exc:
        rows = [str(exc)]
    finally:
        con.close()
    return [] if rows == ["ok"] else rows


def holders(database: Path) -> int | None:
    """The pid of another process that has ``database`` open, or None (none, or unknown)."""
    if not sys.platform.startswith("linux"):
        return None
    import fcntl

    shm = database.with_name(database.name + "-shm")
    try:
        fd = os.open(shm, os.O_RDONLY)
    except OSError:
        return None  # no -shm: no connection in WAL mode
    try:
        query = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, _SHM_DMS_BYTE, 1, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, query)
        kind, _, _, _, pid = struct.unpack("hhqqi4x", answer)
    except OSError:
        return None
    finally:
        os.close(fd)
    return pid if kind != fcntl.F_UNLCK else None


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _copy_checked(backup: Path, partial: Path) -> None:
    try:
        with backup.open("rb") as src, partial.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
    except OSError as exc:
        partial.unlink(missing_ok=True)
        reason = "the disk is full" if exc.errno == 28 else (exc.strerror or str(exc))
        raise StoreError(f"could not copy {backup.name} beside the database ({reason}); "
                         "nothing was changed") from None
    problems = check_file(partial)
    if problems or partial.stat().st_size != backup.stat().st_size:
        partial.unlink(missing_ok=True)
        raise StoreError(f"the copy of {backup.name} did not verify "
                         f"({problems[0] if problems else 'size differs'}); nothing was changed")


def _keep(src: Path, dst: Path) -> None:
    """Keep ``src`` as ``dst`` without removing ``src``: a hard link, else a copy."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def restore_backup(database: Path, backup: Path, now: datetime | None = None) -> Path | None:
    """Replace ``database`` with a verified copy of ``backup``; return where the old file is kept.

    Raises StoreError (and changes nothing) when another process has the
    database open, when the backup or its copy fails its check, or when the
    copy cannot be written.
    """
    pid = holders(database)
    if pid is not None:
        raise StoreError(f"{database} is open in another process (pid {pid}): quit that dlquiz "
                         "session first, then run `dlquiz db restore` again; nothing was changed")
    problems = check_file(backup)
    if problems:
        raise StoreError(f"{backup} is damaged too ({problems[0]}); pick another backup")
    database.parent.mkdir(parents=True, exist_ok=True)
    partial = database.with_name(database.name + ".restoring")
    _copy_checked(backup, partial)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    aside: Path | None = None
    try:
        if database.exists():
            aside = database.with_name(f"{database.name}.damaged-{moment.strftime(_STAMP)}")
            _keep(database, aside)
        for suffix in ("-wal", "-shm"):
            side = database.with_name(database.name + suffix)
            if side.exists():
                if aside is not None:
                    _keep(side, aside.with_name(aside.name + suffix))
                side.unlink()
        os.replace(partial, database)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"could not swap in the restored copy ({exc.strerror or exc}); the "
                         f"database is unchanged" + (f", a copy is kept as {aside}" if aside else "")
                         ) from None
    _fsync_dir(database.parent)
    return aside
