"""Depthwise-separable convolution (MobileNet v1, Howard et al., 2017).

``depthwise_separable_conv(x, dw_weight, pw_weight, dw_bias, pw_bias, stride,
padding)`` = ``F.conv2d(F.conv2d(x, dw_weight, dw_bias, stride, padding,
groups=C), pw_weight, pw_bias)`` in torch: a depthwise conv (one k×k filter per
input channel; with ``dw_weight`` of shape (C·m, 1, kh, kw) the depth multiplier
is m and output channel j reads input channel j // m), then a 1×1 pointwise
conv ``pw_weight`` (O, C·m, 1, 1) that mixes channels. No activation or BN in
between. ``stride`` and ``padding`` (zeros) are ints and apply to the depthwise
step only. Graded with allclose rtol 1e-6, atol 1e-8.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

F64 = npt.NDArray[np.float64]


def depthwise_conv(
    x: npt.ArrayLike,
    weight: npt.ArrayLike,
    bias: npt.ArrayLike | None = None,
    stride: int = 1,
    padding: int = 0,
) -> F64:
    """Depthwise conv2d (groups = C, depth multiplier = out_channels // C)."""
    arr = np.asarray(x, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    n, c = arr.shape[:2]
    out_ch, _, kh, kw = w.shape
    mult = out_ch // c
    if padding:
        arr = np.pad(arr, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(arr, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    out: F64 = np.einsum("nchwij,cmij->ncmhw", windows, w.reshape(c, mult, kh, kw))
    out = out.reshape(n, out_ch, out.shape[-2], out.shape[-1])
    if bias is not None:
        out = out + np.asarray(bias, dtype=np.float64).reshape(1, -1, 1, 1)
    return out


def depthwise_separable_conv(
    x: npt.ArrayLike,
    dw_weight: npt.ArrayLike,
    pw_weight: npt.ArrayLike,
    dw_bias: npt.ArrayLike | None = None,
    pw_bias: npt.ArrayLike | None = None,
    stride: int = 1,
    padding: int = 0,
) -> F64:
    """Depthwise k×k conv then pointwise 1×1 conv; (N, C, H, W) → (N, O, H', W')."""
    mid = depthwise_conv(x, dw_weight, dw_bias, stride, padding)
    pw = np.asarray(pw_weight, dtype=np.float64)
    out: F64 = np.einsum("oc,nchw->nohw", pw.reshape(pw.shape[0], -1), mid)
    if pw_bias is not None:
        out = out + np.asarray(pw_bias, dtype=np.float64).reshape(1, -1, 1, 1)
    return out
