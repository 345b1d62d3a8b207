"""Two-view references against OpenCV and loops written here, plus geometric properties.

Oracles: ``cv2.findHomography(..., 0)`` (noise-free: OpenCV refines with LM, so
noisy data has a slightly different optimum), ``cv2.findFundamentalMat(...,
FM_8POINT)`` (same Hartley normalisation as ours, so it agrees with noise too),
``cv2.triangulatePoints`` (same rows, same SVD), a RANSAC loop written
independently below, and sklearn's PCA for the total-least-squares refit.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.decomposition import PCA

from dlquiz.grading.cases.two_view import two_view_scene
from dlquiz.grading.reference.two_view import (
    fit_line_tls,
    fundamental_8point,
    homography_dlt,
    ransac_line,
    triangulate_dlt,
)


def _apply(h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.c_[pts, np.ones(len(pts))] @ h.T
    return p[:, :2] / p[:, 2:]


def _random_h(rng: np.random.Generator) -> np.ndarray:
    h = np.eye(3) + rng.normal(0, 0.1, (3, 3))
    h[:2, 2] = rng.uniform(-50, 50, 2)
    h[2, :2] = rng.uniform(-3e-4, 3e-4, 2)
    h[2, 2] = 1.0
    return h


def _similarity(rng: np.random.Generator) -> np.ndarray:
    a = rng.uniform(0, 2 * np.pi)
    s = rng.uniform(0.3, 3.0)
    return np.array([[s * np.cos(a), -s * np.sin(a), rng.uniform(-100, 100)],
                     [s * np.sin(a), s * np.cos(a), rng.uniform(-100, 100)], [0, 0, 1.0]])


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).max() / np.abs(b).max())


@pytest.mark.parametrize("n", [4, 5, 10, 50, 300])
def test_homography_matches_opencv_on_exact_data(n: int) -> None:
    rng = np.random.default_rng(n)
    h = _random_h(rng)
    src = rng.uniform(0, 640, (n, 2))
    dst = _apply(h, src)
    ours = homography_dlt(src, dst)
    theirs, _ = cv2.findHomography(src, dst, 0)
    # OpenCV stores the points as float32 (~4e-5 px at x = 640), so compare the maps.
    grid = np.stack(np.meshgrid(np.linspace(0, 640, 9), np.linspace(0, 480, 7)), -1).reshape(-1, 2)
    assert np.abs(_apply(ours, grid) - _apply(theirs, grid)).max() < 2e-3
    assert _rel(ours, theirs) < 1e-4
    assert _rel(ours, h / h[2, 2]) < 1e-8


def _dlt_loop(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Normalised DLT written independently: per-point loops, eigen-decomposition."""
    def norm(p: np.ndarray) -> np.ndarray:
        c = p.sum(0) / len(p)
        dist = sum(float(np.hypot(*(q - c))) for q in p) / len(p)
        s = 2 ** 0.5 / dist
        return np.array([[s, 0, -s * c[0]], [0, s, -s * c[1]], [0, 0, 1]])
    t1, t2 = norm(src), norm(dst)
    m = np.zeros((9, 9))
    for p, q in zip(src, dst):
        a = t1 @ [p[0], p[1], 1.0]
        b = t2 @ [q[0], q[1], 1.0]
        for row in (np.r_[-a, 0, 0, 0, b[0] / b[2] * a], np.r_[0, 0, 0, -a, b[1] / b[2] * a]):
            m += np.outer(row, row)
    h = np.linalg.eigh(m)[1][:, 0].reshape(3, 3)
    h = np.linalg.inv(t2) @ h @ t1
    return h / h[2, 2]


@settings(max_examples=30, deadline=None)
@given(st.integers(4, 60), st.floats(0.0, 2.0), st.integers(0, 2**16))
def test_homography_matches_loop_with_noise(n: int, noise: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    src = rng.uniform(0, 640, (n, 2))
    dst = _apply(_random_h(rng), src) + rng.normal(0, noise, (n, 2))
    assert _rel(homography_dlt(src, dst), _dlt_loop(src, dst)) < 1e-7


@settings(max_examples=30, deadline=None)
@given(st.integers(6, 40), st.integers(0, 2**16))
def test_homography_is_covariant_under_similarities(n: int, seed: int) -> None:
    """Hartley's point: with isotropic normalisation the noisy DLT commutes with similarities."""
    rng = np.random.default_rng(seed)
    src = rng.uniform(0, 640, (n, 2))
    dst = _apply(_random_h(rng), src) + rng.normal(0, 1.0, (n, 2))
    s1, s2 = _similarity(rng), _similarity(rng)
    moved = homography_dlt(_apply(s1, src), _apply(s2, dst))
    want = s2 @ homography_dlt(src, dst) @ np.linalg.inv(s1)
    assert _rel(moved, want / want[2, 2]) < 1e-7


@pytest.mark.parametrize(("n", "noise"), [(8, 0.0), (8, 0.5), (30, 0.0), (40, 1.0), (500, 2.0)])
def test_fundamental_matches_opencv_8point(n: int, noise: float) -> None:
    _, _, _, x1, x2 = two_view_scene(np.random.default_rng(n), n, noise)
    ours = fundamental_8point(x1, x2)
    theirs, _ = cv2.findFundamentalMat(x1, x2, cv2.FM_8POINT)
    assert _rel(ours, theirs) < 1e-6
    sv = np.linalg.svd(ours, compute_uv=False)
    assert sv[2] < 1e-10 * sv[0]


@settings(max_examples=30, deadline=None)
@given(st.integers(8, 80), st.floats(0.0, 2.0), st.integers(0, 2**16))
def test_fundamental_properties(n: int, noise: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    _, _, _, x1, x2 = two_view_scene(rng, n, noise)
    f = fundamental_8point(x1, x2)
    sv = np.linalg.svd(f, compute_uv=False)
    assert sv[2] < 1e-10 * sv[0]                                   # rank 2
    swapped = fundamental_8point(x2, x1)
    assert _rel(swapped, f.T / f[2, 2]) < 1e-7                      # F(x2, x1) = F(x1, x2)ᵀ
    if noise == 0.0:
        h1, h2 = np.c_[x1, np.ones(n)], np.c_[x2, np.ones(n)]
        lines = h1 @ f.T                                           # epipolar lines in image 2
        dist = np.abs((h2 * lines).sum(1)) / np.hypot(lines[:, 0], lines[:, 1])
        assert dist.max() < 1e-6                                   # pixels


@pytest.mark.parametrize(("n", "noise"), [(1, 0.0), (10, 0.0), (20, 1.0), (500, 1.0)])
def test_triangulation_matches_opencv(n: int, noise: float) -> None:
    p1, p2, xw, x1, x2 = two_view_scene(np.random.default_rng(100 + n), n, noise)
    ours = triangulate_dlt(p1, p2, x1, x2)
    hom = cv2.triangulatePoints(p1, p2, x1.T, x2.T)
    np.testing.assert_allclose(ours, (hom[:3] / hom[3]).T, rtol=1e-8, atol=1e-10)
    if noise == 0.0:
        np.testing.assert_allclose(ours, xw, rtol=1e-8, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 30), st.floats(0.1, 20.0), st.integers(0, 2**16))
def test_triangulation_reprojects_and_ignores_scale_on_exact_data(n: int, scale: float,
                                                                  seed: int) -> None:
    p1, p2, _, x1, x2 = two_view_scene(np.random.default_rng(seed), n)
    pts = triangulate_dlt(p1, scale * p2, x1, x2)
    hom = np.c_[pts, np.ones(n)]
    for cam, obs in ((p1, x1), (p2, x2)):
        proj = hom @ cam.T
        np.testing.assert_allclose(proj[:, :2] / proj[:, 2:], obs, atol=1e-6)


def _ransac_loop(points: np.ndarray, n_iters: int, threshold: float, seed: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """RANSAC written here from the contract, one point at a time; refit via sklearn PCA."""
    rng = np.random.default_rng(seed)
    best: list[bool] | None = None
    for _ in range(n_iters):
        i, j = rng.choice(len(points), size=2, replace=False)
        (x0, y0), (x1, y1) = points[i], points[j]
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        if length == 0:
            continue
        a, b = (y0 - y1) / length, (x1 - x0) / length
        c = -(a * x0 + b * y0)
        mask = [abs(a * x + b * y + c) <= threshold for x, y in points]
        if best is None or sum(mask) > sum(best):
            best = mask
    assert best is not None
    inl = points[np.array(best)]
    normal = PCA(2).fit(inl).components_[1]
    line = np.r_[normal, -normal @ inl.mean(0)]
    if line[0] < 0 if abs(line[0]) >= 1e-12 else line[1] < 0:
        line = -line
    return line, np.array(best)


@settings(max_examples=25, deadline=None)
@given(st.integers(5, 60), st.integers(0, 40), st.integers(1, 40), st.floats(0.05, 1.0),
       st.integers(0, 2**31))
def test_ransac_matches_loop(n_in: int, n_out: int, n_iters: int, threshold: float,
                             seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = rng.uniform(-10, 10, n_in)
    ang = rng.uniform(0, np.pi)
    pts = np.r_[np.c_[t * np.cos(ang), t * np.sin(ang) + 1.0] + rng.normal(0, 0.05, (n_in, 2)),
                rng.uniform(-12, 12, (n_out, 2))]
    line, mask = ransac_line(pts, n_iters, threshold, seed)
    want_line, want_mask = _ransac_loop(pts, n_iters, threshold, seed)
    np.testing.assert_array_equal(mask, want_mask)
    np.testing.assert_allclose(line, want_line, rtol=1e-7, atol=1e-9)
    assert abs(np.hypot(line[0], line[1]) - 1) < 1e-12


def test_tls_refit_is_sklearn_pca_normal() -> None:
    rng = np.random.default_rng(3)
    pts = np.c_[np.arange(50.0), 0.3 * np.arange(50.0)] + rng.normal(0, 0.2, (50, 2))
    line = fit_line_tls(pts)
    normal = PCA(2).fit(pts).components_[1]
    assert abs(abs(line[:2] @ normal) - 1) < 1e-12
    assert abs(line[:2] @ pts.mean(0) + line[2]) < 1e-10


# ---------------------------------------------------------------- figures quoted on the cards

def _card(card_id: str) -> str:
    from pathlib import Path

    import yaml

    deck = yaml.safe_load((Path(__file__).resolve().parents[2] / "decks" / "geometry.yaml")
                          .read_text(encoding="utf-8"))
    card = next(c for c in deck["cards"] if c["id"] == card_id)
    text = " ".join(str(card.get(k, "")) for k in ("front", "back", "text", "explanation"))
    return " ".join(text.split())


def test_ransac_iteration_figures_on_cards() -> None:
    from dlquiz.numeric.geometry import ransac_iterations

    n4, n5, n7, n8 = (ransac_iterations(0.99, 0.5, s) for s in (4, 5, 7, 8))
    assert (n4, n7, n8) == (72, 588, 1177)
    assert "{{c2::72}}" in _card("epi-ransac-iterations") and "1,177" in _card("epi-ransac-iterations")
    assert "about 588 samples instead of 1,177" in _card("epi-seven-point")
    assert round(n8 / n5) == 8 and "about 8×" in _card("epi-five-point")


def test_chi_square_thresholds_on_card() -> None:
    from scipy.stats import chi2

    text = _card("epi-ransac-threshold")
    assert f"{chi2.ppf(0.95, 1):.2f}·σ²" in text and f"{chi2.ppf(0.95, 2):.2f}·σ²" in text


def test_essential_matrix_singular_values_and_plane_homography() -> None:
    rng = np.random.default_rng(0)
    from dlquiz.grading.cases.two_view import _rot

    r, t = _rot(rng.normal(size=3), 0.4), rng.normal(size=3)
    tx = np.array([[0, -t[2], t[1]], [t[2], 0, -t[0]], [-t[1], t[0], 0]])
    sv = np.linalg.svd(tx @ r, compute_uv=False)
    assert abs(sv[0] - sv[1]) < 1e-12 and sv[2] < 1e-12 and abs(sv[0] - np.linalg.norm(t)) < 1e-12
    normal, d = np.array([0.2, -0.1, 1.0]) / np.linalg.norm([0.2, -0.1, 1.0]), 5.0
    k = np.array([[500.0, 0, 320], [0, 500, 240], [0, 0, 1]])
    h = k @ (r + np.outer(t, normal) / d) @ np.linalg.inv(k)
    pts = rng.normal(size=(10, 3))
    pts -= ((pts @ normal) - d)[:, None] * normal                # project onto nᵀX = d
    x1 = (pts @ k.T)[:, :2] / (pts @ k.T)[:, 2:]
    cam2 = (pts @ r.T + t) @ k.T
    np.testing.assert_allclose(_apply(h, x1), cam2[:, :2] / cam2[:, 2:], atol=1e-9)
    assert "K₂·(R + t·nᵀ / d)·K₁⁻¹" in _card("epi-plane-homography")


def test_planar_points_make_the_8_point_system_degenerate() -> None:
    """The card's claim: coplanar correspondences leave more than a 1-D null space for F."""
    rng = np.random.default_rng(1)
    from dlquiz.grading.cases.two_view import _rot

    k = np.array([[500.0, 0, 320], [0, 500, 240], [0, 0, 1]])
    r, t = _rot(np.array([0.1, 1.0, 0.2]), 0.2), np.array([1.0, 0.1, 0.2])
    world = np.c_[rng.uniform(-2, 2, (30, 2)), np.full(30, 6.0)]   # the plane Z = 6
    x1 = (world @ k.T)[:, :2] / (world @ k.T)[:, 2:]
    c2 = (world @ r.T + t) @ k.T
    x2 = c2[:, :2] / c2[:, 2:]
    a = np.array([np.kron([u2, v2, 1], [u1, v1, 1]) for (u1, v1), (u2, v2) in zip(x1, x2)])
    sv = np.linalg.svd(a / np.abs(a).max(), compute_uv=False)
    assert sv[-3] / sv[0] < 1e-10                                  # null space of dimension 3
    assert "[e₂]×·H" in _card("epi-planar-degenerate-f")
