"""Cases for ``average_precision`` (one class, several images)."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def _args(det: list[list[float]], scores: list[float], det_img: list[int],
          gt: list[list[float]], gt_img: list[int], thr: float = 0.5) -> dict[str, object]:
    return {
        "det_boxes": np.array(det, dtype=np.float64).reshape(-1, 4),
        "det_scores": np.array(scores, dtype=np.float64),
        "det_image_ids": np.array(det_img, dtype=np.int64),
        "gt_boxes": np.array(gt, dtype=np.float64).reshape(-1, 4),
        "gt_image_ids": np.array(gt_img, dtype=np.int64),
        "iou_threshold": thr,
    }


def _random_scene(rng: np.random.Generator, images: int, per_image: int, thr: float
                  ) -> dict[str, object]:
    """GT boxes per image; detections = jittered hits, duplicates, misses and clutter."""
    gt, gt_img, det, scores, det_img = [], [], [], [], []
    for img in range(images):
        for _ in range(int(rng.integers(0, per_image + 1))):
            x, y = rng.uniform(0, 80, size=2)
            w, h = rng.uniform(8, 40, size=2)
            box = [x, y, x + w, y + h]
            gt.append(box)
            gt_img.append(img)
            for _ in range(int(rng.choice([0, 1, 1, 1, 2]))):     # 0 = missed, 2 = duplicate
                jitter = rng.normal(scale=0.12 * min(w, h), size=4)
                det.append(list(np.array(box) + jitter))
                scores.append(float(rng.uniform(0.3, 1.0)))
                det_img.append(img)
        for _ in range(int(rng.integers(0, per_image))):            # clutter
            x, y = rng.uniform(0, 90, size=2)
            det.append([x, y, x + rng.uniform(5, 30), y + rng.uniform(5, 30)])
            scores.append(float(rng.uniform(0.0, 0.8)))
            det_img.append(img)
    return _args(det, scores, det_img, gt, gt_img, thr)


def average_precision_cases(rng: np.random.Generator) -> list[Case]:
    """Empty inputs, all FPs, duplicates, IoU at the threshold, ties, images; then random."""
    unit = [0.0, 0.0, 10.0, 10.0]
    cases = [
        Case("no detections", _args([], [], [], [unit], [0]), "edge"),
        Case("no ground truth: every detection is a false positive",
             _args([unit, [5, 5, 9, 9]], [0.9, 0.4], [0, 0], [], []), "edge"),
        Case("all false positives (no overlap)",
             _args([[20, 20, 30, 30], [40, 0, 50, 10]], [0.8, 0.7], [0, 0], [unit], [0]), "edge"),
        Case("duplicate detections of one object: only the first counts",
             _args([unit, [0, 0, 10, 9], [0, 1, 10, 10]], [0.9, 0.8, 0.7], [0, 0, 0],
                   [unit], [0]), "edge"),
        Case("IoU exactly at the threshold counts (>=)",
             _args([[0, 0, 1, 1]], [0.5], [0], [[0, 0, 2, 1]], [0], 0.5), "edge"),
        Case("same box in another image is a false positive",
             _args([unit, unit], [0.9, 0.8], [1, 0], [unit], [0]), "edge"),
        Case("missed object: recall stops below 1",
             _args([unit], [0.9], [0], [unit, [50, 50, 60, 60]], [0, 0]), "edge"),
        Case("false positive ranked first (envelope lifts the curve)",
             _args([[30, 30, 40, 40], unit, [50, 50, 60, 60]], [0.95, 0.9, 0.8], [0, 0, 0],
                   [unit, [50, 50, 60, 60]], [0, 0]), "edge"),
        Case("tied scores keep input order (stable sort)",
             _args([[30, 30, 40, 40], unit], [0.5, 0.5], [0, 0], [unit], [0]), "edge"),
        Case("a detection takes the best *unmatched* ground truth",
             _args([[0, 0, 10, 10], [1, 0, 11, 10]], [0.9, 0.8], [0, 0],
                   [[0, 0, 10, 10], [2, 0, 12, 10]], [0, 0]), "edge"),
        # The first detection overlaps both ground truths with IoU 2/3 exactly; it takes
        # gt 0, so the second detection (a copy of gt 0) only finds gt 1 (IoU 3/7): FP.
        Case("equal IoU: the lowest ground-truth index is taken",
             _args([unit, [2, 0, 12, 10]], [0.9, 0.8], [0, 0],
                   [[2, 0, 12, 10], [-2, 0, 8, 10]], [0, 0]), "edge"),
        Case("iou_threshold 0.75", _args([[0, 0, 10, 8], [20, 20, 30, 30]], [0.9, 0.6], [0, 0],
                                         [unit, [20, 20, 30, 31]], [0, 0], 0.75), "edge"),
    ]
    for i, (images, per_image, thr) in enumerate([(1, 4, 0.5), (3, 5, 0.5), (6, 6, 0.5),
                                                  (10, 8, 0.7)]):
        cases.append(Case(f"random {images} images, up to {per_image} objects each, "
                          f"IoU {thr} #{i}", _random_scene(rng, images, per_image, thr)))
    return cases
