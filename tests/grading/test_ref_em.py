"""1-D GMM EM against a per-point loop, scikit-learn's GaussianMixture, and EM's monotonicity."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from dlquiz.grading.cases.em import em_cases
from dlquiz.grading.reference.em import em_gmm_1d, log_likelihood


def loop_em(x: np.ndarray, means: np.ndarray, variances: np.ndarray, weights: np.ndarray,
            n_iter: int, reg_covar: float = 1e-6) -> tuple[list[float], list[float], list[float]]:
    """Textbook EM, one data point and one component at a time (log-sum-exp per point)."""
    mu, var, w = list(means), list(variances), list(weights)
    k_n = len(mu)
    for _ in range(n_iter):
        resp = []
        for xi in x:
            logs = [math.log(w[k]) - 0.5 * math.log(2 * math.pi * var[k])
                    - (xi - mu[k]) ** 2 / (2 * var[k]) for k in range(k_n)]
            top = max(logs)
            total = top + math.log(sum(math.exp(v - top) for v in logs))
            resp.append([math.exp(v - total) for v in logs])
        for k in range(k_n):
            nk = sum(r[k] for r in resp)
            mu[k] = sum(r[k] * xi for r, xi in zip(resp, x)) / nk
            var[k] = sum(r[k] * (xi - mu[k]) ** 2 for r, xi in zip(resp, x)) / nk + reg_covar
            w[k] = nk / len(x)
    return mu, var, w


def test_every_case_matches_the_loop() -> None:
    for case in em_cases(np.random.default_rng(0)):
        if len(case.args["x"]) > 600:
            continue                      # the pure-Python loop is slow; smaller cases suffice
        got = em_gmm_1d(**case.args)
        want = loop_em(**case.args)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12, err_msg=case.name)


def test_one_component_is_the_sample_mean_and_variance() -> None:
    x = np.random.default_rng(1).normal(2.0, 3.0, size=50)
    mu, var, w = em_gmm_1d(x, [0.0], [1.0], [1.0], n_iter=1, reg_covar=0.0)
    assert mu[0] == pytest.approx(x.mean(), rel=1e-12)
    assert var[0] == pytest.approx(x.var(), rel=1e-12)
    assert w[0] == 1.0


def test_hand_example_two_clusters() -> None:
    x = np.array([0.0, 1.0, 2.0, 10.0, 11.0, 12.0])
    mu, var, w = em_gmm_1d(x, [1.0, 10.0], [1.0, 1.0], [0.5, 0.5], n_iter=1)
    # The clusters are ~40σ apart: responsibilities are 0/1 to double precision.
    np.testing.assert_allclose(mu, [1.0, 11.0], rtol=1e-12)
    np.testing.assert_allclose(var, [2 / 3 + 1e-6, 2 / 3 + 1e-6], rtol=1e-12)
    np.testing.assert_allclose(w, [0.5, 0.5])


@pytest.mark.parametrize("case_index", [2, 3, 4, 6, 8, 9, 10, 11, 12])
def test_matches_sklearn_gaussian_mixture_with_the_same_init(case_index: int) -> None:
    case = em_cases(np.random.default_rng(0))[case_index]
    a = case.args
    reg = a.get("reg_covar", 1e-6)
    gm = GaussianMixture(n_components=len(a["means"]), covariance_type="full", tol=0.0,
                         max_iter=a["n_iter"], reg_covar=reg, n_init=1,
                         means_init=np.asarray(a["means"]).reshape(-1, 1),
                         precisions_init=(1.0 / np.asarray(a["variances"])).reshape(-1, 1, 1),
                         weights_init=np.asarray(a["weights"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(np.asarray(a["x"]).reshape(-1, 1))
    assert gm.n_iter_ == a["n_iter"]
    mu, var, w = em_gmm_1d(**a)
    # sklearn adds 10·eps to each N_k; everything else is the same algorithm.
    np.testing.assert_allclose(mu, gm.means_[:, 0], rtol=1e-7, atol=1e-9, err_msg=case.name)
    np.testing.assert_allclose(var, gm.covariances_[:, 0, 0], rtol=1e-7, err_msg=case.name)
    np.testing.assert_allclose(w, gm.weights_, rtol=1e-7, err_msg=case.name)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(30, 200))
def test_log_likelihood_never_decreases(seed: int, k: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(rng.uniform(-5, 5, size=3)[rng.integers(0, 3, size=n)], 1.0)
    means = rng.choice(x, size=k, replace=False)
    variances = np.full(k, x.var() + 0.1)
    weights = rng.dirichlet(np.ones(k) * 5)
    previous = log_likelihood(x, means, variances, weights)
    for _ in range(15):
        means, variances, weights = em_gmm_1d(x, means, variances, weights, 1, reg_covar=0.0)
        current = log_likelihood(x, means, variances, weights)
        assert current >= previous - 1e-9 * abs(previous)
        previous = current
    np.testing.assert_allclose(weights.sum(), 1.0, rtol=1e-12)


def test_zero_iterations_returns_copies_of_the_init() -> None:
    means = np.array([1.0, 2.0])
    mu, var, w = em_gmm_1d([0.0, 3.0], means, [1.0, 1.0], [0.5, 0.5], 0)
    mu[0] = 99.0
    assert means[0] == 1.0 and var.tolist() == [1.0, 1.0] and w.tolist() == [0.5, 0.5]
