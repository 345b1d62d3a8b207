"""Rolling backups of the database, and restoring one.

Backups are whole SQLite files written with SQLite's online backup API (a
consistent snapshot even while another process writes), named
``dlquiz-YYYYmmddTHHMMSSZ.sqlite3`` (UTC) so names sort by age. One is taken
when dlquiz opens the database and the newest backup is from an earlier study
day; then the folder is pruned to the newest backup of each of the last 7 days
that have one and of each of the last 4 ISO weeks that have one. A backup
dated in the future (a run with the clock at 2099) is kept but ignored: it is
never "the newest" for scheduling, pruning or ``db restore``.

A new backup is checked (``PRAGMA quick_check``) before it counts, so a
silently damaged database never pushes good backups out of the rotation.
Restoring (:mod:`dlquiz.store.restore`) is copy, verify, swap, and keeps the
damaged file aside (``<db>.damaged-<time>``), never deletes it.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dlquiz.clock import DEFAULT_DAY_START_HOUR, study_day
from dlquiz.errors import StoreError
from dlquiz.store.database import Store
from dlquiz.store.restore import check_file, restore_backup

__all__ = [
    "KEEP_DAILY",
    "KEEP_WEEKLY",
    "backup_if_due",
    "backup_time",
    "create_backup",
    "is_future",
    "list_backups",
    "prune_backups",
    "resolve_backup",
    "restore_backup",
    "usable_backups",
]

KEEP_DAILY = 7
KEEP_WEEKLY = 4
#: A backup stamped later than now by more than this is "from the future" (a clock once set
#: wrong): listed, kept, but never the newest, never counted in the rotation.
FUTURE_SLACK = timedelta(minutes=5)
_PREFIX, _SUFFIX, _STAMP = "dlquiz-", ".sqlite3", "%Y%m%dT%H%M%S%fZ"
#: What :data:`_STAMP` writes (``%f`` read as strptime reads it: 1-6 digits, right-padded).
_STAMP_RE = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{1,6})Z", re.ASCII)


def backup_time(path: Path) -> datetime | None:
    """When a backup was taken, from its name (None for foreign files)."""
    name = path.name
    if not (name.startswith(_PREFIX) and name.endswith(_SUFFIX)):
        return None
    # Parsed by hand, not with strptime: its first use imports _strptime and calendar
    # (3 ms), and every start of the app and every `dlquiz check` lists the backups.
    match = _STAMP_RE.fullmatch(name[len(_PREFIX) : -len(_SUFFIX)])
    if match is None:
        return None
    *fields, fraction = match.groups()
    try:
        return datetime(*map(int, fields), int(fraction.ljust(6, "0")), tzinfo=UTC)
    except ValueError:
        return None


def list_backups(backups_dir: Path) -> list[Path]:
    """Backups, newest first."""
    if not backups_dir.is_dir():
        return []
    found = [p for p in backups_dir.iterdir() if backup_time(p) is not None]
    return sorted(found, key=lambda p: backup_time(p) or datetime.min, reverse=True)


def is_future(path: Path, now: datetime | None = None) -> bool:
    """Whether a backup's name dates it after ``now`` (plus :data:`FUTURE_SLACK`)."""
    stamp = backup_time(path)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return stamp is not None and stamp > moment + FUTURE_SLACK


def usable_backups(backups_dir: Path, now: datetime | None = None) -> list[Path]:
    """Backups newest first, without future-dated ones."""
    return [p for p in list_backups(backups_dir) if not is_future(p, now)]


def _check(path: Path) -> list[str]:
    return check_file(path)


def create_backup(store: Store, backups_dir: Path, now: datetime | None = None) -> Path:
    """Snapshot ``store`` into ``backups_dir``; StoreError if the copy fails or fails its check.

    The snapshot is written as ``<name>.partial`` and renamed only once checked,
    so a backup killed half-way (or a full disk) never leaves a file that
    looks like a backup.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    backups_dir.mkdir(parents=True, exist_ok=True)
    target = backups_dir / f"{_PREFIX}{moment.strftime(_STAMP)}{_SUFFIX}"
    partial = target.with_name(target.name + ".partial")
    try:
        dest = sqlite3.connect(partial)
        try:
            store.connection.backup(dest)
        finally:
            dest.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        reason = "disk full" if "full" in str(exc).lower() else str(exc)
        raise StoreError(f"backup of {store.path} failed: {reason}") from exc
    problems = _check(partial)
    if problems:
        partial.unlink(missing_ok=True)
        raise StoreError(f"backup of {store.path} failed its check: {problems[0]}")
    os.replace(partial, target)
    return target


def prune_backups(backups_dir: Path, now: datetime | None = None) -> list[Path]:
    """Keep the newest backup per day (7 days) and per ISO week (4 weeks); return removed.

    Future-dated backups are left alone: they are not deleted (they may be
    all someone has) and do not take a day's or a week's place.
    """
    backups = usable_backups(backups_dir, now)
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
    for stale in backups_dir.glob(f"{_PREFIX}*{_SUFFIX}.partial"):  # a backup killed half-way
        if stale.stat().st_mtime < (now or datetime.now(UTC)).timestamp() - 3600:
            stale.unlink(missing_ok=True)
    return removed


def backup_if_due(store: Store, backups_dir: Path, now: datetime | None = None,
                  day_start_hour: int = DEFAULT_DAY_START_HOUR) -> Path | None:
    """Back up when the newest backup is from an earlier study day (or there is none), then prune.

    Keyed on the study day, not "24 hours ago": a morning session after an
    evening one gets today's backup. A future-dated backup does not count.
    """
    moment = now or datetime.now(UTC)
    backups = usable_backups(backups_dir, moment)
    newest = backup_time(backups[0]) if backups else None
    if newest is not None and study_day(newest, day_start_hour) >= study_day(moment, day_start_hour):
        return None
    path = create_backup(store, backups_dir, moment)
    prune_backups(backups_dir, moment)
    return path


def resolve_backup(backups_dir: Path, name: str | None) -> Path:
    """The backup to restore: a path, a name in ``backups_dir``, or the newest."""
    if name is None:
        backups = usable_backups(backups_dir)
        if not backups:
            future = list_backups(backups_dir)
            if future:
                raise StoreError(f"every backup in {backups_dir} is dated in the future (a clock "
                                 f"set wrong?); name one: dlquiz db restore {future[0].name}")
            raise StoreError(f"no backups in {backups_dir}")
        return backups[0]
    for candidate in (Path(name).expanduser(), backups_dir / name):
        if candidate.is_file():
            return candidate
    raise StoreError(f"no backup named {name!r} (see `dlquiz db backups`)")
