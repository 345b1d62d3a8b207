"""The database file itself: lost, emptied, orphaned WAL, restore that is atomic, dated backups.

Every refusal must be one clear line that points at ``dlquiz db restore``, and
nothing that was answered may be lost on the way.
"""

from __future__ import annotations

import errno
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dlquiz.cli import main
from dlquiz.errors import CorruptDatabaseError, StoreError
from dlquiz.paths import resolve_paths
from dlquiz.store import restore as restore_mod
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
from dlquiz.store.verify import check_replay


def answer(db: Path, n: int, prefix: str = "c") -> list[str]:
    with Store.open(db) as store:
        return [store.answer(f"d/{prefix}{i}", 4, grade="good", graded_by="self",
                             duration_s=1).id for i in range(n)]


def ids(db: Path) -> set[str]:
    with Store.open(db) as store:
        return {r.id for r in store.reviews()}


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


@pytest.fixture
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# -- lost and emptied files -----------------------------------------------------------


def test_zero_byte_database_with_backups_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    paths = resolve_paths()
    answer(paths.database, 3)
    assert main(["db", "backup"]) == 0
    paths.database.write_bytes(b"")
    capsys.readouterr()
    for argv in (["db", "check"], ["stats"], ["db", "rebuild"]):
        assert main(argv) == 1
        line = one_line(capsys.readouterr().err)
        assert "is empty (0 bytes)" in line and "dlquiz db restore" in line
    assert paths.database.stat().st_size == 0  # never started afresh over it
    assert main(["db", "restore"]) == 0
    assert len(ids(paths.database)) == 3


def test_zero_byte_database_without_backups_is_a_new_one(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    db.write_bytes(b"")  # a first open killed before its first write: nothing to lose
    with Store.open(db) as store:
        assert store.review_count() == 0


def test_database_deleted_with_its_wal_left_is_refused(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "home" / "dlquiz.sqlite3"
    code = ("import os, sys; from dlquiz.store.database import Store\n"
            f"s = Store.open({str(db)!r})\n"
            "s.answer('d/a', 4, grade='good', graded_by='self', duration_s=1)\n"
            "os._exit(0)  # like kill -9: -wal and -shm stay\n")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert db.with_name(db.name + "-wal").exists()
    db.unlink()
    with pytest.raises(CorruptDatabaseError) as info:
        Store.open(db)
    assert "dlquiz.sqlite3-wal and dlquiz.sqlite3-shm are still beside it" in info.value.message
    assert "dlquiz db restore" in info.value.message
    assert not db.exists()
    assert main(["--data-dir", str(db.parent), "db", "check"]) == 1
    assert "is missing but" in one_line(capsys.readouterr().err)


# -- db check replays the log -----------------------------------------------------------


def test_db_check_finds_states_that_disagree_with_the_log(capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    paths = resolve_paths()
    answer(paths.database, 4)
    assert main(["db", "check"]) == 0
    assert "card states match a replay of the log: 4 items" in capsys.readouterr().out
    with Store.open(paths.database) as store:  # a stale state, as a killed import left it
        store.connection.execute("UPDATE card_state SET interval = 40 WHERE item_key = 'd/c2'")
    assert main(["db", "check"]) == 1
    out = capsys.readouterr().out
    assert "d/c2: interval 40 != 1 (stored != replayed)" in out
    assert "card states of 1 of 4 items differ" in out and "dlquiz db rebuild" in out
    assert main(["db", "rebuild"]) == 0
    assert main(["db", "check"]) == 0


def test_db_check_samples_a_large_log(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    answer(db, 60)
    with Store.open(db) as store:
        store.connection.execute("UPDATE card_state SET lapses = 3")  # every item is wrong
        report = check_replay(store, sample_above=10, sample_items=7, seed=1)
    assert report.sampled and report.compared == 7 and report.differing == 7


# -- backups: study days, future dates ----------------------------------------------------


def test_a_future_dated_backup_is_ignored(tmp_path: Path, utc_zone: None) -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    backups = tmp_path / "b"
    with Store.open(tmp_path / "db.sqlite3") as store:
        answer(tmp_path / "db.sqlite3", 2)
        future = create_backup(store, backups, datetime(2099, 1, 1, tzinfo=UTC))
        today = backup_if_due(store, backups, now)  # the 2099 one does not count
        assert today is not None and backup_time(today) == now
        assert backup_if_due(store, backups, now + timedelta(hours=3)) is None
        for day in range(1, 12):
            create_backup(store, backups, now - timedelta(days=day))
    prune_backups(backups, now)
    assert future.exists()  # kept (it may be all someone has), but never the newest
    assert resolve_backup(backups, None) == today
    assert len(list_backups(backups)) == 1 + 7 + 1  # future + 7 daily (incl. today) + 1 weekly


def test_only_future_backups_must_be_named(tmp_path: Path) -> None:
    backups = tmp_path / "b"
    with Store.open(tmp_path / "db.sqlite3") as store:
        future = create_backup(store, backups, datetime(2099, 1, 1, tzinfo=UTC))
    with pytest.raises(StoreError, match=f"dated in the future.*{future.name}"):
        resolve_backup(backups, None)
    assert resolve_backup(backups, future.name) == future


# -- restore: copy, verify, swap ------------------------------------------------------------


def test_restore_that_cannot_copy_changes_nothing(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "db.sqlite3"
    answer(db, 5)
    with Store.open(db) as store:
        backup = create_backup(store, tmp_path / "b")
    answer(db, 2, prefix="later")
    before = db.read_bytes()

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(restore_mod.shutil, "copyfileobj", full_disk)
    with pytest.raises(StoreError) as info:
        restore_backup(db, backup)
    assert "the disk is full" in info.value.message and "nothing was changed" in info.value.message
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b", "db.sqlite3"]
    assert len(ids(db)) == 7


_RESTORE_UNDER_LIMIT = """
import resource, signal, sys
from pathlib import Path
from dlquiz.errors import StoreError
from dlquiz.store.restore import restore_backup
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[3]), int(sys.argv[3])))
try:
    restore_backup(Path(sys.argv[1]), Path(sys.argv[2]))
except StoreError as exc:
    print(exc.message)
"""


def test_restore_on_a_really_full_disk(tmp_path: Path) -> None:
    """An 8 MiB tmpfs filled up when this machine lets us mount one (root); otherwise the
    kernel's file-size limit makes the copy's writes fail for real (EFBIG)."""
    mount = tmp_path / "small"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                             capture_output=True, check=False).returncode == 0
    try:
        db = mount / "db.sqlite3"
        answer(db, 200)
        with Store.open(db) as store:
            backup = create_backup(store, tmp_path / "b")
        answer(db, 1, prefix="newer")
        before = db.read_bytes()
        if mounted:
            filler = mount / "filler"
            with filler.open("wb") as handle:  # fill the disk
                try:
                    handle.write(b"\0" * (8 * 1024 * 1024))
                except OSError:
                    pass
            with pytest.raises(StoreError, match="the disk is full.*nothing was changed"):
                restore_backup(db, backup)
            filler.unlink()
        else:
            limit = str(backup.stat().st_size // 2)
            out = subprocess.run([sys.executable, "-c", _RESTORE_UNDER_LIMIT, str(db),
                                  str(backup), limit], capture_output=True, text=True, check=True)
            assert "nothing was changed" in out.stdout
        assert db.read_bytes() == before
        assert not (mount / "db.sqlite3.restoring").exists()
        restore_backup(db, backup)
        assert len(ids(db)) == 200
    finally:
        if mounted:
            subprocess.run(["umount", str(mount)], check=False)


def test_restore_refuses_while_another_process_has_the_database_open(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    db = home / "dlquiz.sqlite3"
    answer(db, 3)
    assert main(["--data-dir", str(home), "db", "backup"]) == 0
    code = ("import sys; from dlquiz.store.database import Store\n"
            f"s = Store.open({str(db)!r}); s.review_count(); print('open', flush=True)\n"
            "sys.stdin.readline()\n"
            "s.answer('d/late', 4, grade='good', graded_by='self', duration_s=1); s.close()\n")
    session = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert session.stdout is not None and session.stdout.readline().strip() == "open"
        capsys.readouterr()
        assert main(["--data-dir", str(home), "db", "restore"]) == 1
        line = one_line(capsys.readouterr().err)
        assert f"is open in another process (pid {session.pid})" in line
        assert "nothing was changed" in line
    finally:
        session.communicate("\n", timeout=30)
    assert len(ids(db)) == 4  # the session's next answer went into the real database
    assert main(["--data-dir", str(home), "db", "restore"]) == 0


def test_restore_when_the_database_is_gone(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    done = answer(db, 4)
    with Store.open(db) as store:
        backup = create_backup(store, tmp_path / "b")
    db.unlink()
    assert restore_backup(db, backup) is None
    assert ids(db) == set(done)
