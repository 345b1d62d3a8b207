"""Classical-ML references against scikit-learn, torch and loops written here.

Oracles: ``sklearn.cluster.KMeans(init=..., n_init=1, algorithm="lloyd", tol=0)``,
``sklearn.decomposition.PCA(svd_solver="full")``, torch autograd + ``torch.optim.SGD``
for the logistic-regression and SVM steps, ``sklearn.linear_model.LogisticRegression``
for the converged optimum, and ``sklearn.manifold._t_sne._joint_probabilities``.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import squareform
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.manifold._t_sne import _joint_probabilities

from dlquiz.grading.reference.classical_ml import (
    kmeans_lloyd, linear_svm_subgradient, logistic_regression_gd, pca,
    tsne_conditional_probabilities, tsne_joint_probabilities)


def _blobs(rng: np.random.Generator, n: int, k: int, d: int) -> np.ndarray:
    centres = rng.normal(0, 4.0, (k, d))
    return centres[rng.integers(0, k, n)] + rng.normal(size=(n, d))


@pytest.mark.parametrize("max_iter", [1, 2, 5, 300])
@pytest.mark.parametrize(("n", "k", "d"), [(60, 3, 2), (500, 5, 4), (2000, 8, 16)])
def test_kmeans_matches_sklearn(max_iter: int, n: int, k: int, d: int) -> None:
    rng = np.random.default_rng(n + k)
    x = _blobs(rng, n, k, d)
    init = x[rng.choice(n, k, replace=False)]
    cent, labels = kmeans_lloyd(x, init, max_iter)
    km = KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", tol=0.0,
                max_iter=max_iter).fit(x)
    np.testing.assert_allclose(cent, km.cluster_centers_, rtol=1e-9, atol=1e-10)
    np.testing.assert_array_equal(labels, km.labels_)


def _kmeans_loop(x: np.ndarray, init: np.ndarray, max_iter: int) -> tuple[np.ndarray, list[int]]:
    """Lloyd from the contract, one point at a time (ties: first minimum; empty: keep)."""
    c = [list(row) for row in init]

    def assign() -> list[int]:
        out = []
        for p in x:
            dists = [sum((pi - ci) ** 2 for pi, ci in zip(p, cr)) for cr in c]
            out.append(dists.index(min(dists)))
        return out

    prev = None
    for _ in range(max_iter):
        lab = assign()
        for j in range(len(c)):
            members = [p for p, lj in zip(x, lab) if lj == j]
            if members:
                c[j] = list(np.sum(members, axis=0) / len(members))
        if prev == lab:
            break
        prev = lab
    return np.array(c), assign()


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 25), st.integers(1, 4), st.integers(1, 6), st.integers(0, 2**16))
def test_kmeans_matches_loop_with_ties_and_empty_clusters(n: int, k: int, max_iter: int,
                                                          seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, size=(n, 2)).astype(float)       # many exact ties and duplicates
    init = rng.integers(-2, 6, size=(k, 2)).astype(float)   # some centroids far away: empty
    cent, labels = kmeans_lloyd(x, init, max_iter)
    want_c, want_l = _kmeans_loop(x, init, max_iter)
    np.testing.assert_allclose(cent, want_c, rtol=1e-12, atol=1e-12)
    assert labels.tolist() == want_l


@pytest.mark.parametrize(("n", "d", "k"), [(2, 4, 1), (5, 10, 3), (100, 3, 3), (500, 32, 10)])
def test_pca_matches_sklearn(n: int, d: int, k: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.normal(size=(n, d)) * np.geomspace(4, 0.5, d) + 50.0
    comps, var, ratio, scores = pca(x, k)
    ref = PCA(n_components=k, svd_solver="full").fit(x)
    np.testing.assert_allclose(comps, ref.components_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(var, ref.explained_variance_, rtol=1e-10)
    np.testing.assert_allclose(ratio, ref.explained_variance_ratio_, rtol=1e-10)
    np.testing.assert_allclose(scores, ref.transform(x), rtol=1e-8, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 40), st.integers(1, 6), st.integers(0, 2**16))
def test_pca_properties(n: int, d: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)) * np.geomspace(3, 1, d) + rng.normal(size=d)
    k = min(n - 1, d)
    comps, var, ratio, scores = pca(x, k)
    np.testing.assert_allclose(comps @ comps.T, np.eye(k), atol=1e-10)        # orthonormal
    np.testing.assert_allclose(np.cov(scores.T, ddof=1).reshape(k, k), np.diag(var),
                               atol=1e-9 * max(1.0, var.max()))               # decorrelated
    assert np.all(np.diff(var) <= 1e-12) and abs(ratio.sum() - 1) < 1e-10
    biggest = np.abs(comps).argmax(axis=1)
    assert np.all(comps[np.arange(k), biggest] > 0)                            # sign rule


def _torch_logreg(x: np.ndarray, y: np.ndarray, lr: float, n_iters: int, l2: float
                  ) -> tuple[np.ndarray, float]:
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([{"params": [w], "weight_decay": l2}, {"params": [b]}], lr=lr)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(n_iters):
        opt.zero_grad()
        torch.nn.functional.binary_cross_entropy_with_logits(xt @ w + b, yt).backward()
        opt.step()
    return w.detach().numpy(), float(b.detach())


@settings(max_examples=20, deadline=None)
@given(st.integers(5, 80), st.integers(1, 5), st.floats(0.01, 2.0), st.integers(0, 60),
       st.sampled_from([0.0, 0.01, 0.5]), st.integers(0, 2**16))
def test_logistic_regression_matches_torch_sgd(n: int, d: int, lr: float, n_iters: int,
                                               l2: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)) * 2
    y = (rng.random(n) < 0.5).astype(float)
    w, b = logistic_regression_gd(x, y, lr, n_iters, l2)
    tw, tb = _torch_logreg(x, y, lr, n_iters, l2)
    np.testing.assert_allclose(w, tw, rtol=1e-9, atol=1e-11)
    assert abs(b - tb) < 1e-9 * max(1.0, abs(tb))


@pytest.mark.parametrize("c", [0.1, 1.0, 10.0])
def test_logistic_regression_converges_to_sklearn(c: float) -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(200, 3))
    y = (x @ [1.5, -1.0, 0.5] + 0.3 + rng.normal(size=200) > 0).astype(float)
    w, b = logistic_regression_gd(x, y, 1.0, 4000, 1.0 / (c * len(x)))
    ref = LogisticRegression(C=c, tol=1e-12, max_iter=10_000).fit(x, y)
    np.testing.assert_allclose(w, ref.coef_[0], rtol=1e-4, atol=1e-5)
    assert abs(b - ref.intercept_[0]) < 1e-4


def _torch_svm(x: np.ndarray, y: np.ndarray, lr: float, n_iters: int, lam: float
               ) -> tuple[np.ndarray, float]:
    """relu's gradient at 0 is 0, so autograd implements the strict-margin rule."""
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=lr)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(n_iters):
        opt.zero_grad()
        loss = torch.relu(1 - yt * (xt @ w + b)).mean() + lam / 2 * (w * w).sum()
        loss.backward()
        opt.step()
    return w.detach().numpy(), float(b.detach())


@settings(max_examples=20, deadline=None)
@given(st.integers(4, 80), st.integers(1, 5), st.floats(0.01, 1.0), st.integers(0, 60),
       st.sampled_from([0.0, 0.01, 0.3]), st.integers(0, 2**16))
def test_linear_svm_matches_torch_autograd(n: int, d: int, lr: float, n_iters: int, lam: float,
                                           seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    w, b = linear_svm_subgradient(x, y, lr, n_iters, lam)
    tw, tb = _torch_svm(x, y, lr, n_iters, lam)
    np.testing.assert_allclose(w, tw, rtol=1e-9, atol=1e-11)
    assert abs(b - tb) < 1e-9 * max(1.0, abs(tb))


def test_linear_svm_margin_exactly_one_matches_torch() -> None:
    x, y = np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([1.0, -1.0])
    w, b = linear_svm_subgradient(x, y, 1.0, 3, 0.0)
    tw, tb = _torch_svm(x, y, 1.0, 3, 0.0)
    np.testing.assert_array_equal(w, [1.0, 0.0])
    np.testing.assert_array_equal(w, tw)
    assert b == tb == 0.0


def _sq(x: np.ndarray) -> np.ndarray:
    return ((x[:, None] - x[None]) ** 2).sum(-1)


@pytest.mark.parametrize(("n", "perp", "scale"), [(3, 1.5, 0.0), (20, 5.0, 1.0), (60, 15.0, 0.05),
                                                  (150, 30.0, 3.0)])
def test_tsne_matches_sklearn(n: int, perp: float, scale: float) -> None:
    rng = np.random.default_rng(n)
    x = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]]) if n == 3 else scale * rng.normal(size=(n, 4))
    d2 = _sq(x)
    ours = tsne_joint_probabilities(d2, perp)
    theirs = squareform(_joint_probabilities(d2, perp, 0))
    np.fill_diagonal(theirs, 0.0)
    # sklearn casts distances to float32 and floors p_ij at machine epsilon.
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(10, 30), st.floats(3.0, 5.0), st.floats(0.1, 3.0), st.integers(0, 2**16))
def test_tsne_rows_hit_the_perplexity(n: int, perp: float, scale: float, seed: int) -> None:
    """Reachable targets (well above 1 and below N − 1) are met within the 1e-5 entropy tolerance."""
    rng = np.random.default_rng(seed)
    d2 = _sq(scale * rng.normal(size=(n, 3)))
    cond = tsne_conditional_probabilities(d2, perp)
    np.testing.assert_allclose(cond.sum(1), 1.0, atol=1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.nansum(np.where(cond > 0, cond * np.log(cond), 0.0), axis=1)
    np.testing.assert_allclose(np.exp(entropy), perp, rtol=2e-5)
    joint = tsne_joint_probabilities(d2, perp)
    np.testing.assert_allclose(joint, joint.T, atol=0)
    assert abs(joint.sum() - 1) < 1e-12 and np.all(np.diag(joint) == 0)
