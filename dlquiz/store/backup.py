"""Rolling backups of the database, and restoring one.

Backups are whole SQLite files written with SQLite's online backup API (a
consistent snapshot even while another process writes), named
``dlquiz-YYYYmmddTHHMMSSZ.sqlite3`` (UTC) so names sort by age. One is taken
when dlquiz starts and the newest is older than :data:`BACKUP_EVERY`; then the
folder is pruned to the newest backup of each of the last 7 days that have one
and of each of the last 4 ISO weeks that have one.

A new backup is checked (``PRAGMA quick_check``) before it counts, so a
silently damaged database never pushes good backups out of the rotation.
Restoring keeps the damaged file aside (``<db>.damaged-<time>``), never deletes it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dlquiz.errors import StoreError
from dlquiz.store.database import Store

KEEP_DAILY = 7
KEEP_WEEKLY = 4
BACKUP_EVERY = timedelta(days=1)
_PREFIX, _SUFFIX, _STAMP = "dlquiz-", ".sqlite3", "%Y%m%dT%H%M%S%fZ"


def backup_time(path: Path) -> datetime | None:
    """When a backup was taken, from its name (None for foreign files)."""
    name = path.name
    if not (name.startswith(_PREFIX) and name.endswith(_SUFFIX)):
        return None
    try:
        stamp = datetime.strptime(name[len(_PREFIX) : -len(_SUFFIX)], _STAMP)
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC)


def list_backups(backups_dir: Path) -> list[Path]:
    """Backups, newest first."""
    if not backups_dir.is_dir():
        return []
    found = [p for p in backups_dir.iterdir() if backup_time(p) is not None]
    return sorted(found, key=lambda p: backup_time(p) or datetime.min, reverse=True)


def _check(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        rows = [str(r[0]) for r in con.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        rows = [str(exc)]
    finally:
        con.close()
    return [] if rows == ["ok"] else rows


def create_backup(store: Store, backups_dir: Path, now: datetime | None = None) -> Path:
    """Snapshot ``store`` into ``backups_dir``; StoreError if the copy fails its check."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    backups_dir.mkdir(parents=True, exist_ok=True)
    target = backups_dir / f"{_PREFIX}{moment.strftime(_STAMP)}{_SUFFIX}"
    partial = target.with_name(target.name + ".partial")
    dest = sqlite3.connect(partial)
    try:
        store.connection.backup(dest)
    except sqlite3.DatabaseError as exc:
        dest.close()
        partial.unlink(missing_ok=True)
        raise StoreError(f"backup of {store.path} failed: {exc}") from exc
    dest.close()
    problems = _check(partial)
    if problems:
        partial.unlink(missing_ok=True)
        raise StoreError(f"backup of {store.path} failed its check: {problems[0]}")
    os.replace(partial, target)
    return target


def prune_backups(backups_dir: Path) -> list[Path]:
    """Keep the newest backup per day (7 days) and per ISO week (4 weeks); return removed."""
    backups = list_backups(backups_dir)
    keep: set[Path] = set()
    days: set[object] = set()
    weeks: set[object] = set()
    for path in backups:  # newest first, so the first seen of a period is its newest
        stamp = backup_time(path)
        assert stamp is not None
        if len(days) < KEEP_DAILY and stamp.date() not in days:
            days.add(stamp.date())
            keep.add(path)
        week = stamp.isocalendar()[:2]
        if len(weeks) < KEEP_WEEKLY and week not in weeks:
            weeks.add(week)
            keep.add(path)
    removed = [p for p in backups if p not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def backup_if_due(store: Store, backups_dir: Path, now: datetime | None = None) -> Path | None:
    """Take a backup when the newest is older than a day (or there is none), then prune."""
    moment = now or datetime.now(UTC)
    backups = list_backups(backups_dir)
    newest = backup_time(backups[0]) if backups else None
    if newest is not None and moment - newest < BACKUP_EVERY:
        return None
    path = create_backup(store, backups_dir, moment)
    prune_backups(backups_dir)
    return path


def resolve_backup(backups_dir: Path, name: str | None) -> Path:
    """The backup to restore: a path, a name in ``backups_dir``, or the newest."""
    if name is None:
        backups = list_backups(backups_dir)
        if not backups:
            raise StoreError(f"no backups in {backups_dir}")
        return backups[0]
    for candidate in (Path(name).expanduser(), backups_dir / name):
        if candidate.is_file():
            return candidate
    raise StoreError(f"no backup named {name!r} (see `dlquiz db backups`)")


def restore_backup(database: Path, backup: Path, now: datetime | None = None) -> Path | None:
    """Replace ``database`` with a copy of ``backup``; return where the old file went.

    The backup is checked first, so a bad backup never replaces anything.
    """
    problems = _check(backup)
    if problems:
        raise StoreError(f"{backup} is damaged too ({problems[0]}); pick another backup")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    aside: Path | None = None
    if database.exists():
        aside = database.with_name(f"{database.name}.damaged-{moment.strftime(_STAMP)}")
        os.replace(database, aside)
    for suffix in ("-wal", "-shm"):
        side = database.with_name(database.name + suffix)
        if side.exists():
            if aside is not None:
                os.replace(side, aside.with_name(aside.name + suffix))
            else:
                side.unlink()
    database.parent.mkdir(parents=True, exist_ok=True)
    partial = database.with_name(database.name + ".restoring")
    shutil.copyfile(backup, partial)
    os.replace(partial, database)
    return aside
