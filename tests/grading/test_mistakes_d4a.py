"""Two-view geometry and classical ML exercises: the cases catch the classic mistakes.

In process (fast, no sandbox) and calling the learner's function *positionally*
in signature order, as the grader will: each worked solution passes under three
seeds, each starter fails, each classic mistake (the worked solution with one
edit) fails and its *first* failing case is the named case written for that
clause of the contract, and an independently written correct solution — loops
where the reference vectorises, other parameter names, float32 where allowed —
passes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from grader_support import solution_function

from dlquiz.grading import checkers
from dlquiz.grading.registry import bundled_exercises, resolve_target
from dlquiz.model import Exercise

IDS = ["homography-dlt", "fundamental-8point", "triangulate-dlt", "ransac-line",
       "kmeans-lloyd", "pca-svd", "logistic-regression-gd", "linear-svm-subgradient",
       "tsne-affinities"]


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


def _failures(ex: Exercise, fn: Callable[..., Any], seed: int = 0) -> list[str]:
    """Names of the cases ``fn`` fails, in case order; ``fn`` is called positionally."""
    reference = resolve_target(ex.reference)
    failed = []
    for case in resolve_target(ex.cases)(np.random.default_rng(seed)):
        expected = reference(**{k: _copy(v) for k, v in case.args.items()})
        with np.errstate(all="ignore"):
            try:
                got = fn(*[_copy(v) for v in case.args.values()])
            except Exception:  # noqa: BLE001 - a crash is a failure of that case
                failed.append(case.name)
                continue
        if not checkers.check(ex.checker.name, dict(ex.checker.options), expected, got, case).ok:
            failed.append(case.name)
    return failed


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_passes_and_starter_fails(exercises: dict[str, Exercise], exercise_id: str) -> None:
    ex = exercises[exercise_id]
    for seed in (0, 1, 7):
        assert _failures(ex, solution_function(ex.solution, ex.function), seed) == []
    assert _failures(ex, solution_function(ex.starter, ex.function)) != []
    assert ex.difficulty in {"easy", "medium", "hard"}
    assert 2 <= len(ex.hints) <= 3


#: (exercise, mistake, text in the worked solution, replacement, first failing case prefix).
MISTAKES = [
    ("homography-dlt", "no Hartley normalisation",
     "    T1, a = normalise(np.asarray(src, dtype=float))\n    T2, b = normalise(np.asarray(dst, dtype=float))",
     "    a = np.asarray(src, dtype=float); T1 = np.eye(3)\n    b = np.asarray(dst, dtype=float); T2 = np.eye(3)",
     "noisy pixels (σ = 1 px), N = 40"),
    ("homography-dlt", "scaled to unit norm, not H[2, 2] = 1", "return H / H[2, 2]",
     "return H / np.linalg.norm(H)", "exactly 4 points (a square)"),
    ("homography-dlt", "singular vector of the largest singular value",
     "Ht = vt[-1].reshape(3, 3)", "Ht = vt[0].reshape(3, 3)", "exactly 4 points (a square)"),
    ("homography-dlt", "src and dst swapped (the inverse map)",
     "T1, a = normalise(np.asarray(src, dtype=float))\n    T2, b = normalise(np.asarray(dst, dtype=float))",
     "T1, a = normalise(np.asarray(dst, dtype=float))\n    T2, b = normalise(np.asarray(src, dtype=float))",
     "exactly 4 points (a square)"),
    ("homography-dlt", "mean distance 1 instead of √2", "s = np.sqrt(2.0) / np.mean",
     "s = 1.0 / np.mean", "noisy pixels (σ = 1 px), N = 40"),
    ("fundamental-8point", "no rank-2 enforcement",
     "Ft = U @ np.diag([S[0], S[1], 0.0]) @ Vt", "Ft = U @ np.diag(S) @ Vt",
     "exactly 8 points with noise"),
    ("fundamental-8point", "no Hartley normalisation",
     "T1, a = normalise(np.asarray(x1, dtype=float))\n    T2, b = normalise(np.asarray(x2, dtype=float))",
     "a = np.asarray(x1, dtype=float); T1 = np.eye(3)\n    b = np.asarray(x2, dtype=float); T2 = np.eye(3)",
     "exactly 8 points with noise"),
    ("fundamental-8point", "transposed F (x1ᵀ F x2 = 0)", "return F / F[2, 2]",
     "return F.T / F[2, 2]", "exactly 8 points, noise-free"),
    ("fundamental-8point", "denormalised as T1ᵀ F̃ T2", "F = T2.T @ Ft @ T1", "F = T1.T @ Ft @ T2",
     "exactly 8 points, noise-free"),
    ("fundamental-8point", "rank 2 enforced after denormalising",
     "Ft = U @ np.diag([S[0], S[1], 0.0]) @ Vt                 # rank 2\n    F = T2.T @ Ft @ T1",
     "F = T2.T @ Ft @ T1\n    U, S, Vt = np.linalg.svd(F)\n    F = U @ np.diag([S[0], S[1], 0.0]) @ Vt",
     "exactly 8 points with noise"),
    ("triangulate-dlt", "homogeneous point not dehomogenised", "out.append(X[:3] / X[3])",
     "out.append(X[:3])", "a single point, noise-free"),
    ("triangulate-dlt", "rows rescaled to unit length", "_, _, vt = np.linalg.svd(A)",
     "A = A / np.linalg.norm(A, axis=1, keepdims=True)\n        _, _, vt = np.linalg.svd(A)",
     "noisy pixels (σ = 1 px)"),
    ("triangulate-dlt", "second row from the cross product x·P² − y·P¹",
     "A = np.stack([x * P1[2] - P1[0], y * P1[2] - P1[1],",
     "A = np.stack([x * P1[2] - P1[0], x * P1[1] - y * P1[0],", "noisy pixels (σ = 1 px)"),
    ("triangulate-dlt", "singular vector of the largest singular value", "X = vt[-1]", "X = vt[0]",
     "a single point, noise-free"),
    ("ransac-line", "a tie replaces the best (>=)", "if inliers.sum() > best_count:",
     "if inliers.sum() >= best_count:", "two lines with equal support"),
    ("ransac-line", "strict < threshold", "<= threshold", "< threshold",
     "points exactly at the threshold are inliers"),
    ("ransac-line", "refit on all points instead of the inliers", "inl = pts[best]", "inl = pts",
     "two lines with equal support"),
    ("ransac-line", "pairs drawn with replacement", "size=2, replace=False)", "size=2, replace=True)",
     "n_iters = 1"),
    ("ransac-line", "ordinary least squares refit (vertical residuals)",
     "_, vecs = np.linalg.eigh(np.cov((inl - c).T, bias=True).reshape(2, 2))\n    a, b = vecs[:, 0]",
     "m, q = np.polyfit(inl[:, 0], inl[:, 1], 1)\n    a, b = np.array([m, -1.0]) / np.hypot(m, 1.0)",
     "points exactly at the threshold are inliers"),
    ("ransac-line", "sign rule ignored",
     "    if (a < 0) if abs(a) >= 1e-12 else (b < 0):\n        line = -line\n", "",
     "two lines with equal support"),
    ("kmeans-lloyd", "a tie goes to the highest index", "return d.argmin(axis=1)",
     "return d.shape[1] - 1 - d[:, ::-1].argmin(axis=1)",
     "a point equidistant from two centroids goes to the lower index"),
    ("kmeans-lloyd", "an empty cluster's centroid becomes NaN", "if len(members):", "if True:",
     "an empty cluster keeps its previous centroid"),
    ("kmeans-lloyd", "labels not re-assigned after the last update", "return C, assign(C)",
     "return C, labels", "max_iter = 1"),
    ("kmeans-lloyd", "max_iter ignored", "for _ in range(max_iter):", "for _ in range(1000):",
     "max_iter = 1"),
    ("pca-svd", "data not centred", "Xc = X - X.mean(axis=0)", "Xc = X",
     "data far from the origin"),
    ("pca-svd", "no sign convention", "if Vt[r, np.argmax(np.abs(Vt[r]))] < 0:", "if False:",
     "data far from the origin"),
    ("pca-svd", "variance divided by N", "var = S ** 2 / (len(X) - 1)", "var = S ** 2 / len(X)",
     "data far from the origin"),
    ("pca-svd", "ratio over the kept components only", "var[:k] / var.sum()",
     "var[:k] / var[:k].sum()", "data far from the origin"),
    ("logistic-regression-gd", "bias penalised too", "gb = err.mean()", "gb = err.mean() + l2 * b",
     "L2 penalty (bias not penalised)"),
    ("logistic-regression-gd", "summed instead of averaged gradient",
     "gw = X.T @ err / len(X) + l2 * w", "gw = X.T @ err + l2 * w", "one step from zero"),
    ("logistic-regression-gd", "b updated with the new w (sequential update)",
     "w, b = w - lr * gw, b - lr * gb",
     "w = w - lr * gw\n        b = b - lr * (np.exp(-np.logaddexp(0.0, -(X @ w + b))) - y).mean()",
     "one step from zero"),
    ("logistic-regression-gd", "gradient sign flipped (ascent)", "err = p - y", "err = y - p",
     "one step from zero"),
    ("linear-svm-subgradient", "margin exactly 1 counted as active (<=)",
     "act = y * (X @ w + b) < 1.0", "act = y * (X @ w + b) <= 1.0",
     "margin exactly 1 is not active"),
    ("linear-svm-subgradient", "averaged over the active points only",
     "(y[act, None] * X[act]).sum(axis=0) / n",
     "(y[act, None] * X[act]).sum(axis=0) / max(act.sum(), 1)", "separable data"),
    ("linear-svm-subgradient", "regulariser's gradient forgotten", "gw = lam * w -", "gw = 0 * w -",
     "separable data"),
    ("linear-svm-subgradient", "every point used (no hinge)", "act = y * (X @ w + b) < 1.0",
     "act = np.ones(n, dtype=bool)", "margin exactly 1 is not active"),
    ("tsne-affinities", "no symmetrisation", "return (C + C.T) / (2 * n)", "return C / n",
     "N = 3, perplexity 1.5"),
    ("tsne-affinities", "diagonal kept in the normalisation", "d = np.delete(D2[i], i)", "d = D2[i]",
     "N = 3, perplexity 1.5"),
    ("tsne-affinities", "distances instead of squared distances", "d = np.delete(D2[i], i)",
     "d = np.sqrt(np.delete(D2[i], i))", "N = 3, perplexity 1.5"),
    ("tsne-affinities", "no bandwidth search (β = 1)", "for _ in range(100):", "for _ in range(1):",
     "N = 3, perplexity 1.5"),
]


@pytest.mark.parametrize(("exercise_id", "mistake", "old", "new", "first"), MISTAKES,
                         ids=[f"{m[0]}: {m[1]}" for m in MISTAKES])
def test_classic_mistake_fails_on_its_case(exercises: dict[str, Exercise], exercise_id: str,
                                           mistake: str, old: str, new: str, first: str) -> None:
    ex = exercises[exercise_id]
    assert ex.solution.count(old) == 1, f"the solution no longer contains {old!r}"
    failed = _failures(ex, solution_function(ex.solution.replace(old, new), ex.function))
    assert failed, mistake
    assert failed[0].startswith(first), (mistake, failed[0])


def test_every_exercise_has_three_mistakes() -> None:
    counts = {i: sum(m[0] == i for m in MISTAKES) for i in IDS}
    assert min(counts.values()) >= 3, counts


RANSAC_NO_REFIT = '''
import numpy as np

def ransac_line(points, n_iters, threshold, seed):
    pts = np.asarray(points, dtype=float)
    rng = np.random.default_rng(seed)
    best, best_line = -1, None
    for _ in range(n_iters):
        i, j = rng.choice(len(pts), size=2, replace=False)
        d = pts[j] - pts[i]
        if not d.any():
            continue
        n = np.array([-d[1], d[0]]) / np.hypot(*d)
        line = np.r_[n, -n @ pts[i]]
        mask = np.abs(pts @ n + line[2]) <= threshold
        if mask.sum() > best:
            best, best_line, best_mask = mask.sum(), line, mask
    if best_line[0] < 0 or (abs(best_line[0]) < 1e-12 and best_line[1] < 0):
        best_line = -best_line
    return best_line, best_mask
'''


def test_ransac_without_the_final_refit_fails(exercises: dict[str, Exercise]) -> None:
    failed = _failures(exercises["ransac-line"], solution_function(RANSAC_NO_REFIT, "ransac_line"))
    assert failed and failed[0].startswith("points exactly at the threshold")


# ---------------------------------------------------------------- independent solutions

INDEPENDENT = {
    "homography-dlt": '''
import numpy as np

def homography_dlt(p, q):
    def T_of(pts):
        m = pts.mean(0)
        k = np.sqrt(2) * len(pts) / np.sqrt(((pts - m) ** 2).sum(1)).sum()
        return np.array([[k, 0, -k * m[0]], [0, k, -k * m[1]], [0, 0, 1.0]])
    p = np.asarray(p, dtype=np.float64); q = np.asarray(q, dtype=np.float64)
    Tp, Tq = T_of(p), T_of(q)
    hp = np.c_[p, np.ones(len(p))] @ Tp.T
    hq = np.c_[q, np.ones(len(q))] @ Tq.T
    A = np.zeros((2 * len(p), 9))
    for n in range(len(p)):
        X = hp[n]
        u, v = hq[n, 0], hq[n, 1]
        A[2 * n, 0:3] = -X
        A[2 * n, 6:9] = u * X
        A[2 * n + 1, 3:6] = -X
        A[2 * n + 1, 6:9] = v * X
    w, V = np.linalg.eigh(A.T @ A)          # null vector via the normal equations
    H = np.linalg.solve(Tq, V[:, 0].reshape(3, 3) @ Tp)
    return H / H[2, 2]
''',
    "fundamental-8point": '''
import numpy as np

def fundamental_8point(pa, pb):
    def T_of(pts):
        m = pts.mean(0)
        k = np.sqrt(2) / np.mean(np.hypot(*(pts - m).T))
        return np.array([[k, 0, -k * m[0]], [0, k, -k * m[1]], [0, 0, 1.0]])
    pa = np.asarray(pa, dtype=np.float64); pb = np.asarray(pb, dtype=np.float64)
    Ta, Tb = T_of(pa), T_of(pb)
    ha = (Ta @ np.c_[pa, np.ones(len(pa))].T).T
    hb = (Tb @ np.c_[pb, np.ones(len(pb))].T).T
    A = np.array([np.kron(b, a) for a, b in zip(ha, hb)])
    Fn = np.linalg.svd(A)[2][-1].reshape(3, 3)
    u, s, vt = np.linalg.svd(Fn)
    s[-1] = 0.0
    F = Tb.T @ (u * s) @ vt @ Ta
    return F / F[-1, -1]
''',
    "triangulate-dlt": '''
import numpy as np

def triangulate_dlt(A, B, a, b):
    A = np.asarray(A, dtype=np.float64); B = np.asarray(B, dtype=np.float64)
    a = np.asarray(a, dtype=np.float64); b = np.asarray(b, dtype=np.float64)
    M = np.empty((len(a), 4, 4))
    M[:, 0] = a[:, :1] * A[2] - A[0]
    M[:, 1] = a[:, 1:] * A[2] - A[1]
    M[:, 2] = b[:, :1] * B[2] - B[0]
    M[:, 3] = b[:, 1:] * B[2] - B[1]
    Xh = np.linalg.svd(M)[2][:, 3]
    return Xh[:, :3] / Xh[:, 3:]
''',
    "ransac-line": '''
import numpy as np

def ransac_line(P, iters, tol, s):
    P = np.asarray(P, dtype=np.float64)
    g = np.random.default_rng(s)
    keep = None
    for _ in range(iters):
        a, b = g.choice(P.shape[0], size=2, replace=False)
        dx, dy = P[b] - P[a]
        L = np.sqrt(dx * dx + dy * dy)
        if L == 0:
            continue
        nx, ny = -dy / L, dx / L
        inl = np.abs(nx * P[:, 0] + ny * P[:, 1] - (nx * P[a, 0] + ny * P[a, 1])) <= tol
        if keep is None or inl.sum() > keep.sum():
            keep = inl
    Q = P[keep]
    m = Q.mean(0)
    u, s, vt = np.linalg.svd(Q - m)
    nx, ny = vt[-1]                        # direction of least spread = normal
    if nx < 0 if abs(nx) >= 1e-12 else ny < 0:
        nx, ny = -nx, -ny
    return np.array([nx, ny, -(nx * m[0] + ny * m[1])]), keep
''',
    "kmeans-lloyd": '''
import numpy as np

def kmeans_lloyd(data, c0, iters):
    data = np.asarray(data, dtype=np.float64)
    c = np.asarray(c0, dtype=np.float64).copy()
    def nearest():
        out = np.empty(len(data), dtype=np.int64)
        d = (data ** 2).sum(1)[:, None] - 2 * data @ c.T + (c ** 2).sum(1)[None, :]
        exact = ((data[:, None] - c[None]) ** 2).sum(-1)   # tie rule on exact distances
        for n in range(len(data)):
            best = np.flatnonzero(exact[n] == exact[n].min())
            out[n] = best[0]
        return out
    old = None
    for _ in range(iters):
        lab = nearest()
        sums = np.zeros_like(c)
        np.add.at(sums, lab, data)
        cnt = np.bincount(lab, minlength=len(c))
        c = np.where(cnt[:, None] > 0, sums / np.maximum(cnt, 1)[:, None], c)
        if old is not None and (old == lab).all():
            break
        old = lab
    return c, nearest()
''',
    "pca-svd": '''
import numpy as np

def pca(data, k):
    data = np.asarray(data, dtype=np.float64)
    n = data.shape[0]
    Z = data - data.mean(0)
    cov = Z.T @ Z / (n - 1)
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1]
    vals, vecs = np.clip(vals[order], 0, None), vecs[:, order].T
    for r in range(k):
        if vecs[r][np.argmax(np.abs(vecs[r]))] < 0:
            vecs[r] *= -1
    comps = vecs[:k]
    return comps, vals[:k], vals[:k] / vals.sum(), Z @ comps.T
''',
    "logistic-regression-gd": '''
import numpy as np

def logistic_regression_gd(A, t, step, steps, lam):
    A = np.asarray(A, dtype=np.float64); t = np.asarray(t, dtype=np.float64)
    n, d = A.shape
    theta = np.zeros(d + 1)                 # bias last
    Ab = np.c_[A, np.ones(n)]
    reg = np.r_[np.full(d, lam), 0.0]
    for _ in range(steps):
        z = Ab @ theta
        p = np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))
        theta = theta - step * (Ab.T @ (p - t) / n + reg * theta)
    return theta[:d], float(theta[d])
''',
    "linear-svm-subgradient": '''
import numpy as np

def linear_svm_subgradient(A, t, step, steps, reg):
    A = np.asarray(A, dtype=np.float64); t = np.asarray(t, dtype=np.float64)
    n, d = A.shape
    w = np.zeros(d); b = 0.0
    for _ in range(steps):
        gw = reg * w
        gb = 0.0
        for i in range(n):
            if t[i] * (A[i] @ w + b) < 1:
                gw = gw - t[i] * A[i] / n
                gb = gb - t[i] / n
        w, b = w - step * gw, b - step * gb
    return w, float(b)
''',
    "tsne-affinities": '''
import numpy as np

def tsne_joint_probabilities(dist2, perp):
    dist2 = np.asarray(dist2, dtype=np.float64)
    n = len(dist2)
    goal = np.log(perp)
    cond = np.zeros((n, n))
    for i in range(n):
        mask = np.arange(n) != i
        d = dist2[i, mask]
        d0 = d.min()                          # shift: changes neither P nor H
        beta, lo, hi = 1.0, None, None
        for _ in range(100):
            e = np.exp(-(d - d0) * beta)
            p = e / e.sum()
            h = np.log(e.sum()) + beta * (p @ (d - d0))
            if abs(h - goal) <= 1e-5:
                break
            if h > goal:
                lo = beta
                beta = 2 * beta if hi is None else 0.5 * (beta + hi)
            else:
                hi = beta
                beta = beta / 2 if lo is None else 0.5 * (beta + lo)
        cond[i, mask] = p
    return (cond + cond.T) / (2.0 * n)
''',
}


@pytest.mark.parametrize("exercise_id", IDS)
def test_independent_solution_passes(exercises: dict[str, Exercise], exercise_id: str) -> None:
    ex = exercises[exercise_id]
    fn = solution_function(INDEPENDENT[exercise_id], ex.function)
    assert _failures(ex, fn) == []
