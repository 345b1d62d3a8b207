"""Cases for ``sqrt_gradient_descent`` and ``sqrt_newton``: one ``a`` per case."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case

EDGE_VALUES: tuple[tuple[str, float], ...] = (
    ("a = 0 (must return 0 exactly)", 0.0),
    ("a = 1", 1.0),
    ("a = 2 (irrational root)", 2.0),
    ("a = 0.25 (root larger than a)", 0.25),
    ("a = 1e-8 (tiny)", 1e-8),
    ("a = 1e12 (a step size or start fixed for a ≈ 1 fails here)", 1e12),
    ("a = 1e300 (huge: x² of a large iterate overflows; ~500 halvings from x = a)", 1e300),
    ("a = 1e-300 (root 1e-150: an absolute stopping tolerance stops far too early)", 1e-300),
    ("perfect square 144", 144.0),
    ("just below a power of 4: 3.999999", 3.999999),
)


def sqrt_cases(rng: np.random.Generator) -> list[Case]:
    """Named edge values, then log-uniform random values over 1e-10 .. 1e10 and beyond."""
    cases = [Case(name, {"a": value}, "edge") for name, value in EDGE_VALUES]
    for i, (lo, hi) in enumerate([(-10, 10), (-10, 10), (-3, 3), (-3, 3), (10, 100), (-100, -10)]):
        a = float(10.0 ** rng.uniform(lo, hi))
        cases.append(Case(f"random a = {a:.6g} #{i}", {"a": a}))
    return cases
