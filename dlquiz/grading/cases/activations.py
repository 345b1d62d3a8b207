"""Cases for ``gelu`` and ``gelu_tanh``: both exercises share one generator.

The values around |x| ≈ 1–3 are where the exact and tanh forms differ most
(up to ~5e-4), so a learner who implements the wrong variant fails there.
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def gelu_cases(rng: np.random.Generator) -> list[Case]:
    """Edge cases (zero, empty, small |x|, where the forms differ, huge magnitudes), then random."""
    cases = [
        Case("zero", {"x": np.array([0.0])}, "edge"),
        Case("empty array", {"x": np.zeros((0,))}, "edge"),
        # Here the exact and tanh forms agree to 3e-8 (below both tolerances), so only a
        # wrong constant (erf(x/2), x·σ(1.702x), a missing 0.5, the cube outside) fails.
        Case("small |x| ≤ 0.1: the formula's constants", {"x": np.linspace(-0.1, 0.1, 9)}, "edge"),
        Case("where exact and tanh forms differ most", {"x": np.linspace(-4.0, 4.0, 33)}, "edge"),
        Case(
            "large magnitudes (GELU → x or 0)",
            {"x": np.array([-1e4, -50.0, -10.0, 10.0, 50.0, 1e4])},
            "edge",
        ),
        Case("2-D input keeps its shape", {"x": rng.normal(size=(3, 4))}, "edge"),
    ]
    for i, shape in enumerate([(10,), (50, 20), (4, 8, 16), (2000,)]):
        cases.append(Case(f"random shape={shape} #{i}", {"x": 3.0 * rng.normal(size=shape)}))
    return cases
