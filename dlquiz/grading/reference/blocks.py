"""CNN building blocks in torch's conventions (prompts state the same rules).

* ``group_norm(x, num_groups, weight, bias, eps)`` = ``F.group_norm``: x (N, C, *),
  channels split into ``num_groups`` *contiguous* groups of C/G, each (sample,
  group) normalised over its channels and all spatial positions with the
  biased variance; optional per-channel affine.
* ``conv_transpose2d(x, weight, bias, stride, padding, output_padding, groups,
  dilation)`` = ``F.conv_transpose2d``: weight (C_in, C_out/groups, kH, kW);
  input pixel (y, x) scatters ``x·w[ky, kx]`` to output row ``y·s − p + ky·d``;
  ``H_out = (H − 1)·s − 2p + d·(k − 1) + output_padding + 1``.
* ``max_pool2d(x, kernel_size, stride, padding)`` = ``F.max_pool2d`` with
  ``ceil_mode=False``: implicit −inf padding, ``stride=None`` → kernel size,
  ``H_out = ⌊(H + 2p − k)/s⌋ + 1``.
* ``avg_pool2d(x, kernel_size, stride, padding, count_include_pad)`` =
  ``F.avg_pool2d`` with ``ceil_mode=False``: zero padding; the divisor is k_h·k_w
  when ``count_include_pad`` else the number of real (non-padding) pixels.
* ``channel_shuffle(x, groups)`` = ``nn.ChannelShuffle``: (N, C, *) viewed as
  (N, g, C/g, *), the two channel axes swapped, flattened back.
* ``squeeze_excitation(x, w1, b1, w2, b2, gate)``: s = mean over H, W; e =
  gate(W2 relu(W1 s + b1) + b2); return x · e per channel. ``gate`` is
  "sigmoid" (Hu et al.) or "hsigmoid" (MobileNetV3).
* ``h_swish(x) = x · relu6(x + 3) / 6`` and ``h_sigmoid(x) = relu6(x + 3) / 6``
  (= ``F.hardswish``, ``F.hardsigmoid``).

Int-or-pair arguments accept an int or a length-2 sequence (height, width).
Everything is computed in float64.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from dlquiz.grading.reference.rnn import stable_sigmoid

F64 = npt.NDArray[np.float64]
IntPair = int | Sequence[int]


def pair(value: IntPair) -> tuple[int, int]:
    """``3 → (3, 3)``, ``[2, 1] → (2, 1)``."""
    if isinstance(value, (int, np.integer)):
        return int(value), int(value)
    a, b = value
    return int(a), int(b)


def group_norm(x: npt.ArrayLike, num_groups: int, weight: npt.ArrayLike | None = None,
               bias: npt.ArrayLike | None = None, eps: float = 1e-5) -> F64:
    """``F.group_norm`` over contiguous channel groups (two-pass, biased variance)."""
    xa = np.asarray(x, dtype=np.float64)
    n, c = xa.shape[:2]
    grouped = xa.reshape(n, num_groups, -1)
    mean = grouped.mean(axis=2, keepdims=True)
    var = ((grouped - mean) ** 2).mean(axis=2, keepdims=True)
    y = ((grouped - mean) / np.sqrt(var + eps)).reshape(xa.shape)
    shape = (1, c) + (1,) * (xa.ndim - 2)
    if weight is not None:
        y = y * np.asarray(weight, dtype=np.float64).reshape(shape)
    if bias is not None:
        y = y + np.asarray(bias, dtype=np.float64).reshape(shape)
    out: F64 = y
    return out


def conv_transpose_length(size: int, kernel: int, stride: int = 1, padding: int = 0,
                          output_padding: int = 0, dilation: int = 1) -> int:
    """``(H − 1)·s − 2p + d·(k − 1) + output_padding + 1`` (torch's ConvTranspose2d)."""
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def conv_transpose2d(x: npt.ArrayLike, weight: npt.ArrayLike, bias: npt.ArrayLike | None = None,
                     stride: IntPair = 1, padding: IntPair = 0, output_padding: IntPair = 0,
                     groups: int = 1, dilation: IntPair = 1) -> F64:
    """``F.conv_transpose2d`` as a scatter: one strided add per kernel tap."""
    xa = np.asarray(x, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    (oph, opw), (dh, dw) = pair(output_padding), pair(dilation)
    n, c_in, h, wid = xa.shape
    _, c_out_g, kh, kw = w.shape
    c_in_g = c_in // groups
    full_h = (h - 1) * sh + dh * (kh - 1) + 1 + oph
    full_w = (wid - 1) * sw + dw * (kw - 1) + 1 + opw
    full = np.zeros((n, groups, c_out_g, full_h, full_w))
    xg = xa.reshape(n, groups, c_in_g, h, wid)
    wg = w.reshape(groups, c_in_g, c_out_g, kh, kw)
    for ky in range(kh):
        for kx in range(kw):
            tap = np.einsum("ngihw,gio->ngohw", xg, wg[:, :, :, ky, kx])
            y0, x0 = ky * dh, kx * dw
            full[:, :, :, y0:y0 + (h - 1) * sh + 1:sh, x0:x0 + (wid - 1) * sw + 1:sw] += tap
    out_h = conv_transpose_length(h, kh, sh, ph, oph, dh)
    out_w = conv_transpose_length(wid, kw, sw, pw, opw, dw)
    out = full[:, :, :, ph:ph + out_h, pw:pw + out_w].reshape(n, groups * c_out_g, out_h, out_w)
    if bias is not None:
        out = out + np.asarray(bias, dtype=np.float64).reshape(1, -1, 1, 1)
    result: F64 = out
    return result


def _windows(x: F64, kernel_size: IntPair, stride: IntPair | None, padding: IntPair,
             fill: float) -> F64:
    """(N, C, H_out, W_out, kh, kw) windows of the padded input (ceil_mode=False)."""
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    ph, pw = pair(padding)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    out_h = (x.shape[2] + 2 * ph - kh) // sh + 1
    out_w = (x.shape[3] + 2 * pw - kw) // sw + 1
    win = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    out: F64 = win[:, :, :out_h, :out_w]
    return out


def max_pool2d(x: npt.ArrayLike, kernel_size: IntPair, stride: IntPair | None = None,
               padding: IntPair = 0) -> F64:
    """``F.max_pool2d`` (ceil_mode=False, dilation 1): padding never wins a max."""
    xa = np.asarray(x, dtype=np.float64)
    out: F64 = _windows(xa, kernel_size, stride, padding, -np.inf).max(axis=(4, 5))
    return out


def avg_pool2d(x: npt.ArrayLike, kernel_size: IntPair, stride: IntPair | None = None,
               padding: IntPair = 0, count_include_pad: bool = True) -> F64:
    """``F.avg_pool2d`` (ceil_mode=False): zero padding, divisor per ``count_include_pad``."""
    xa = np.asarray(x, dtype=np.float64)
    sums = _windows(xa, kernel_size, stride, padding, 0.0).sum(axis=(4, 5))
    if count_include_pad:
        kh, kw = pair(kernel_size)
        out: F64 = sums / (kh * kw)
        return out
    ones = np.ones((1, 1) + xa.shape[2:])
    counts = _windows(ones, kernel_size, stride, padding, 0.0).sum(axis=(4, 5))
    result: F64 = sums / counts
    return result


def channel_shuffle(x: npt.ArrayLike, groups: int) -> F64:
    """``nn.ChannelShuffle(groups)``: output channel j·g + i ← input channel i·(C/g) + j."""
    xa = np.asarray(x)
    n, c = xa.shape[:2]
    rest = xa.shape[2:]
    out: F64 = xa.reshape((n, groups, c // groups) + rest).swapaxes(1, 2).reshape(xa.shape)
    return out


def h_sigmoid(x: npt.ArrayLike) -> F64:
    """``relu6(x + 3) / 6`` = ``F.hardsigmoid``."""
    xa = np.asarray(x, dtype=np.float64)
    out: F64 = np.clip(xa + 3.0, 0.0, 6.0) / 6.0
    return out


def h_swish(x: npt.ArrayLike) -> F64:
    """``x · relu6(x + 3) / 6`` = ``F.hardswish``."""
    xa = np.asarray(x, dtype=np.float64)
    out: F64 = xa * h_sigmoid(xa)
    return out


def squeeze_excitation(x: npt.ArrayLike, w1: npt.ArrayLike, b1: npt.ArrayLike | None,
                       w2: npt.ArrayLike, b2: npt.ArrayLike | None,
                       gate: str = "sigmoid") -> F64:
    """SE block on (N, C, H, W): global average → FC → ReLU → FC → gate → channel scale."""
    xa = np.asarray(x, dtype=np.float64)
    s = xa.mean(axis=(2, 3))
    z = s @ np.asarray(w1, dtype=np.float64).T
    if b1 is not None:
        z = z + np.asarray(b1, dtype=np.float64)
    z = np.maximum(z, 0.0) @ np.asarray(w2, dtype=np.float64).T
    if b2 is not None:
        z = z + np.asarray(b2, dtype=np.float64)
    e = stable_sigmoid(z) if gate == "sigmoid" else h_sigmoid(z)
    out: F64 = xa * e[:, :, None, None]
    return out
