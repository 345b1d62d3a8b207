"""The bounded buffer really blocks, and the pipeline checker accepts exactly the valid runs."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.case import Case
from dlquiz.grading.cases.concurrency import run_pipeline_cases
from dlquiz.grading.reference.concurrency import BoundedBuffer, check_pipeline, run_pipeline


def test_reference_runs_satisfy_the_checker_on_every_case() -> None:
    for seed in (0, 1):
        for case in run_pipeline_cases(np.random.default_rng(seed)):
            got = run_pipeline(**case.args)
            assert check_pipeline({}, got, got, case).ok, case.name


def test_single_producer_gives_items_in_order() -> None:
    items = list(range(-50, 50))
    taken, occ = run_pipeline(3, items, 1, 3)
    assert taken == items and 1 <= occ <= 3


def test_put_blocks_when_full_and_get_when_empty() -> None:
    """Checked with events, not sleeps: a blocked call has not returned when we look."""
    buf = BoundedBuffer(2)
    buf.put(1)
    buf.put(2)
    done = threading.Event()

    def third_put() -> None:
        buf.put(3)
        done.set()

    t = threading.Thread(target=third_put)
    t.start()
    assert not done.wait(0.05)          # still blocked: the buffer is full
    assert buf.get() == 1               # frees a slot ...
    assert done.wait(5)                 # ... and the put completes
    t.join()
    assert [buf.get(), buf.get()] == [2, 3]
    got: list[int] = []
    t = threading.Thread(target=lambda: got.append(buf.get()))
    t.start()
    t.join(0.05)
    assert t.is_alive()                 # blocked on an empty buffer
    buf.put(9)
    t.join(5)
    assert got == [9] and buf.max_occupancy == 2 and buf.taken == [1, 2, 3, 9]


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError):
        BoundedBuffer(0)


CASE = Case("c", {"capacity": 2, "items": [0, 1, 2, 3, 4, 5], "n_producers": 2, "n_consumers": 2})


@pytest.mark.parametrize(("got", "fragment"), [
    (([0, 1, 2, 3, 4, 5], 2), ""),
    (([1, 0, 3, 2, 5, 4], 1), ""),                       # interleavings are fine
    ((np.array([0, 2, 1, 4, 3, 5]), np.int64(2)), ""),   # arrays / NumPy ints are fine
    (([0, 1, 2, 3, 4], 2), "not a permutation"),
    (([0, 1, 2, 3, 4, 5, 5], 2), "not a permutation"),
    (([0, 1, 2, 3, 4, None], 2), "None"),
    (([2, 1, 0, 3, 4, 5], 2), "FIFO"),                   # producer 0 put 0 before 2
    (([0, 1, 2, 3, 4, 5], 3), "capacity"),
    (([0, 1, 2, 3, 4, 5], 0), "at least one"),
    (([0, 1, 2, 3, 4, 5], 2.0), "int"),
    ([0, 1, 2], "tuple"),
])
def test_checker_verdicts(got: object, fragment: str) -> None:
    result = check_pipeline({}, None, got, CASE)
    assert result.ok == (fragment == "")
    assert fragment in result.message


def test_cases_have_distinct_items_and_valid_counts() -> None:
    for case in run_pipeline_cases(np.random.default_rng(0)):
        items = case.args["items"]
        assert len(set(items)) == len(items)
        assert case.args["n_producers"] >= 1 and case.args["n_consumers"] >= 1


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 6), st.integers(0, 120), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**16))
def test_reference_passes_its_checker_for_any_shape(capacity: int, n: int, producers: int,
                                                    consumers: int, seed: int) -> None:
    items = [int(v) for v in np.random.default_rng(seed).permutation(n) - n // 2]
    case = Case("h", {"capacity": capacity, "items": items, "n_producers": producers,
                      "n_consumers": consumers})
    got = run_pipeline(capacity, items, producers, consumers)
    assert check_pipeline({}, None, got, case).ok
    assert got[1] <= capacity and sorted(got[0]) == sorted(items)
