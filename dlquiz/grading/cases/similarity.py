"""Cases for ``cosine_similarity`` and ``mahalanobis_distance``."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def cosine_similarity_cases(rng: np.random.Generator) -> list[Case]:
    """Zero and tiny vectors (eps clamp), ±1 pairs, scale invariance, then random."""
    v = rng.normal(size=4)
    tiny = np.array([[3e-9, 4e-9, 0.0]])
    cases = [
        Case("zero vector: similarity 0, not NaN",
             {"a": np.zeros((1, 3)), "b": rng.normal(size=(2, 3))}, "edge"),
        Case("vector shorter than eps: its norm is clamped",
             {"a": tiny, "b": np.array([[3.0, 4.0, 0.0], [0.0, 0.0, 1.0]])}, "edge"),
        Case("larger eps changes the clamp",
             {"a": np.array([[0.3, 0.4]]), "b": np.array([[1.0, 0.0], [0.0, 2.0]]), "eps": 1.0}, "edge"),
        Case("same and opposite directions: ±1",
             {"a": np.stack([v, -v]), "b": np.stack([2.0 * v, v])}, "edge"),
        Case("single pair, D = 1", {"a": np.array([[2.0]]), "b": np.array([[-0.5]])}, "edge"),
        Case("large magnitudes 1e6", {"a": 1e6 * rng.normal(size=(3, 5)), "b": 1e6 * rng.normal(size=(2, 5))}, "edge"),
        Case("N = 0 rows: a (0, M) array", {"a": np.zeros((0, 3)), "b": rng.normal(size=(2, 3))}, "edge"),
        Case("M = 0 rows: an (N, 0) array", {"a": rng.normal(size=(2, 3)), "b": np.zeros((0, 3))}, "edge"),
    ]
    for i, (n, m, d) in enumerate([(5, 7, 3), (20, 10, 16), (64, 32, 128), (200, 150, 64)]):
        cases.append(Case(f"random N={n} M={m} D={d} #{i}",
                          {"a": rng.normal(size=(n, d)), "b": rng.normal(size=(m, d))}))
    return cases


def _spd(rng: np.random.Generator, d: int) -> np.ndarray:
    a = rng.normal(size=(d, d))
    return a @ a.T + 0.5 * np.eye(d)


def mahalanobis_distance_cases(rng: np.random.Generator) -> list[Case]:
    """Identity/diagonal covariance, point at the mean, D = 1, ill-conditioned, then random."""
    q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    ill = q @ np.diag([1e4, 1.0, 1e-2, 1e-4]) @ q.T
    ill = (ill + ill.T) / 2
    mean3 = rng.normal(size=3)
    cases = [
        Case("identity covariance: Euclidean distance",
             {"x": rng.normal(size=(4, 3)), "mean": mean3, "cov": np.eye(3)}, "edge"),
        Case("diagonal covariance: per-axis z-scores",
             {"x": rng.normal(size=(4, 3)), "mean": np.zeros(3), "cov": np.diag([4.0, 1.0, 0.25])}, "edge"),
        Case("correlated 2-D Gaussian: the full inverse, not its diagonal",
             {"x": np.array([[1.0, 1.0], [1.0, -1.0]]), "mean": np.zeros(2),
              "cov": np.array([[1.0, 0.9], [0.9, 1.0]])}, "edge"),
        Case("point at the mean: distance 0",
             {"x": np.stack([mean3, mean3 + 1.0]), "mean": mean3, "cov": _spd(rng, 3)}, "edge"),
        Case("one dimension: |x − μ| / σ",
             {"x": np.array([[0.0], [3.0], [-1.5]]), "mean": np.array([1.0]), "cov": np.array([[2.25]])}, "edge"),
        Case("single row", {"x": rng.normal(size=(1, 5)), "mean": rng.normal(size=5), "cov": _spd(rng, 5)}, "edge"),
        Case("ill-conditioned covariance (cond 1e8)",
             {"x": rng.normal(size=(6, 4)), "mean": np.zeros(4), "cov": ill}, "edge"),
    ]
    for i, (n, d) in enumerate([(10, 2), (50, 5), (200, 16), (1000, 32)]):
        cases.append(Case(f"random N={n} D={d} #{i}",
                          {"x": 2.0 * rng.normal(size=(n, d)), "mean": rng.normal(size=d), "cov": _spd(rng, d)}))
    return cases
