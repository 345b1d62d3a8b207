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


#: Candidate pairs whose IoU is computed in one vectorised step (bounds the temporaries).
_PAIR_CHUNK = 1 << 16
#: Above this many candidate pairs per box the sweep saves nothing: greedy instead.
_DENSE_PAIRS_PER_BOX = 512


def nms(boxes: ArrayLike, scores: ArrayLike, iou_threshold: float) -> IndexArray:
    """Greedy hard NMS: indices of kept boxes, highest score first (int64).

    Each step keeps the best remaining box and drops every remaining box
    whose IoU with it is ``> iou_threshold``. IoU is ``inter / union`` (a
    division, like torchvision), so a pair built to sit exactly on the
    threshold is compared exactly.

    How, for speed (issue #10: OpenCV's ``NMSBoxes`` is the yardstick): with
    a threshold ``>= 0`` only boxes that *intersect* can suppress each other
    (a disjoint pair has IoU 0). A sweep along the axis with fewer
    overlapping extents finds those candidate pairs (sort by the low edge;
    a box's candidates are the boxes whose low edge falls far enough inside
    it, found with ``searchsorted``), their IoU is computed in vectorised
    chunks, and
    the greedy pass then walks the suppression edges in score order: O(n log
    n + candidate pairs) arithmetic instead of O(n * kept). Dense inputs
    (most pairs intersect), negative or NaN thresholds and non-finite
    coordinates take the plain greedy loop (:func:`_nms_greedy`); both give
    the same indices, bit for bit the same IoU values.
    """
    b = _as_boxes(boxes)
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    if len(b) != len(s):
        raise ValueError(f"{len(b)} boxes but {len(s)} scores")
    # Stable sort on the negated score: equal scores keep input order.
    order = np.argsort(-s, kind="stable")
    ranked = b[order]
    n = len(ranked)
    if n < 2 or not iou_threshold >= 0.0 or not np.isfinite(ranked).all():
        return _nms_greedy(ranked, order, iou_threshold)
    sweep = _sweep_plan(ranked, iou_threshold, n * _DENSE_PAIRS_PER_BOX)
    if sweep is None:
        return _nms_greedy(ranked, order, iou_threshold)
    sources, targets = _suppression_edges(ranked, iou_threshold, *sweep)
    return _walk(n, sources, targets, order)


def _nms_greedy(ranked: FloatArray, order: IndexArray, iou_threshold: float) -> IndexArray:
    """The textbook greedy loop over boxes already sorted best first (``order`` maps back).

    The IoU of the kept box is computed against the survivors only, as one
    vectorised step: O(n * kept) arithmetic but only ``kept`` Python
    iterations. Survivors live in separate contiguous columns, best first;
    every iteration keeps the head and compresses the columns by one mask.
    """
    idx = order
    x1, y1, x2, y2 = (np.ascontiguousarray(ranked[:, k]) for k in range(4))
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


def _sweep_plan(ranked: FloatArray, iou_threshold: float,
                budget: int) -> tuple[IndexArray, IndexArray, IndexArray] | None:
    """``(by_low_edge, first, stop)`` on the axis with fewer candidate pairs, or None.

    Boxes are ordered by their low edge on that axis; box ``by_low_edge[i]``
    has as candidates the positions ``first[i]:stop[i]`` of that order: the
    later boxes whose low edge lies far enough inside its extent. Far
    enough: ``IoU > t`` needs the overlap along the axis to exceed ``t``
    times the box's own extent (inter <= overlap * its other extent, and
    union >= its area), so a low edge at or past ``high - t * extent`` cannot
    suppress or be suppressed. The bound is loosened by a relative 1e-6 and
    a few ulps, so rounding can only add candidates, never drop a pair the
    IoU computed in floating point would keep. None when even the better
    axis has more than ``budget`` candidate pairs.
    """
    best: tuple[int, IndexArray, IndexArray, IndexArray] | None = None
    first = np.arange(1, len(ranked) + 1)
    for low, high in ((0, 2), (1, 3)):
        by_low = np.argsort(ranked[:, low], kind="stable")
        edges = ranked[by_low, low]
        ends = ranked[by_low, high]
        slack = 8 * np.spacing(np.abs(edges) + np.abs(ends))
        reach = ends - iou_threshold * (1 - 1e-6) * (ends - edges) + slack
        stop = np.maximum(np.searchsorted(edges, reach, side="left"), first)
        pairs = int((stop - first).sum())
        if best is None or pairs < best[0]:
            best = (pairs, by_low, first, stop)
    assert best is not None
    return None if best[0] > budget else best[1:]


def _suppression_edges(ranked: FloatArray, iou_threshold: float, by_low: IndexArray,
                       first: IndexArray, stop: IndexArray) -> tuple[IndexArray, IndexArray]:
    """Rank pairs ``(better, worse)`` whose IoU is ``> iou_threshold`` (ranks = rows of ``ranked``).

    Chunks of :data:`_PAIR_CHUNK` candidates keep the temporaries in cache; the
    other axis's overlap is tested first, so the full IoU is computed only
    for pairs that intersect. IoU is symmetric bit for bit (``min``/``max``
    and one addition of the two areas), so which box of a pair plays "kept"
    does not change the value.
    """
    cols = [np.ascontiguousarray(ranked[by_low, k]) for k in range(4)]
    x1, y1, x2, y2 = cols
    area = (x2 - x1) * (y2 - y1)
    counts = stop - first
    ends = np.cumsum(counts)
    out_src: list[IndexArray] = []
    out_dst: list[IndexArray] = []
    row = 0
    while row < len(counts):
        # Rows row..last whose candidates fit in one chunk (at least one row).
        done = int(ends[row - 1]) if row else 0
        last = max(int(np.searchsorted(ends, done + _PAIR_CHUNK, side="right")), row + 1)
        size = int(ends[last - 1]) - done
        if size:
            reps = counts[row:last]
            i = np.repeat(np.arange(row, last), reps)
            j = np.arange(size) + np.repeat(first[row:last] - (ends[row:last] - reps - done), reps)
            ih = np.minimum(y2[i], y2[j]) - np.maximum(y1[i], y1[j])
            meet = ih > 0.0
            i, j, ih = i[meet], j[meet], ih[meet]
            iw = np.minimum(x2[i], x2[j]) - np.maximum(x1[i], x1[j])
            inter = np.clip(iw, 0.0, None) * ih
            union = area[i] + area[j] - inter
            overlap = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
            hit = overlap > iou_threshold
            a, c = by_low[i[hit]], by_low[j[hit]]
            out_src.append(np.minimum(a, c))
            out_dst.append(np.maximum(a, c))
        row = last
    if not out_src:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(out_src), np.concatenate(out_dst)


def _walk(n: int, sources: IndexArray, targets: IndexArray, order: IndexArray) -> IndexArray:
    """The greedy pass over the suppression edges: a box is kept unless a kept box beats it."""
    by_source = np.argsort(sources, kind="stable")
    targets = targets[by_source]
    starts = np.searchsorted(sources[by_source], np.arange(n + 1), side="left").tolist()
    suppressed = np.zeros(n, dtype=bool)
    keep: list[int] = []
    for rank in range(n):
        if not suppressed[rank]:
            keep.append(rank)
            lo, hi = starts[rank], starts[rank + 1]
            if hi > lo:
                suppressed[targets[lo:hi]] = True
    return np.asarray(order[np.asarray(keep, dtype=np.int64)], dtype=np.int64)


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
