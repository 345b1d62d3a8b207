"""Re-parameterisation references: merged convs equal the original structure in torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.reference.reparam import conv_avgpool_merge, fold_bn, repvgg_merge

T = torch.from_numpy


def _bn(rng: np.random.Generator, c: int) -> np.ndarray:
    """(4, C): gamma, beta, running_mean, running_var."""
    return np.stack([rng.uniform(0.5, 2, c), rng.normal(size=c), rng.normal(size=c),
                     rng.uniform(0.1, 2, c)])


def _bn_eval(z: torch.Tensor, bn: np.ndarray, eps: float) -> torch.Tensor:
    g, b, m, v = (T(row.copy()) for row in bn)
    return F.batch_norm(z, m, v, g, b, training=False, eps=eps)


@pytest.mark.parametrize(
    ("w_shape", "groups", "stride", "padding", "bias"),
    [((4, 3, 3, 3), 1, 1, 1, True), ((4, 3, 3, 3), 1, 2, 0, False), ((6, 1, 3, 3), 6, 1, 1, True),
     ((8, 2, 1, 1), 2, 1, 0, True), ((2, 3, 5, 5), 1, 3, 2, False)],
)
@pytest.mark.parametrize("eps", [1e-5, 0.1])
def test_fold_bn_equals_conv_then_bn(w_shape: tuple[int, ...], groups: int, stride: int,
                                     padding: int, bias: bool, eps: float) -> None:
    rng = np.random.default_rng(0)
    c_in = w_shape[1] * groups
    x = T(rng.normal(size=(2, c_in, 9, 9)))
    w = rng.normal(size=w_shape)
    b = rng.normal(size=w_shape[0]) if bias else None
    bn = _bn(rng, w_shape[0])
    want = _bn_eval(F.conv2d(x, T(w), None if b is None else T(b), stride, padding, 1, groups), bn, eps)
    fw, fb = fold_bn(w, b, *bn, eps=eps)
    got = F.conv2d(x, T(fw), T(fb), stride, padding, 1, groups)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize(("c_out", "c_in", "identity"), [(4, 2, False), (3, 3, False), (1, 1, True),
                                                          (5, 5, True), (8, 8, True)])
@pytest.mark.parametrize("eps", [1e-5, 1e-3])
def test_repvgg_merge_equals_three_branches(c_out: int, c_in: int, identity: bool, eps: float) -> None:
    rng = np.random.default_rng(1)
    x = T(rng.normal(size=(2, c_in, 7, 6)))
    k3, k1 = rng.normal(size=(c_out, c_in, 3, 3)), rng.normal(size=(c_out, c_in, 1, 1))
    bn3, bn1 = _bn(rng, c_out), _bn(rng, c_out)
    bn_id = _bn(rng, c_out) if identity else None
    want = _bn_eval(F.conv2d(x, T(k3), padding=1), bn3, eps) + _bn_eval(F.conv2d(x, T(k1)), bn1, eps)
    if bn_id is not None:
        want = want + _bn_eval(x, bn_id, eps)
    w, b = repvgg_merge(k3, bn3, k1, bn1, bn_id, eps)
    got = F.conv2d(x, T(w), T(b), padding=1)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-9, atol=1e-10)


def test_repvgg_identity_needs_square_channels() -> None:
    rng = np.random.default_rng(2)
    with pytest.raises(ValueError):
        repvgg_merge(rng.normal(size=(3, 2, 3, 3)), _bn(rng, 3), rng.normal(size=(3, 2, 1, 1)),
                     _bn(rng, 3), _bn(rng, 3))


@pytest.mark.parametrize(
    ("w_shape", "k", "hw", "padding"),
    [((2, 3, 3, 3), 1, (8, 8), 0), ((4, 3, 1, 1), 2, (8, 8), 0), ((2, 2, 3, 3), 2, (9, 10), 0),
     ((2, 2, 3, 1), 2, (7, 7), 0), ((3, 1, 2, 2), 3, (11, 13), 0), ((4, 2, 3, 3), 2, (8, 8), 1),
     ((2, 3, 5, 5), 4, (17, 12), 2)],
)
@pytest.mark.parametrize("bias", [True, False])
def test_conv_avgpool_merge_equals_conv_then_pool(w_shape: tuple[int, ...], k: int,
                                                  hw: tuple[int, int], padding: int,
                                                  bias: bool) -> None:
    rng = np.random.default_rng(3)
    x = T(rng.normal(size=(2, w_shape[1], *hw)))
    w = rng.normal(size=w_shape)
    b = rng.normal(size=w_shape[0]) if bias else None
    want = F.avg_pool2d(F.conv2d(x, T(w), None if b is None else T(b), padding=padding), k, k)
    mw, mb, stride = conv_avgpool_merge(w, b, k)
    assert stride == k and mw.shape == (w_shape[0], w_shape[1], w_shape[2] + k - 1, w_shape[3] + k - 1)
    got = F.conv2d(x, T(mw), T(mb), stride=stride, padding=padding)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-9, atol=1e-10)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2**16))
def test_fold_bn_with_identity_bn_changes_nothing(o: int, i: int, k: int, seed: int) -> None:
    """gamma = sqrt(var + eps), beta = mean makes BN the identity, so folding is a no-op."""
    rng = np.random.default_rng(seed)
    w, b = rng.normal(size=(o, i, k, k)), rng.normal(size=o)
    mean, var = rng.normal(size=o), rng.uniform(0.1, 3, o)
    fw, fb = fold_bn(w, b, np.sqrt(var + 1e-5), mean, mean, var)
    np.testing.assert_allclose(fw, w, rtol=1e-12)
    np.testing.assert_allclose(fb, b, rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**16))
def test_merged_kernel_preserves_total_weight(kh: int, kw: int, k: int, seed: int) -> None:
    """Averaging is a convex combination: the merged kernel sums to the original's sum."""
    w = np.random.default_rng(seed).normal(size=(2, 3, kh, kw))
    mw, _, _ = conv_avgpool_merge(w, None, k)
    np.testing.assert_allclose(mw.sum(axis=(2, 3)), w.sum(axis=(2, 3)), rtol=1e-10, atol=1e-12)
