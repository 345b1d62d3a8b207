"""StudySession: queue order and limits, re-drill, undo, cram, suspend, bury."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dlquiz.clock import study_day
from dlquiz.model import Card, Item
from dlquiz.store.database import Store
from dlquiz.study.session import (
    SELF_GRADES,
    SchedulingConfig,
    StudySession,
    exercise_quality,
    queue_counts,
)

DAY1 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "db.sqlite3")
    yield s
    s.close()


def items(deck: str, n: int) -> list[Item]:
    return [Card(deck, f"c{i:02d}", "basic", ("x",)).items()[0] for i in range(n)]


def good(session: StudySession, q: int = 4, at: datetime = DAY1) -> None:
    session.answer(q, grade="good", graded_by="self", duration_s=2.0, now=at)


def keys(session: StudySession) -> list[str]:
    return [e.item.key for e in session.queue[session.position :]]


def test_self_grades_mapping() -> None:
    assert dict(SELF_GRADES) == {"again": 1, "hard": 3, "good": 4, "easy": 5}


@pytest.mark.parametrize(
    ("passed", "first_try", "hints", "gave_up", "quality"),
    [(True, True, 0, False, 5), (True, True, 2, False, 4), (True, False, 0, False, 4),
     (False, False, 0, True, 1), (False, True, 0, False, 2)],
)  # fmt: skip
def test_exercise_quality(passed: bool, first_try: bool, hints: int, gave_up: bool, quality: int) -> None:
    assert exercise_quality(passed, first_try, hints, gave_up) == quality


def test_day_starts_at_configured_hour() -> None:
    late = datetime(2024, 3, 2, 3, 30, tzinfo=UTC)  # 03:30 local (TZ=UTC)
    assert study_day(late, 4) == date(2024, 3, 1)
    assert study_day(late, 0) == date(2024, 3, 2)
    with pytest.raises(ValueError):
        study_day(datetime(2024, 3, 2, 3, 30), 4)


def test_new_cards_in_deck_order_up_to_limit(store: Store) -> None:
    deck = items("d", 30)
    s = StudySession.build(deck, store, now=DAY1, config=SchedulingConfig(new_per_day=5))
    assert keys(s) == [f"d/c{i:02d}" for i in range(5)]
    assert {e.kind for e in s.queue} == {"new"}


def test_new_limit_counts_cards_introduced_earlier_today(store: Store) -> None:
    deck = items("d", 30)
    cfg = SchedulingConfig(new_per_day=5)
    first = StudySession.build(deck, store, now=DAY1, config=cfg)
    good(first)
    good(first)
    again = StudySession.build(deck, store, now=DAY1 + timedelta(hours=2), config=cfg)
    assert keys(again) == [f"d/c{i:02d}" for i in range(2, 5)]
    tomorrow = StudySession.build(deck, store, now=DAY1 + timedelta(days=1), config=cfg)
    assert set(keys(tomorrow)[:2]) == {"d/c00", "d/c01"}  # due (interval 1) first
    assert [e.kind for e in tomorrow.queue[:3]] == ["due", "due", "new"]


def test_due_first_by_due_date_then_seeded_shuffle(store: Store) -> None:
    deck = items("d", 40)
    # c00..c19 first seen on day 1 (due day 2), c20..c39 on day 0 (due day 1)
    for i, item in enumerate(deck):
        at = DAY1 if i < 20 else DAY1 - timedelta(days=1)
        store.answer(item.key, 4, grade="good", graded_by="self", duration_s=1, now=at)
    cfg = SchedulingConfig(new_per_day=0)
    s1 = StudySession.build(deck, store, now=DAY1 + timedelta(days=5), config=cfg, seed=1)
    s2 = StudySession.build(deck, store, now=DAY1 + timedelta(days=5), config=cfg, seed=2)
    s1b = StudySession.build(deck, store, now=DAY1 + timedelta(days=5), config=cfg, seed=1)
    assert set(keys(s1)[:20]) == {f"d/c{i:02d}" for i in range(20, 40)}  # earlier due first
    assert keys(s1) == keys(s1b)
    assert keys(s1) != keys(s2)
    assert sorted(keys(s1)) == sorted(keys(s2))


def test_review_limit(store: Store) -> None:
    deck = items("d", 10)
    for item in deck:
        store.answer(item.key, 4, grade="good", graded_by="self", duration_s=1, now=DAY1)
    s = StudySession.build(
        deck, store, now=DAY1 + timedelta(days=1), config=SchedulingConfig(reviews_per_day=4)
    )
    assert len(s.queue) == 4 and {e.kind for e in s.queue} == {"due"}


def test_redrill_until_good_without_moving_schedule(store: Store) -> None:
    s = StudySession.build(items("d", 6), store, now=DAY1)
    first = s.current()
    s.answer(1, grade="again", graded_by="self", duration_s=1, now=DAY1)
    state = store.state(first.key)
    assert (state.repetitions, state.interval) == (0, 1)
    assert keys(s)[3] == first.key and s.queue[s.position + 3].kind == "redrill"
    for _ in range(3):
        good(s)
    assert s.current() == first
    r = s.answer(3, grade="hard", graded_by="self", duration_s=1, now=DAY1)
    assert not r.scheduled and store.state(first.key) == state
    while s.current() != first:
        good(s)
    good(s, 4)
    assert first.key not in keys(s)
    assert store.state(first.key) == state
    # c00, c01-c03, c00 (hard), c04, c05, c00 (good): the session is over
    assert (s.progress.done, s.progress.remaining) == (8, 0)
    scheduled = [r.scheduled for r in store.reviews(first.key)]
    assert scheduled == [True, False, False]


def test_undo_many_steps_restores_queue_and_store(store: Store) -> None:
    s = StudySession.build(items("d", 5), store, now=DAY1)
    start_keys = keys(s)
    good(s, 5)
    s.answer(1, grade="again", graded_by="self", duration_s=1, now=DAY1)
    s.bury()
    good(s)
    assert s.progress.done == 3
    for _ in range(4):
        assert s.undo()
    assert not s.undo()
    assert keys(s) == start_keys and s.progress.done == 0
    assert store.review_count() == 0
    assert all(st.is_new and st.buried_until is None for st in store.states())


def test_cram_logs_unscheduled_and_keeps_state(store: Store) -> None:
    deck = items("d", 4)
    store.answer(deck[0].key, 5, grade="easy", graded_by="self", duration_s=1, now=DAY1)
    before = list(store.states())
    s = StudySession.build(deck, store, now=DAY1, mode="cram", seed=3)
    assert sorted(keys(s)) == sorted(i.key for i in deck)  # not-due and new alike
    while s.current() is not None:
        good(s, 4)
    assert list(store.states()) == before
    assert sum(1 for r in store.reviews() if not r.scheduled) == 4


def test_suspend_and_bury(store: Store) -> None:
    deck = items("d", 3)
    s = StudySession.build(deck, store, now=DAY1)
    s.suspend()
    s.bury()
    assert keys(s) == ["d/c02"]
    again = StudySession.build(deck, store, now=DAY1 + timedelta(hours=1))
    assert keys(again) == ["d/c02"]
    tomorrow = StudySession.build(deck, store, now=DAY1 + timedelta(days=1))
    assert keys(tomorrow) == ["d/c01", "d/c02"]
    s.undo()
    s.undo()
    assert keys(s) == ["d/c00", "d/c01", "d/c02"]
    assert not store.state("d/c00").suspended


def test_removed_cards_keep_state_and_come_back(store: Store) -> None:
    deck = items("d", 3)
    store.answer(deck[2].key, 5, grade="easy", graded_by="self", duration_s=1, now=DAY1)
    s = StudySession.build(deck[:2], store, now=DAY1 + timedelta(days=3))
    assert keys(s) == ["d/c00", "d/c01"]
    back = StudySession.build(deck, store, now=DAY1 + timedelta(days=3))
    assert keys(back)[0] == "d/c02" and back.queue[0].kind == "due"


def test_summary_and_progress(store: Store) -> None:
    s = StudySession.build(items("d", 3), store, now=DAY1)
    good(s, 5)
    s.answer(1, grade="again", graded_by="self", duration_s=3.0, now=DAY1)
    assert (s.progress.done, s.progress.remaining) == (2, 2)  # 1 new + 1 re-drill left
    summary = s.summary()
    assert (summary.cards, summary.answers, summary.correct_pct) == (2, 2, 50.0)
    assert summary.time_s == 5.0 and summary.next_due == "2024-03-02"


def test_queue_counts(store: Store) -> None:
    a, b = items("a", 4), items("b", 30)
    store.answer(a[0].key, 4, grade="good", graded_by="self", duration_s=1, now=DAY1)
    store.answer(a[1].key, 5, grade="good", graded_by="self", duration_s=1, now=DAY1)
    store.set_suspended(a[3].key, True)
    counts = queue_counts(store, a + b, date(2024, 3, 2), SchedulingConfig(new_per_day=25))
    # a: c00, c01 due (interval 1), c02 new, c03 suspended; b: 30 new capped at 25
    assert counts == {"a": (2, 1), "b": (0, 25)}
