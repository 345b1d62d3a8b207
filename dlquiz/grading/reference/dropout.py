"""Inverted dropout (Srivastava et al., 2014; the scaling used by torch).

``dropout(x, p, training, rng_seed)``: in training mode every element is
zeroed independently with probability ``p`` and the survivors are scaled by
``1 / (1 − p)``, so ``E[dropout(x)] = x`` and nothing needs rescaling at test
time. In eval mode (``training=False``) the input is returned unchanged. ``p = 0``
is the identity, ``p = 1`` gives all zeros (no division by zero). The output has
the shape and dtype of ``x``.

The result is random, so the exercise is graded by a statistical checker
(:func:`dlquiz.grading.custom_checkers.check_dropout`), not by comparing with
this function's draw; the reference exists to document the contract and to
drive that checker's tests.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


def dropout(
    x: npt.ArrayLike,
    p: float = 0.5,
    training: bool = True,
    rng_seed: int | None = None,
) -> npt.NDArray[np.floating[Any]]:
    """Inverted dropout; ``rng_seed`` seeds ``np.random.default_rng`` for the mask."""
    arr = np.asarray(x)
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return arr.copy()
    if p == 1.0:
        return np.zeros_like(arr)
    rng = np.random.default_rng(rng_seed)
    keep = rng.random(arr.shape) >= p
    scale = arr.dtype.type(1.0 / (1.0 - p))
    out: npt.NDArray[np.floating[Any]] = np.where(keep, arr * scale, arr.dtype.type(0.0))
    return out
