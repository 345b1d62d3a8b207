"""Reference COCO box mAP@[.5:.95] (pycocotools ``COCOeval`` semantics) and VOC AP.

``coco_map`` reproduces ``COCOeval(iouType='bbox')`` for area range "all" and
one ``maxDets`` value, without crowd annotations (every ground truth counts):

* Categories are the distinct ground-truth labels; one without ground truth
  is left out of the mean (pycocotools' precision −1), detections of such a
  label are ignored. No ground truth at all gives ``(-1.0, [-1.0] * 10)``.
* Per (image, category): detections sorted by score, descending, stable
  (``kind='mergesort'``), only the first ``max_dets`` kept.
* Matching at each threshold t of 0.50, 0.55, …, 0.95: each detection, in
  that order, takes the still unmatched ground truth with the largest IoU
  ``≥ t``; on equal IoU the **later** ground truth wins (pycocotools replaces
  its candidate while ``iou >= best``). Unmatched detections are FPs.
* Per category the kept detections of all images are merged in image-id
  order and stably re-sorted by score; cumulative ``tp``, ``fp`` give
  ``recall = tp/G``, ``precision = tp/(tp + fp)``; precision is made
  non-increasing from the right and read at the 101 recall points
  0, 0.01, …, 1 with ``searchsorted(recall, r, side='left')`` (0 past the end).
  AP = mean of those 101 values; mAP = mean over thresholds and categories.

IoU uses width ``x2 − x1`` (no +1), as pycocotools' ``x, y, w, h`` boxes do.

``voc_ap`` is the VOC area under a ranked list's precision/recall curve.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlquiz.grading.reference.detection import iou

FloatArray = NDArray[np.float64]

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
RECALL_POINTS = np.linspace(0.0, 1.0, 101)


def _match_image(det: FloatArray, gt: FloatArray) -> NDArray[np.bool_]:
    """(T, D) true-positive flags of score-sorted detections against one image's GTs."""
    hits = np.zeros((len(IOU_THRESHOLDS), len(det)), dtype=bool)
    if len(det) == 0 or len(gt) == 0:
        return hits
    overlaps = iou(det, gt)
    for t, thr in enumerate(IOU_THRESHOLDS):
        used = np.zeros(len(gt), dtype=bool)
        for d in range(len(det)):
            best, best_iou = -1, min(float(thr), 1 - 1e-10)
            for g in range(len(gt)):
                if not used[g] and overlaps[d, g] >= best_iou:
                    best, best_iou = g, float(overlaps[d, g])
            if best >= 0:
                used[best] = True
                hits[t, d] = True
    return hits


def _interpolated_precision(hits: NDArray[np.bool_], n_gt: int) -> FloatArray:
    """The 101-point precision of one ranked TP/FP list (COCOeval.accumulate)."""
    tp = np.cumsum(hits).astype(np.float64)
    fp = np.cumsum(~hits).astype(np.float64)
    recall = tp / n_gt
    precision = tp / (tp + fp + np.spacing(1))
    envelope = np.maximum.accumulate(precision[::-1])[::-1] if len(precision) else precision
    idx = np.searchsorted(recall, RECALL_POINTS, side="left")
    out = np.zeros(len(RECALL_POINTS))
    ok = idx < len(envelope)
    out[ok] = envelope[idx[ok]]
    return out


def coco_map(det_boxes: ArrayLike, det_scores: ArrayLike, det_labels: ArrayLike,
             det_image_ids: ArrayLike, gt_boxes: ArrayLike, gt_labels: ArrayLike,
             gt_image_ids: ArrayLike, max_dets: int = 100) -> tuple[float, FloatArray]:
    """``(mAP@[.5:.95], AP per IoU threshold averaged over categories (10,))``."""
    boxes = np.asarray(det_boxes, dtype=np.float64).reshape(-1, 4)
    scores = np.asarray(det_scores, dtype=np.float64).reshape(-1)
    labels = np.asarray(det_labels).reshape(-1)
    images = np.asarray(det_image_ids).reshape(-1)
    gts = np.asarray(gt_boxes, dtype=np.float64).reshape(-1, 4)
    gt_lab = np.asarray(gt_labels).reshape(-1)
    gt_img = np.asarray(gt_image_ids).reshape(-1)
    categories = np.unique(gt_lab)
    if len(categories) == 0:
        return -1.0, np.full(len(IOU_THRESHOLDS), -1.0)
    per_cat = np.zeros((len(IOU_THRESHOLDS), len(categories)))
    for k, cat in enumerate(categories):
        all_scores: list[FloatArray] = []
        all_hits: list[NDArray[np.bool_]] = []
        for img in np.unique(np.concatenate([images[labels == cat], gt_img[gt_lab == cat]])):
            d_idx = np.flatnonzero((images == img) & (labels == cat))
            d_idx = d_idx[np.argsort(-scores[d_idx], kind="mergesort")][:max_dets]
            g_idx = np.flatnonzero((gt_img == img) & (gt_lab == cat))
            all_scores.append(scores[d_idx])
            all_hits.append(_match_image(boxes[d_idx], gts[g_idx]))
        merged = np.concatenate(all_scores)
        order = np.argsort(-merged, kind="mergesort")
        hits = np.concatenate(all_hits, axis=1)[:, order]
        n_gt = int(np.sum(gt_lab == cat))
        for t in range(len(IOU_THRESHOLDS)):
            per_cat[t, k] = _interpolated_precision(hits[t], n_gt).mean()
    per_threshold: FloatArray = per_cat.mean(axis=1)
    return float(per_cat.mean()), per_threshold


def voc_ap(hits: ArrayLike, n_gt: int, method: Literal["all-point", "11-point"] = "all-point"
           ) -> float:
    """VOC AP of a ranked list of TP (1) / FP (0) flags with ``n_gt`` ground truths.

    ``all-point`` (VOC 2010+): Σ (r_k − r_{k−1})·max_{j≥k} p_j.
    ``11-point`` (VOC 2007): mean over r in {0, 0.1, …, 1} of max{p_j : r_j ≥ r} (0 if none).
    """
    flags = np.asarray(hits, dtype=np.float64).reshape(-1)
    if len(flags) == 0 or n_gt <= 0:
        return 0.0
    tp = np.cumsum(flags)
    precision = tp / np.arange(1, len(flags) + 1)
    recall = tp / n_gt
    if method == "11-point":
        points = [precision[recall >= r - 1e-12].max() if np.any(recall >= r - 1e-12) else 0.0
                  for r in np.linspace(0.0, 1.0, 11)]
        return float(np.mean(points))
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(np.diff(recall, prepend=0.0) * envelope))
