"""SM-2 golden sequences (arithmetic written out by hand) and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlquiz.study.sm2 import SM2State, review

# EF change per quality, by hand: 0.1 - (5-q) * (0.08 + (5-q) * 0.02)
#   q=5: 0.1 - 0                    = +0.10
#   q=4: 0.1 - 1*(0.08 + 0.02)      =  0.00
#   q=3: 0.1 - 2*(0.08 + 0.04)      = -0.14
#   q=2: 0.1 - 3*(0.08 + 0.06)      = -0.32
#   q=1: 0.1 - 4*(0.08 + 0.08)      = -0.54
#   q=0: 0.1 - 5*(0.08 + 0.10)      = -0.80
EF_DELTA = {5: 0.10, 4: 0.0, 3: -0.14, 2: -0.32, 1: -0.54, 0: -0.80}


def run(qualities: list[int], state: SM2State | None = None) -> list[tuple[int, int, float]]:
    state = state or SM2State()
    out = []
    for q in qualities:
        state = review(state, q)
        out.append((state.repetitions, state.interval, round(state.easiness, 6)))
    return out


def test_golden_sequence_with_a_lapse() -> None:
    expected = [
        (1, 1, 2.6),     # rep 0 -> interval 1; EF 2.5 + 0.1
        (2, 6, 2.7),     # rep 1 -> interval 6; EF 2.6 + 0.1
        (3, 16, 2.8),    # round(6 * 2.7 = 16.2) = 16; EF 2.7 + 0.1
        (4, 45, 2.8),    # round(16 * 2.8 = 44.8) = 45; EF + 0
        (5, 126, 2.66),  # round(45 * 2.8 = 126.0) = 126; EF 2.8 - 0.14
        (0, 1, 2.34),    # q=2 lapse: rep 0, interval 1; EF 2.66 - 0.32
        (1, 1, 2.34),    # rep 0 -> 1 day again
        (2, 6, 2.34),    # rep 1 -> 6 days
        (3, 14, 2.34),   # round(6 * 2.34 = 14.04) = 14
    ]  # fmt: skip
    assert run([5, 5, 5, 4, 3, 2, 4, 4, 4]) == expected


def test_golden_sequence_all_hard() -> None:
    # q=3 each time: EF 2.5 -> 2.36 -> 2.22 -> 2.08 -> 1.94
    # intervals: 1, 6, round(6 * 2.22 = 13.32) = 13, round(13 * 2.08 = 27.04) = 27
    assert run([3, 3, 3, 3]) == [(1, 1, 2.36), (2, 6, 2.22), (3, 13, 2.08), (4, 27, 1.94)]


def test_rounding_is_half_up_with_easiness_before_update() -> None:
    # 25 * 2.1 = 52.5 -> 53 (banker's rounding would give 52); q=5 then raises EF to 2.2,
    # but the interval uses 2.1, the value *before* the update.
    after = review(SM2State(repetitions=3, interval=25, easiness=2.1), 5)
    assert (after.interval, round(after.easiness, 6)) == (53, 2.2)
    # 15 * 2.3 = 34.5 -> 35 (a float product can land just below .5)
    assert review(SM2State(3, 15, 2.3), 4).interval == 35
    # 5 * 2.7 = 13.5 -> 14
    assert review(SM2State(3, 5, 2.7), 4).interval == 14


def test_easiness_floor() -> None:
    # 1.3 - 0.8 = 0.5 -> floored to 1.3; 1.4 - 0.14 = 1.26 -> 1.3
    assert review(SM2State(easiness=1.3), 0).easiness == 1.3
    assert review(SM2State(2, 6, 1.4), 3).easiness == 1.3
    # 1.3 + 0.1 = 1.4 is above the floor
    assert review(SM2State(easiness=1.3), 5).easiness == pytest.approx(1.4)


def test_lapse_resets_repetitions_and_interval() -> None:
    after = review(SM2State(7, 300, 2.9), 1)
    # 2.9 - 0.54 = 2.36
    assert (after.repetitions, after.interval, after.easiness) == (0, 1, pytest.approx(2.36))


@pytest.mark.parametrize("bad", [-1, 6, 2.0, "4", None, True])
def test_rejects_bad_quality(bad: object) -> None:
    with pytest.raises(ValueError):
        review(SM2State(), bad)  # type: ignore[arg-type]


def test_input_is_not_mutated_and_is_frozen() -> None:
    state = SM2State(2, 6, 2.5)
    review(state, 5)
    assert state == SM2State(2, 6, 2.5)
    with pytest.raises(AttributeError):
        state.interval = 3  # type: ignore[misc]


states = st.builds(
    SM2State,
    repetitions=st.integers(0, 50),
    interval=st.integers(0, 10_000),
    easiness=st.integers(130, 400).map(lambda n: n / 100),
)
qualities = st.integers(0, 5)


@given(states, qualities)
def test_easiness_floor_holds(state: SM2State, q: int) -> None:
    assert review(state, q).easiness >= 1.3


@given(states, qualities)
def test_easiness_change_matches_formula(state: SM2State, q: int) -> None:
    expected = max(1.3, state.easiness + EF_DELTA[q])
    assert review(state, q).easiness == pytest.approx(expected, abs=1e-9)


@given(states, st.integers(3, 5))
def test_interval_never_shrinks_on_pass_after_second_repetition(state: SM2State, q: int) -> None:
    if state.repetitions >= 2:
        after = review(state, q)
        assert after.interval >= state.interval
        assert after.repetitions == state.repetitions + 1


@given(states, st.integers(0, 2))
def test_failure_always_gives_one_day_and_zero_repetitions(state: SM2State, q: int) -> None:
    after = review(state, q)
    assert (after.repetitions, after.interval) == (0, 1)


@given(st.lists(qualities, min_size=1, max_size=30))
def test_sequences_stay_valid(seq: list[int]) -> None:
    state = SM2State()
    for q in seq:
        state = review(state, q)
        assert state.interval >= 1 and state.repetitions >= 0
