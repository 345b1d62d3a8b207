"""Two-view geometry: normalised DLT homography, 8-point F, triangulation, RANSAC line.

Conventions (shared with the exercise prompts; each matches OpenCV where OpenCV
has the function):

* Points are ``(N, 2)`` pixel coordinates ``(x, y)``; homogeneous ``(x, y, 1)``.
* **Hartley normalisation** (Hartley & Zisserman, Alg. 4.2): for each point set
  separately, translate the centroid to the origin and scale isotropically so
  the *mean Euclidean distance* from the origin is ``√2``. ``T = [[s, 0, −s·cx],
  [0, s, −s·cy], [0, 0, 1]]``. (OpenCV's ``findHomography`` scales each axis by
  its mean absolute deviation instead; on noise-free data both give the same H.)
* ``homography_dlt(src, dst)``: ``dst ~ H·src``; rows of the DLT matrix are
  ``[−x, −y, −1, 0, 0, 0, u·x, u·y, u]`` and ``[0, 0, 0, −x, −y, −1, v·x, v·y, v]``;
  h is the right singular vector of the smallest singular value; the result is
  denormalised, ``H = T_dst⁻¹·H̃·T_src``, and scaled so ``H[2, 2] = 1``.
* ``fundamental_8point(x1, x2)``: ``[x2, 1]·F·[x1, 1]ᵀ = 0`` (OpenCV's
  ``findFundamentalMat(points1, points2, FM_8POINT)``); rows
  ``[x'x, x'y, x', y'x, y'y, y', x, y, 1]``; rank 2 enforced by zeroing the
  smallest singular value of the normalised F̃; ``F = T2ᵀ·F̃·T1``, scaled so
  ``F[2, 2] = 1`` (OpenCV's scaling too).
* ``triangulate_dlt(P1, P2, x1, x2)``: per point, the rows
  ``x·P[2] − P[0]`` and ``y·P[2] − P[1]`` of both cameras, the smallest right
  singular vector X, then ``X[:3] / X[3]`` — what ``cv2.triangulatePoints``
  computes (it returns the homogeneous X).
* ``ransac_line``: see its docstring; the random draws are part of the contract.

Graded with allclose rtol 1e-6 (atol 1e-9 for H and F, 1e-8 for points).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def hartley_normalisation(points: npt.ArrayLike) -> tuple[F64, F64]:
    """``(T, normalised points)``: centroid at 0, mean distance √2 from it."""
    pts = np.asarray(points, dtype=np.float64)
    centre = pts.mean(axis=0)
    mean_dist = float(np.mean(np.linalg.norm(pts - centre, axis=1)))
    scale = np.sqrt(2.0) / mean_dist
    t = np.array([[scale, 0.0, -scale * centre[0]],
                  [0.0, scale, -scale * centre[1]],
                  [0.0, 0.0, 1.0]])
    return t, (pts - centre) * scale


def _null_vector(a: F64) -> F64:
    """Unit right singular vector of the smallest singular value of ``a``."""
    _, _, vt = np.linalg.svd(a)
    vec: F64 = vt[-1]
    return vec


def homography_dlt(src: npt.ArrayLike, dst: npt.ArrayLike) -> F64:
    """3×3 H with ``dst ~ H·src`` by the normalised DLT, ``H[2, 2] = 1``."""
    t_src, s = hartley_normalisation(src)
    t_dst, d = hartley_normalisation(dst)
    x, y, u, v = s[:, 0], s[:, 1], d[:, 0], d[:, 1]
    zeros, ones = np.zeros_like(x), np.ones_like(x)
    rows_u = np.stack([-x, -y, -ones, zeros, zeros, zeros, u * x, u * y, u], axis=1)
    rows_v = np.stack([zeros, zeros, zeros, -x, -y, -ones, v * x, v * y, v], axis=1)
    a = np.empty((2 * len(x), 9))
    a[0::2], a[1::2] = rows_u, rows_v
    h_norm = _null_vector(a).reshape(3, 3)
    h: F64 = np.linalg.inv(t_dst) @ h_norm @ t_src
    scaled: F64 = h / h[2, 2]
    return scaled


def fundamental_8point(x1: npt.ArrayLike, x2: npt.ArrayLike) -> F64:
    """3×3 rank-2 F with ``x2ᵀ F x1 = 0`` by the normalised 8-point algorithm."""
    t1, p = hartley_normalisation(x1)
    t2, q = hartley_normalisation(x2)
    x, y, xp, yp = p[:, 0], p[:, 1], q[:, 0], q[:, 1]
    a = np.stack([xp * x, xp * y, xp, yp * x, yp * y, yp, x, y, np.ones_like(x)], axis=1)
    f_norm = _null_vector(a).reshape(3, 3)
    u, sv, vt = np.linalg.svd(f_norm)
    f_rank2 = u @ np.diag([sv[0], sv[1], 0.0]) @ vt
    f: F64 = t2.T @ f_rank2 @ t1
    scaled: F64 = f / f[2, 2]
    return scaled


def triangulate_dlt(P1: npt.ArrayLike, P2: npt.ArrayLike, x1: npt.ArrayLike,
                    x2: npt.ArrayLike) -> F64:
    """(N, 3) Euclidean points from two 3×4 cameras by the linear (DLT) method."""
    cam1 = np.asarray(P1, dtype=np.float64)
    cam2 = np.asarray(P2, dtype=np.float64)
    a1 = np.asarray(x1, dtype=np.float64)
    a2 = np.asarray(x2, dtype=np.float64)
    rows = np.stack([
        a1[:, 0:1] * cam1[2] - cam1[0],
        a1[:, 1:2] * cam1[2] - cam1[1],
        a2[:, 0:1] * cam2[2] - cam2[0],
        a2[:, 1:2] * cam2[2] - cam2[1],
    ], axis=1)                                   # (N, 4, 4)
    _, _, vt = np.linalg.svd(rows)
    homog = vt[:, -1, :]                         # (N, 4)
    out: F64 = homog[:, :3] / homog[:, 3:4]
    return out


def _line_through(p: F64, q: F64) -> F64 | None:
    """``(a, b, c)`` with a² + b² = 1 through p and q, or None when p == q."""
    direction = q - p
    length = float(np.hypot(direction[0], direction[1]))
    if length == 0.0:
        return None
    a, b = -direction[1] / length, direction[0] / length
    return np.array([a, b, -(a * p[0] + b * p[1])])


def _sign_rule(line: F64) -> F64:
    """Flip so that a > 0, or b > 0 when |a| < 1e-12."""
    a, b = line[0], line[1]
    flip = a < 0 if abs(a) >= 1e-12 else b < 0
    return -line if flip else line


def fit_line_tls(points: F64) -> F64:
    """Total-least-squares line through ``points``: normal = smallest principal axis."""
    centre = points.mean(axis=0)
    _, vecs = np.linalg.eigh(np.cov((points - centre).T, bias=True).reshape(2, 2))
    normal = vecs[:, 0]
    line = np.array([normal[0], normal[1], -float(normal @ centre)])
    return _sign_rule(line)


def ransac_line(points: npt.ArrayLike, n_iters: int, threshold: float,
                seed: int) -> tuple[F64, npt.NDArray[np.bool_]]:
    """RANSAC line fit with a fixed random stream; returns ``(line, inlier_mask)``.

    ``rng = np.random.default_rng(seed)``; each of the ``n_iters`` iterations
    draws ``i, j = rng.choice(N, size=2, replace=False)``, forms the line through
    points i and j (skipped, no draw repeated, when they coincide), and counts
    inliers: points at perpendicular distance ``<= threshold``. A hypothesis
    replaces the best only with *strictly* more inliers (the first best is kept).
    The line returned is the total-least-squares refit on the best inliers,
    ``(a, b, c)`` with ``a x + b y + c = 0``, a² + b² = 1, sign: a > 0 (b > 0 if
    |a| < 1e-12); the mask is the best *hypothesis's* inliers (before the refit).
    """
    pts = np.asarray(points, dtype=np.float64)
    n = len(pts)
    rng = np.random.default_rng(seed)
    best_count, best_mask = -1, np.zeros(n, dtype=bool)
    for _ in range(n_iters):
        i, j = rng.choice(n, size=2, replace=False)
        line = _line_through(pts[i], pts[j])
        if line is None:
            continue
        mask = np.abs(pts @ line[:2] + line[2]) <= threshold
        count = int(mask.sum())
        if count > best_count:
            best_count, best_mask = count, mask
    if best_count < 2:
        raise ValueError("no non-degenerate sample was drawn")
    return fit_line_tls(pts[best_mask]), best_mask
