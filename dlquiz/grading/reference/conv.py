"""Reference 2-D convolution (``torch.nn.functional.conv2d`` semantics).

Conventions:

* Layouts are NCHW for the input ``x`` (N, C_in, H, W) and OIHW for
  ``weight`` (C_out, C_in / groups, kH, kW); ``bias`` is (C_out,) or None.
* It is a *cross-correlation* (the kernel is not flipped), as in every deep
  learning framework.
* ``stride``, ``padding`` and ``dilation`` are an int or an ``(h, w)`` pair;
  padding is zeros on both sides.
* Output size per axis: ``(size + 2 * pad - dilation * (k - 1) - 1) // stride + 1``.
* ``groups`` splits input and output channels into that many independent
  convolutions; ``groups == C_in`` with ``C_out == C_in`` is depthwise.
* The result dtype is ``np.result_type(x, weight)``; float64 in the grader,
  compared with ``rtol=1e-5, atol=1e-6``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import ArrayLike, NDArray

Pair = int | tuple[int, int]


def _pair(value: Pair | list[int], name: str) -> tuple[int, int]:
    """``3 -> (3, 3)``; ``(1, 2)`` stays; stride/dilation must be >= 1, padding >= 0."""
    if isinstance(value, (int, np.integer)):
        pair = int(value), int(value)
    else:
        a, b = value
        pair = int(a), int(b)
    lowest = 0 if name == "padding" else 1
    if min(pair) < lowest:
        raise ValueError(f"{name} must be >= {lowest}, got {value}")
    return pair


def conv2d(
    x: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    stride: Pair = 1,
    padding: Pair = 0,
    dilation: Pair = 1,
    groups: int = 1,
) -> NDArray[np.floating]:
    """Grouped, strided, dilated, zero-padded 2-D cross-correlation, NCHW.

    im2col without copies: a strided *view* of the padded input exposes,
    for every output pixel, its (C, kH, kW) receptive field; one
    ``tensordot`` per group then contracts it with the weights, which BLAS
    does as a single matrix product of (N*Ho*Wo, C*kH*kW) by (C*kH*kW, O).
    """
    xa = np.asarray(x)
    wa = np.asarray(weight)
    dtype = np.result_type(xa, wa, np.float32)
    xa = xa.astype(dtype, copy=False)
    wa = wa.astype(dtype, copy=False)
    if xa.ndim != 4 or wa.ndim != 4:
        raise ValueError(f"expected 4-D x and weight, got {xa.shape} and {wa.shape}")
    sh, sw = _pair(stride, "stride")
    ph, pw = _pair(padding, "padding")
    dh, dw = _pair(dilation, "dilation")
    n, c, h, w = xa.shape
    o, cg, kh, kw = wa.shape
    if groups < 1 or c % groups or o % groups or cg != c // groups:
        raise ValueError(
            f"groups={groups} does not fit C_in={c}, C_out={o}, weight in-channels={cg}"
        )
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    if ho < 1 or wo < 1:
        raise ValueError(f"kernel larger than padded input: output would be {ho}x{wo}")

    padded = np.pad(xa, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else xa
    s_n, s_c, s_h, s_w = padded.strides
    # windows[n, c, i, j, u, v] = padded[n, c, i*sh + u*dh, j*sw + v*dw]
    windows = as_strided(
        padded,
        shape=(n, c, ho, wo, kh, kw),
        strides=(s_n, s_c, s_h * sh, s_w * sw, s_h * dh, s_w * dw),
        writeable=False,
    )
    og = o // groups
    out = np.empty((n, o, ho, wo), dtype=dtype)
    for g in range(groups):
        cols = windows[:, g * cg : (g + 1) * cg]
        kernel = wa[g * og : (g + 1) * og]
        # (n, cg, ho, wo, kh, kw) x (og, cg, kh, kw) -> (n, ho, wo, og)
        res = np.tensordot(cols, kernel, axes=([1, 4, 5], [1, 2, 3]))
        out[:, g * og : (g + 1) * og] = res.transpose(0, 3, 1, 2)
    if bias is not None:
        out += np.asarray(bias, dtype=dtype).reshape(1, o, 1, 1)
    return out
