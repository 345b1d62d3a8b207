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
    kmeans_lloyd,
    linear_svm_subgradient,
    logistic_regression_gd,
    pca,
    tsne_conditional_probabilities,
    tsne_joint_probabilities,
)


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


def test_kmeans_cluster_emptied_after_moving_keeps_its_moved_position() -> None:
    # Iteration 1 from (10, 18, 2): 7, 13.5 and 14 (a tie, 4 from both 10 and 18: lowest
    # index) go to cluster 0, 15 to cluster 1, 3 to cluster 2. Iteration 2 from
    # (11.5, 15, 3): 7 is nearer 3, 13.5 and 14 nearer 15, so cluster 0 is empty and
    # stays at 11.5 (not back at its init 10). Iteration 3 repeats the assignment: stop.
    x = np.array([[3.0], [7.0], [13.5], [14.0], [15.0]])
    init = np.array([[10.0], [18.0], [2.0]])
    cent, labels = kmeans_lloyd(x, init, 100)
    want = np.array([[(7 + 13.5 + 14) / 3], [(13.5 + 14 + 15) / 3], [(3 + 7) / 2]])
    np.testing.assert_allclose(cent, want, rtol=1e-12)
    assert labels.tolist() == [2, 2, 1, 1, 1]
    loop_c, loop_l = _kmeans_loop(x, init, 100)
    np.testing.assert_allclose(cent, loop_c, rtol=1e-12)
    assert labels.tolist() == loop_l


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


def test_tsne_tiny_distances_need_more_than_50_evaluations_and_still_match_sklearn() -> None:
    from dlquiz.grading.cases.classical_ml import TINY_SPREAD_POINTS

    d2 = _sq(TINY_SPREAD_POINTS)
    theirs = squareform(_joint_probabilities(d2, 4.0, 0))
    np.fill_diagonal(theirs, 0.0)
    np.testing.assert_allclose(tsne_joint_probabilities(d2, 4.0), theirs, rtol=1e-6, atol=1e-12)
    # the search for the first point, written out here: beta starts at 1 and must pass 1e14
    d = d2[0, 1:]
    beta, lo, hi, target = 1.0, -np.inf, np.inf, np.log(4.0)
    for evaluations in range(1, 101):
        e = np.exp(-beta * (d - d.min()))
        entropy = np.log(e.sum()) + beta * (d - d.min()) @ (e / e.sum())
        if abs(entropy - target) <= 1e-5:
            break
        if entropy > target:
            lo, beta = beta, beta * 2 if hi == np.inf else (beta + hi) / 2
        else:
            hi, beta = beta, beta / 2 if lo == -np.inf else (beta + lo) / 2
    assert 55 < evaluations < 100 and beta > 1e14


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


# ---------------------------------------------------------------- figures quoted on the cards

def _card(card_id: str) -> str:
    from pathlib import Path

    import yaml

    deck = yaml.safe_load((Path(__file__).resolve().parents[2] / "decks" / "classical-ml.yaml")
                          .read_text(encoding="utf-8"))
    card = next(c for c in deck["cards"] if c["id"] == card_id)
    text = " ".join(str(card.get(k, "")) for k in ("front", "back", "text", "explanation"))
    return " ".join(text.split())


def test_oob_fraction_and_knn_edge_length() -> None:
    n = 100_000
    assert abs((1 - 1 / n) ** n - np.exp(-1)) < 1e-5 and "36.8 %" in _card("ens-oob")
    assert f"{0.1 ** (1 / 10):.2f}" == "0.79" and "edge 0.79 at d = 10" in _card("knn-curse")


def test_esl_split_example_gini_and_error() -> None:
    def gini(a: int, b: int) -> float:
        p = a / (a + b)
        return 1 - p * p - (1 - p) ** 2

    def weighted(children: list[tuple[int, int]], f) -> float:  # type: ignore[no-untyped-def]
        total = sum(a + b for a, b in children)
        return sum((a + b) / total * f(a, b) for a, b in children)

    def error(a: int, b: int) -> float:
        return min(a, b) / (a + b)

    s1, s2 = [(300, 100), (100, 300)], [(200, 400), (200, 0)]
    assert weighted(s1, error) == weighted(s2, error) == 0.25
    assert weighted(s2, gini) < weighted(s1, gini)
    assert "(300, 100) + (100, 300) or (200, 400) + (200, 0)" in _card("tree-why-not-error-rate")


def test_correlated_average_variance_formula() -> None:
    b, rho, sigma2 = 7, 0.3, 2.0
    cov = sigma2 * (rho * np.ones((b, b)) + (1 - rho) * np.eye(b))
    assert abs(np.ones(b) @ cov @ np.ones(b) / b**2 - (rho * sigma2 + (1 - rho) * sigma2 / b)) < 1e-12
    assert "ρσ² + (1 − ρ)σ²/B" in _card("ens-rf-decorrelate")


def test_sklearn_defaults_quoted_on_cards() -> None:
    import inspect

    from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    def default(cls: type, name: str) -> object:
        return inspect.signature(cls).parameters[name].default

    assert default(LogisticRegression, "C") == 1.0 and "C = 1.0" in _card("logreg-separable")
    assert default(DecisionTreeClassifier, "criterion") == "gini"
    assert 'criterion="gini"' in _card("tree-gini-entropy")
    assert default(RandomForestClassifier, "max_features") == "sqrt"
    assert (default(GradientBoostingClassifier, "learning_rate"),
            default(GradientBoostingClassifier, "n_estimators")) == (0.1, 100)
    assert "default is 0.1 with 100 trees" in _card("ens-gb-shrinkage")
    assert default(KMeans, "init") == "k-means++" and 'init="k-means++"' in _card("kmeans-plusplus")
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)) * 3, np.r_[np.zeros(20), np.ones(20)]
    assert default(SVC, "gamma") == "scale"
    assert abs(SVC().fit(x, y)._gamma - 1 / (x.shape[1] * x.var())) < 1e-12
    assert "1 / (n_features · X.var())" in _card("svm-rbf-gamma")


def test_xgboost_leaf_weight_minimises_the_second_order_objective() -> None:
    rng = np.random.default_rng(2)
    g, h, lam = rng.normal(size=20), rng.uniform(0.1, 1, 20), 1.5
    ws = np.linspace(-5, 5, 200_001)
    obj = g.sum() * ws + 0.5 * (h.sum() + lam) * ws**2
    assert abs(ws[obj.argmin()] - (-g.sum() / (h.sum() + lam))) < 1e-4
    best = -0.5 * g.sum() ** 2 / (h.sum() + lam)
    assert abs(obj.min() - best) < 1e-6                # the gain formula's per-leaf term
    assert "w* = −G / (H + λ)" in _card("ens-xgboost-second-order")
