"""Lower bound against bisect, quickselect against sorted / np.partition, top-k against heapq."""

from __future__ import annotations

import bisect
import heapq

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.cases.search import lower_bound_cases, quickselect_cases, top_k_cases
from dlquiz.grading.reference.search import lower_bound, quickselect, top_k

sorted_ints = st.lists(st.integers(-20, 20), max_size=40).map(sorted)


@settings(max_examples=50, deadline=None)
@given(sorted_ints, st.integers(-25, 25), st.data())
def test_lower_bound_is_bisect_left(arr: list[int], x: int, data: st.DataObject) -> None:
    lo = data.draw(st.integers(0, len(arr)))
    hi = data.draw(st.integers(lo, len(arr)))
    assert lower_bound(arr, x) == bisect.bisect_left(arr, x)
    assert lower_bound(arr, x, lo, hi) == bisect.bisect_left(arr, x, lo, hi)
    assert lower_bound(np.array(arr, dtype=np.int64), x + 0.5) == bisect.bisect_left(arr, x + 0.5)


@settings(max_examples=50, deadline=None)
@given(sorted_ints, st.integers(-25, 25))
def test_lower_bound_partitions_the_array(arr: list[int], x: int) -> None:
    """Everything before the answer is < x, everything from it on is >= x."""
    i = lower_bound(arr, x)
    assert all(v < x for v in arr[:i]) and all(v >= x for v in arr[i:])
    assert lower_bound(arr, x) <= bisect.bisect_right(arr, x)


def test_lower_bound_matches_bisect_and_searchsorted_on_every_case() -> None:
    for case in lower_bound_cases(np.random.default_rng(0)):
        a = case.args
        want = bisect.bisect_left(a["arr"], a["x"], a.get("lo", 0),
                                  len(a["arr"]) if a.get("hi") is None else a["hi"])
        assert lower_bound(**a) == want, case.name
        if "lo" not in a and "hi" not in a:
            assert want == int(np.searchsorted(np.asarray(a["arr"], dtype=float), a["x"], "left"))


def test_lower_bound_rejects_negative_lo() -> None:
    with pytest.raises(ValueError):
        lower_bound([1, 2], 1, lo=-1)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=60), st.data())
def test_quickselect_is_sorted_index(arr: list[int], data: st.DataObject) -> None:
    k = data.draw(st.integers(0, len(arr) - 1))
    assert quickselect(arr, k) == sorted(arr)[k]
    assert quickselect(np.array(arr), k) == np.partition(np.array(arr), k)[k]


def test_quickselect_matches_np_partition_on_every_case() -> None:
    for case in quickselect_cases(np.random.default_rng(3)):
        arr, k = case.args["arr"], case.args["k"]
        before = list(arr)
        assert quickselect(arr, k) == np.partition(np.asarray(arr), k)[k], case.name
        assert list(arr) == before  # input untouched


def test_quickselect_rejects_k_out_of_range() -> None:
    with pytest.raises(IndexError):
        quickselect([1, 2, 3], 3)


def _heapq_top_k(values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    idx = heapq.nlargest(k, range(len(values)), key=values.__getitem__)
    return values[np.array(idx, dtype=np.int64)], np.array(idx, dtype=np.int64)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-4, 4), max_size=50), st.data())
def test_top_k_is_heapq_nlargest_with_ties(vals: list[int], data: st.DataObject) -> None:
    v = np.array(vals, dtype=np.int64)
    k = data.draw(st.integers(0, len(vals)))
    got_v, got_i = top_k(v, k)
    want_v, want_i = _heapq_top_k(v, k)
    assert got_i.dtype == np.int64 and got_v.dtype == v.dtype
    np.testing.assert_array_equal(got_i, want_i)
    np.testing.assert_array_equal(got_v, want_v)


def test_top_k_values_match_torch_topk_on_every_case() -> None:
    """Values equal torch.topk(sorted=True); indices equal it wherever there are no ties."""
    for case in top_k_cases(np.random.default_rng(1)):
        v, k = case.args["values"], case.args["k"]
        got_v, got_i = top_k(v, k)
        t_v, t_i = torch.topk(torch.from_numpy(v), k, sorted=True)
        np.testing.assert_array_equal(got_v, t_v.numpy(), err_msg=case.name)
        np.testing.assert_array_equal(got_v, v[got_i])
        if len(np.unique(v)) == len(v):
            np.testing.assert_array_equal(got_i, t_i.numpy(), err_msg=case.name)
        np.testing.assert_array_equal(got_i, _heapq_top_k(v, k)[1], err_msg=case.name)


def test_top_k_extreme_ints_exact() -> None:
    v = np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max, 0, np.iinfo(np.int64).max])
    vals, idx = top_k(v, 3)
    assert idx.tolist() == [1, 3, 2] and vals.tolist() == [v[1], v[3], 0]
    u = np.array([0, 2**64 - 1, 5], dtype=np.uint64)
    assert top_k(u, 2)[1].tolist() == [1, 2]
