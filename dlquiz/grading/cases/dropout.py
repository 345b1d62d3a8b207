"""Cases for ``dropout``: modes and boundary probabilities, then large random inputs.

Inputs are drawn from a normal distribution, so no element is exactly zero and
the statistical checker can tell dropped elements from kept ones. The random
cases are large (≥ 20,000 elements) so a 5-sigma binomial bound on the number
of dropped elements is tight enough to catch a wrong ``p`` (e.g. using the keep
probability as the drop probability).
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def dropout_cases(rng: np.random.Generator) -> list[Case]:
    """Eval, p = 0, p = 1, dtype and shape edge cases, then large random ones."""

    def args(x: np.ndarray, p: float, training: bool = True) -> dict[str, object]:
        return {"x": x, "p": p, "training": training, "rng_seed": int(rng.integers(2**31))}

    cases = [
        Case("eval mode returns x unchanged", args(rng.normal(size=(8, 16)), 0.5, False), "edge"),
        Case("p = 0 is the identity", args(rng.normal(size=(8, 16)), 0.0), "edge"),
        Case("p = 1 zeroes everything", args(rng.normal(size=(8, 16)), 1.0), "edge"),
        # Few elements: any drop count is plausible, so only the kept values can be wrong.
        Case("survivors are scaled by 1 / (1 − p), p = 0.2", args(rng.normal(size=(2, 3)), 0.2),
             "edge"),
        # Under the 400 visible elements of the per-slice test: only the overall rate counts.
        Case("drop probability is p, not the keep probability 1 − p (p = 0.2)",
             args(rng.normal(size=(300,)), 0.2), "edge"),
        Case("drops are independent of position (p = 0.5)", args(rng.normal(size=(40, 100)), 0.5),
             "edge"),
        Case("single element", args(np.array([2.5]), 0.5), "edge"),
        Case("empty input", args(np.zeros((0, 4)), 0.5), "edge"),
        Case(
            "float32 input keeps its dtype",
            args(rng.normal(size=(200, 100)).astype(np.float32), 0.3),
            "edge",
        ),
        Case("eval mode with p = 1 still returns x", args(rng.normal(size=(5,)), 1.0, False), "edge"),
    ]
    for i, (shape, p) in enumerate(
        [((200, 100), 0.1), ((100, 300), 0.5), ((50, 20, 30), 0.8), ((40000,), 0.25)]
    ):
        cases.append(Case(f"random shape={shape} p={p} #{i}", args(rng.normal(size=shape), p)))
    return cases
