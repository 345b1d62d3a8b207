"""Cases for ``ema_weights``."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def _walk(rng: np.random.Generator, t: int, shape: tuple[int, ...]) -> np.ndarray:
    """Weights drifting like an SGD trajectory: a random walk from a random start."""
    start = rng.normal(size=shape)
    steps = 0.1 * rng.normal(size=(t - 1, *shape)) if t > 1 else np.zeros((0, *shape))
    return np.concatenate([start[None], start[None] + np.cumsum(steps, axis=0)])


def ema_weights_cases(rng: np.random.Generator) -> list[Case]:
    """Decay extremes, a single snapshot, each mode's early steps, then random."""
    cases = [
        Case("one snapshot: the EMA is the weights", {"params": rng.normal(size=(1, 3)), "decay": 0.9}, "edge"),
        Case("decay 0: EMA follows the model", {"params": _walk(rng, 5, (4,)), "decay": 0.0}, "edge"),
        Case("decay 1 (constant): EMA frozen at the start", {"params": _walk(rng, 5, (4,)), "decay": 1.0}, "edge"),
        Case(
            "warmup: early decay is (1+t)/(10+t), not decay",
            {"params": _walk(rng, 12, (3,)), "decay": 0.999, "mode": "warmup"},
            "edge",
        ),
        Case(
            "warmup with small decay: min() picks decay",
            {"params": _walk(rng, 12, (3,)), "decay": 0.5, "mode": "warmup"},
            "edge",
        ),
        Case(
            "debias: constant weights stay exactly constant",
            {"params": np.tile(np.array([1.0, -2.0, 3.0]), (6, 1)), "decay": 0.9, "mode": "debias"},
            "edge",
        ),
        Case("debias with decay 0", {"params": _walk(rng, 4, (2,)), "decay": 0.0, "mode": "debias"}, "edge"),
        Case("matrix-shaped weights", {"params": _walk(rng, 6, (2, 3)), "decay": 0.8}, "edge"),
    ]
    for i, (t, shape, mode) in enumerate(
        [(20, (5,), "constant"), (50, (4, 4), "warmup"), (30, (3, 2), "debias"), (200, (16, 8), "warmup")]
    ):
        decay = float(rng.choice([0.9, 0.99, 0.999]))
        cases.append(
            Case(f"random T={t} shape={shape} mode={mode} decay={decay} #{i}",
                 {"params": _walk(rng, t, shape), "decay": decay, "mode": mode})
        )
    return cases
