"""Matching references against scipy's cdist and separately written per-query loops."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

from dlquiz.grading.cases.matching import brute_force_cases, cross_check_cases, ratio_test_cases
from dlquiz.grading.reference.matching import (
    match_brute_force,
    match_cross_check,
    match_ratio_test,
    pairwise_distances,
)


def _scipy_distances(desc1: np.ndarray, desc2: np.ndarray, metric: str = "l2") -> np.ndarray:
    if metric == "hamming":
        a = np.unpackbits(np.asarray(desc1, dtype=np.uint8), axis=1).astype(bool)
        b = np.unpackbits(np.asarray(desc2, dtype=np.uint8), axis=1).astype(bool)
        return cdist(a, b, "hamming") * a.shape[1]        # scipy gives the fraction of bits
    return cdist(np.asarray(desc1, float), np.asarray(desc2, float), "euclidean")


def _nearest(row: list[float]) -> int:
    """Index of the smallest value; on ties the first one seen."""
    best = 0
    for j, d in enumerate(row):
        if d < row[best]:
            best = j
    return best


def _naive_brute(desc1: np.ndarray, desc2: np.ndarray, metric: str = "l2"
                 ) -> tuple[list[int], list[float]]:
    dist = np.rint(_scipy_distances(desc1, desc2, metric) ** 2).tolist() if metric == "l2" \
        else _scipy_distances(desc1, desc2, metric).tolist()
    idx = [_nearest(row) for row in dist]
    return idx, [float(np.sqrt(r[j])) if metric == "l2" else r[j] for r, j in zip(dist, idx)]


def _naive_cross(desc1: np.ndarray, desc2: np.ndarray, metric: str = "l2") -> list[list[int]]:
    dist = _scipy_distances(desc1, desc2, metric)
    if metric == "l2":
        dist = np.rint(dist ** 2)                       # exact integer squared distances
    rows = dist.tolist()
    cols = dist.T.tolist()
    return [[i, _nearest(r)] for i, r in enumerate(rows) if _nearest(cols[_nearest(r)]) == i]


def _naive_ratio(desc1: np.ndarray, desc2: np.ndarray, ratio: float, metric: str = "l2"
                 ) -> list[list[int]]:
    dist = _scipy_distances(desc1, desc2, metric)
    if metric == "l2":
        dist = np.sqrt(np.rint(dist ** 2))
    pairs = []
    for i, row in enumerate(dist.tolist()):
        if len(row) < 2:
            continue
        j = _nearest(row)
        second = min(d for k, d in enumerate(row) if k != j)
        if row[j] < ratio * second:
            pairs.append([i, j])
    return pairs


def test_distances_match_scipy() -> None:
    for case in brute_force_cases(np.random.default_rng(0)):
        np.testing.assert_allclose(pairwise_distances(**case.args), _scipy_distances(**case.args),
                                   rtol=1e-12, atol=1e-9, err_msg=case.name)


def test_brute_force_matches_naive_loop() -> None:
    for case in brute_force_cases(np.random.default_rng(0)):
        idx, dist = match_brute_force(**case.args)
        want_idx, want_dist = _naive_brute(**case.args)
        assert idx.dtype == np.int64
        assert idx.tolist() == want_idx, case.name
        np.testing.assert_allclose(dist, want_dist, rtol=1e-12, err_msg=case.name)


def test_cross_check_matches_naive_loop() -> None:
    for case in cross_check_cases(np.random.default_rng(0)):
        got = match_cross_check(**case.args)
        assert got.dtype == np.int64 and got.shape[1:] == (2,)
        assert got.tolist() == _naive_cross(**case.args), case.name


def test_ratio_test_matches_naive_loop() -> None:
    for case in ratio_test_cases(np.random.default_rng(0)):
        got = match_ratio_test(**case.args)
        assert got.dtype == np.int64 and got.shape[1:] == (2,)
        assert got.tolist() == _naive_ratio(**case.args), case.name


def test_hand_examples() -> None:
    desc1 = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    desc2 = np.array([[10.0, 0.0], [0.0, 50.0]])
    idx, dist = match_brute_force(desc1, desc2)
    assert idx.tolist() == [0, 0, 0] and dist.tolist() == [10.0, 9.0, 8.0]
    assert match_cross_check(desc1, desc2).tolist() == [[2, 0]]     # only the closest survives
    # d1 = 3, d2 = 4: 3 < 0.75·4 = 3 is false (strict); with ratio 0.8 it passes.
    q, t = np.array([[0.0, 0.0]]), np.array([[3.0, 0.0], [0.0, 4.0]])
    assert match_ratio_test(q, t, 0.75).shape == (0, 2)
    assert match_ratio_test(q, t, 0.8).tolist() == [[0, 0]]
    # Hamming counts bits: 0b0011 vs 0 -> 2, 0b0111 vs 0 -> 3.
    h_idx, h_dist = match_brute_force(np.array([[0]], np.uint8), np.array([[7], [3]], np.uint8),
                                      "hamming")
    assert h_idx.tolist() == [1] and h_dist.tolist() == [2.0]


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 8), st.integers(1, 8))
def test_cross_check_pairs_are_a_one_to_one_subset_of_brute_force(seed: int, n: int, m: int) -> None:
    rng = np.random.default_rng(seed)
    desc1 = rng.integers(0, 4, size=(n, 3)).astype(float)     # small range: many ties
    desc2 = rng.integers(0, 4, size=(m, 3)).astype(float)
    pairs = match_cross_check(desc1, desc2)
    forward, _ = match_brute_force(desc1, desc2)
    backward, _ = match_brute_force(desc2, desc1)
    assert len(pairs) >= 1                                    # the global closest pair is mutual
    assert len(set(pairs[:, 1].tolist())) == len(pairs)
    for i, j in pairs.tolist():
        assert forward[i] == j and backward[j] == i
    assert pairs.tolist() == _naive_cross(desc1, desc2)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.1, 1.0))
def test_ratio_test_is_monotone_in_ratio(seed: int, ratio: float) -> None:
    rng = np.random.default_rng(seed)
    desc1 = rng.integers(0, 256, size=(6, 8)).astype(float)
    desc2 = rng.integers(0, 256, size=(7, 8)).astype(float)
    loose = {tuple(p) for p in match_ratio_test(desc1, desc2, 1.0).tolist()}
    strict = {tuple(p) for p in match_ratio_test(desc1, desc2, ratio).tolist()}
    assert strict <= loose
