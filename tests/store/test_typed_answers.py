"""Typed answers (migration 7): written with their review, undone with it, kept by backups."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dlquiz.store import database
from dlquiz.store.backup import create_backup
from dlquiz.store.database import Store
from dlquiz.store.migrations import MIGRATIONS
from dlquiz.store.typed_answers import typed_answer, typed_answers
from dlquiz.store.verify import check_replay

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "db.sqlite3")
    yield s
    s.close()


def answer(store: Store, key: str, minutes: int, typed: str | None) -> str:
    review = store.answer(key, 4, grade="good", graded_by="self", duration_s=2.0,
                          now=T0 + timedelta(minutes=minutes), typed_answer=typed)
    return review.id


def test_the_text_is_stored_beside_its_review_and_only_when_typed(store: Store) -> None:
    first = answer(store, "d/a", 0, "  Zero, for any x < 0\n")
    second = answer(store, "d/a", 1, None)
    third = answer(store, "d/b", 2, "")  # typed nothing and revealed: kept as typed ("")
    assert typed_answer(store, first) == "  Zero, for any x < 0\n"  # verbatim
    assert typed_answer(store, second) is None
    assert typed_answer(store, third) == ""
    assert typed_answers(store, "d/a") == {first: "  Zero, for any x < 0\n"}
    assert store.query("SELECT count(*) FROM typed_answers")[0][0] == 2


def test_undo_removes_the_text_with_the_review(store: Store) -> None:
    kept = answer(store, "d/a", 0, "one")
    undone = answer(store, "d/a", 1, "two")
    assert store.undo_last().id == undone
    assert typed_answer(store, undone) is None
    assert typed_answer(store, kept) == "one"


def test_a_failed_text_write_leaves_no_review_either(store: Store, monkeypatch) -> None:
    answer(store, "d/a", 0, "first")

    def broken(connection: sqlite3.Connection, review_id: str, text: str) -> None:
        connection.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(database, "write_typed_answer", broken)
    before = (store.review_count(), store.state("d/a"))
    with pytest.raises(Exception):
        answer(store, "d/a", 1, "second")
    assert (store.review_count(), store.state("d/a")) == before


def test_an_older_database_migrates_and_keeps_its_reviews(tmp_path: Path) -> None:
    path = tmp_path / "v6.sqlite3"
    con = sqlite3.connect(path)
    for statements in MIGRATIONS[:6]:
        for statement in statements:
            con.execute(statement)
    con.execute("PRAGMA user_version = 6")
    con.commit()
    con.close()
    with Store.open(path) as s:
        assert s.query("PRAGMA user_version")[0][0] == len(MIGRATIONS)
        rid = answer(s, "d/a", 0, "typed after the upgrade")
        assert typed_answer(s, rid) == "typed after the upgrade"


def test_rebuild_check_import_and_backup_keep_the_texts(store: Store, tmp_path: Path) -> None:
    ids = [answer(store, "d/a", n, f"answer {n}") for n in range(3)]
    assert store.rebuild() == 1
    assert check_replay(store).ok
    # importing the same log again (the sync path) adds nothing and drops nothing
    days = dict(store.review_days())
    assert store.import_reviews([(r, days[r.id]) for r in store.reviews()]) == 0
    backup = create_backup(store, tmp_path / "backups", now=T0)
    with Store.open(backup) as copy:
        assert [typed_answer(copy, i) for i in ids] == ["answer 0", "answer 1", "answer 2"]
    assert [typed_answer(store, i) for i in ids] == ["answer 0", "answer 1", "answer 2"]


def test_a_session_answer_passes_the_text_through_and_undo_takes_it_back(store: Store) -> None:
    from dlquiz.model import Card
    from dlquiz.study.session import SchedulingConfig, StudySession

    card = Card("d", "a", "basic", ("arch.conv",), front="F", back="B")
    session = StudySession.build([card.items()[0]], store, config=SchedulingConfig(), mode="review",
                                 seed=1, now=T0)
    review = session.answer(4, grade="good", graded_by="self", duration_s=1.0, now=T0,
                            typed_answer="my words")
    assert typed_answer(store, review.id) == "my words"
    assert session.undo()
    assert store.query("SELECT count(*) FROM typed_answers")[0][0] == 0
