"""FSRS through dlquiz gives what py-fsrs itself gives: same ratings, same intervals.

The oracle is py-fsrs's ``Scheduler`` driven directly (no learning steps, no
fuzz, reviews at midnight UTC of each study day), plus a golden sequence
recorded from py-fsrs 6.3.2 and FSRS-6's published formulas written out here.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.study.fsrs_scheduler import FSRSScheduler
from dlquiz.study.scheduler import Memory, add_days, rating_of
from dlquiz.study.schedulers import make_scheduler

START = "2026-01-05"
#: (quality, interval py-fsrs 6.3.2 gave, stability) with default parameters, retention 0.9,
#: each review on its due day.
GOLDEN = [
    (4, 2, 2.3065), (4, 11, 10.964), (4, 46, 46.28), (4, 163, 162.862), (4, 497, 497.447),
    (1, 7, 6.886), (4, 17, 16.724), (4, 37, 37.402), (5, 112, 111.939), (3, 187, 186.923),
]  # fmt: skip


def direct(ratings_and_gaps: list[tuple[int, int]], retention: float = 0.9) -> list[tuple[int, float, float]]:
    """(interval, stability, difficulty) of each review, from py-fsrs alone."""
    engine = Scheduler(desired_retention=retention, learning_steps=(), relearning_steps=(),
                       enable_fuzzing=False)  # fmt: skip
    when = datetime(2026, 1, 5, tzinfo=UTC)
    card = Card(card_id=7, due=when)
    out = []
    for rating, gap in ratings_and_gaps:
        card, _ = engine.review_card(card, Rating(rating), when)
        out.append(((card.due - when).days, card.stability, card.difficulty))
        when += timedelta(days=gap)
    return out


def through_dlquiz(qualities_and_gaps: list[tuple[int, int]], retention: float = 0.9) -> list[tuple[int, float, float]]:
    scheduler = FSRSScheduler(desired_retention=retention, fuzz=False)
    memory, day, out = Memory(), START, []
    for quality, gap in qualities_and_gaps:
        step = scheduler.review(memory, quality, day, "d/c")
        memory = step.memory
        assert step.due == add_days(day, memory.interval)
        out.append((memory.interval, memory.stability, memory.difficulty))
        day = add_days(day, gap)
    return out


def test_golden_sequence_recorded_from_py_fsrs() -> None:
    scheduler = FSRSScheduler(fuzz=False)
    memory, day = Memory(), START
    for quality, interval, stability in GOLDEN:
        step = scheduler.review(memory, quality, day, "d/c")
        memory = step.memory
        assert memory.interval == interval
        assert memory.stability == pytest.approx(stability, abs=5e-4)
        day = step.due


def test_first_answers_follow_the_fsrs6_formulas() -> None:
    """Written from the FSRS-6 paper: S0 = w[rating-1], D0 = w4 - e^(w5 (rating-1)) + 1."""
    w = DEFAULT_PARAMETERS
    scheduler = FSRSScheduler(fuzz=False)
    for quality in (1, 3, 4, 5):
        rating = rating_of(quality)
        memory = scheduler.review(Memory(), quality, START, "d/c").memory
        assert memory.stability == pytest.approx(w[rating - 1])
        assert memory.difficulty == pytest.approx(min(max(w[4] - math.exp(w[5] * (rating - 1)) + 1, 1), 10))
        # interval for retention r: S / f * (r^(1/-w20) - 1), f = 0.9^(1/-w20) - 1; r = 0.9 -> S
        assert memory.interval == max(1, round(w[rating - 1]))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from([0, 1, 2, 3, 4, 5]), st.integers(0, 400)), min_size=1, max_size=25),
    st.sampled_from([0.8, 0.85, 0.9, 0.95]),
)
def test_any_sequence_matches_py_fsrs(steps: list[tuple[int, int]], retention: float) -> None:
    ours = through_dlquiz(steps, retention)
    theirs = direct([(rating_of(q), gap) for q, gap in steps], retention)
    for (i1, s1, d1), (i2, s2, d2) in zip(ours, theirs, strict=True):
        assert i1 == i2
        assert s1 == pytest.approx(s2, rel=1e-12) and d1 == pytest.approx(d2, rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.01, 5000), st.integers(0, 3000))
def test_forgetting_curve_matches_py_fsrs(stability: float, elapsed: int) -> None:
    scheduler = FSRSScheduler(fuzz=False)
    engine = Scheduler()
    last = datetime(2026, 1, 5, tzinfo=UTC)
    card = Card(card_id=1, stability=stability, difficulty=5.0, last_review=last, due=last)
    memory = Memory(stability=stability, difficulty=5.0, last_day=START)
    expected = engine.get_card_retrievability(card, last + timedelta(days=elapsed))
    assert scheduler.retrievability(memory, add_days(START, elapsed)) == pytest.approx(expected, rel=1e-12)


def test_recall_is_ninety_percent_after_one_stability() -> None:
    scheduler = FSRSScheduler()
    assert scheduler.curve(40.0, 40.0) == pytest.approx(0.9)


def test_spec_round_trip_and_bad_values() -> None:
    scheduler = FSRSScheduler(desired_retention=0.85)
    again = make_scheduler(scheduler.spec())
    assert isinstance(again, FSRSScheduler) and again.spec() == scheduler.spec()
    assert make_scheduler(None).spec() == {"scheduler": "sm2", "fuzz": True}
    with pytest.raises(ValueError, match="unknown scheduler"):
        make_scheduler({"scheduler": "sm17"})
    with pytest.raises(ValueError, match="desired retention"):
        FSRSScheduler(desired_retention=1.5)
    with pytest.raises(ValueError, match="quality"):
        scheduler.review(Memory(), 6, START, "d/c")


def test_rating_mapping() -> None:
    assert [rating_of(q) for q in range(6)] == [1, 1, 1, 2, 3, 4]
