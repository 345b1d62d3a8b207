"""Mock interviews in the store: migration 8, the cram rule, typed answers, history and trend."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dlquiz.store import mock_log
from dlquiz.store.database import Store
from dlquiz.store.migrations import MIGRATIONS
from dlquiz.store.typed_answers import typed_answer
from dlquiz.study.mock import MockPlan, Slot
from dlquiz.study.mock_report import build_report, history_with_trend
from dlquiz.study.mock_session import MockRun

T0 = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)

PLAN = MockPlan(
    minutes=30, requested=("a",), weakest=False, seed=1, topics=("a.x", "a.y"),
    slots=(Slot("concept", "d/c1", "a.x", 180), Slot("followup", "d/f1", "a.x", 120),
           Slot("concept", "d/c2", "a.y", 180), Slot("numeric", "d/n1", "a.y", 180),
           Slot("coding", "d/k1", "a.x", 1140)),
)  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "db.sqlite3")
    yield s
    s.close()


def card_state_rows(store: Store) -> list[tuple[object, ...]]:
    return store.query("SELECT * FROM card_state ORDER BY item_key")


def take(store: Store, plan: MockPlan, points: list[int], start: datetime) -> MockRun:
    """Answer the first len(points) questions, 30 s each, then finish."""
    run = MockRun.start(store, plan, start)
    now = start
    for p in points:
        run.begin(now)
        now += timedelta(seconds=30)
        run.answer(store, points=p, quality=4 if p >= 2 else 1, grade="right", graded_by="self",
                   now=now, typed="my answer" if run.current().kind == "concept" else None)
    run.finish(store, now)
    return run


def test_migration_8_adds_the_mock_tables_after_typed_answers(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    for statements in MIGRATIONS[:7]:
        for statement in statements:
            con.execute(statement)
    con.execute("PRAGMA user_version = 7")
    con.commit()
    con.close()
    with Store.open(path) as s:
        assert s.query("PRAGMA user_version")[0][0] == 8 == len(MIGRATIONS)
        tables = {name for (name,) in s.query("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"typed_answers", "mock_sessions", "mock_questions"} <= tables


def test_a_mock_logs_reviews_but_never_moves_the_schedule(store: Store) -> None:
    # d/c1 has a schedule from an earlier normal review; d/c2 is new
    store.answer("d/c1", 4, grade="good", graded_by="self", duration_s=1, now=T0 - timedelta(days=3))
    before = card_state_rows(store)
    run = take(store, PLAN, [3, 1, 0, 3, 2], T0)
    assert card_state_rows(store) == before, "card_state is the cram rule's: untouched"
    reviews = [r for r in store.reviews() if r.reviewed_at >= T0.isoformat()]
    assert [r.item_key for r in reviews] == [s.item_key for s in PLAN.slots]
    assert all(not r.scheduled for r in reviews)
    assert [r.duration_s for r in reviews] == [30.0] * 5
    # the typed concept answers are kept with their reviews
    assert typed_answer(store, reviews[0].id) == "my answer"
    assert typed_answer(store, reviews[3].id) is None
    rows = mock_log.questions(store, run.session_id)
    assert [q.review_id for q in rows] == [r.id for r in reviews]
    assert [q.points for q in rows] == [3, 1, 0, 3, 2]


def test_history_scores_count_unanswered_questions_as_zero(store: Store) -> None:
    full = take(store, PLAN, [3, 3, 3, 3, 3], T0)
    half = take(store, PLAN, [3, 3], T0 + timedelta(days=1))
    rows = mock_log.history(store)
    assert [r.id for r in rows] == [full.session_id, half.session_id]  # oldest first
    assert rows[0].score == pytest.approx(100.0) and rows[0].answered == 5
    assert rows[1].score == pytest.approx(100.0 * 6 / 15) and rows[1].answered == 2
    assert rows[1].questions == 5 and rows[1].ended_at is not None
    assert rows[1].score == pytest.approx(half.score)
    assert rows[0].to_dict()["topics"] == ["a.x", "a.y"] and rows[0].to_dict()["weakest"] is False


def test_an_unfinished_session_is_in_the_history_without_an_end(store: Store) -> None:
    run = MockRun.start(store, PLAN, T0)
    run.begin(T0)
    run.answer(store, points=2, quality=4, grade="right", graded_by="self", now=T0 + timedelta(seconds=5))
    (row,) = mock_log.history(store)
    assert row.ended_at is None and row.answered == 1 and row.seconds == pytest.approx(5.0)


def test_trend_over_the_last_sessions_and_the_report(store: Store) -> None:
    for day, points in enumerate([[0, 0, 0, 0, 0], [1, 1, 1, 1, 1], [2, 2, 2, 2, 2], [3, 3, 2, 0, 3]]):
        last = take(store, PLAN, points, T0 + timedelta(days=day))
    rows, tr = history_with_trend(store, limit=3)
    assert [round(r.score) for r in rows] == [33, 67, 73]
    assert tr.direction == "improving" and len(tr.sparkline) == 3
    report = build_report(store, last.session_id, lambda key: None)
    assert report is not None
    assert [t.topic for t in report.topics] == ["a.y", "a.x"]  # a.y: 2 + 0 of 6
    assert report.drill == "a.y"
    assert [q.seconds for q in report.questions] == [30.0] * 5
    assert len(report.history) == 4 and report.history[-1].id == last.session_id


def test_bad_points_and_positions_are_refused(store: Store) -> None:
    run = MockRun.start(store, PLAN, T0)
    with pytest.raises(ValueError, match="0-3"):
        mock_log.record_answer(store, run.session_id, 0, seconds=1, points=4, review_id=None)
    with pytest.raises(ValueError, match="no question 9"):
        mock_log.record_answer(store, run.session_id, 9, seconds=1, points=1, review_id=None)
    run.position = len(PLAN.slots)
    with pytest.raises(IndexError, match="over"):
        run.answer(store, points=1, quality=2, grade="partial", graded_by="self", now=T0)


def test_plan_for_today_skips_hidden_cards_and_weakest_follows_readiness(store: Store) -> None:
    from dlquiz.model import Card, Item
    from dlquiz.study.mock_report import plan_for_today, topic_choices

    items = [Item(Card("d", f"{t}{k}", "basic", (f"a.{t}",), front=f"Define {t}{k}.", back="x"))
             for t in ("p", "q", "r", "s") for k in range(4)]
    # a.p is well known (reviewed today, Easy); the others are unseen (readiness 0)
    for k in range(4):
        store.answer(f"d/p{k}", 5, grade="easy", graded_by="self", duration_s=1, now=T0)
    store.set_suspended("d/q0", True)
    day = T0.date().isoformat()
    for seed in range(4):
        plan = plan_for_today(store, items, 30, [], seed=seed, today=day)
        assert "a.p" not in plan.topics and len(plan.topics) == 3
        assert "d/q0" not in {s.item_key for s in plan.slots}
    assert topic_choices(items)[0] == ("a", "a (all)", 16)
    assert [r[0] for r in topic_choices(items)] == ["a", "a.p", "a.q", "a.r", "a.s"]
