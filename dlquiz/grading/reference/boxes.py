"""Reference GIoU / DIoU / CIoU, Faster R-CNN box coding and anchor grids.

Conventions (all of torchvision's, so a learner can check against it):

* Boxes are ``(x1, y1, x2, y2)`` corners, continuous coordinates, width
  ``x2 - x1`` and height ``y2 - y1`` (no ``+ 1``: that is old Caffe/VOC code).
* ``generalized_box_iou``, ``distance_box_iou`` and ``complete_box_iou`` are
  **pairwise**: ``(N, 4) x (M, 4) -> (N, M)``, like ``torchvision.ops``.
  IoU is 0 where the union is 0 (torchvision gives NaN there); GIoU's penalty
  is 0 where the enclosing box has zero area. DIoU divides by ``c² + eps``
  and CIoU's ``α = v / (1 − IoU + v + eps)`` (torchvision, eps = 1e-7).
* ``encode_boxes`` / ``decode_boxes`` follow ``torchvision``'s ``BoxCoder``:
  ``dx = wx·(gx − ax)/aw``, ``dw = ww·log(gw/aw)`` (centres ``x1 + w/2``),
  and decoding clamps ``dw, dh`` (after dividing by the weights) from above
  at ``bbox_xform_clip = log(1000/16)`` so ``exp`` cannot overflow.
* ``anchor_grid`` follows ``AnchorGenerator`` for one feature map: aspect
  ratio ``r = h/w``; base anchors ``round([−w/2, −h/2, w/2, h/2])`` with
  ``w = s/√r``, ``h = s·√r`` (round half to even, like ``torch.round``),
  ordered ratio-major then size; shifts ``(x·stride_x, y·stride_y)`` with no
  half-cell offset, ordered row-major over (y, x), anchors fastest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

#: torchvision's BoxCoder default clamp of dw/dh before exp.
BBOX_XFORM_CLIP = math.log(1000.0 / 16)


def _as_boxes(boxes: ArrayLike) -> FloatArray:
    return np.asarray(boxes, dtype=np.float64).reshape(-1, 4)


def _pair_terms(boxes1: ArrayLike, boxes2: ArrayLike) -> tuple[FloatArray, ...]:
    """IoU, union and the enclosing box's (w, h), all (N, M), for two box sets."""
    a, b = _as_boxes(boxes1), _as_boxes(boxes2)
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    wh = np.clip(rb - lt, 0.0, None)
    inter = wh[..., 0] * wh[..., 1]
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    enc = np.maximum(a[:, None, 2:], b[None, :, 2:]) - np.minimum(a[:, None, :2], b[None, :, :2])
    return iou, union, enc[..., 0], enc[..., 1]


def generalized_box_iou(boxes1: ArrayLike, boxes2: ArrayLike) -> FloatArray:
    """Pairwise GIoU = IoU − (|C| − |A ∪ B|)/|C|, C the smallest enclosing box."""
    iou, union, cw, ch = _pair_terms(boxes1, boxes2)
    area_c = cw * ch
    penalty = np.divide(area_c - union, area_c, out=np.zeros_like(area_c), where=area_c > 0)
    result: FloatArray = iou - penalty
    return result


def _centre_term(boxes1: ArrayLike, boxes2: ArrayLike, cw: FloatArray, ch: FloatArray,
                 eps: float) -> FloatArray:
    a, b = _as_boxes(boxes1), _as_boxes(boxes2)
    ca = (a[:, :2] + a[:, 2:]) / 2
    cb = (b[:, :2] + b[:, 2:]) / 2
    rho2 = ((ca[:, None, :] - cb[None, :, :]) ** 2).sum(-1)
    term: FloatArray = rho2 / (cw ** 2 + ch ** 2 + eps)
    return term


def distance_box_iou(boxes1: ArrayLike, boxes2: ArrayLike, eps: float = 1e-7) -> FloatArray:
    """Pairwise DIoU = IoU − ρ²/(c² + eps): ρ centre distance, c enclosing diagonal."""
    iou, _, cw, ch = _pair_terms(boxes1, boxes2)
    result: FloatArray = iou - _centre_term(boxes1, boxes2, cw, ch, eps)
    return result


def complete_box_iou(boxes1: ArrayLike, boxes2: ArrayLike, eps: float = 1e-7) -> FloatArray:
    """Pairwise CIoU = DIoU − α·v with v = 4/π²·(atan(w1/h1) − atan(w2/h2))².

    ``α = v / (1 − IoU + v + eps)``; heights must be positive (w/h is a ratio).
    """
    a, b = _as_boxes(boxes1), _as_boxes(boxes2)
    iou, _, cw, ch = _pair_terms(a, b)
    diou = iou - _centre_term(a, b, cw, ch, eps)
    ra = np.arctan((a[:, 2] - a[:, 0]) / (a[:, 3] - a[:, 1]))
    rb = np.arctan((b[:, 2] - b[:, 0]) / (b[:, 3] - b[:, 1]))
    v = (4 / math.pi ** 2) * (ra[:, None] - rb[None, :]) ** 2
    alpha = v / (1 - iou + v + eps)
    result: FloatArray = diou - alpha * v
    return result


def _wh_centre(boxes: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    return w, h, boxes[:, 0] + 0.5 * w, boxes[:, 1] + 0.5 * h


def encode_boxes(reference_boxes: ArrayLike, proposals: ArrayLike,
                 weights: Sequence[float] = (1.0, 1.0, 1.0, 1.0)) -> FloatArray:
    """Deltas (N, 4) that take each proposal (anchor) to its reference (ground-truth) box.

    ``(dx, dy, dw, dh) = (wx·(gx − px)/pw, wy·(gy − py)/ph, ww·log(gw/pw), wh·log(gh/ph))``.
    """
    gt, pr = _as_boxes(reference_boxes), _as_boxes(proposals)
    wx, wy, ww, wh = (float(v) for v in weights)
    pw, ph, px, py = _wh_centre(pr)
    gw, gh, gx, gy = _wh_centre(gt)
    out: FloatArray = np.stack([wx * (gx - px) / pw, wy * (gy - py) / ph,
                                ww * np.log(gw / pw), wh * np.log(gh / ph)], axis=1)
    return out


def decode_boxes(rel_codes: ArrayLike, boxes: ArrayLike,
                 weights: Sequence[float] = (1.0, 1.0, 1.0, 1.0),
                 bbox_xform_clip: float = BBOX_XFORM_CLIP) -> FloatArray:
    """Boxes (N, 4K) from deltas (N, 4K) applied to boxes (N, 4): ``BoxCoder.decode_single``.

    Each group of four columns is one class's deltas (Fast R-CNN's class-specific
    regression); ``dw, dh`` are divided by their weights, then clamped above at
    ``bbox_xform_clip`` (no lower clamp), then exponentiated.
    """
    codes = np.asarray(rel_codes, dtype=np.float64)
    codes = np.atleast_2d(codes)
    base = _as_boxes(boxes)
    wx, wy, ww, wh = (float(v) for v in weights)
    w, h, cx, cy = _wh_centre(base)
    dx, dy = codes[:, 0::4] / wx, codes[:, 1::4] / wy
    dw = np.minimum(codes[:, 2::4] / ww, bbox_xform_clip)
    dh = np.minimum(codes[:, 3::4] / wh, bbox_xform_clip)
    pcx, pcy = dx * w[:, None] + cx[:, None], dy * h[:, None] + cy[:, None]
    pw, ph = np.exp(dw) * w[:, None], np.exp(dh) * h[:, None]
    out = np.empty_like(codes)
    out[:, 0::4], out[:, 1::4] = pcx - 0.5 * pw, pcy - 0.5 * ph
    out[:, 2::4], out[:, 3::4] = pcx + 0.5 * pw, pcy + 0.5 * ph
    return out


def anchor_grid(sizes: Sequence[float], aspect_ratios: Sequence[float],
                feature_size: Sequence[int], stride: Sequence[int]) -> FloatArray:
    """All anchors (H·W·A, 4) of one feature map, torchvision ``AnchorGenerator`` order.

    Row ``(y·W + x)·A + (i·len(sizes) + j)`` is ratio ``i``, size ``j`` at cell (y, x).
    """
    scales = np.asarray(sizes, dtype=np.float64).reshape(-1)
    ratios = np.asarray(aspect_ratios, dtype=np.float64).reshape(-1)
    h_ratios = np.sqrt(ratios)
    w_ratios = 1.0 / h_ratios
    ws = (w_ratios[:, None] * scales[None, :]).reshape(-1)
    hs = (h_ratios[:, None] * scales[None, :]).reshape(-1)
    base = np.round(np.stack([-ws, -hs, ws, hs], axis=1) / 2)
    grid_h, grid_w = (int(v) for v in feature_size)
    stride_y, stride_x = (int(v) for v in stride)
    shift_y, shift_x = np.meshgrid(np.arange(grid_h) * stride_y, np.arange(grid_w) * stride_x,
                                   indexing="ij")
    sx, sy = shift_x.reshape(-1).astype(np.float64), shift_y.reshape(-1).astype(np.float64)
    shifts = np.stack([sx, sy, sx, sy], axis=1)
    out: FloatArray = (shifts[:, None, :] + base[None, :, :]).reshape(-1, 4)
    return out
