"""Detection AP against a separately written loop, hand values and scikit-learn where they agree."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score

from dlquiz.grading.cases.detection_ap import average_precision_cases
from dlquiz.grading.reference.detection_ap import average_precision


def _box_iou(a: list[float], b: list[float]) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def naive_ap(det_boxes: np.ndarray, det_scores: np.ndarray, det_image_ids: np.ndarray,
             gt_boxes: np.ndarray, gt_image_ids: np.ndarray, iou_threshold: float = 0.5
             ) -> tuple[float, list[float], list[float]]:
    """Plain loops; AP as a sum over recall steps of the best precision at or beyond them."""
    dets = sorted(range(len(det_scores)), key=lambda k: (-det_scores[k], k))
    taken = [False] * len(gt_boxes)
    hits = []
    for d in dets:
        best, best_iou = -1, -1.0
        for g in range(len(gt_boxes)):
            if taken[g] or gt_image_ids[g] != det_image_ids[d]:
                continue
            value = _box_iou(list(det_boxes[d]), list(gt_boxes[g]))
            if value > best_iou:
                best, best_iou = g, value
        ok = best >= 0 and best_iou >= iou_threshold
        if ok:
            taken[best] = True
        hits.append(ok)
    precision, recall, tp = [], [], 0
    for k, hit in enumerate(hits):
        tp += hit
        precision.append(tp / (k + 1))
        recall.append(tp / len(gt_boxes) if len(gt_boxes) else 0.0)
    ap = 0.0
    if len(gt_boxes) and hits:
        previous = 0.0
        for k in range(len(hits)):
            if recall[k] > previous:
                ap += (recall[k] - previous) * max(precision[k:])
                previous = recall[k]
    return ap, precision, recall


def test_every_case_matches_naive_loop() -> None:
    for case in average_precision_cases(np.random.default_rng(0)):
        ap, precision, recall = average_precision(**case.args)
        want_ap, want_p, want_r = naive_ap(**case.args)
        assert ap == pytest.approx(want_ap, rel=1e-12, abs=1e-15), case.name
        np.testing.assert_allclose(precision, want_p, rtol=1e-12, err_msg=case.name)
        np.testing.assert_allclose(recall, want_r, rtol=1e-12, err_msg=case.name)


def _case(name: str) -> dict[str, object]:
    cases = average_precision_cases(np.random.default_rng(0))
    return next(c.args for c in cases if c.name.startswith(name))


@pytest.mark.parametrize(("name", "ap"), [
    ("no detections", 0.0), ("no ground truth", 0.0), ("all false positives", 0.0),
    ("duplicate detections", 1.0), ("IoU exactly at the threshold", 1.0),
    ("same box in another image", 0.5), ("missed object", 0.5),
    ("false positive ranked first", 2 / 3),     # p = 0, 1/2, 2/3; envelope 2/3 at both steps
    ("tied scores keep input order", 0.5), ("a detection takes the best *unmatched*", 1.0),
])
def test_hand_computed_edge_values(name: str, ap: float) -> None:
    assert average_precision(**_case(name))[0] == pytest.approx(ap, abs=1e-15)


def test_duplicate_detection_is_a_false_positive_in_the_curves() -> None:
    _, precision, recall = average_precision(**_case("duplicate detections"))
    np.testing.assert_allclose(precision, [1.0, 0.5, 1 / 3])
    np.testing.assert_allclose(recall, [1.0, 1.0, 1.0])


def _one_to_one_scene(labels: list[bool]) -> dict[str, object]:
    """Detections ranked by score; TP k is an exact copy of GT k, each FP is far away."""
    det, gt, scores = [], [], []
    for rank, positive in enumerate(labels):
        box = [rank * 20.0, 0.0, rank * 20.0 + 10.0, 10.0]
        det.append(box if positive else [box[0], 100.0, box[2], 110.0])
        if positive:
            gt.append(box)
        scores.append(1.0 - rank / (len(labels) + 1))
    return {"det_boxes": np.array(det), "det_scores": np.array(scores),
            "det_image_ids": np.zeros(len(det), int), "gt_boxes": np.array(gt).reshape(-1, 4),
            "gt_image_ids": np.zeros(len(gt), int)}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=15).filter(any))
def test_agrees_with_sklearn_when_precision_never_rises(labels: list[bool]) -> None:
    """sklearn's AP is the step sum without the envelope: equal iff precision at TPs never rises."""
    scene = _one_to_one_scene(labels)
    ap, precision, _ = average_precision(**scene)
    sk = average_precision_score(np.array(labels, int), np.asarray(scene["det_scores"]))
    at_tp = precision[np.array(labels)]
    if np.all(np.diff(at_tp) <= 1e-15):
        assert ap == pytest.approx(sk, rel=1e-12)
    else:
        assert ap > sk                    # the envelope only ever raises the curve


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_ap_is_in_unit_interval_and_recall_is_monotone(seed: int) -> None:
    args = average_precision_cases(np.random.default_rng(seed))[-1].args
    ap, precision, recall = average_precision(**args)
    assert 0.0 <= ap <= 1.0
    assert np.all(np.diff(recall) >= 0) and np.all((precision >= 0) & (precision <= 1))
    assert ap == pytest.approx(naive_ap(**args)[0], rel=1e-12, abs=1e-15)
