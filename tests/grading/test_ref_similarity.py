"""Cosine similarity against torch; Mahalanobis distance against SciPy."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist, mahalanobis

from dlquiz.grading.reference.similarity import cosine_similarity, mahalanobis_distance


def torch_pairwise_cosine(a: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    return F.cosine_similarity(torch.from_numpy(a)[:, None, :], torch.from_numpy(b)[None, :, :],
                               dim=-1, eps=eps).numpy()


@pytest.mark.parametrize(("n", "m", "d"), [(1, 1, 1), (5, 7, 3), (20, 10, 16), (64, 32, 128)])
@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e6])
def test_cosine_matches_torch(n: int, m: int, d: int, scale: float) -> None:
    rng = np.random.default_rng(0)
    a, b = scale * rng.normal(size=(n, d)), rng.normal(size=(m, d))
    np.testing.assert_allclose(cosine_similarity(a, b), torch_pairwise_cosine(a, b, 1e-8),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("eps", [1e-8, 1e-3, 1.0])
def test_cosine_eps_clamp_matches_torch(eps: float) -> None:
    a = np.array([[0.0, 0.0, 0.0], [3e-9, 4e-9, 0.0], [0.3, 0.4, 0.0], [3.0, -4.0, 1.0]])
    b = np.array([[3.0, 4.0, 0.0], [0.0, 0.0, 1.0], [1e-9, 0.0, 0.0]])
    np.testing.assert_allclose(cosine_similarity(a, b, eps), torch_pairwise_cosine(a, b, eps),
                               rtol=1e-10, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.floats(1e-3, 1e3), st.integers(0, 2**16))
def test_cosine_is_scale_invariant_and_bounded(n: int, d: int, scale: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(n, d)), rng.normal(size=(3, d))
    s = cosine_similarity(a, b)
    np.testing.assert_allclose(cosine_similarity(scale * a, b), s, rtol=1e-9, atol=1e-12)
    assert np.all(np.abs(s) <= 1 + 1e-12)


def _spd(rng: np.random.Generator, d: int) -> np.ndarray:
    a = rng.normal(size=(d, d))
    return a @ a.T + 0.5 * np.eye(d)


@pytest.mark.parametrize(("n", "d"), [(1, 1), (4, 2), (50, 5), (200, 16)])
def test_mahalanobis_matches_scipy(n: int, d: int) -> None:
    rng = np.random.default_rng(1)
    x, mean, cov = 2.0 * rng.normal(size=(n, d)), rng.normal(size=d), _spd(rng, d)
    vi = np.linalg.inv(cov)
    want = cdist(x, mean[None], "mahalanobis", VI=vi)[:, 0]
    got = mahalanobis_distance(x, mean, cov)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got[0], mahalanobis(x[0], mean, vi), rtol=1e-9)


def test_mahalanobis_ill_conditioned_matches_scipy() -> None:
    rng = np.random.default_rng(2)
    q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    cov = q @ np.diag([1e4, 1.0, 1e-2, 1e-4]) @ q.T
    cov = (cov + cov.T) / 2
    x = rng.normal(size=(6, 4))
    want = cdist(x, np.zeros((1, 4)), "mahalanobis", VI=np.linalg.inv(cov))[:, 0]
    np.testing.assert_allclose(mahalanobis_distance(x, np.zeros(4), cov), want, rtol=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(0, 2**16))
def test_mahalanobis_is_affine_invariant(d: int, seed: int) -> None:
    """d(Ax + c; Aμ + c, AΣAᵀ) = d(x; μ, Σ) for invertible A."""
    rng = np.random.default_rng(seed)
    x, mean, cov = rng.normal(size=(5, d)), rng.normal(size=d), _spd(rng, d)
    a = rng.normal(size=(d, d)) + 3.0 * np.eye(d)
    c = rng.normal(size=d)
    base = mahalanobis_distance(x, mean, cov)
    moved = mahalanobis_distance(x @ a.T + c, a @ mean + c, a @ cov @ a.T)
    np.testing.assert_allclose(moved, base, rtol=1e-6, atol=1e-9)
