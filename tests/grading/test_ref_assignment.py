"""Linear assignment against SciPy, and the checker that grades it by total cost."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment as scipy_lsa

from dlquiz.grading.case import Case
from dlquiz.grading.cases.assignment import assignment_cases
from dlquiz.grading.reference.assignment import check_assignment, linear_sum_assignment


def _total(cost: np.ndarray, pairs: tuple[np.ndarray, np.ndarray]) -> float:
    return float(cost[pairs[0], pairs[1]].sum())


def test_every_case_matches_scipy_total_and_is_valid() -> None:
    for case in assignment_cases(np.random.default_rng(0)):
        cost = np.asarray(case.args["cost"])
        rows, cols = linear_sum_assignment(cost)
        assert rows.dtype == np.int64 and cols.dtype == np.int64
        assert len(rows) == min(cost.shape) and np.all(np.diff(rows) > 0)
        assert len(set(cols.tolist())) == len(cols)
        assert _total(cost, (rows, cols)) == pytest.approx(_total(cost, scipy_lsa(cost)), rel=1e-12, abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 7), st.integers(1, 7), st.integers(0, 2**32 - 1), st.booleans())
def test_random_matrices_match_scipy_and_brute_force(n: int, m: int, seed: int, integer: bool) -> None:
    rng = np.random.default_rng(seed)
    cost = rng.integers(-3, 4, size=(n, m)).astype(float) if integer else rng.normal(size=(n, m))
    ours = _total(cost, linear_sum_assignment(cost))
    assert ours == pytest.approx(_total(cost, scipy_lsa(cost)), abs=1e-9)
    if max(n, m) <= 6:                                                # exhaustive over injections
        k = min(n, m)
        best = min(sum(cost[r, c] for r, c in zip(rows, cols))
                   for rows in itertools.combinations(range(n), k)
                   for cols in itertools.permutations(range(m), k))
        assert ours == pytest.approx(best, abs=1e-9)
    # Adding a constant to a row does not change which assignment is optimal for square costs.
    if n == m:
        shifted = cost + rng.normal(size=(n, 1))
        assert _total(cost, linear_sum_assignment(shifted)) == pytest.approx(ours, abs=1e-9)


def test_tall_matrix_rows_ascending() -> None:
    rows, cols = linear_sum_assignment([[9, 9], [5, 1], [1, 5]])
    assert rows.tolist() == [1, 2] and cols.tolist() == [1, 0]


def _check(cost: list[list[float]], got: object) -> tuple[bool, str]:
    case = Case("t", {"cost": np.asarray(cost, dtype=float)})
    expected = linear_sum_assignment(cost)
    result = check_assignment({}, expected, got, case)
    return result.ok, result.message


def test_checker_accepts_any_optimum_and_rejects_the_rest() -> None:
    ties = [[1, 1], [1, 1]]
    assert _check(ties, (np.array([0, 1]), np.array([1, 0])))[0]
    assert _check(ties, (np.array([0, 1]), np.array([0, 1])))[0]
    assert _check(ties, ([0, 1], [0, 1]))[0]                                    # lists are fine
    ok, msg = _check([[1, 2], [2, 100]], (np.array([0, 1]), np.array([0, 1])))
    assert not ok and "not the minimum" in msg
    ok, msg = _check(ties, (np.array([0, 1]), np.array([0, 0])))
    assert not ok and "used twice" in msg
    ok, msg = _check(ties, (np.array([1, 0]), np.array([0, 1])))
    assert not ok and "ascending" in msg
    ok, msg = _check([[1, 2, 3]], (np.array([0, 0]), np.array([0, 1])))
    assert not ok and "expected 1 pairs" in msg
    ok, msg = _check(ties, (np.array([0, 1]), np.array([0, 2])))
    assert not ok and "out of range" in msg
    ok, msg = _check(ties, (np.array([0.0, 1.0]), np.array([0.0, 1.0])))
    assert not ok and "integers" in msg
    assert not _check(ties, np.array([0, 1]))[0]
    empty = Case("empty", {"cost": np.zeros((0, 3))})
    none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    assert check_assignment({}, none, none, empty).ok


# ------------------------------------------------------------------ facts quoted on the tracking cards
def _card(deck: str, card_id: str) -> dict:
    import pathlib

    import yaml

    path = pathlib.Path(__file__).resolve().parents[2] / "decks" / f"{deck}.yaml"
    return next(c for c in yaml.safe_load(path.read_text(encoding="utf-8"))["cards"] if c["id"] == card_id)


def test_chi_square_gates_quoted_on_cards_match_scipy() -> None:
    from scipy.stats import chi2

    text = _card("tracking", "assign-chi2-gate")["text"]
    assert f"{chi2.ppf(0.95, 4):.4f}" in text and f"{chi2.ppf(0.95, 2):.4f}" in text
    assert f"{chi2.ppf(0.95, 4):.4f}" in _card("tracking", "kf-innovation-gating")["back"]


def test_anisotropic_gate_example_numbers() -> None:
    from scipy.stats import chi2

    back = _card("tracking", "assign-mahalanobis-anisotropic")["back"]
    cov = np.diag([2.0 ** 2, 10.0 ** 2])
    d2 = [float(v @ np.linalg.solve(cov, v)) for v in (np.array([6.0, 6.0]), np.array([0.0, 20.0]))]
    assert d2 == pytest.approx([9.36, 4.0])
    assert d2[0] > chi2.ppf(0.95, 2) > d2[1]
    assert "9.36" in back and "8.5 px" in back and f"{np.hypot(6, 6):.1f}" == "8.5"


def test_greedy_counterexample_card_matches_solver() -> None:
    cost = np.array([[1.0, 2.0], [2.0, 100.0]])
    assert _total(cost, linear_sum_assignment(cost)) == 4.0
    assert "total 101" in _card("tracking", "assign-greedy-counterexample")["choices"][0]
