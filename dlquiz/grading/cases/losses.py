"""Cases for ``softmax_cross_entropy`` and ``focal_loss``.

Both include logits of magnitude 1e4: a naive ``exp`` overflows to inf and a
naive ``log(sigmoid)`` or ``log(softmax)`` hits ``log(0)``, so only the
max-shifted / log1p forms pass.
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def softmax_cross_entropy_cases(rng: np.random.Generator) -> list[Case]:
    """One sample/one class, equal logits, huge logits, each reduction, then random."""

    def targets(n: int, c: int) -> np.ndarray:
        return rng.integers(0, c, size=n).astype(np.int64)

    cases = [
        Case("one sample", {"logits": np.array([[2.0, 1.0, 0.1]]), "targets": np.array([0])}, "edge"),
        Case("one class: loss 0", {"logits": rng.normal(size=(4, 1)), "targets": np.zeros(4, np.int64)}, "edge"),
        Case("all-equal logits: loss log(C)", {"logits": np.zeros((3, 5)), "targets": np.array([0, 2, 4])}, "edge"),
        Case(
            "huge logits 1e4 (naive exp overflows)",
            {"logits": np.array([[1e4, 0.0, -1e4], [1e4, 1e4, 0.0], [0.0, 1e4, 1e4]]),
             "targets": np.array([0, 1, 2])},
            "edge",
        ),
        Case(
            "target logit far below the max: loss 2e4 (naive log(0))",
            {"logits": np.array([[1e4, -1e4]]), "targets": np.array([1])},
            "edge",
        ),
        Case("reduction='sum'", {"logits": rng.normal(size=(6, 4)), "targets": targets(6, 4), "reduction": "sum"}, "edge"),
        Case("reduction='none'", {"logits": rng.normal(size=(6, 4)), "targets": targets(6, 4), "reduction": "none"}, "edge"),
    ]
    for i, (n, c) in enumerate([(8, 3), (32, 10), (100, 100), (500, 20)]):
        reduction = ["mean", "none", "sum", "mean"][i]
        cases.append(
            Case(
                f"random N={n} C={c} reduction={reduction} #{i}",
                {"logits": 4.0 * rng.normal(size=(n, c)), "targets": targets(n, c), "reduction": reduction},
            )
        )
    return cases


def focal_loss_cases(rng: np.random.Generator) -> list[Case]:
    """gamma 0 / alpha off, huge logits, soft targets, reductions, then random."""

    def binary(shape: tuple[int, ...]) -> np.ndarray:
        return (rng.random(shape) < 0.3).astype(np.float64)

    big = np.array([1e4, -1e4, 1e4, -1e4, 50.0, -50.0])
    cases = [
        Case("single positive", {"logits": np.array([0.5]), "targets": np.array([1.0])}, "edge"),
        Case(
            "gamma 0 and alpha -1: plain BCE with logits",
            {"logits": rng.normal(size=8), "targets": binary((8,)), "alpha": -1.0, "gamma": 0.0},
            "edge",
        ),
        Case(
            "gamma 0: alpha-balanced BCE",
            {"logits": rng.normal(size=8), "targets": binary((8,)), "alpha": 0.25, "gamma": 0.0},
            "edge",
        ),
        Case(
            "alpha 0 still weights (alpha >= 0 is on): positives get 0",
            {"logits": np.array([1.0, -1.0, 2.0]), "targets": np.array([1.0, 0.0, 0.0]),
             "alpha": 0.0},
            "edge",
        ),
        Case(
            "huge logits ±1e4 (naive log(1 − p) is -inf)",
            {"logits": big, "targets": np.array([1.0, 0.0, 0.0, 1.0, 0.0, 1.0])},
            "edge",
        ),
        Case(
            "soft targets in (0, 1)",
            {"logits": rng.normal(size=(4, 3)), "targets": rng.random((4, 3)), "alpha": 0.5},
            "edge",
        ),
        Case(
            "alpha -1 disables weighting, gamma 5",
            {"logits": 3.0 * rng.normal(size=10), "targets": binary((10,)), "alpha": -1.0, "gamma": 5.0},
            "edge",
        ),
        Case("reduction='sum'", {"logits": rng.normal(size=(5, 4)), "targets": binary((5, 4)), "reduction": "sum"}, "edge"),
        Case("reduction='mean'", {"logits": rng.normal(size=(5, 4)), "targets": binary((5, 4)), "reduction": "mean"}, "edge"),
    ]
    for i, shape in enumerate([(20,), (16, 8), (100, 80), (4, 50, 20)]):
        cases.append(
            Case(
                f"random shape={shape} #{i}",
                {"logits": 4.0 * rng.normal(size=shape), "targets": binary(shape),
                 "alpha": float(rng.choice([0.25, 0.5, 0.75, -1.0])),
                 "gamma": float(rng.choice([0.5, 1.0, 2.0, 3.0])),
                 "reduction": ["none", "sum", "mean", "none"][i]},
            )
        )
    return cases
