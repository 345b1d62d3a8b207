"""Classical ML: Lloyd's k-means, PCA by SVD, logistic regression and a linear SVM by
(sub)gradient descent, and t-SNE's perplexity-calibrated affinities.

Conventions (each exercise prompt states the same):

* ``kmeans_lloyd(X, init, max_iter)``: squared Euclidean distance; a point
  equidistant from several centroids goes to the **lowest index**; an empty
  cluster **keeps its previous centroid**; stop after the update whose
  assignment equals the previous one, or after ``max_iter`` updates; the labels
  returned are re-assigned to the final centroids. With no empty cluster and no
  tie this is ``sklearn.cluster.KMeans(init=init, n_init=1, algorithm="lloyd",
  tol=0, max_iter=max_iter)``.
* ``pca(X, n_components)``: centre, ``U S Vᵀ = svd(X − mean)``, components are
  rows of Vᵀ, explained variance ``S² / (N − 1)``, ratio over the *total*
  variance (all components), scores ``(X − mean)·componentsᵀ``; sign: in each
  component the entry of largest absolute value is positive (first such on a
  tie) — ``svd_flip(u_based_decision=False)`` as ``sklearn.decomposition.PCA``.
* ``logistic_regression_gd``: zero init, full-batch gradient descent on
  ``mean BCE + (l2 / 2)·‖w‖²`` (bias not penalised), both gradients taken at the
  current parameters.
* ``linear_svm_subgradient``: zero init, ``(lam / 2)·‖w‖² + mean(max(0, 1 − y·(w·x + b)))``,
  labels ±1; the hinge is active only when the margin is *strictly* below 1.
* ``tsne_joint_probabilities(D2, perplexity)``: sklearn's binary search on
  ``beta = 1 / (2σ²)`` per row (see :func:`_beta_search`), then
  ``P = (P_cond + P_condᵀ) / (2N)``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

PERPLEXITY_TOL = 1e-5
PERPLEXITY_STEPS = 100


def _assign(x: F64, centroids: F64) -> I64:
    """Nearest centroid by squared distance; ``argmin`` keeps the lowest index on ties."""
    d2 = ((x[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    labels: I64 = np.argmin(d2, axis=1).astype(np.int64)
    return labels


def kmeans_lloyd(X: npt.ArrayLike, init: npt.ArrayLike, max_iter: int) -> tuple[F64, I64]:
    """``(centroids (K, D), labels (N,) int64)`` of Lloyd's algorithm from ``init``."""
    pts = np.asarray(X, dtype=np.float64)
    cent = np.array(init, dtype=np.float64)
    previous: I64 | None = None
    for _ in range(max_iter):
        labels = _assign(pts, cent)
        for k in range(len(cent)):
            members = pts[labels == k]
            if len(members):
                cent[k] = members.mean(axis=0)
        if previous is not None and np.array_equal(labels, previous):
            break
        previous = labels
    return cent, _assign(pts, cent)


def pca(X: npt.ArrayLike, n_components: int) -> tuple[F64, F64, F64, F64]:
    """``(components (k, D), explained_variance (k,), ratio (k,), scores (N, k))``."""
    data = np.asarray(X, dtype=np.float64)
    centred = data - data.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    biggest = np.argmax(np.abs(vt), axis=1)
    signs = np.sign(vt[np.arange(len(vt)), biggest])
    vt = vt * signs[:, None]
    variance = s ** 2 / (len(data) - 1)
    total = variance.sum()
    comps: F64 = vt[:n_components]
    return comps, variance[:n_components], variance[:n_components] / total, centred @ comps.T


def sigmoid(z: F64) -> F64:
    """Logistic function without overflow warnings for large |z|."""
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def logistic_regression_gd(X: npt.ArrayLike, y: npt.ArrayLike, lr: float, n_iters: int,
                           l2: float = 0.0) -> tuple[F64, float]:
    """``(w (D,), b)`` after ``n_iters`` full-batch gradient steps from zero."""
    data = np.asarray(X, dtype=np.float64)
    target = np.asarray(y, dtype=np.float64)
    n = len(data)
    w, b = np.zeros(data.shape[1]), 0.0
    for _ in range(n_iters):
        err = sigmoid(data @ w + b) - target
        grad_w = data.T @ err / n + l2 * w
        grad_b = float(err.sum() / n)
        w, b = w - lr * grad_w, b - lr * grad_b
    return w, b


def linear_svm_subgradient(X: npt.ArrayLike, y: npt.ArrayLike, lr: float, n_iters: int,
                           lam: float) -> tuple[F64, float]:
    """``(w (D,), b)`` after ``n_iters`` full-batch subgradient steps from zero."""
    data = np.asarray(X, dtype=np.float64)
    target = np.asarray(y, dtype=np.float64)
    n = len(data)
    w, b = np.zeros(data.shape[1]), 0.0
    for _ in range(n_iters):
        active = target * (data @ w + b) < 1.0
        grad_w = lam * w - (target[active, None] * data[active]).sum(axis=0) / n
        grad_b = -float(target[active].sum()) / n
        w, b = w - lr * grad_w, b - lr * grad_b
    return w, b


def _beta_search(d2_row: F64, perplexity: float) -> F64:
    """Conditional ``P_{·|i}`` (neighbours only) matching ``perplexity``.

    sklearn's ``_binary_search_perplexity``: start at beta = 1; the entropy is
    ``H = log(Σ exp(−β·d)) + β·Σ d·P`` (natural log); stop when
    ``|H − log(perplexity)| <= 1e-5`` or after 100 evaluations; when H is too
    high, beta doubles until bounded above, then bisects; when too low, halves
    until bounded below, then bisects.
    """
    target = np.log(perplexity)
    beta, lo, hi = 1.0, -np.inf, np.inf
    p = np.zeros_like(d2_row)
    for _ in range(PERPLEXITY_STEPS):
        p = np.exp(-d2_row * beta)
        total = float(p.sum()) or 1e-8       # sklearn: an all-underflow row divides by 1e-8
        p = p / total
        entropy = np.log(total) + beta * float(d2_row @ p)
        diff = entropy - target
        if abs(diff) <= PERPLEXITY_TOL:
            break
        if diff > 0:
            lo = beta
            beta = beta * 2.0 if hi == np.inf else (beta + hi) / 2.0
        else:
            hi = beta
            beta = beta / 2.0 if lo == -np.inf else (beta + lo) / 2.0
    return p


def tsne_conditional_probabilities(D2: npt.ArrayLike, perplexity: float) -> F64:
    """Row-stochastic ``P_{j|i}`` (N, N) with a zero diagonal."""
    dist = np.asarray(D2, dtype=np.float64)
    n = len(dist)
    cond = np.zeros((n, n))
    for i in range(n):
        others = np.arange(n) != i
        cond[i, others] = _beta_search(dist[i, others], perplexity)
    return cond


def tsne_joint_probabilities(D2: npt.ArrayLike, perplexity: float) -> F64:
    """Symmetric joint ``P = (P_{j|i} + P_{i|j}) / (2N)`` (N, N), zero diagonal, sums to 1."""
    cond = tsne_conditional_probabilities(D2, perplexity)
    joint: F64 = (cond + cond.T) / (2.0 * len(cond))
    return joint
