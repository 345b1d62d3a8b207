"""Numeric cards about two-view geometry: a point through a homography, an epipolar
line (or a point's distance from it), and RANSAC's iteration count.

Conventions, stated in each question as well:

* Homography: ``[u', v', w]ᵀ = H·[x, y, 1]ᵀ`` and the pixel is ``(u'/w, v'/w)``
  (what ``cv2.perspectiveTransform`` computes). Draws keep ``w`` in [0.7, 1.3] and
  the result inside the 640 × 480 image, so an answer off the image always means
  a mistake.
* Epipolar line: ``l' = F·[x, y, 1]ᵀ`` in image 2 (OpenCV's
  ``computeCorrespondEpilines(points, 1, F)``), scaled to ``a² + b² = 1`` and
  signed so that ``b > 0`` (``a > 0`` when ``b = 0``). F is built as ``[e]×·M``
  with small integers, so it has rank 2 and the arithmetic stays by hand.
* RANSAC: ``N = ⌈log(1 − p) / log(1 − wˢ)⌉``, the fewest iterations for which at
  least one all-inlier sample is drawn with probability ``p``; draws whose ratio
  lies within 1e-6 of an integer are skipped (rounding could flip the ceiling).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from dlquiz.numeric.problem import NumericProblem, SimpleGenerator

WIDTH, HEIGHT = 640, 480


def apply_homography(h: Any, x: float, y: float) -> tuple[float, float, float]:
    """``(u, v, w)``: the dehomogenised pixel ``(u, v)`` of ``(x, y)`` and the scale ``w``."""
    mat = np.asarray(h, dtype=np.float64)
    up, vp, w = mat @ np.array([x, y, 1.0])
    return float(up / w), float(vp / w), float(w)


def _p(v: float) -> str:
    """A number for a worked sum: negatives in parentheses, so −6² is never ambiguous."""
    return f"({v:g})" if v < 0 else f"{v:g}"


def _matrix_text(m: Any) -> str:
    rows = ["[" + ", ".join(f"{v:g}" for v in row) + "]" for row in np.asarray(m).tolist()]
    return "[" + ", ".join(rows) + "]"


def _draw_homography(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    while True:
        h = [[round(float(rng.uniform(0.8, 1.2)), 2), round(float(rng.uniform(-0.15, 0.15)), 2),
              int(rng.integers(-40, 41))],
             [round(float(rng.uniform(-0.15, 0.15)), 2), round(float(rng.uniform(0.8, 1.2)), 2),
              int(rng.integers(-40, 41))],
             [round(float(rng.uniform(-5e-4, 5e-4)), 4), round(float(rng.uniform(-5e-4, 5e-4)), 4),
              1]]
        x, y = int(rng.integers(20, WIDTH - 20)), int(rng.integers(20, HEIGHT - 20))
        u, v, w = apply_homography(h, x, y)
        if 0.7 <= w <= 1.3 and 0 <= u < WIDTH and 0 <= v < HEIGHT:
            return {"H": h, "x": x, "y": y}


def _solve_homography(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    h, x, y = drawn["H"], drawn["x"], drawn["y"]
    u, v, w = apply_homography(h, x, y)
    (a, b, tx), (c, d, ty), (g, k, _) = h
    up, vp = a * x + b * y + tx, c * x + d * y + ty
    question = (f"A homography maps image 1 to image 2 (640 × 480 pixels): H = {_matrix_text(h)} "
                f"(rows), with [u', v', w]ᵀ = H·[x, y, 1]ᵀ and pixel = (u'/w, v'/w). Where does the "
                f"pixel (x, y) = ({x}, {y}) land? Give u and v to 2 decimals.")
    explanation = (
        f"u' = {_p(a)}·{x} + {_p(b)}·{y} + {_p(tx)} = {up:.4f}\n\n"
        f"v' = {_p(c)}·{x} + {_p(d)}·{y} + {_p(ty)} = {vp:.4f}\n\n"
        f"w = {_p(g)}·{x} + {_p(k)}·{y} + 1 = {w:.6f}\n\n"
        f"(u, v) = ({up:.4f} / {w:.6f}, {vp:.4f} / {w:.6f}) = **({u:.2f}, {v:.2f})**.\n\n"
        "Forgetting the division by w (treating H as affine) is the classic slip: with a "
        "non-zero last row, w ≠ 1 and the error grows with the distance from the origin.")
    return NumericProblem(question, (u, v), explanation, dict(drawn), rel_tol=0, abs_tol=0.011,
                          unit="px")


def epipolar_line(f: Any, x: float, y: float) -> tuple[float, float, float]:
    """``(a, b, c)`` of ``F·[x, y, 1]ᵀ`` with ``a² + b² = 1`` and ``b > 0`` (``a > 0`` if b = 0)."""
    line = np.asarray(f, dtype=np.float64) @ np.array([x, y, 1.0])
    line = line / math.hypot(line[0], line[1])
    if line[1] < 0 or (line[1] == 0 and line[0] < 0):
        line = -line
    return float(line[0]) + 0.0, float(line[1]) + 0.0, float(line[2]) + 0.0


def _skew(e: list[int]) -> list[list[int]]:
    return [[0, -e[2], e[1]], [e[2], 0, -e[0]], [-e[1], e[0], 0]]


def _draw_epipolar(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    while True:
        e = [int(v) for v in rng.integers(-3, 4, 3)]
        m = [[int(v) for v in row] for row in rng.integers(-2, 3, (3, 3))]
        f = (np.array(_skew(e)) @ np.array(m)).astype(int)
        if (np.linalg.matrix_rank(f) != 2 or np.abs(f).max() > 12
                or not np.all(np.abs(f).sum(axis=1) > 0)):
            continue
        x, y = (int(v) for v in rng.integers(-5, 6, 2))
        xp, yp = (int(v) for v in rng.integers(-5, 6, 2))
        raw = f @ np.array([x, y, 1])
        if raw[0] == 0 and raw[1] == 0:
            continue                      # a line at infinity: no epipolar line to draw
        if params.get("mode") == "distance" and raw @ np.array([xp, yp, 1]) == 0:
            continue                      # distance 0 would look like a trick question
        return {"F": f.tolist(), "x": x, "y": y, "xp": xp, "yp": yp}


def _solve_epipolar(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    f, x, y, xp, yp = drawn["F"], drawn["x"], drawn["y"], drawn["xp"], drawn["yp"]
    raw = [int(v) for v in np.asarray(f) @ np.array([x, y, 1])]
    norm = math.hypot(raw[0], raw[1])
    a, b, c = epipolar_line(f, x, y)
    intro = (f"F = {_matrix_text(f)} (rows) satisfies x₂ᵀ·F·x₁ = 0 for corresponding points "
             f"(homogeneous, x₁ in image 1, x₂ in image 2).")
    work = (f"l' = F·[{x}, {y}, 1]ᵀ = ({raw[0]}, {raw[1]}, {raw[2]}); "
            f"√(a² + b²) = √({_p(raw[0])}² + {_p(raw[1])}²) = {norm:.4f}.")
    if params.get("mode") == "distance":
        residual = raw[0] * xp + raw[1] * yp + raw[2]
        dist = abs(residual) / norm
        question = (f"{intro} How far (in pixels) is the point x₂ = ({xp}, {yp}) in image 2 from "
                    f"the epipolar line of x₁ = ({x}, {y})? (3 decimals)")
        explanation = (f"{work}\n\nx₂ᵀ·l' = {_p(raw[0])}·{_p(xp)} + {_p(raw[1])}·{_p(yp)} + "
                       f"{_p(raw[2])} = {residual}.\n\n"
                       f"distance = |x₂ᵀ·l'| / √(a² + b²) = {abs(residual)} / {norm:.4f} = "
                       f"**{dist:.3f}**.\n\nThis is the epipolar (or point-to-line) error that "
                       "RANSAC on F thresholds; the Sampson error adds the symmetric term from image 1.")
        return NumericProblem(question, (dist,), explanation, dict(drawn), rel_tol=0,
                              abs_tol=0.0011, unit="px")
    question = (f"{intro} Give the epipolar line in image 2 of x₁ = ({x}, {y}) as (a, b, c) with "
                "a·x + b·y + c = 0, scaled so a² + b² = 1 and signed so b > 0 (a > 0 if b = 0). "
                "(3 decimals each)")
    sign = -1 if raw[1] < 0 or (raw[1] == 0 and raw[0] < 0) else 1
    explanation = (f"{work}\n\nDivide by {norm:.4f}" + (" and flip the sign (b must be > 0)"
                                                        if sign < 0 else "")
                   + f": **({a:.3f}, {b:.3f}, {c:.3f})**.\n\nWith a² + b² = 1, |a·x + b·y + c| is "
                   "directly the distance of a pixel from the line, which is why lines are "
                   "normalised before thresholding.")
    return NumericProblem(question, (a, b, c), explanation, dict(drawn), rel_tol=0,
                          abs_tol=0.0011)


def ransac_iterations(p: float, w: float, s: int) -> int:
    """``⌈log(1 − p) / log(1 − wˢ)⌉`` (w = 1 needs a single sample)."""
    miss = 1.0 - w ** s
    if miss <= 0.0:
        return 1
    return max(1, math.ceil(math.log(1.0 - p) / math.log(miss)))


_MODELS = {2: "a 2-D line", 3: "a plane from 3-D points", 4: "a homography",
           5: "an essential matrix (5-point)", 7: "a fundamental matrix (7-point)",
           8: "a fundamental matrix (8-point)"}


def _draw_ransac(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    while True:
        p = float(rng.choice([0.95, 0.99, 0.995, 0.999]))
        w = round(float(rng.choice(np.arange(0.3, 0.95, 0.05))), 2)
        s = int(rng.choice(list(_MODELS)))
        ratio = math.log(1 - p) / math.log(1 - w ** s)
        if abs(ratio - round(ratio)) > 1e-6:
            return {"p": p, "w": w, "s": s}


def _solve_ransac(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    p, w, s = drawn["p"], drawn["w"], drawn["s"]
    n = ransac_iterations(p, w, s)
    ws = w ** s
    ratio = math.log(1 - p) / math.log(1 - ws)
    question = (f"RANSAC for {_MODELS[s]} draws minimal samples of s = {s} correspondences. With an "
                f"inlier ratio w = {w:g}, how many iterations N are needed so that, with "
                f"probability p = {p:g}, at least one sample contains only inliers?")
    explanation = (
        f"A sample is all-inlier with probability wˢ = {w:g}^{s} = {ws:.6f}; N samples all fail "
        f"with probability (1 − wˢ)ᴺ, so require (1 − wˢ)ᴺ ≤ 1 − p:\n\n"
        f"N = ⌈log(1 − p) / log(1 − wˢ)⌉ = ⌈log({1 - p:.3g}) / log({1 - ws:.6f})⌉ = "
        f"⌈{ratio:.3f}⌉ = **{n}**.\n\n"
        "N grows exponentially in s: minimal solvers (5-point E, 7-point F) exist because every "
        "extra point in the sample multiplies the work at low inlier ratios.")
    return NumericProblem(question, (float(n),), explanation, dict(drawn), rel_tol=0, abs_tol=0.5,
                          unit="iterations")


GENERATORS: tuple[SimpleGenerator, ...] = (
    SimpleGenerator("homography_point", "A pixel through a homography", _draw_homography,
                    _solve_homography),
    SimpleGenerator(
        "epipolar_line", "Epipolar line of a point (or a point's distance from it)",
        _draw_epipolar, _solve_epipolar,
        {"type": "object", "additionalProperties": False,
         "properties": {"mode": {"enum": ["line", "distance"]}}}),
    SimpleGenerator("ransac_iterations", "RANSAC iteration count", _draw_ransac, _solve_ransac),
)
