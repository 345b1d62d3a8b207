"""Depthwise-separable conv against torch conv2d with groups = C, then a 1×1 conv."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlquiz.grading.reference.lightweight import depthwise_conv, depthwise_separable_conv

T = torch.from_numpy


@pytest.mark.parametrize(
    ("n", "c", "hw", "k", "o", "mult", "stride", "padding"),
    [(1, 3, 4, 1, 2, 1, 1, 0), (2, 1, 5, 3, 1, 1, 1, 0), (2, 3, 7, 3, 4, 1, 2, 1),
     (1, 2, 4, 3, 3, 1, 1, 3), (1, 2, 9, 2, 3, 1, 3, 0), (1, 3, 6, 3, 4, 2, 1, 1),
     (2, 3, 5, 5, 2, 1, 1, 0), (2, 8, 16, 3, 16, 3, 2, 2)],
)
@pytest.mark.parametrize("biases", [False, True])
def test_matches_torch(n: int, c: int, hw: int, k: int, o: int, mult: int, stride: int,
                       padding: int, biases: bool) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, c, hw, hw))
    dw, pw = rng.normal(size=(c * mult, 1, k, k)), rng.normal(size=(o, c * mult, 1, 1))
    dwb = rng.normal(size=c * mult) if biases else None
    pwb = rng.normal(size=o) if biases else None
    mid = F.conv2d(T(x), T(dw), None if dwb is None else T(dwb), stride, padding, groups=c)
    want = F.conv2d(mid, T(pw), None if pwb is None else T(pwb))
    got = depthwise_separable_conv(x, dw, pw, dwb, pwb, stride, padding)
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(depthwise_conv(x, dw, dwb, stride, padding), mid.numpy(),
                               rtol=1e-10, atol=1e-10)


def test_equals_full_conv_with_factorised_kernel() -> None:
    """Depthwise then pointwise is a full conv whose kernel is pw[o, c] · dw[c] (rank-1 in channels)."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 4, 8, 8))
    dw, pw = rng.normal(size=(4, 1, 3, 3)), rng.normal(size=(5, 4, 1, 1))
    full = pw[:, :, 0, 0][:, :, None, None] * dw[:, 0][None]
    want = F.conv2d(T(x), T(full), padding=1).numpy()
    np.testing.assert_allclose(depthwise_separable_conv(x, dw, pw, padding=1), want,
                               rtol=1e-10, atol=1e-10)
