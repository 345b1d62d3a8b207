"""Seeded fuzz (ranges, determinism, spread) and the SM-2 scheduler behind the interface."""

from __future__ import annotations

import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.study import sm2
from dlquiz.study.fuzz import fuzz_range, fuzzed_interval
from dlquiz.study.scheduler import Memory, SM2Scheduler, add_days, days_between


def naive_range(interval: int) -> tuple[int, int]:
    """Anki's published fuzz bands, written out independently: 15% over 2.5-7 d, 10% over
    7-20 d, 5% above 20 d, plus one day; bounds rounded half up, low >= 2."""
    if interval < 3:
        return interval, interval
    delta = 1.0
    delta += 0.15 * max(0.0, min(interval, 7) - 2.5)
    delta += 0.10 * max(0.0, min(interval, 20) - 7)
    delta += 0.05 * max(0.0, interval - 20)
    low = max(2, math.floor(interval - delta + 0.5))
    return low, math.floor(interval + delta + 0.5)


@settings(max_examples=50)
@given(st.integers(0, 30000))
def test_range_is_the_published_bands(interval: int) -> None:
    assert fuzz_range(interval) == naive_range(interval)


@settings(max_examples=50)
@given(st.integers(0, 5000), st.text(min_size=1, max_size=20), st.dates().map(lambda d: d.isoformat()))
def test_fuzz_stays_in_range_and_is_deterministic(interval: int, key: str, day: str) -> None:
    value = fuzzed_interval(interval, key, day)
    low, high = fuzz_range(interval)
    assert low <= value <= high
    assert value == fuzzed_interval(interval, key, day)
    if interval < 3:
        assert value == interval


def test_fuzz_spreads_cards_learned_together() -> None:
    """100 cards with the same 30-day interval on the same day land on every day of the range."""
    counts = Counter(fuzzed_interval(30, f"d/c{n}", "2026-01-05") for n in range(2000))
    low, high = fuzz_range(30)
    assert set(counts) == set(range(low, high + 1))
    assert max(counts.values()) < 2 * min(counts.values())  # roughly uniform


def test_sm2_scheduler_keeps_sm2_intervals_and_fuzzes_only_the_due_date() -> None:
    plain, fuzzy = SM2Scheduler(fuzz=False), SM2Scheduler(fuzz=True)
    state, memory_a, memory_b, day = sm2.SM2State(), Memory(), Memory(), "2026-01-05"
    for quality in (5, 4, 4, 5, 3, 1, 4, 4, 5):
        state = sm2.review(state, quality)
        step_a = plain.review(memory_a, quality, day, "d/c")
        step_b = fuzzy.review(memory_b, quality, day, "d/c")
        memory_a, memory_b = step_a.memory, step_b.memory
        for memory in (memory_a, memory_b):
            assert (memory.repetitions, memory.interval, memory.easiness) == (
                state.repetitions, state.interval, state.easiness)
        assert step_a.due == add_days(day, state.interval)
        low, high = fuzz_range(state.interval)
        assert low <= days_between(day, step_b.due) <= high
        day = add_days(day, 3)


def test_sm2_curve_is_ninety_percent_at_the_interval() -> None:
    s = SM2Scheduler()
    memory = Memory(repetitions=3, interval=10, last_day="2026-01-01")
    assert s.retrievability(memory, "2026-01-11") == 0.9
    assert abs(s.retrievability(memory, "2026-01-21") - 0.81) < 1e-12
    assert s.retrievability(memory, "2026-01-01") == 1.0
    assert s.retrievability(Memory(), "2026-01-01") == 0.0
