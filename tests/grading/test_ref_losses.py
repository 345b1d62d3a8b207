"""Cross-entropy against torch; focal loss against a torch implementation of the paper."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.reference.losses import focal_loss, softmax_cross_entropy


def torch_focal(logits: np.ndarray, targets: np.ndarray, alpha: float, gamma: float,
                reduction: str) -> np.ndarray:
    """Lin et al. 2017, eq. 5, written with torch ops (torchvision's formula)."""
    x, t = torch.from_numpy(logits), torch.from_numpy(targets)
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss.numpy()


@pytest.mark.parametrize(("n", "c"), [(1, 1), (1, 3), (8, 5), (64, 100)])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("scale", [1.0, 30.0, 1e4])
def test_cross_entropy_matches_torch(n: int, c: int, reduction: str, scale: float) -> None:
    rng = np.random.default_rng(0)
    logits = scale * rng.normal(size=(n, c))
    targets = rng.integers(0, c, size=n)
    want = F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(targets),
                           reduction=reduction).numpy()
    got = softmax_cross_entropy(logits, targets, reduction)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


def test_cross_entropy_huge_logits_is_finite() -> None:
    logits = np.array([[1e4, -1e4], [1e4, 1e4]])
    np.testing.assert_allclose(softmax_cross_entropy(logits, np.array([1, 0]), "none"),
                               [2e4, np.log(2.0)], rtol=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.floats(-1e3, 1e3), st.integers(0, 2**16))
def test_cross_entropy_invariant_to_row_shift(n: int, c: int, shift: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    logits = 5.0 * rng.normal(size=(n, c))
    targets = rng.integers(0, c, size=n)
    base = softmax_cross_entropy(logits, targets, "none")
    np.testing.assert_allclose(softmax_cross_entropy(logits + shift, targets, "none"), base,
                               rtol=1e-9, atol=1e-9)
    assert np.all(np.asarray(base) >= 0)


@pytest.mark.parametrize("shape", [(1,), (20,), (16, 8), (3, 40, 5)])
@pytest.mark.parametrize(("alpha", "gamma"), [(0.25, 2.0), (-1.0, 0.0), (0.75, 0.5), (-1.0, 5.0)])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_focal_loss_matches_torch(shape: tuple[int, ...], alpha: float, gamma: float,
                                  reduction: str) -> None:
    rng = np.random.default_rng(1)
    logits = 4.0 * rng.normal(size=shape)
    targets = (rng.random(shape) < 0.3).astype(np.float64)
    np.testing.assert_allclose(focal_loss(logits, targets, alpha, gamma, reduction),
                               torch_focal(logits, targets, alpha, gamma, reduction),
                               rtol=1e-10, atol=1e-12)


def test_focal_loss_soft_targets_and_huge_logits() -> None:
    logits = np.array([1e4, -1e4, 1e4, -1e4, 0.3, -2.0])
    targets = np.array([1.0, 0.0, 0.0, 1.0, 0.4, 0.9])
    got = focal_loss(logits, targets, 0.5, 2.0, "none")
    np.testing.assert_allclose(got, torch_focal(logits, targets, 0.5, 2.0, "none"), rtol=1e-10)
    # A confidently wrong 1e4 logit costs ~1e4 (times alpha_t), not inf.
    np.testing.assert_allclose(got[2:4], [0.5e4, 0.5e4], rtol=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 30), st.integers(0, 2**16))
def test_focal_with_gamma_zero_and_no_alpha_is_bce(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    logits = 10.0 * rng.normal(size=n)
    targets = (rng.random(n) < 0.5).astype(np.float64)
    bce = F.binary_cross_entropy_with_logits(torch.from_numpy(logits), torch.from_numpy(targets),
                                             reduction="none").numpy()
    np.testing.assert_allclose(focal_loss(logits, targets, -1.0, 0.0), bce, rtol=1e-10, atol=1e-12)
    # The focusing term only ever shrinks the loss.
    assert np.all(np.asarray(focal_loss(logits, targets, -1.0, 2.0)) <= bce + 1e-15)
