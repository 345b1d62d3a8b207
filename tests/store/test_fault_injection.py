"""Fault injection: kill -9 mid-answer, mid-import, mid-backup, mid-restore; a full disk;
corrupted, truncated, zeroed and missing files.

Every case asserts the same two things: nothing that was answered (reported
back to the caller) is lost, and what the person sees is one clear line (no
traceback). Kills are deterministic, not timed: the child blocks at the
chosen point (inside the transaction, between restore steps, ...) and tells
the parent, which then sends SIGKILL. No sleeps.
"""

from __future__ import annotations

import io
import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dlquiz.cli import main
from dlquiz.paths import resolve_paths
from dlquiz.store.backup import create_backup, list_backups
from dlquiz.store.database import Store
from dlquiz.store.dbfile import DiskFullError
from dlquiz.store.verify import check_replay

PRELUDE = """
import os, sys
from pathlib import Path
from dlquiz.store.database import Store
def stop_here(tag):  # tell the parent where we are, then wait to be killed
    print(tag, flush=True)
    sys.stdin.readline()
    os._exit(3)  # never reached: the parent kills first
"""


def run_until_killed(code: str, *args: str) -> list[str]:
    """Run ``code`` in a child, SIGKILL it when it prints ``STOP``; its output lines before that."""
    child = subprocess.Popen([sys.executable, "-c", PRELUDE + code, *args],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    lines = []
    for line in child.stdout:
        if line.strip() == "STOP":
            break
        lines.append(line.strip())
    else:
        child.wait()
        pytest.fail(f"the child ended (code {child.returncode}) before reaching its kill point")
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    return lines


def logged(db: Path) -> set[str]:
    with Store.open(db) as store:
        assert store.integrity_check() == []
        return {r.id for r in store.reviews()}


def assert_consistent(db: Path) -> None:
    with Store.open(db) as store:
        report = check_replay(store)
    assert report.ok, report.examples


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err and "sqlite3." not in err
    return lines[0]


# -- kill -9 ----------------------------------------------------------------------------


def test_kill_inside_an_answer_transaction(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    code = """
store = Store.open(sys.argv[1])
for n in range(30):
    print(store.answer(f"d/c{n % 7}", n % 6, grade="good", graded_by="self",
                       duration_s=1).id, flush=True)
real = store._write_state
def write_then_stop(state):
    real(state)
    stop_here("STOP")  # the review row and the state are written, not committed
store._write_state = write_then_stop
store.answer("d/last", 4, grade="good", graded_by="self", duration_s=1)
"""
    reported = run_until_killed(code, str(db))
    assert len(reported) == 30
    assert logged(db) == set(reported)  # every reported answer, and not the half one
    assert_consistent(db)


def test_kill_during_import_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    db = home / "dlquiz.sqlite3"
    with Store.open(db) as store:
        before = {store.answer(f"d/c{i}", 4, grade="good", graded_by="self", duration_s=1).id
                  for i in range(5)}
    other = tmp_path / "other"
    with Store.open(other / "dlquiz.sqlite3") as store:
        for i in range(300):
            store.answer(f"d/c{i % 100}", 3 + i % 3, grade="good", graded_by="self", duration_s=1)
    export = tmp_path / "other.csv"
    assert main(["--data-dir", str(other), "export", "reviews", str(export)]) == 0
    code = """
from dlquiz.interop.reviews import import_reviews
def progress(phase, done, total):
    if phase == "rebuilding":  # rows are in, the states not yet: inside the transaction
        stop_here("STOP")
with Store.open(sys.argv[1]) as store:
    import_reviews(store, Path(sys.argv[2]), progress=progress)
"""
    run_until_killed(code, str(db), str(export))
    assert logged(db) == before  # all or nothing: nothing
    assert_consistent(db)
    assert main(["--data-dir", str(home), "import", "reviews", str(export)]) == 0
    assert len(logged(db)) == 305
    assert_consistent(db)


def test_kill_during_backup_leaves_no_false_backup(tmp_path: Path) -> None:
    home = tmp_path / "home"
    db = home / "dlquiz.sqlite3"
    with Store.open(db) as store:
        ids = {store.answer(f"d/c{i}", 4, grade="good", graded_by="self", duration_s=1).id
               for i in range(400)}
    code = """
from dlquiz.store import backup
def halfway(status, remaining, total):
    if remaining < total - 2:  # a few pages copied into the .partial file
        stop_here("STOP")
with Store.open(sys.argv[1]) as store:
    source = store.connection
    class Source:  # the real connection, copying one page at a time
        def backup(self, dest, **kwargs):
            source.backup(dest, pages=1, progress=halfway)
    store.connection = Source()
    backup.create_backup(store, Path(sys.argv[2]))
"""
    run_until_killed(code, str(db), str(home / "backups"))
    assert list_backups(home / "backups") == []  # only a .partial, which never counts
    assert logged(db) == ids
    assert main(["--data-dir", str(home), "db", "backup"]) == 0
    [good] = list_backups(home / "backups")
    assert logged(good) == ids


def test_kill_during_restore_never_leaves_no_database(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    with Store.open(db) as store:
        ids = {store.answer(f"d/c{i}", 4, grade="good", graded_by="self", duration_s=1).id
               for i in range(20)}
        backup = create_backup(store, tmp_path / "b")
    for step in ("copied", "kept-aside", "wal-dropped"):
        code = f"""
from dlquiz.store import restore
real_link, real_replace = restore._keep, restore.os.replace
def keep(src, dst):
    real_link(src, dst)
    if {step!r} == "kept-aside":
        stop_here("STOP")
restore._keep = keep
real_copy = restore._copy_checked
def copy(src, dst):
    real_copy(src, dst)
    if {step!r} == "copied":
        stop_here("STOP")
restore._copy_checked = copy
def replace(src, dst):
    if {step!r} == "wal-dropped":
        stop_here("STOP")
    real_replace(src, dst)
restore.os.replace = replace
restore.restore_backup(Path(sys.argv[1]), Path(sys.argv[2]))
"""
        run_until_killed(code, str(db), str(backup))
        assert logged(db) == ids  # the old database, whole, at every step
        for stale in tmp_path.glob("db.sqlite3.restoring"):
            stale.unlink()
    assert main(["--data-dir", str(tmp_path), "db", "check"]) in (0, 1)


# -- a full disk ------------------------------------------------------------------------


def test_full_disk_while_answering_loses_nothing_and_stays_readable(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    with Store.open(db) as store:
        ids = [store.answer(f"d/c{i}", 4, grade="good", graded_by="self", duration_s=1).id
               for i in range(10)]
        pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
        store.connection.execute(f"PRAGMA max_page_count = {pages}")  # SQLITE_FULL from now on
        with pytest.raises(DiskFullError) as info:
            for i in range(5000):
                ids.append(store.answer(f"d/new{i}", 4, grade="good", graded_by="self",
                                        duration_s=1).id)
        assert info.value.message.startswith("disk full")
        assert "\n" not in info.value.message
        # read-only use goes on: states, the log, the queue
        assert store.state("d/c3").repetitions == 1
        assert {r.id for r in store.reviews()} == set(ids)
        assert store.due_keys("2999-01-01")
        with pytest.raises(DiskFullError):  # and the next answer says the same, cleanly
            store.answer("d/again", 4, grade="good", graded_by="self", duration_s=1)
        store.connection.execute("PRAGMA max_page_count = 1073741823")  # space again
        ids.append(store.answer("d/after", 4, grade="good", graded_by="self", duration_s=1).id)
    assert logged(db) == set(ids)
    assert_consistent(db)


def test_full_disk_in_plain_study_says_so_and_goes_on(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from dlquiz.store import database

    real = database.Store.answer
    calls: list[int] = []

    def full(self: Store, *args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise DiskFullError("disk full: the database cannot grow.")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(database.Store, "answer", full)
    monkeypatch.setattr("sys.stdin", io.StringIO("\n3\n" * 3 + "q\n"))
    assert main(["study", "--plain", "--only", "ml"]) == 0
    captured = capsys.readouterr()
    assert "disk full" in captured.out + captured.err
    assert "Traceback" not in captured.err
    with Store.open(resolve_paths().database) as store:
        assert store.review_count() == len(calls) - 1


_FULL_AT = """
import sqlite3, sys
from dlquiz.cli import main
real = sqlite3.connect
def connect(*args, **kwargs):  # every connection may use at most PAGES pages: SQLITE_FULL after
    con = real(*args, **kwargs)
    con.execute(f"PRAGMA max_page_count = {int(sys.argv[1])}")
    return con
sqlite3.connect = connect
sys.exit(main(sys.argv[2:]))
"""


def run_on_full_disk(pages: int, *argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``dlquiz ARGV`` in a child whose databases cannot grow past ``pages`` pages."""
    return subprocess.run([sys.executable, "-c", _FULL_AT, str(pages), *argv], input=stdin,
                          capture_output=True, text=True, check=False)


def test_first_open_on_a_full_disk_says_disk_full(tmp_path: Path) -> None:
    done = run_on_full_disk(1, "--data-dir", str(tmp_path / "home"), "stats")
    assert done.returncode == 1
    line = one_line(done.stderr)
    assert line.startswith("dlquiz: Disk full: disk full: "), line


def test_a_full_disk_during_plain_study(tmp_path: Path) -> None:
    home = tmp_path / "home"
    db = home / "dlquiz.sqlite3"
    with Store.open(db) as store:
        ids = {store.answer(f"ml/old{i}", 4, grade="good", graded_by="self", duration_s=1).id
               for i in range(3)}
        pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
    done = run_on_full_disk(pages, "--data-dir", str(home), "study", "--plain", "--only", "ml",
                            stdin="\n3\nn\n" * 40 + "q\n")  # n: on past a code card
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    refused = done.stdout.count("This answer was not saved; the session goes on read-only.")
    shown = done.stdout.count("\n[")
    assert refused >= 1 and shown > refused  # it said so, and went on to later cards
    with Store.open(db) as store:
        kept = {r.id for r in store.reviews()}
    assert kept >= ids  # nothing answered before is lost
    saved = int(re.search(r"Done: (\d+) answers", done.stdout).group(1))  # type: ignore[union-attr]
    assert saved >= 1 and len(kept) == len(ids) + saved  # every answer it reported is there
    assert_consistent(db)


# -- damaged and missing files at every entry point ------------------------------------

ENTRY_POINTS = [["stats"], ["stats", "--json"], ["db", "check"], ["db", "rebuild"],
                ["db", "backup"], ["decks", "list"], ["study", "--plain"], ["cards", "suspended"],
                ["export", "reviews", "{tmp}/out.csv"], ["import", "reviews", "{tmp}/in.csv"]]


def damage(db: Path, how: str) -> None:
    data = bytearray(db.read_bytes())
    if how == "corrupted":  # flipped bytes in the schema page: every reader trips on it
        for i in range(100, 4096, 7):
            data[i] ^= 0x5A
    elif how == "truncated":
        data = data[: len(data) // 3]
    elif how == "zeroed":
        data = bytearray(len(data))
    db.write_bytes(bytes(data))
    for side in ("-wal", "-shm"):
        db.with_name(db.name + side).unlink(missing_ok=True)


@pytest.mark.parametrize("how", ["corrupted", "truncated", "zeroed", "emptied", "deleted-wal-left"])
def test_damaged_database_one_line_everywhere_and_restore_keeps_every_answer(
        how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    paths = resolve_paths()
    with Store.open(paths.database) as store:
        ids = {store.answer(f"ml/c{i}", 4, grade="good", graded_by="self", duration_s=1).id
               for i in range(60)}
    assert main(["db", "backup"]) == 0
    assert main(["export", "reviews", str(tmp_path / "in.csv")]) == 0
    if how == "emptied":
        paths.database.write_bytes(b"")
    elif how == "deleted-wal-left":
        code = ("import os; from dlquiz.store.database import Store\n"
                f"s = Store.open({str(paths.database)!r}); s.review_count(); os._exit(0)\n")
        subprocess.run([sys.executable, "-c", code], check=True)
        paths.database.unlink()
    else:
        damage(paths.database, how)
    capsys.readouterr()
    for argv in ENTRY_POINTS:
        argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
        monkeypatch.setattr("sys.stdin", io.StringIO("q\n"))
        assert main(argv) == 1, argv
        line = one_line(capsys.readouterr().err)
        assert "dlquiz db restore" in line, (argv, line)
        assert len(line) < 400
    assert not (paths.database.exists() and paths.database.stat().st_size > 0
                and how in ("emptied", "deleted-wal-left"))  # never started afresh
    assert main(["db", "restore"]) == 0
    assert logged(paths.database) == ids


def test_missing_database_is_a_new_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "check"]) == 0
    assert "no database yet" in capsys.readouterr().out
    assert main(["stats", "--json"]) == 0


def test_damaged_backup_file_is_refused_and_the_next_is_named(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]
                                                               ) -> None:
    paths = resolve_paths()
    with Store.open(paths.database) as store:
        for i in range(5):
            store.answer(f"ml/c{i}", 4, grade="good", graded_by="self", duration_s=1)
    assert main(["db", "backup"]) == 0
    [backup] = list_backups(paths.backups_dir)
    damage(backup, "truncated")
    capsys.readouterr()
    assert main(["db", "restore"]) == 1
    line = one_line(capsys.readouterr().err)
    assert "is damaged too" in line and "pick another backup" in line
    with Store.open(paths.database) as store:
        assert store.review_count() == 5


def test_app_ends_with_one_line_on_a_database_error(tmp_path: Path) -> None:
    """Textual would print a Rich traceback with locals; the app prints the message instead."""
    import asyncio

    from dlquiz.commands.app import plain_errors
    from dlquiz.tui.app import DlquizApp
    from dlquiz.tui.context import AppContext

    ctx = AppContext(paths=resolve_paths(tmp_path / "home"), deck_paths=())
    app = DlquizApp(ctx)
    messages = plain_errors(app)

    def boom() -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    async def drive() -> None:
        async with app.run_test(size=(80, 24)):
            app.call_later(boom)
            for _ in range(10_000):  # let the message loop run until the app has exited
                if app._exit_renderables or not app.is_running:
                    break
                await asyncio.sleep(0)

    asyncio.run(drive())  # the app closes its context when it unmounts
    assert app.return_code == 1
    [line] = messages
    assert line.startswith("dlquiz: Database is corrupt: ") and "dlquiz db restore" in line
    assert "\n" not in line
