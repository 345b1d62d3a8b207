"""Cases for the metrics family: roc-auc and roc-curve.

Labels are int64 0/1 arrays (one case uses bool) with both classes present;
scores are float64. Ties are the interesting part: several cases draw scores
from a handful of values so most positive/negative pairs are tied.
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case, CaseKind


def _case(name: str, y_true: object, y_score: object, kind: CaseKind = "edge") -> Case:
    labels = np.asarray(y_true)
    if labels.dtype != bool:
        labels = labels.astype(np.int64)
    return Case(name, {"y_true": labels, "y_score": np.asarray(y_score, dtype=np.float64)}, kind)


def _labels(rng: np.random.Generator, n: int, p: float = 0.5) -> np.ndarray:
    """Random 0/1 labels with at least one of each class (n >= 2)."""
    y = (rng.random(n) < p).astype(np.int64)
    y[rng.choice(n, size=2, replace=False)] = [0, 1]
    return y


def _edge_cases(rng: np.random.Generator) -> list[Case]:
    heavy_y = _labels(rng, 60)
    heavy_s = rng.integers(0, 3, size=60) / 2.0
    return [
        _case("two samples, perfect", [0, 1], [0.2, 0.8]),
        _case("perfect ranking", [0, 0, 0, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.9]),
        _case("reversed ranking", [1, 1, 0, 0, 0], [0.1, 0.2, 0.3, 0.7, 0.9]),
        _case("all scores equal", [0, 1, 1, 0, 1], [0.5] * 5),
        _case("one tie across classes", [0, 1, 0, 1], [0.1, 0.4, 0.4, 0.8]),
        _case("heavy ties", heavy_y, heavy_s),
        _case("one positive", [0, 0, 1, 0, 0, 0], [0.3, 0.1, 0.2, 0.9, 0.2, 0.0]),
        _case("one negative", [1, 1, 0, 1], [0.3, 0.1, 0.2, 0.9]),
        _case("boolean labels", np.array([True, False, True, False, False]), [3, 1, 2, 2, 0]),
        _case("negative and large scores", [0, 1, 1, 0], [-1e6, 3.5, -2.0, 1e9]),
        _case("samples not sorted by score", [1, 0, 1, 0, 1, 0], [0.6, 0.61, 0.2, 0.1, 0.9, 0.6]),
    ]


def _random_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for i, n in enumerate([10, 50, 200, 1000, 5000]):
        tied = i % 2 == 1
        scores = rng.integers(0, 10, size=n) / 10.0 if tied else rng.random(n)
        label = "tied " if tied else ""
        cases.append(_case(f"random {label}n={n} #{i + 1}", _labels(rng, n, p=0.3 + 0.1 * i), scores, "random"))
    return cases


def roc_auc_cases(rng: np.random.Generator) -> list[Case]:
    """Edge cases, random sizes, and a 200,000-sample perf case (an O(n²) pair loop fails it)."""
    n = 200_000
    perf = _case("perf n=200000", _labels(rng, n), np.round(rng.random(n), 4), "perf")
    return [*_edge_cases(rng), *_random_cases(rng), perf]


def roc_curve_cases(rng: np.random.Generator) -> list[Case]:
    """The curve's own clauses first, then the AUC's edge and random cases (no perf case).

    The clause cases list samples by decreasing score, so only the one named for
    it shows a solution that forgets to sort.
    """
    clauses = [
        _case("+inf first, then every distinct score (score >= threshold)", [1, 0], [0.8, 0.2]),
        _case("tied scores form one threshold (a diagonal step)", [1, 0, 1, 0],
              [0.9, 0.5, 0.5, 0.1]),
        _case("samples in any order: sort by score first", [0, 1, 0, 1, 1],
              [0.3, 0.9, 0.7, 0.1, 0.5]),
    ]
    return [*clauses, *_edge_cases(rng), *_random_cases(rng)]
