"""Bilinear resize with ``torch.nn.functional.interpolate(mode="bilinear")`` semantics.

``image`` is ``(N, C, H, W)`` (torch's layout), ``out_size`` is ``(h, w)``;
the result is ``(N, C, h, w)`` float64. Each output index ``d`` along an axis
of input length ``L`` and output length ``l`` reads the source coordinate

* ``align_corners=False`` (half-pixel centres, the default):
  ``s = max((d + 0.5)·L/l − 0.5, 0)``;
* ``align_corners=True`` (corner pixels map onto corner pixels):
  ``s = d·(L − 1)/(l − 1)``, and ``s = 0`` when ``l = 1``;

then interpolates between ``i0 = floor(s)`` (at most ``L − 1``) and
``i1 = min(i0 + 1, L − 1)`` with weight ``λ = s − i0`` on ``i1``. With
``align_corners=False`` coordinates past the last pixel centre simply read
the edge pixel (edge replication); nothing is sampled outside the image.

The two axes are independent, so the resize is ``Wy · image · Wxᵀ`` with one
``(l, L)`` interpolation matrix per axis. Graded with rtol 1e-6, atol 1e-9.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def source_coords(in_size: int, out_size: int, align_corners: bool) -> F64:
    """Fractional source coordinate of each output index along one axis."""
    dst = np.arange(out_size, dtype=np.float64)
    if align_corners:
        scale = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        return dst * scale
    return np.maximum((dst + 0.5) * (in_size / out_size) - 0.5, 0.0)


def interpolation_matrix(in_size: int, out_size: int, align_corners: bool) -> F64:
    """``(out_size, in_size)`` matrix whose row d holds the two bilinear weights of output d."""
    src = source_coords(in_size, out_size, align_corners)
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    lam = np.clip(src - i0, 0.0, 1.0)
    i1 = np.minimum(i0 + 1, in_size - 1)
    matrix = np.zeros((out_size, in_size))
    rows = np.arange(out_size)
    np.add.at(matrix, (rows, i0), 1.0 - lam)
    np.add.at(matrix, (rows, i1), lam)
    return matrix


def bilinear_resize(
    image: npt.ArrayLike, out_size: Sequence[int], align_corners: bool = False
) -> F64:
    """Resize an NCHW array to ``out_size = (h, w)`` (see module docstring)."""
    arr = np.asarray(image, dtype=np.float64)
    if arr.ndim != 4:
        raise ValueError(f"image must be (N, C, H, W), got shape {arr.shape}")
    out_h, out_w = (int(v) for v in out_size)
    if out_h < 1 or out_w < 1:
        raise ValueError(f"out_size must be positive, got {tuple(out_size)}")
    wy = interpolation_matrix(arr.shape[2], out_h, align_corners)
    wx = interpolation_matrix(arr.shape[3], out_w, align_corners)
    out: F64 = np.einsum("ph,nchw,qw->ncpq", wy, arr, wx)
    return out
