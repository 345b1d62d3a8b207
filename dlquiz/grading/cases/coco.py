"""Cases for ``coco_map`` (pycocotools bbox semantics, no crowd, area "all").

Edge cases pin each clause of the prompt: IoU exactly at a threshold
(``>=``), the 101-point interpolation (a perfect detector with a trailing
false positive keeps AP 1), duplicates, per-image matching, a category
without ground truth (left out of the mean), a category without detections
(AP 0, kept in the mean), score ties across images, equal-IoU ties between
ground truths (the later one wins), ``max_dets`` and no ground truth at all.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dlquiz.grading.case import Case
from dlquiz.grading.cases.detection import random_boxes


def _b(rows: Sequence[Sequence[float]]) -> np.ndarray:
    return np.asarray(rows, dtype=np.float64).reshape(-1, 4)


def _i(values: Sequence[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def _case(name: str, det: Sequence[Sequence[float]], scores: Sequence[float], dlab: Sequence[int],
          dimg: Sequence[int], gt: Sequence[Sequence[float]], glab: Sequence[int], gimg: Sequence[int],
          **extra: int) -> Case:
    args = {"det_boxes": _b(det), "det_scores": np.asarray(scores, dtype=np.float64),
            "det_labels": _i(dlab), "det_image_ids": _i(dimg), "gt_boxes": _b(gt),
            "gt_labels": _i(glab), "gt_image_ids": _i(gimg), **extra}
    return Case(name, args, "edge")


def random_scene(rng: np.random.Generator, n_images: int, n_classes: int, gt_per_image: int,
                 fp_rate: float = 0.5) -> dict[str, np.ndarray]:
    """Jittered copies of the ground truths (TPs at various IoUs) plus random false positives."""
    gts, glab, gimg, dets, dlab, dimg = [], [], [], [], [], []
    for img in range(n_images):
        boxes = random_boxes(rng, gt_per_image, extent=200.0)
        labels = rng.integers(0, n_classes, size=gt_per_image)
        gts.append(boxes); glab.append(labels); gimg.append(np.full(gt_per_image, img))
        seen = rng.random(gt_per_image) < 0.85
        wh = boxes[:, 2:] - boxes[:, :2]
        jitter = rng.normal(0, 0.08, size=(gt_per_image, 4)) * np.concatenate([wh, wh], axis=1)
        dets.append((boxes + jitter)[seen]); dlab.append(labels[seen]); dimg.append(np.full(seen.sum(), img))
        n_fp = rng.poisson(fp_rate * gt_per_image)
        dets.append(random_boxes(rng, n_fp, extent=200.0)); dlab.append(rng.integers(0, n_classes, n_fp))
        dimg.append(np.full(n_fp, img))
    det = np.concatenate(dets).reshape(-1, 4)
    det = np.concatenate([np.minimum(det[:, :2], det[:, 2:]), np.maximum(det[:, :2], det[:, 2:])], axis=1)
    return {"det_boxes": det, "det_scores": np.round(rng.random(len(det)), 3),
            "det_labels": np.concatenate(dlab).astype(np.int64),
            "det_image_ids": np.concatenate(dimg).astype(np.int64),
            "gt_boxes": np.concatenate(gts), "gt_labels": np.concatenate(glab).astype(np.int64),
            "gt_image_ids": np.concatenate(gimg).astype(np.int64)}


def coco_map_cases(rng: np.random.Generator) -> list[Case]:
    """Named clauses first, then random multi-image, multi-class scenes and a perf scene."""
    g = [[0, 0, 10, 10]]
    cases = [
        _case("one perfect detection: mAP 1", g, [0.9], [1], [0], g, [1], [0]),
        _case("IoU 0.75 exactly counts at t = 0.75 (>=)", [[0, 0, 10, 7.5]], [0.9], [1], [0], g, [1], [0]),
        _case("IoU 0.6: matched at 0.50-0.60 only", [[0, 0, 10, 6]], [0.9], [1], [0], g, [1], [0]),
        _case("trailing false positive: the envelope keeps AP 1",
              [[0, 0, 10, 10], [50, 50, 60, 60]], [0.9, 0.1], [1, 1], [0, 0], g, [1], [0]),
        _case("false positive ranked first", [[50, 50, 60, 60], [0, 0, 10, 10]], [0.9, 0.1], [1, 1], [0, 0],
              g, [1], [0]),
        _case("duplicate detection is a false positive", [[0, 0, 10, 10], [0, 0, 10, 9.5]], [0.9, 0.8],
              [1, 1], [0, 0], [[0, 0, 10, 10], [40, 40, 50, 50]], [1, 1], [0, 0]),
        _case("matching is per image", [[0, 0, 10, 10], [0, 0, 10, 10]], [0.9, 0.8], [1, 1], [0, 1],
              [[0, 0, 10, 10], [30, 30, 40, 40]], [1, 1], [0, 1]),
        _case("matching is per category", [[0, 0, 10, 10]], [0.9], [2], [0], g, [1], [0]),
        _case("category with detections but no ground truth is ignored",
              [[0, 0, 10, 10], [20, 20, 30, 30]], [0.9, 0.95], [1, 7], [0, 0], g, [1], [0]),
        _case("category with ground truth but no detection: AP 0 in the mean",
              [[0, 0, 10, 10]], [0.9], [1], [0], [[0, 0, 10, 10], [20, 20, 30, 30]], [1, 2], [0, 0]),
        _case("highest IoU wins, not the first ground truth above t",
              [[0, 0, 10, 10], [0, 0, 10, 6.5]], [0.9, 0.8], [1, 1], [0, 0],
              [[0, 0, 10, 7], [0, 0, 10, 9.5], [40, 40, 50, 50]], [1, 1, 1], [0, 0, 0]),
        _case("equal IoU with two ground truths: the later one is taken",
              [[0, 0, 10, 10], [-2, 0, 8, 10]], [0.9, 0.8], [1, 1], [0, 0],
              [[-2, 0, 8, 10], [2, 0, 12, 10]], [1, 1], [0, 0]),
        _case("score ties across images: image-id order",
              [[0, 0, 10, 10], [50, 50, 60, 60]], [0.5, 0.5], [1, 1], [4, 3],
              [[0, 0, 10, 10], [0, 0, 10, 10]], [1, 1], [4, 3]),
        _case("score ties within an image: input order",
              [[50, 50, 60, 60], [0, 0, 10, 10], [20, 20, 30, 30]], [0.5, 0.5, 0.5], [1, 1, 1], [0, 0, 0],
              [[0, 0, 10, 10], [20, 20, 30, 30]], [1, 1], [0, 0]),
        _case("no detections: mAP 0", [], [], [], [], g, [1], [0]),
        _case("no ground truth at all: -1", [[0, 0, 10, 10]], [0.9], [1], [0], [], [], []),
        _case("max_dets = 2 cuts per image and category, by score",
              [[50, 50, 60, 60], [70, 70, 80, 80], [0, 0, 10, 10]], [0.9, 0.8, 0.7], [1, 1, 1], [0, 0, 0],
              g, [1], [0], max_dets=2),
        _case("max_dets = 1 keeps one per image",
              [[0, 0, 10, 10], [30, 30, 40, 40], [0, 0, 10, 10]], [0.9, 0.8, 0.7], [1, 1, 1], [0, 0, 1],
              [[0, 0, 10, 10], [30, 30, 40, 40], [0, 0, 10, 10]], [1, 1, 1], [0, 0, 1], max_dets=1),
    ]
    for i, (imgs, classes, per) in enumerate([(2, 1, 3), (5, 3, 4), (10, 4, 6), (20, 5, 8)]):
        cases.append(Case(f"random {imgs} images {classes} classes #{i}",
                          random_scene(rng, imgs, classes, per)))
    cases.append(Case("random crowded image (150 detections, max_dets 100)",
                      {**random_scene(rng, 1, 1, 100, fp_rate=0.6), "max_dets": 100}))
    cases.append(Case("perf 200 images 10 classes", random_scene(rng, 200, 10, 10), "perf"))
    return cases
