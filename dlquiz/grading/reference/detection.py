"""Reference IoU, NMS and soft-NMS (torchvision conventions).

Conventions shared by the three functions:

* Boxes are ``(x1, y1, x2, y2)`` corners with ``x1 <= x2`` and ``y1 <= y2``,
  continuous coordinates, area ``(x2 - x1) * (y2 - y1)`` (no ``+ 1`` pixel
  convention: that belongs to old Caffe code, not to torchvision).
* IoU of a pair whose union is zero (two zero-area boxes) is 0, never NaN.
  Touching boxes (shared edge) have intersection 0, so IoU exactly 0.
* NMS suppresses a box when its IoU with an already kept box is strictly
  greater than ``iou_threshold`` (``torchvision.ops.nms``); IoU equal to the
  threshold survives.
* Ties in score are broken by the lower input index first, so the reference
  is deterministic; the grader's ``nms`` checker accepts every tie order.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.int64]


def _as_boxes(boxes: ArrayLike) -> FloatArray:
    return np.asarray(boxes, dtype=np.float64).reshape(-1, 4)


def _areas(boxes: FloatArray) -> FloatArray:
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def _iou_one_to_many(box: FloatArray, area: float, others: FloatArray, areas: FloatArray) -> FloatArray:
    """IoU of one box against many: the inner step of greedy NMS, O(len(others))."""
    iw = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    ih = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    inter = np.clip(iw, 0.0, None) * np.clip(ih, 0.0, None)
    union = area + areas - inter
    result: FloatArray = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return result


def iou(boxes1: ArrayLike, boxes2: ArrayLike) -> FloatArray:
    """Pairwise IoU matrix of shape ``(N, M)`` (``torchvision.ops.box_iou``).

    The intersection width and height are clipped at zero *before* they are
    multiplied, so disjoint boxes give 0 rather than a positive product of
    two negative lengths. Pairs with a zero union give 0.
    """
    a = _as_boxes(boxes1)
    b = _as_boxes(boxes2)
    iw = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    ih = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    inter = np.clip(iw, 0.0, None) * np.clip(ih, 0.0, None)
    union = _areas(a)[:, None] + _areas(b)[None, :] - inter
    result: FloatArray = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return result


def nms(boxes: ArrayLike, scores: ArrayLike, iou_threshold: float) -> IndexArray:
    """Greedy hard NMS: indices of kept boxes, highest score first (int64).

    Each iteration keeps the best remaining box and drops every remaining
    box whose IoU with it is ``> iou_threshold``. The IoU of the kept box is
    computed against the survivors only, as one vectorised step, so the
    cost is O(n * kept) arithmetic but only ``kept`` Python iterations.
    IoU is ``inter / union`` (a division, like torchvision), so a pair built
    to sit exactly on the threshold is compared exactly.
    """
    b = _as_boxes(boxes)
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    if len(b) != len(s):
        raise ValueError(f"{len(b)} boxes but {len(s)} scores")
    # Stable sort on the negated score: equal scores keep input order.
    idx = np.argsort(-s, kind="stable")
    # Survivors live in separate contiguous columns, best first; every
    # iteration keeps the head and compresses the columns by one mask.
    x1, y1, x2, y2 = (np.ascontiguousarray(b[idx, k]) for k in range(4))
    area = (x2 - x1) * (y2 - y1)
    keep: list[int] = []
    while idx.size:
        keep.append(int(idx[0]))
        iw = np.minimum(x2[0], x2[1:]) - np.maximum(x1[0], x1[1:])
        ih = np.minimum(y2[0], y2[1:]) - np.maximum(y1[0], y1[1:])
        inter = np.clip(iw, 0.0, None) * np.clip(ih, 0.0, None)
        union = area[0] + area[1:] - inter
        overlap = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        survive = overlap <= iou_threshold
        x1, y1, x2, y2 = x1[1:][survive], y1[1:][survive], x2[1:][survive], y2[1:][survive]
        area, idx = area[1:][survive], idx[1:][survive]
    return np.asarray(keep, dtype=np.int64)


def soft_nms(
    boxes: ArrayLike,
    scores: ArrayLike,
    iou_threshold: float = 0.3,
    sigma: float = 0.5,
    score_threshold: float = 0.001,
    method: Literal["linear", "gaussian"] = "gaussian",
) -> tuple[IndexArray, FloatArray]:
    """Soft-NMS (Bodla et al., 2017): decay overlapping scores instead of dropping boxes.

    Repeatedly: discard remaining boxes whose *current* score is below
    ``score_threshold`` (this includes boxes that start below it), select the
    box with the highest current score (lower index first on ties), record
    it with its current score, then decay every other remaining box:

    * ``linear``: ``s *= 1 - iou`` only where ``iou > iou_threshold``;
    * ``gaussian``: ``s *= exp(-iou**2 / sigma)`` for all (``iou_threshold``
      is unused).

    Returns ``(keep, kept_scores)``: int64 indices in selection order and
    the float64 scores they had when selected.
    """
    if method not in ("linear", "gaussian"):
        raise ValueError(f"method must be 'linear' or 'gaussian', got {method!r}")
    b = _as_boxes(boxes)
    current = np.asarray(scores, dtype=np.float64).reshape(-1).copy()
    if len(b) != len(current):
        raise ValueError(f"{len(b)} boxes but {len(current)} scores")
    areas = _areas(b)
    # ``alive`` stays in input order, so argmax picks the lowest index on ties.
    alive = np.arange(len(b))
    keep: list[int] = []
    kept_scores: list[float] = []
    while True:
        alive = alive[current[alive] >= score_threshold]
        if alive.size == 0:
            break
        pos = int(np.argmax(current[alive]))
        i = int(alive[pos])
        keep.append(i)
        kept_scores.append(float(current[i]))
        alive = np.delete(alive, pos)
        overlap = _iou_one_to_many(b[i], float(areas[i]), b[alive], areas[alive])
        if method == "linear":
            decay = np.where(overlap > iou_threshold, 1.0 - overlap, 1.0)
        else:
            decay = np.exp(-(overlap**2) / sigma)
        current[alive] *= decay
    return np.asarray(keep, dtype=np.int64), np.asarray(kept_scores, dtype=np.float64)
