"""ROI Pooling and ROI Align with ``torchvision.ops`` semantics (CPU kernels).

Shared conventions: ``features`` is ``(N, C, H, W)``; ``rois`` is ``(K, 5)``
rows ``[batch_index, x1, y1, x2, y2]`` in input-image coordinates, mapped to
the feature map by ``spatial_scale`` (1/16 for a stride-16 backbone);
``output_size`` is ``(h, w)`` or an int for a square output. The result is
``(K, C, h, w)`` float64.

``roi_pool`` (Fast R-CNN, quantised):

* corners are **rounded** to integers, half away from zero (C ``round``, not
  NumPy's half-to-even): ``x1' = round(x1·scale)`` ...;
* the ROI spans ``roi_w = max(x2' − x1' + 1, 1)`` cells (inclusive corners);
* bin ``(i, j)`` covers rows ``y1' + floor(i·roi_h/h)`` to
  ``y1' + ceil((i+1)·roi_h/h)`` (exclusive), clipped to ``[0, H]``, and the
  same for columns; its output is the max over those cells, **0** if empty.

``roi_align`` (Mask R-CNN, no quantisation):

* ``offset = 0.5`` if ``aligned`` else 0; ``x1' = x1·scale − offset`` ...
  (``aligned=True`` puts pixel centres at integer + 0.5, the correct mapping);
* ``roi_w = x2' − x1'``; when not ``aligned`` it is forced to at least 1;
* each bin takes a ``gh × gw`` grid of samples, ``gh = sampling_ratio`` when
  > 0 else ``ceil(roi_h / h)`` (adaptive); sample ``(iy, ix)`` of bin
  ``(i, j)`` is at ``y = y1' + i·bin_h + (iy + 0.5)·bin_h/gh`` (same for x);
* a sample is bilinearly interpolated; it counts as 0 if ``y < −1`` or
  ``y > H`` (or x outside ``[−1, W]``); otherwise coordinates ``≤ 0`` become
  0 and coordinates ``≥ size − 1`` use the last row/column only;
* the bin is the **average** of its samples, divided by ``max(gh·gw, 1)``
  (an empty grid gives 0).

Bilinear interpolation with these clamps is separable: the value at (y, x) is
``a(y) · f · b(x)ᵀ`` for weight vectors a over rows and b over columns, so a
whole bin is ``(Σ a) · f · (Σ b)ᵀ`` — that is how this module vectorises it.
Graded with rtol 1e-6, atol 1e-9.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def _pair(output_size: int | Sequence[int]) -> tuple[int, int]:
    if isinstance(output_size, (int, np.integer)):
        return int(output_size), int(output_size)
    h, w = output_size
    return int(h), int(w)


def _round_half_away(value: float) -> int:
    """C's ``round``: halves go away from zero (2.5 -> 3, -2.5 -> -3)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def _inputs(features: npt.ArrayLike, rois: npt.ArrayLike) -> tuple[F64, F64]:
    feats = np.asarray(features, dtype=np.float64)
    boxes = np.asarray(rois, dtype=np.float64).reshape(-1, 5)
    if feats.ndim != 4:
        raise ValueError(f"features must be (N, C, H, W), got shape {feats.shape}")
    return feats, boxes


def roi_pool(
    features: npt.ArrayLike,
    rois: npt.ArrayLike,
    output_size: int | Sequence[int],
    spatial_scale: float = 1.0,
) -> F64:
    """Max-pool each ROI into ``output_size`` bins (torchvision ``roi_pool``)."""
    feats, boxes = _inputs(features, rois)
    _, channels, height, width = feats.shape
    out_h, out_w = _pair(output_size)
    out = np.zeros((len(boxes), channels, out_h, out_w))
    for k, (batch, x1, y1, x2, y2) in enumerate(boxes):
        start_w, start_h = _round_half_away(x1 * spatial_scale), _round_half_away(y1 * spatial_scale)
        end_w, end_h = _round_half_away(x2 * spatial_scale), _round_half_away(y2 * spatial_scale)
        roi_w = max(end_w - start_w + 1, 1)
        roi_h = max(end_h - start_h + 1, 1)
        rows = _bin_masks(out_h, roi_h / out_h, start_h, height)   # (out_h, H)
        cols = _bin_masks(out_w, roi_w / out_w, start_w, width)    # (out_w, W)
        inside = rows[:, None, :, None] & cols[None, :, None, :]   # (out_h, out_w, H, W)
        fmap = feats[int(batch)]                                    # (C, H, W)
        masked = np.where(inside[None], fmap[:, None, None], -np.inf)
        pooled = masked.max(axis=(3, 4), initial=-np.inf)
        out[k] = np.where(np.isneginf(pooled), 0.0, pooled)
    return out


def _bin_masks(bins: int, bin_size: float, start: int, size: int) -> npt.NDArray[np.bool_]:
    """``mask[i, p]``: cell p lies in bin i (floor/ceil bin edges, clipped to the map)."""
    index = np.arange(bins)
    lo = np.clip(np.floor(index * bin_size).astype(np.int64) + start, 0, size)
    hi = np.clip(np.ceil((index + 1) * bin_size).astype(np.int64) + start, 0, size)
    cells = np.arange(size)
    mask: npt.NDArray[np.bool_] = (cells[None, :] >= lo[:, None]) & (cells[None, :] < hi[:, None])
    return mask


def _axis_weights(coords: F64, size: int) -> F64:
    """Bilinear weights over one axis for each sample coordinate: shape ``coords.shape + (size,)``.

    Implements torchvision's clamps: outside ``[−1, size]`` -> all zero;
    ``≤ 0`` -> 0; a low index at or beyond ``size − 1`` -> the last cell only.
    """
    flat = coords.ravel()
    weights = np.zeros((flat.size, size))
    valid = (flat >= -1.0) & (flat <= size)
    v = np.where(flat <= 0, 0.0, flat)
    low = np.floor(v).astype(np.int64)
    at_end = low >= size - 1
    low = np.where(at_end, size - 1, low)
    high = np.where(at_end, size - 1, low + 1)
    frac = np.where(at_end, 0.0, v - low)
    rows = np.arange(flat.size)
    np.add.at(weights, (rows[valid], low[valid]), 1.0 - frac[valid])
    np.add.at(weights, (rows[valid], high[valid]), frac[valid])
    return weights.reshape(coords.shape + (size,))


def _sample_coords(start: float, bin_size: float, bins: int, grid: int) -> F64:
    """Sample positions ``(bins, grid)`` along one axis, in the kernel's operation order."""
    i = np.arange(bins, dtype=np.float64)[:, None]
    g = np.arange(grid, dtype=np.float64)[None, :]
    return start + i * bin_size + (g + 0.5) * bin_size / grid


def roi_align(
    features: npt.ArrayLike,
    rois: npt.ArrayLike,
    output_size: int | Sequence[int],
    spatial_scale: float = 1.0,
    sampling_ratio: int = -1,
    aligned: bool = False,
) -> F64:
    """Average of bilinear samples per bin (torchvision ``roi_align``), see module docstring."""
    feats, boxes = _inputs(features, rois)
    _, channels, height, width = feats.shape
    out_h, out_w = _pair(output_size)
    out = np.zeros((len(boxes), channels, out_h, out_w))
    offset = 0.5 if aligned else 0.0
    for k, (batch, x1, y1, x2, y2) in enumerate(boxes):
        start_w, start_h = x1 * spatial_scale - offset, y1 * spatial_scale - offset
        roi_w = x2 * spatial_scale - offset - start_w
        roi_h = y2 * spatial_scale - offset - start_h
        if not aligned:
            roi_w, roi_h = max(roi_w, 1.0), max(roi_h, 1.0)
        bin_h, bin_w = roi_h / out_h, roi_w / out_w
        grid_h = sampling_ratio if sampling_ratio > 0 else math.ceil(roi_h / out_h)
        grid_w = sampling_ratio if sampling_ratio > 0 else math.ceil(roi_w / out_w)
        if grid_h <= 0 or grid_w <= 0:
            continue  # no samples: the bin stays 0, as in the kernel
        row_w = _axis_weights(_sample_coords(start_h, bin_h, out_h, grid_h), height).sum(axis=1)
        col_w = _axis_weights(_sample_coords(start_w, bin_w, out_w, grid_w), width).sum(axis=1)
        fmap = feats[int(batch)]
        out[k] = np.einsum("ph,chw,qw->cpq", row_w, fmap, col_w) / (grid_h * grid_w)
    return out
