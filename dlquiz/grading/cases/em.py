"""Cases for ``em_gmm_1d``: data from known mixtures, initial parameters near the data."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def _mixture(rng: np.random.Generator, n: int, means: list[float], stds: list[float],
             weights: list[float]) -> np.ndarray:
    comp = rng.choice(len(means), size=n, p=np.asarray(weights) / np.sum(weights))
    return rng.normal(np.asarray(means)[comp], np.asarray(stds)[comp])


def _init(x: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Means at evenly spaced quantiles, the overall variance, equal weights."""
    qs = (np.arange(k) + 0.5) / k
    return {"means": np.quantile(x, qs), "variances": np.full(k, float(x.var())),
            "weights": np.full(k, 1.0 / k)}


def em_cases(rng: np.random.Generator) -> list[Case]:
    """One component, separated/overlapping mixtures, 0 and 1 iterations, outliers; then random."""
    sep = _mixture(rng, 300, [-5.0, 5.0], [1.0, 1.0], [0.5, 0.5])
    overlap = _mixture(rng, 400, [0.0, 1.0], [1.0, 1.5], [0.6, 0.4])
    one = rng.normal(3.0, 2.0, size=100)
    far = np.concatenate([_mixture(rng, 100, [0.0, 10.0], [1.0, 1.0], [0.5, 0.5]), [400.0]])
    cases = [
        Case("one component: mean and (biased) variance of the data after 1 step",
             {"x": one, "means": np.array([0.0]), "variances": np.array([1.0]),
              "weights": np.array([1.0]), "n_iter": 1}, "edge"),
        Case("n_iter = 0 returns the initial parameters",
             {"x": sep, **_init(sep, 2), "n_iter": 0}, "edge"),
        Case("two components, 1 iteration: N(x | μ, σ²) takes the variance σ²",
             {"x": sep, **_init(sep, 2), "n_iter": 1}, "edge"),
        Case("reg_covar 0.1 is added after every M-step (4 iterations)",
             {"x": sep, **_init(sep, 2), "n_iter": 4, "reg_covar": 0.1}, "edge"),
        Case("unequal initial weights: the E-step weighs by w_k",
             {"x": sep, "means": np.array([-4.0, 4.0]), "variances": np.array([2.0, 0.5]),
              "weights": np.array([0.9, 0.1]), "n_iter": 3}, "edge"),
        Case("well separated components, 20 iterations",
             {"x": sep, **_init(sep, 2), "n_iter": 20}, "edge"),
        Case("overlapping components, 30 iterations",
             {"x": overlap, **_init(overlap, 2), "n_iter": 30}, "edge"),
        Case("identical initial components stay identical",
             {"x": overlap, "means": np.array([0.5, 0.5]), "variances": np.array([2.0, 2.0]),
              "weights": np.array([0.5, 0.5]), "n_iter": 5}, "edge"),
        Case("a point 400σ away (the E-step needs log-sum-exp)",
             {"x": far, "means": np.array([0.0, 10.0]), "variances": np.array([1.0, 1.0]),
              "weights": np.array([0.5, 0.5]), "n_iter": 2}, "edge"),
    ]
    specs = [(200, [-2.0, 3.0], 5), (500, [-6.0, 0.0, 5.0], 10), (1000, [0.0, 2.0, 4.0, 9.0], 15),
             (2000, [-3.0, 3.0], 25)]
    for i, (n, centres, iters) in enumerate(specs):
        stds = list(rng.uniform(0.5, 1.5, size=len(centres)))
        mix = list(rng.uniform(0.5, 1.5, size=len(centres)))
        x = _mixture(rng, n, centres, stds, mix)
        cases.append(Case(f"random n={n} K={len(centres)} {iters} iterations #{i}",
                          {"x": x, **_init(x, len(centres)), "n_iter": iters}))
    return cases
