"""Store: lazy creation, one transaction per answer, undo, rebuild, corruption."""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import astuple
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dlquiz.errors import CorruptDatabaseError
from dlquiz.store.database import Store
from dlquiz.store.migrations import SCHEMA_VERSION

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "sub" / "db.sqlite3")
    yield s
    s.close()


def answer(store: Store, key: str, q: int, day: int = 0, **kw: object):
    return store.answer(key, q, grade="g", graded_by="self", duration_s=1.0,
        now=T0 + timedelta(days=day, minutes=len(list(store.reviews()))), **kw,
    )  # fmt: skip


def snapshot(store: Store) -> list[tuple[object, ...]]:
    return [astuple(s) for s in store.states()]


def test_import_creates_nothing_and_open_creates_folder(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "db.sqlite3"
    code = f"import dlquiz.store.database, dlquiz.study.session; import os; print(os.path.exists({str(target)!r}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    with Store.open(target) as s:
        assert target.exists()
        assert s.query("PRAGMA journal_mode")[0][0] == "wal"
        assert s.query("PRAGMA user_version")[0][0] == SCHEMA_VERSION
        assert s.query("PRAGMA busy_timeout")[0][0] >= 5000


def test_answer_writes_log_row_and_state_together(store: Store) -> None:
    r = answer(store, "d/a", 5)
    assert (r.interval_before, r.interval_after, r.repetitions_after) == (0, 1, 1)
    assert r.due_before is None and r.due_after == "2024-03-02"  # study day 2024-03-01 + 1
    state = store.state("d/a")
    assert (state.repetitions, state.interval, state.due) == (1, 1, "2024-03-02")
    assert state.easiness == pytest.approx(2.6)
    assert [x.id for x in store.reviews()] == [r.id]


def test_bad_quality_writes_nothing(store: Store) -> None:
    with pytest.raises(ValueError):
        answer(store, "d/a", 9)
    assert store.review_count() == 0 and list(store.states()) == []


def test_unscheduled_answer_is_logged_but_leaves_state(store: Store) -> None:
    answer(store, "d/a", 5)
    before = store.state("d/a")
    r = answer(store, "d/a", 1, scheduled=False)
    assert not r.scheduled and store.state("d/a") == before
    assert store.review_count() == 2


def test_undo_last_restores_exact_previous_state_and_agrees_with_rebuild(store: Store) -> None:
    answer(store, "d/a", 5)
    answer(store, "d/a", 4, day=1)
    middle = snapshot(store)
    answer(store, "d/a", 1, day=7)
    removed = store.undo_last()
    assert removed is not None and removed.quality == 1
    assert snapshot(store) == middle
    store.rebuild()
    assert snapshot(store) == middle
    assert store.review_count() == 2


def test_undo_to_nothing_gives_a_new_card_again(store: Store) -> None:
    answer(store, "d/a", 4)
    store.undo_last()
    assert store.state("d/a").is_new
    assert "d/a" not in store.known_keys()
    assert store.undo_last() is None


def test_rebuild_reproduces_states_after_random_answers(store: Store) -> None:
    rng = random.Random(7)
    keys = [f"deck/c{i}" for i in range(12)] + ["deck/z#c2"]
    for n in range(300):
        key = rng.choice(keys)
        store.answer(key, rng.randint(0, 5), grade="g", graded_by="auto", duration_s=0.5,
            now=T0 + timedelta(hours=7 * n), scheduled=rng.random() > 0.2,
        )  # fmt: skip
        if rng.random() < 0.1:
            store.undo_last()
    store.set_suspended("deck/c3", True)
    before = snapshot(store)
    assert store.rebuild() == len(before)
    assert snapshot(store) == before


def test_rebuild_keeps_suspension_and_states_of_unloaded_cards(store: Store) -> None:
    answer(store, "gone/card", 5)
    store.set_suspended("d/new-one", True)
    store.rebuild()
    assert store.state("gone/card").repetitions == 1
    assert store.state("d/new-one").suspended and store.state("d/new-one").is_new


def test_exercise_attempts(store: Store) -> None:
    store.record_attempt("nms", "wrong_answer", 3, 10, hints_used=1, duration_s=4.0)
    assert store.solved_exercises() == set()
    store.record_attempt("nms", "pass", 10, 10)
    store.record_attempt("iou", "runtime_error", 0, 10)
    assert store.solved_exercises() == {"nms"}


def test_import_reviews_is_idempotent(tmp_path: Path, store: Store) -> None:
    answer(store, "d/a", 5)
    answer(store, "d/b", 2, day=1)
    days = dict(store.review_days())
    pairs = [(r, days[r.id]) for r in store.reviews()]
    with Store.open(tmp_path / "other.sqlite3") as other:
        assert other.import_reviews(pairs) == 2
        assert other.import_reviews(pairs) == 0
        assert snapshot(other) == snapshot(store)


def test_garbage_file_is_reported_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(CorruptDatabaseError, match="dlquiz db restore"):
        Store.open(path)
    assert path.read_bytes().startswith(b"this is not")  # never silently replaced


def test_truncated_file_is_reported_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with Store.open(path) as s:
        for i in range(300):
            answer(s, f"d/c{i}", 4)
        s.query("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size // 2)
    with pytest.raises(CorruptDatabaseError, match="truncated"):
        Store.open(path)


def test_damaged_pages_are_reported_not_crashed(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with Store.open(path) as s:
        for i in range(300):
            answer(s, f"d/c{i}", 4)
        s.query("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    data[2 * page : len(data)] = bytes(len(data) - 2 * page)  # zero every page after the 2nd
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError), Store.open(path) as s:
        list(s.reviews())
        s.rebuild()


def test_old_database_is_migrated_forward(tmp_path: Path) -> None:
    import sqlite3

    from dlquiz.store.migrations import MIGRATIONS

    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        con.execute(statement)
    con.execute("PRAGMA user_version = 1")
    con.execute("INSERT INTO card_state (item_key, suspended) VALUES ('d/a', 1)")
    con.commit()
    con.close()
    with Store.open(path) as s:
        assert s.query("PRAGMA user_version")[0][0] == len(MIGRATIONS) == SCHEMA_VERSION
        for index in ("card_state_hidden", "card_state_unreviewed", "card_state_due_visible"):
            assert s.query("SELECT name FROM sqlite_master WHERE name = ?", (index,))
        assert not s.query("SELECT name FROM sqlite_master WHERE name = 'card_state_due'")
        assert s.hidden_keys("2024-01-01") == {"d/a"}
        assert s.unreviewed_keys() == {"d/a"}


def test_queue_queries_read_indexes_only(store: Store) -> None:
    """The due list and the per-deck key runs never touch table rows (why the queue is fast)."""
    from dlquiz.store.queue_queries import DUE_JOINED_QUERY, DUE_QUERY, KEYS_BETWEEN_QUERY

    plans = {
        DUE_QUERY: "COVERING INDEX card_state_due_visible",
        DUE_JOINED_QUERY: "COVERING INDEX card_state_due_visible",
        KEYS_BETWEEN_QUERY: "COVERING INDEX sqlite_autoindex_card_state_1",
        "SELECT item_key FROM card_state WHERE last_reviewed IS NULL": "INDEX card_state_unreviewed",
    }
    for sql, expected in plans.items():
        params = ("2024-01-01",) * sql.count("?")
        detail = " ".join(row[3] for row in store.query(f"EXPLAIN QUERY PLAN {sql}", params))
        assert expected in detail, (sql, detail)


def test_state_keys_between_and_unreviewed_keys(store: Store) -> None:
    answer(store, "d/b", 4)
    answer(store, "d/a", 4)
    answer(store, "e/a", 4)
    answer(store, "d/c", 4)
    store.undo_last()  # d/c keeps a row, never reviewed
    store.set_suspended("d/z", True)
    assert store.state_keys_between("d/", "d0") == "d/a\nd/b\nd/c\nd/z"
    assert store.state_keys_between("e/", None) == "e/a"
    assert store.state_keys_between("f/", "f0") == ""
    assert store.unreviewed_keys() == {"d/c", "d/z"}
    assert sorted(store.due_key_list("2024-03-02")) == ["d/a", "d/b", "e/a"]
    assert store.due_key_list("2024-03-01") == []
