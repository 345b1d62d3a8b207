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

    The sum is split by kernel offset (u, v): each offset contributes
    ``weight[:, :, u, v] @ (input pixels under that tap)``, one matrix
    product of (C_out, C_in) by (C_in, pixels) per offset and group, so the
    Python loop runs kH·kW·groups times and BLAS does the arithmetic.

    For stride 1 the pixels under a tap are a *shifted window of the
    flattened padded image*: output row i, column j reads flat index
    ``(i + u·dh)·Wp + j + v·dw``. Computing a "wide" output of width Wp
    (then dropping the last Wp − Wo columns) makes every tap a contiguous
    slice, so BLAS reads it in place and nothing is copied (im2col would
    copy the input kH·kW times). Other strides gather each tap with a
    strided view, copied once per tap by ``tensordot``.
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
    hp, wp = h + 2 * ph, w + 2 * pw
    ho = (hp - dh * (kh - 1) - 1) // sh + 1
    wo = (wp - dw * (kw - 1) - 1) // sw + 1
    if ho < 1 or wo < 1:
        raise ValueError(f"kernel larger than padded input: output would be {ho}x{wo}")
    og = o // groups
    taps = [(u, v) for u in range(kh) for v in range(kw)]

    if (sh, sw) == (1, 1):
        # Flattened padded image plus a tail of zeros so the last tap's
        # window of length Ho·Wp stays inside the buffer.
        flat = np.zeros((n, c, hp * wp + (kw - 1) * dw), dtype=dtype)
        flat[:, :, : hp * wp].reshape(n, c, hp, wp)[:, :, ph : ph + h, pw : pw + w] = xa
        length = ho * wp
        wide = np.zeros((n, o, length), dtype=dtype)
        product = np.empty((n, og, length), dtype=dtype)
        for g in range(groups):
            cin, cout = slice(g * cg, (g + 1) * cg), slice(g * og, (g + 1) * og)
            for u, v in taps:
                start = u * dh * wp + v * dw
                # (og, cg) @ (n, cg, length) -> (n, og, length), one GEMM per image.
                np.matmul(wa[cout, :, u, v], flat[:, cin, start : start + length], out=product)
                wide[:, cout] += product
        out = np.ascontiguousarray(wide.reshape(n, o, ho, wp)[:, :, :, :wo])
    else:
        padded = np.pad(xa, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else xa
        s_n, s_c, s_h, s_w = padded.strides
        out_t = np.zeros((o, n, ho, wo), dtype=dtype)
        for g in range(groups):
            for u, v in taps:
                # tap[n, c, i, j] = padded[n, g·cg + c, i·sh + u·dh, j·sw + v·dw]
                tap = as_strided(
                    padded[:, g * cg :, u * dh :, v * dw :],
                    shape=(n, cg, ho, wo),
                    strides=(s_n, s_c, s_h * sh, s_w * sw),
                    writeable=False,
                )
                out_t[g * og : (g + 1) * og] += np.tensordot(wa[g * og : (g + 1) * og, :, u, v], tap, axes=([1], [1]))
        out = np.ascontiguousarray(out_t.transpose(1, 0, 2, 3))
    if bias is not None:
        out += np.asarray(bias, dtype=dtype).reshape(1, o, 1, 1)
    return out
