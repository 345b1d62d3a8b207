"""COCO mAP against pycocotools itself; VOC AP against a loop and scikit-learn.

pycocotools is a test-only dependency (the exercise forbids it). Every case of
the exercise (except "no ground truth", where pycocotools has no categories to
build) and many seeded random scenes are evaluated by ``COCOeval`` with
``iouType='bbox'``, ``maxDets=[max_dets]``, and the stored
``precision`` array is averaged exactly as ``summarize()`` does for AP.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
from sklearn.metrics import average_precision_score

from dlquiz.grading.cases.coco import coco_map_cases, random_scene
from dlquiz.grading.reference.coco import coco_map, voc_ap


def _xywh(b: np.ndarray) -> list[float]:
    return [float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])]


def pycoco_map(det_boxes: np.ndarray, det_scores: np.ndarray, det_labels: np.ndarray,
               det_image_ids: np.ndarray, gt_boxes: np.ndarray, gt_labels: np.ndarray,
               gt_image_ids: np.ndarray, max_dets: int = 100) -> tuple[float, np.ndarray]:
    images = sorted({int(i) for i in np.concatenate([det_image_ids, gt_image_ids])})
    cats = sorted({int(c) for c in gt_labels})
    gt = COCO()
    gt.dataset = {
        "images": [{"id": i} for i in images],
        "categories": [{"id": c} for c in cats],
        "annotations": [{"id": k + 1, "image_id": int(i), "category_id": int(c), "bbox": _xywh(b),
                         "area": float((b[2] - b[0]) * (b[3] - b[1])), "iscrowd": 0}
                        for k, (b, c, i) in enumerate(zip(gt_boxes, gt_labels, gt_image_ids))],
    }
    with contextlib.redirect_stdout(io.StringIO()):
        gt.createIndex()
        results = [{"image_id": int(i), "category_id": int(c), "bbox": _xywh(b), "score": float(s)}
                   for b, s, c, i in zip(det_boxes, det_scores, det_labels, det_image_ids)]
        dt = gt.loadRes(results) if results else COCO()
        if not results:
            dt.dataset = {"images": gt.dataset["images"], "categories": gt.dataset["categories"],
                          "annotations": []}
            dt.createIndex()
        ev = COCOeval(gt, dt, iouType="bbox")
        ev.params.maxDets = [max_dets]                        # evaluate() sorts this list
        ev.evaluate()
        ev.accumulate()
    precision = ev.eval["precision"][:, :, :, 0, 0]          # (T, R, K) at area "all", max_dets
    per_t = np.array([p[p > -1].mean() if np.any(p > -1) else -1.0 for p in precision])
    valid = precision[precision > -1]
    return (float(valid.mean()) if valid.size else -1.0), per_t


def _compare(args: dict) -> None:
    ours = coco_map(**args)
    want = pycoco_map(**args)
    assert ours[0] == pytest.approx(want[0], rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(ours[1], want[1], rtol=1e-12, atol=1e-12)


def test_every_exercise_case_matches_pycocotools() -> None:
    cases = [c for c in coco_map_cases(np.random.default_rng(0)) if len(c.args["gt_labels"])]
    assert len(cases) >= 20
    for case in cases:
        _compare(dict(case.args))


@pytest.mark.parametrize("seed", range(12))
def test_random_scenes_match_pycocotools(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    args = random_scene(rng, int(rng.integers(1, 8)), int(rng.integers(1, 5)), int(rng.integers(1, 12)),
                        fp_rate=float(rng.uniform(0, 1.5)))
    args["det_scores"] = np.round(args["det_scores"], 1)               # many score ties
    _compare({**args, "max_dets": int(rng.choice([1, 3, 100]))})


def test_no_ground_truth_is_minus_one() -> None:
    value, per_t = coco_map([[0, 0, 1, 1]], [0.5], [1], [0], np.zeros((0, 4)), [], [])
    assert value == -1.0 and np.all(per_t == -1.0)


def test_hand_example() -> None:
    value, per_t = coco_map([[0, 0, 10, 10], [0, 0, 10, 6], [50, 50, 60, 60]], [0.9, 0.8, 0.7], [1, 1, 1],
                            [0, 0, 0], [[0, 0, 10, 10], [0, 0, 10, 7]], [1, 1], [0, 0])
    # IoU of the second detection 6/7 < 0.9: at t = 0.9, 0.95 recall stops at 1/2 (51 of 101 points).
    np.testing.assert_allclose(per_t, [1.0] * 8 + [51 / 101] * 2)
    assert value == pytest.approx((8 + 2 * 51 / 101) / 10)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_map_invariant_to_input_order_with_distinct_scores(seed: int) -> None:
    rng = np.random.default_rng(seed)
    args = random_scene(rng, 3, 2, 5)
    args["det_scores"] = rng.permutation(len(args["det_scores"])) / max(len(args["det_scores"]), 1)
    perm = rng.permutation(len(args["det_scores"]))
    shuffled = {**args, **{k: args[k][perm] for k in ("det_boxes", "det_scores", "det_labels", "det_image_ids")}}
    np.testing.assert_allclose(coco_map(**shuffled)[1], coco_map(**args)[1], rtol=1e-12)
    perfect = coco_map(args["gt_boxes"], np.ones(len(args["gt_boxes"])), args["gt_labels"], args["gt_image_ids"],
                       args["gt_boxes"], args["gt_labels"], args["gt_image_ids"])
    assert perfect[0] == pytest.approx(1.0)


# ------------------------------------------------------------------ VOC AP of a ranked list
def loop_voc_ap(hits: list[int], n_gt: int, method: str) -> float:
    """VOC devkit's two integrations, written out with explicit loops."""
    tp = fp = 0
    prec, rec = [], []
    for h in hits:
        tp, fp = tp + h, fp + (1 - h)
        prec.append(tp / (tp + fp))
        rec.append(tp / n_gt)
    if method == "11-point":
        total = 0.0
        for k in range(11):
            r = k / 10
            above = [p for p, q in zip(prec, rec) if q >= r - 1e-12]
            total += max(above) if above else 0.0
        return total / 11
    mrec, mpre = [0.0, *rec, 1.0], [0.0, *prec, 0.0]
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    return sum((mrec[i + 1] - mrec[i]) * mpre[i + 1] for i in range(len(mrec) - 1))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 1), min_size=1, max_size=15), st.integers(0, 5),
       st.sampled_from(["all-point", "11-point"]))
def test_voc_ap_matches_loop(hits: list[int], missed: int, method: str) -> None:
    n_gt = sum(hits) + missed
    if n_gt == 0:
        assert voc_ap(hits, n_gt, method) == 0.0
        return
    assert voc_ap(hits, n_gt, method) == pytest.approx(loop_voc_ap(hits, n_gt, method), abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 1), min_size=2, max_size=15))
def test_voc_all_point_equals_sklearn_when_semantics_agree(hits: list[int]) -> None:
    # sklearn's AP is the non-interpolated sum Σ (R_n − R_{n−1})·P_n over a ranking of *all*
    # positives. The VOC envelope agrees with it when every ground truth is retrieved
    # (no misses) and precision never rises again after a TP, i.e. all TPs come first.
    ordered = sorted(hits, reverse=True)
    if sum(ordered) == 0:
        return
    scores = np.linspace(1.0, 0.0, len(ordered), endpoint=False)
    want = average_precision_score(ordered, scores)
    assert voc_ap(ordered, sum(ordered)) == pytest.approx(want, abs=1e-12)
    # On an arbitrary ranking the envelope can only raise the value (it takes max precision).
    scores = np.linspace(1.0, 0.0, len(hits), endpoint=False)
    if sum(hits):
        assert voc_ap(hits, sum(hits)) >= average_precision_score(hits, scores) - 1e-12


def test_pycocotools_caps_max_dets_per_image_and_category() -> None:
    # The claim on card map-maxdets-per-category: two classes, two perfect detections each,
    # max_dets = 2. A per-image cap (top 2 of 4 boxes) would lose a class; per category keeps all.
    gts = np.array([[0, 0, 10, 10], [20, 20, 30, 30], [40, 40, 50, 50], [60, 60, 70, 70]], float)
    labels = np.array([1, 1, 2, 2])
    args = {"det_boxes": gts, "det_scores": np.array([0.9, 0.8, 0.7, 0.6]), "det_labels": labels,
            "det_image_ids": np.zeros(4, int), "gt_boxes": gts, "gt_labels": labels,
            "gt_image_ids": np.zeros(4, int), "max_dets": 2}
    assert pycoco_map(**args)[0] == pytest.approx(1.0)
    assert coco_map(**args)[0] == pytest.approx(1.0)
