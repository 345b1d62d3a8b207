"""Structural re-parameterisation: fold BN into conv, RepVGG, conv + avg-pool.

All three turn a train-time structure into one plain convolution that gives
the same output in eval mode (up to float rounding; graded with allclose
rtol 1e-6, atol 1e-8 on the merged weights). Convolutions follow
``torch.nn.functional.conv2d`` (cross-correlation, weight (O, I, kh, kw)), BN is
eval-mode ``F.batch_norm`` with running statistics:
``bn(z) = (z − mean) / sqrt(var + eps) · gamma + beta``.

* ``fold_bn``: ``conv(x, W, B)`` then BN ⇒ ``conv(x, W·s, (B − mean)·s + beta)``
  with ``s = gamma / sqrt(var + eps)`` per output channel (any groups, padding).
* ``repvgg_merge`` (Ding et al., RepVGG, CVPR 2021): the sum of three branches
  ``bn3(conv3x3(x, pad=1)) + bn1(conv1x1(x)) + bn_id(x)`` becomes one 3×3 conv
  with padding 1: fold each BN, pad the 1×1 kernel to the centre of a 3×3, and
  write the identity as a 3×3 kernel with 1 at ``[i, i, 1, 1]``. Each BN is a
  (4, C) array whose rows are gamma, beta, running_mean, running_var; the
  identity branch exists only when in = out channels (``bn_id=None`` otherwise).
* ``conv_avgpool_merge``: a stride-1 conv (dilation 1, groups 1, any padding,
  kept as is) followed by ``avg_pool2d(kernel=k, stride=k, padding=0)`` is one
  conv with kernel ``W ∗ box_k / k²`` (full 2-D convolution with a k×k box, size
  ``kh + k − 1``), the same bias, and stride ``k``: averaging is linear, so
  averaging k×k conv outputs equals convolving with the averaged, shifted kernels.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def _bn_scale_shift(
    gamma: npt.ArrayLike,
    beta: npt.ArrayLike,
    running_mean: npt.ArrayLike,
    running_var: npt.ArrayLike,
    eps: float,
) -> tuple[F64, F64]:
    """Eval BN as ``z·scale + shift`` per channel."""
    scale = np.asarray(gamma, dtype=np.float64) / np.sqrt(
        np.asarray(running_var, dtype=np.float64) + eps
    )
    shift = np.asarray(beta, dtype=np.float64) - np.asarray(running_mean, dtype=np.float64) * scale
    return scale, shift


def fold_bn(
    conv_weight: npt.ArrayLike,
    conv_bias: npt.ArrayLike | None,
    gamma: npt.ArrayLike,
    beta: npt.ArrayLike,
    running_mean: npt.ArrayLike,
    running_var: npt.ArrayLike,
    eps: float = 1e-5,
) -> tuple[F64, F64]:
    """Folded ``(weight (O, I, kh, kw), bias (O,))``; ``conv_bias=None`` means zeros."""
    w = np.asarray(conv_weight, dtype=np.float64)
    scale, shift = _bn_scale_shift(gamma, beta, running_mean, running_var, eps)
    b = np.zeros(w.shape[0]) if conv_bias is None else np.asarray(conv_bias, dtype=np.float64)
    return w * scale.reshape(-1, 1, 1, 1), b * scale + shift


def _fold_rows(kernel: npt.ArrayLike, bn: npt.ArrayLike, eps: float) -> tuple[F64, F64]:
    """Fold a BN given as a (4, C) array (gamma, beta, mean, var) into a bias-free kernel."""
    gamma, beta, mean, var = np.asarray(bn, dtype=np.float64)
    return fold_bn(kernel, None, gamma, beta, mean, var, eps)


def repvgg_merge(
    k3: npt.ArrayLike,
    bn3: npt.ArrayLike,
    k1: npt.ArrayLike,
    bn1: npt.ArrayLike,
    bn_id: npt.ArrayLike | None = None,
    eps: float = 1e-5,
) -> tuple[F64, F64]:
    """Merged 3×3 ``(weight (O, I, 3, 3), bias (O,))`` of a RepVGG block (no conv biases)."""
    w3, b3 = _fold_rows(k3, bn3, eps)
    w1, b1 = _fold_rows(k1, bn1, eps)
    weight = w3.copy()
    weight[:, :, 1:2, 1:2] += w1
    bias = b3 + b1
    if bn_id is not None:
        out_ch, in_ch = weight.shape[:2]
        if out_ch != in_ch:
            raise ValueError("the identity branch needs in_channels == out_channels")
        identity = np.zeros((out_ch, in_ch, 3, 3))
        identity[np.arange(out_ch), np.arange(out_ch), 1, 1] = 1.0
        w_id, b_id = _fold_rows(identity, bn_id, eps)
        weight += w_id
        bias = bias + b_id
    return weight, bias


def conv_avgpool_merge(
    weight: npt.ArrayLike, bias: npt.ArrayLike | None, pool_size: int
) -> tuple[F64, F64, int]:
    """Merged ``(weight (O, I, kh+k−1, kw+k−1), bias (O,), stride k)``; ``bias=None`` → zeros."""
    w = np.asarray(weight, dtype=np.float64)
    k = int(pool_size)
    out_ch, in_ch, kh, kw = w.shape
    merged = np.zeros((out_ch, in_ch, kh + k - 1, kw + k - 1))
    for dy in range(k):
        for dx in range(k):
            merged[:, :, dy : dy + kh, dx : dx + kw] += w
    merged /= k * k
    b = np.zeros(out_ch) if bias is None else np.asarray(bias, dtype=np.float64).copy()
    return merged, b, k
