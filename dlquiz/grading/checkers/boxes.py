"""Checkers for detection outputs: greedy NMS and soft-NMS, replayed along the learner's ties.

Conventions shared with the references: boxes are ``(x1, y1, x2, y2)``, area
``(x2 - x1) * (y2 - y1)`` with no +1, IoU of a zero-area union is 0, and NMS
suppresses a box when its IoU with a kept box is strictly greater than the
threshold (torchvision). When scores tie, greedy NMS may take either box
first; the NMS checkers accept any order a tie allows by replaying greedy NMS
along the learner's own choices.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from dlquiz.grading.case import Case
from dlquiz.grading.checkers.arrays import check_exact
from dlquiz.grading.checkers.base import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    CheckResult,
    Checker,
    as_array,
    describe,
    real_kind_problem,
    shape_text,
    summarize,
)

#: Relative slack within which two soft-NMS scores count as tied.
TIE_RTOL = 1e-9


def pairwise_iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one (x1, y1, x2, y2) box with each row of ``boxes``; empty union -> 0."""
    ix = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    iy = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    inter = ix * iy
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def _indices(got: Any, what: str) -> np.ndarray | CheckResult:
    g = as_array(got)
    if g is None:
        return CheckResult(False, f"expected {what} as an int64 array, got {describe(got)}")
    if g.ndim != 1:
        return CheckResult(False, f"expected {what} of shape (k,), got {shape_text(g)}")
    if g.size and g.dtype.kind not in "iu":
        return CheckResult(False, f"expected {what} as integers (int64), got {g.dtype} values")
    return g.astype(np.int64)


def check_nms(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """Any result greedy NMS can produce under some order of tied scores."""
    if "boxes" not in case.args or "scores" not in case.args:
        return check_exact(options, expected, got, case)
    boxes = np.asarray(case.args["boxes"], dtype=np.float64).reshape(-1, 4)
    scores = np.asarray(case.args["scores"], dtype=np.float64)
    threshold = float(case.args.get("iou_threshold", options.get("iou_threshold", 0.5)))
    keep = _indices(got, "the kept indices")
    if isinstance(keep, CheckResult):
        return keep
    if _same_indices(expected, keep):
        return CheckResult(True)  # the reference's own tie order: no replay needed
    alive = np.ones(len(scores), dtype=bool)
    for step, index in enumerate(keep.tolist()):
        problem = _greedy_step_problem(step, index, alive, scores, exact=True)
        if problem:
            return CheckResult(False, problem + f" (expected e.g. {summarize(expected)})")
        alive[index] = False
        alive &= ~(pairwise_iou(boxes[index], boxes) > threshold)
    if alive.any():
        nxt = int(np.flatnonzero(alive)[np.argmax(scores[alive])])
        return CheckResult(False, f"you kept {len(keep)} boxes but greedy NMS keeps more: "
                                  f"box {nxt} (score {summarize(scores[nxt])}) is not suppressed "
                                  f"by any kept box (expected e.g. {summarize(expected)})")
    return CheckResult(True)


def _same_indices(expected: Any, keep: np.ndarray) -> bool:
    e = as_array(expected)
    return e is not None and e.shape == keep.shape and bool(np.array_equal(e, keep))


def _greedy_step_problem(step: int, index: int, alive: np.ndarray, scores: np.ndarray,
                         *, exact: bool) -> str:
    """Why ``index`` cannot be the greedy pick at ``step`` ("" when it can)."""
    if not 0 <= index < len(scores):
        return f"keep[{step}] = {index} is not a valid box index (there are {len(scores)} boxes)"
    if not alive.any():
        return f"keep[{step}] = {index}: greedy NMS has already kept or suppressed every box"
    if not alive[index]:
        return (f"keep[{step}] = {index}: that box was already kept or suppressed "
                f"(IoU above the threshold with a kept box)")
    best = float(scores[alive].max())
    mine = float(scores[index])
    tied = mine == best if exact else mine >= best - TIE_RTOL * max(1.0, abs(best))
    if not tied:
        other = int(np.flatnonzero(alive)[np.argmax(scores[alive])])
        return (f"keep[{step}] = {index} (score {mine:.6g}) but box {other} still has a higher "
                f"score {best:.6g}: greedy NMS always takes the highest remaining score")
    return ""


def check_soft_nms(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """``(keep, scores)`` of soft-NMS, replayed along the learner's tie choices.

    Keep indices must match greedy selection exactly (up to ties); scores are
    compared with ``rtol``/``atol``. Linear decay: ``s *= 1 - iou`` when
    ``iou > iou_threshold``; gaussian: ``s *= exp(-iou**2 / sigma)``; boxes
    whose decayed score falls below ``score_threshold`` are dropped.
    """
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return CheckResult(False, f"expected a tuple (keep, scores), got {describe(got)}")
    keep = _indices(got[0], "keep")
    if isinstance(keep, CheckResult):
        return keep
    kept_scores = as_array(got[1])
    if kept_scores is None or kept_scores.shape != keep.shape:
        return CheckResult(False, f"expected scores of shape {keep.shape} (one per kept box), "
                                  f"got {describe(got[1])}")
    if real_kind_problem(kept_scores, "scores (float64)"):
        return CheckResult(False, real_kind_problem(kept_scores, "scores (float64)"))
    if (isinstance(expected, tuple) and len(expected) == 2 and _same_indices(expected[0], keep)
            and np.allclose(kept_scores, np.asarray(expected[1], dtype=np.float64),
                            rtol=float(options.get("rtol", DEFAULT_RTOL)),
                            atol=float(options.get("atol", DEFAULT_ATOL)))):
        return CheckResult(True)
    args = case.args
    boxes = np.asarray(args["boxes"], dtype=np.float64).reshape(-1, 4)
    scores = np.asarray(args["scores"], dtype=np.float64).copy()
    threshold = float(args.get("iou_threshold", 0.3))
    sigma = float(args.get("sigma", 0.5))
    floor = float(args.get("score_threshold", 0.001))
    method = str(args.get("method", "gaussian"))
    rtol = float(options.get("rtol", DEFAULT_RTOL))
    atol = float(options.get("atol", DEFAULT_ATOL))
    alive = scores >= floor
    for step, index in enumerate(keep.tolist()):
        problem = _greedy_step_problem(step, index, alive, scores, exact=False)
        if problem:
            return CheckResult(False, problem)
        if not math.isclose(float(kept_scores[step]), scores[index], rel_tol=rtol, abs_tol=atol):
            return CheckResult(False, f"scores[{step}] (box {index}): expected "
                                      f"{scores[index]:.6g}, got {float(kept_scores[step]):.6g}")
        alive[index] = False
        iou = pairwise_iou(boxes[index], boxes)
        if method == "linear":
            decay = np.where(iou > threshold, 1.0 - iou, 1.0)
        else:
            decay = np.exp(-(iou ** 2) / sigma)
        scores = np.where(alive, scores * decay, scores)
        alive &= scores >= floor
    if alive.any():
        nxt = int(np.flatnonzero(alive)[np.argmax(scores[alive])])
        return CheckResult(False, f"you kept {len(keep)} boxes but box {nxt} still has score "
                                  f"{scores[nxt]:.6g} >= score_threshold {floor:g}")
    return CheckResult(True)


CHECKERS: dict[str, Checker] = {
    "nms": check_nms,
    "soft_nms": check_soft_nms,
}
