"""Average precision of one class of detections (PASCAL VOC 2010+ all-point AP).

Inputs: detections ``det_boxes (N, 4)``, ``det_scores (N,)``,
``det_image_ids (N,)`` and ground truths ``gt_boxes (G, 4)``,
``gt_image_ids (G,)``. Boxes are ``(x1, y1, x2, y2)``, area
``(x2 − x1)·(y2 − y1)`` with no +1 (the project-wide IoU convention).

Matching (greedy, by descending score):

* detections are visited in order of decreasing score; equal scores keep
  their input order (a *stable* sort);
* a detection is matched to the **still unmatched** ground truth of the
  **same image** with the highest IoU (lowest index among equal IoUs); it is
  a true positive when that IoU is **≥** ``iou_threshold`` (COCO's rule; the
  VOC devkit writes ``>``, which only differs at exact equality) and the
  ground truth is then used up; otherwise it is a false positive — so a
  second detection of an already matched object is a false positive.

Curves, after the k-th detection in that order: ``precision[k] = TP / (k+1)``
and ``recall[k] = TP / G`` (all zeros when G = 0).

AP is the area under the precision *envelope* (all-point interpolation):
``AP = Σ_k (recall[k] − recall[k−1]) · max_{j ≥ k} precision[j]`` with
``recall[−1] = 0``. With no ground truth or no detection, AP is 0.0.
``average_precision`` returns ``(ap, precision, recall)``; graded with rtol
1e-9, atol 1e-12.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dlquiz.grading.reference.detection import iou

F64 = npt.NDArray[np.float64]


def match_detections(
    det_boxes: npt.ArrayLike,
    det_scores: npt.ArrayLike,
    det_image_ids: npt.ArrayLike,
    gt_boxes: npt.ArrayLike,
    gt_image_ids: npt.ArrayLike,
    iou_threshold: float = 0.5,
) -> npt.NDArray[np.bool_]:
    """True-positive flags of the detections, in descending-score (stable) order."""
    boxes = np.asarray(det_boxes, dtype=np.float64).reshape(-1, 4)
    scores = np.asarray(det_scores, dtype=np.float64).reshape(-1)
    images = np.asarray(det_image_ids).reshape(-1)
    gts = np.asarray(gt_boxes, dtype=np.float64).reshape(-1, 4)
    gt_images = np.asarray(gt_image_ids).reshape(-1)
    order = np.argsort(-scores, kind="stable")
    used = np.zeros(len(gts), dtype=bool)
    tp = np.zeros(len(order), dtype=bool)
    for rank, d in enumerate(order):
        candidates = np.flatnonzero((gt_images == images[d]) & ~used)
        if candidates.size == 0:
            continue
        overlaps = iou(boxes[d][None, :], gts[candidates])[0]  # the graded IoU reference
        best = int(np.argmax(overlaps))
        if overlaps[best] >= iou_threshold:
            tp[rank] = True
            used[candidates[best]] = True
    return tp


def average_precision(
    det_boxes: npt.ArrayLike,
    det_scores: npt.ArrayLike,
    det_image_ids: npt.ArrayLike,
    gt_boxes: npt.ArrayLike,
    gt_image_ids: npt.ArrayLike,
    iou_threshold: float = 0.5,
) -> tuple[float, F64, F64]:
    """``(ap, precision, recall)`` for one class (see module docstring)."""
    tp = match_detections(det_boxes, det_scores, det_image_ids, gt_boxes, gt_image_ids,
                          iou_threshold)
    n_gt = len(np.asarray(gt_image_ids).reshape(-1))
    cum_tp = np.cumsum(tp, dtype=np.float64)
    precision = cum_tp / np.arange(1, len(tp) + 1, dtype=np.float64)
    recall = cum_tp / max(n_gt, 1)
    if n_gt == 0 or len(tp) == 0:
        return 0.0, precision, recall
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    steps = np.diff(recall, prepend=0.0)
    return float(np.sum(steps * envelope)), precision, recall
