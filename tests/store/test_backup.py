"""Rolling backups, pruning, and restoring a damaged database without losing answers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.errors import CorruptDatabaseError, StoreError
from dlquiz.store.backup import (
    backup_if_due,
    backup_time,
    create_backup,
    list_backups,
    prune_backups,
    resolve_backup,
    restore_backup,
)
from dlquiz.store.database import Store

NOW = datetime(2024, 6, 30, 9, 0, tzinfo=UTC)  # a Sunday


@pytest.fixture
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time = UTC, so study days (local, from 04:00) are known in advance."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def fill(store: Store, n: int, prefix: str = "c") -> list[str]:
    return [
        store.answer(f"d/{prefix}{i}", 4, grade="good", graded_by="self", duration_s=1).id
        for i in range(n)
    ]


def test_backup_if_due_only_once_a_study_day(tmp_path: Path, utc_zone: None) -> None:
    with Store.open(tmp_path / "db.sqlite3") as store:
        fill(store, 3)
        first = backup_if_due(store, tmp_path / "b", NOW)
        assert first is not None and backup_time(first) == NOW
        # 03:00 next morning is still the same study day (it starts at 04:00) ...
        assert backup_if_due(store, tmp_path / "b", NOW + timedelta(hours=18)) is None
        # ... 05:00 is the next one, though only 20 hours have passed.
        assert backup_if_due(store, tmp_path / "b", NOW + timedelta(hours=20)) is not None
    with Store.open(first) as copy:
        assert copy.review_count() == 3


def test_prune_keeps_seven_daily_and_four_weekly(tmp_path: Path) -> None:
    backups = tmp_path / "b"
    with Store.open(tmp_path / "db.sqlite3") as store:
        # two backups a day (02:00 and 08:00 UTC) for 40 days
        for day in range(40):
            for hour in (1, 7):
                create_backup(store, backups, NOW - timedelta(days=day, hours=hour))
    prune_backups(backups)
    kept = [backup_time(p) for p in list_backups(backups)]
    # daily: the newest of each date is its 08:00 one (NOW - 1 h), for the 7 newest dates
    daily = {NOW - timedelta(days=d, hours=1) for d in range(7)}
    assert daily <= set(kept)
    # weekly: newest of each of the 4 most recent ISO weeks. NOW is Sunday 2024-06-30 (week 26):
    # week 26 -> 06-30 08:00, week 25 -> 06-23 08:00, week 24 -> 06-16 08:00, week 23 -> 06-09 08:00
    weekly = {NOW - timedelta(days=d, hours=1) for d in (0, 7, 14, 21)}
    assert weekly <= set(kept)
    assert len(kept) == len(daily | weekly) == 10


def test_corrupt_database_detected_and_restored_without_loss(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    with Store.open(db) as store:
        before = fill(store, 200)
        backup = create_backup(store, tmp_path / "b")
    db.write_bytes(db.read_bytes()[:3000])  # truncated, e.g. a full disk during a copy
    (tmp_path / "db.sqlite3-wal").unlink(missing_ok=True)
    with pytest.raises(CorruptDatabaseError, match="dlquiz db restore"):
        Store.open(db)
    aside = restore_backup(db, resolve_backup(tmp_path / "b", None))
    assert aside is not None and aside.exists() and aside.stat().st_size == 3000
    with Store.open(db) as store:
        assert {r.id for r in store.reviews()} == set(before)
        assert store.integrity_check() == []
    assert resolve_backup(tmp_path / "b", backup.name) == backup


def test_damaged_backup_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "b" / "dlquiz-20240101T000000000000Z.sqlite3"
    bad.parent.mkdir()
    bad.write_bytes(b"garbage" * 1000)
    db = tmp_path / "db.sqlite3"
    db.write_bytes(b"also bad")
    with pytest.raises(StoreError, match="damaged too"):
        restore_backup(db, bad)
    assert db.read_bytes() == b"also bad"
    with pytest.raises(StoreError, match="no backup named"):
        resolve_backup(tmp_path / "b", "nope.sqlite3")


@settings(max_examples=300, deadline=None)
@given(when=st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)),
       digits=st.integers(min_value=1, max_value=6))
def test_backup_time_reads_a_name_as_strptime_does(when: datetime, digits: int) -> None:
    from dlquiz.store.backup import _PREFIX, _STAMP, _SUFFIX, backup_time

    stamp = when.strftime(_STAMP)
    shortened = stamp[:15] + stamp[15:21][:digits] + "Z"  # %f read back from 1-6 digits
    for text in (stamp, shortened):
        expected = datetime.strptime(text, _STAMP).replace(tzinfo=UTC)  # the oracle
        assert backup_time(Path(f"{_PREFIX}{text}{_SUFFIX}")) == expected


@pytest.mark.parametrize("text", ["20261302T101010000000Z", "20260230T101010000000Z",
                                  "20260101T246000000000Z",
                                  "20260101T1010101234567Z", "20260101T101010000000", ""])
def test_backup_time_refuses_what_strptime_refuses(text: str) -> None:
    from dlquiz.store.backup import _PREFIX, _STAMP, _SUFFIX, backup_time

    with pytest.raises(ValueError):
        datetime.strptime(text, _STAMP)
    assert backup_time(Path(f"{_PREFIX}{text}{_SUFFIX}")) is None
