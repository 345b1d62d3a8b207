"""Kalman and 1€ references against separately written loops, scalar formulas and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.cases.tracking import kalman_predict_cases, kalman_update_cases, one_euro_cases
from dlquiz.grading.reference.tracking import (
    kalman_predict,
    kalman_update,
    one_euro_filter,
    smoothing_factor,
)


def _matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))]
            for i in range(len(a))]


def _t(a: list[list[float]]) -> list[list[float]]:
    return [list(row) for row in zip(*a)]


def _naive_predict(x: np.ndarray, P: np.ndarray, F: np.ndarray, Q: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    f = F.tolist()
    x_new = [sum(f[i][k] * x[k] for k in range(len(x))) for i in range(len(x))]
    fpf = _matmul(_matmul(f, P.tolist()), _t(f))
    return np.array(x_new), np.array(fpf) + Q


def _naive_update(x: np.ndarray, P: np.ndarray, z: np.ndarray, H: np.ndarray, R: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Textbook short form with an explicit inverse, written with Python loops."""
    h, p = H.tolist(), P.tolist()
    hx = [sum(h[i][k] * x[k] for k in range(len(x))) for i in range(len(h))]
    y = [z[i] - hx[i] for i in range(len(z))]
    S = np.array(_matmul(_matmul(h, p), _t(h))) + R
    K = _matmul(_matmul(p, _t(h)), np.linalg.inv(S).tolist())
    x_new = [x[i] + sum(K[i][k] * y[k] for k in range(len(y))) for i in range(len(x))]
    kh = _matmul(K, h)
    i_kh = [[(1.0 if i == j else 0.0) - kh[i][j] for j in range(len(x))] for i in range(len(x))]
    return np.array(x_new), np.array(_matmul(i_kh, p))


def test_predict_matches_naive_loops_on_every_case() -> None:
    for case in kalman_predict_cases(np.random.default_rng(0)):
        want = _naive_predict(**case.args)
        got = kalman_predict(**case.args)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12, err_msg=case.name)


def test_update_matches_naive_short_form_on_every_case() -> None:
    for case in kalman_update_cases(np.random.default_rng(0)):
        x_w, P_w = _naive_update(**case.args)
        x_g, P_g = kalman_update(**case.args)
        np.testing.assert_allclose(x_g, x_w, rtol=1e-9, atol=1e-9, err_msg=case.name)
        np.testing.assert_allclose(P_g, P_w, rtol=1e-7, atol=1e-9, err_msg=case.name)


@pytest.mark.parametrize(("p", "q", "r", "z"), [(4.0, 0.0, 1.0, 1.0), (1.0, 0.5, 9.0, -2.0),
                                                (0.5, 1.0, 0.5, 3.0)])
def test_scalar_filter_matches_hand_formula(p: float, q: float, r: float, z: float) -> None:
    x0 = 0.7
    x_prior, p_prior = kalman_predict(np.array([x0]), np.array([[p]]), np.eye(1), np.array([[q]]))
    assert p_prior[0, 0] == pytest.approx(p + q)
    gain = (p + q) / (p + q + r)
    x_post, p_post = kalman_update(x_prior, p_prior, np.array([z]), np.eye(1), np.array([[r]]))
    assert x_post[0] == pytest.approx(x0 + gain * (z - x0), rel=1e-12)
    assert p_post[0, 0] == pytest.approx((1 - gain) * (p + q), rel=1e-12)


def _random_problem(seed: int, n: int, m: int, r_scale: float
                    ) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n))
    P = a @ a.T + 0.1 * np.eye(n)
    b = rng.normal(size=(m, m))
    R = r_scale * (b @ b.T + 0.1 * np.eye(m))
    return rng.normal(size=n), P, rng.normal(size=m), rng.normal(size=(m, n)), R


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 6),
       st.sampled_from([1e-6, 1e-2, 1.0, 1e4]))
def test_updated_covariance_is_symmetric_psd_and_shrinks(seed: int, n: int, m: int,
                                                          r_scale: float) -> None:
    x, P, z, H, R = _random_problem(seed, n, min(m, n), r_scale)
    _, P_new = kalman_update(x, P, z, H, R)
    np.testing.assert_array_equal(P_new, P_new.T)
    scale = float(np.abs(P).max())
    assert np.linalg.eigvalsh(P_new).min() >= -1e-9 * scale
    # A measurement never increases uncertainty: P − P_new is PSD.
    assert np.linalg.eigvalsh(P - P_new).min() >= -1e-9 * scale


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 6), st.integers(1, 2))
def test_tiny_r_posterior_matches_measurement(seed: int, n: int, m: int) -> None:
    x, P, z, H, R = _random_problem(seed, n, m, 1e-10)
    x_new, P_new = kalman_update(x, P, z, H, R)
    # z − H x_new = R S⁻¹ (z − H x): small by the ratio ‖R‖ / λ_min(H P Hᵀ).
    ratio = np.linalg.norm(R, 2) / np.linalg.eigvalsh(H @ P @ H.T).min()
    bound = 2 * ratio * np.linalg.norm(z - H @ x) + 1e-9
    assert np.linalg.norm(H @ x_new - z) <= bound
    assert np.abs(H @ P_new @ H.T).max() <= 2 * np.linalg.norm(R, 2) + 1e-9


def test_huge_r_leaves_state_almost_unchanged() -> None:
    x, P, z, H, R = _random_problem(3, 4, 2, 1e12)
    x_new, P_new = kalman_update(x, P, z, H, R)
    np.testing.assert_allclose(x_new, x, atol=1e-8)
    np.testing.assert_allclose(P_new, P, atol=1e-8)


# --- 1€ filter ----------------------------------------------------------------

def _paper_one_euro(t: list[float], x: list[float], min_cutoff: float, beta: float,
                    d_cutoff: float) -> list[float]:
    """Scalar transcription of the CHI 2012 pseudocode (LowPassFilter + OneEuroFilter)."""

    def alpha(rate: float, cutoff: float) -> float:
        tau = 1.0 / (2 * math.pi * cutoff)
        te = 1.0 / rate
        return 1.0 / (1.0 + tau / te)

    class LowPass:
        def __init__(self) -> None:
            self.first = True
            self.hatxprev = 0.0

        def filter(self, value: float, a: float) -> float:
            if self.first:
                self.first = False
                self.hatxprev = value
                return value
            hatx = a * value + (1 - a) * self.hatxprev
            self.hatxprev = hatx
            return hatx

    xfilt, dxfilt = LowPass(), LowPass()
    out: list[float] = []
    prev_t: float | None = None
    for ti, xi in zip(t, x):
        if prev_t is None:
            dx, rate = 0.0, 1.0
        else:
            rate = 1.0 / (ti - prev_t)
            dx = (xi - xfilt.hatxprev) * rate
        edx = dxfilt.filter(dx, alpha(rate, d_cutoff))
        cutoff = min_cutoff + beta * abs(edx)
        out.append(xfilt.filter(xi, alpha(rate, cutoff)))
        prev_t = ti
    return out


def test_one_euro_matches_paper_pseudocode_on_every_case() -> None:
    for case in one_euro_cases(np.random.default_rng(0)):
        args = {"min_cutoff": 1.0, "beta": 0.0, "d_cutoff": 1.0, **case.args}
        x = np.asarray(args["x"], dtype=float)
        got = one_euro_filter(**case.args)
        cols = x.reshape(len(x), -1).T
        want = np.stack([_paper_one_euro(list(args["t"]), list(col), args["min_cutoff"],
                                         args["beta"], args["d_cutoff"]) for col in cols], axis=1)
        np.testing.assert_allclose(got.reshape(len(x), -1), want, rtol=1e-12, atol=1e-12,
                                   err_msg=case.name)


def test_one_euro_hand_computed_first_step() -> None:
    # alpha(1 Hz, 0.1 s) = 1 / (1 + 1/(0.2π)); beta = 0 so the derivative is irrelevant.
    a = 1.0 / (1.0 + 1.0 / (0.2 * math.pi))
    got = one_euro_filter([0.0, 0.1, 0.2], [0.0, 1.0, 1.0])
    np.testing.assert_allclose(got, [0.0, a, a + (1 - a) * a], rtol=1e-14)


@pytest.mark.parametrize(("cutoff", "dt"), [(1.0, 1 / 60), (2.5, 0.01), (0.3, 0.5)])
def test_smoothing_factor_formula(cutoff: float, dt: float) -> None:
    r = 2 * math.pi * cutoff * dt
    assert smoothing_factor(cutoff, dt) == pytest.approx(r / (r + 1), rel=1e-14)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.1, 5.0), st.floats(0.0, 2.0))
def test_one_euro_output_stays_within_the_input_range(seed: int, min_cutoff: float,
                                                       beta: float) -> None:
    rng = np.random.default_rng(seed)
    t = np.cumsum(rng.uniform(0.001, 0.1, size=30))
    x = rng.normal(size=30)
    y = one_euro_filter(t, x, min_cutoff=min_cutoff, beta=beta)
    # Each output is a convex combination of the new sample and the previous output.
    assert y.min() >= x.min() - 1e-12 and y.max() <= x.max() + 1e-12
    assert y[0] == x[0]


def test_one_euro_higher_beta_lags_less_after_a_step() -> None:
    t = np.arange(40) / 60.0
    x = np.where(t < 0.2, 0.0, 1.0)
    slow = one_euro_filter(t, x, min_cutoff=1.0, beta=0.0)
    fast = one_euro_filter(t, x, min_cutoff=1.0, beta=1.0)
    after = t >= 0.2
    assert np.all(fast[after] >= slow[after]) and fast[-1] > slow[-1]


def test_one_euro_rejects_non_increasing_time() -> None:
    with pytest.raises(ValueError):
        one_euro_filter([0.0, 0.1, 0.1], [1.0, 2.0, 3.0])
