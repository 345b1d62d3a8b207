"""Cases for ``softmax_cross_entropy`` and ``focal_loss``.

Both include logits of magnitude 1e4: a naive ``exp`` overflows to inf and a
naive ``log(sigmoid)`` or ``log(softmax)`` hits ``log(0)``, so only the
max-shifted / log1p forms pass.
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def softmax_cross_entropy_cases(rng: np.random.Generator) -> list[Case]:
    """One sample/one class, the per-row target, the default reduction, equal and huge
    logits (per-row max), each reduction, then random."""

    def targets(n: int, c: int) -> np.ndarray:
        return rng.integers(0, c, size=n).astype(np.int64)

    cases = [
        Case("one sample", {"logits": np.array([[2.0, 1.0, 0.1]]), "targets": np.array([0])}, "edge"),
        Case("one class: loss 0", {"logits": rng.normal(size=(4, 1)), "targets": np.zeros(4, np.int64)}, "edge"),
        Case(
            "each row its own target: logits[i, targets[i]]",
            {"logits": np.array([[3.0, 0.5, -1.0], [0.2, 2.0, 0.0], [-0.5, 1.0, 4.0]]),
             "targets": np.array([2, 0, 1]), "reduction": "sum"},
            "edge",
        ),
        Case("reduction='mean' is the default: the average over N",
             {"logits": rng.normal(size=(5, 3)), "targets": targets(5, 3)}, "edge"),
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
        Case(
            "rows 2e4 apart: the max is per row (one global max underflows a row)",
            {"logits": np.array([[1e4, 0.0], [-1e4, -1e4 + 1.0]]), "targets": np.array([0, 1]),
             "reduction": "sum"},
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
    """gamma 0 / alpha off / alpha 0, huge logits, soft targets under every alpha,
    reductions, then random."""

    def binary(shape: tuple[int, ...]) -> np.ndarray:
        return (rng.random(shape) < 0.3).astype(np.float64)

    big = np.array([1e4, -1e4, 1e4, -1e4, 50.0, -50.0])

    def soft(alpha: float, **extra: object) -> dict[str, object]:
        # Targets strictly inside (0, 1), including 0.5 and values near the ends.
        t = np.concatenate([[0.5, 0.05, 0.95], rng.random(9)]).reshape(3, 4)
        return {"logits": 2.0 * rng.normal(size=(3, 4)), "targets": t, "alpha": alpha, **extra}

    cases = [
        Case("single positive: ce · (1 − p_t)^gamma · alpha",
             {"logits": np.array([0.5]), "targets": np.array([1.0])}, "edge"),
        Case(
            "gamma 0 and alpha -1: plain BCE with logits",
            {"logits": rng.normal(size=8), "targets": binary((8,)), "alpha": -1.0, "gamma": 0.0},
            "edge",
        ),
        Case(
            "gamma 0: alpha for positives, 1 − alpha for negatives",
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
        # Soft targets under every alpha: alpha_t = alpha·t + (1 − alpha)·(1 − t) and
        # p_t = p·t + (1 − p)·(1 − t), as torchvision computes them for any t in [0, 1]
        # (alpha 0.5 alone cannot tell this from a hard `where(t == 1, ...)` rule).
        Case("soft targets, alpha -1: p_t = p·t + (1 − p)·(1 − t)", soft(-1.0), "edge"),
        Case("soft targets, alpha 0.25: alpha_t = alpha·t + (1 − alpha)·(1 − t)", soft(0.25),
             "edge"),
        Case("soft targets, alpha 0.75", soft(0.75), "edge"),
        Case("soft targets, alpha 0", soft(0.0), "edge"),
        Case("soft targets, alpha 0.5", soft(0.5), "edge"),
        Case("soft targets, gamma 0, reduction='mean'", soft(0.25, gamma=0.0, reduction="mean"),
             "edge"),
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
