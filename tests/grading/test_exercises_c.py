"""Exercises of area C: the cases catch the classic mistakes, not just the starters.

``test_all_exercises.py`` already grades every worked solution (must pass) and
starter (must fail) in the sandbox. This file checks, in process and quickly,
that each exercise's cases *discriminate*: the worked solution with one
classic mistake edited in (np.round in ROI pooling, no log-sum-exp in EM,
VOC's "best over all ground truths" matching in AP, ...) fails at least one
case, and the solution still passes under another seed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from grader_support import solution_function

from dlquiz.grading import checkers
from dlquiz.grading.registry import bundled_exercises, resolve_target
from dlquiz.model import Exercise

IDS = ["roi-pool", "roi-align", "bilinear-resize", "kalman-predict", "kalman-update",
       "one-euro-filter", "sqrt-gradient-descent", "sqrt-newton", "match-brute-force",
       "match-cross-check", "match-ratio-test", "detection-ap", "em-gmm-1d"]

#: (exercise id, what the mistake is, text in the solution, replacement).
MISTAKES = [
    ("roi-pool", "np.round (half to even) for the corners",
     "xs, ys = c_round(x1 * spatial_scale), c_round(y1 * spatial_scale)",
     "xs, ys = int(np.round(x1 * spatial_scale)), int(np.round(y1 * spatial_scale))"),
    ("roi-pool", "exclusive ROI end (no + 1)",
     "roi_w, roi_h = max(xe - xs + 1, 1), max(ye - ys + 1, 1)",
     "roi_w, roi_h = max(xe - xs, 1), max(ye - ys, 1)"),
    ("roi-align", "aligned flag ignored", "offset = 0.5 if aligned else 0.0", "offset = 0.0"),
    ("roi-align", "fixed 2x2 sampling grid", "gh = sampling_ratio if sampling_ratio > 0 else",
     "gh = sampling_ratio if sampling_ratio > 0 else 2 or"),
    ("roi-align", "average over inside samples only", "count = max(gh * gw, 1)",
     "count = max(gh * gw, 1) * 0.9"),
    ("bilinear-resize", "align_corners ignored", "if align_corners:", "if False:"),
    ("bilinear-resize", "no clamp at 0 for half-pixel centres",
     "np.maximum((d + 0.5) * L / l - 0.5, 0.0)", "np.abs((d + 0.5) * L / l - 0.5)"),
    ("kalman-predict", "covariance not transported by F", "F @ P @ F.T", "P"),
    ("kalman-update", "gain without the measurement noise", "S = H @ P @ H.T + R",
     "S = H @ P @ H.T + 0 * R"),
    ("one-euro-filter", "derivative from the raw previous sample", "dx = (x[i] - x_hat) / dt",
     "dx = (x[i] - x[i - 1]) / dt"),
    ("one-euro-filter", "derivative not low-passed", "dx_hat = a_d * dx + (1 - a_d) * dx_hat",
     "dx_hat = dx"),
    ("sqrt-gradient-descent", "a fixed step size", "lr = 1.0 / (8.0 * m)", "lr = 0.01"),
    ("sqrt-newton", "a fixed number of iterations", "while True:", "for _ in range(5):"),
    ("match-brute-force", "squared distances", "return np.sqrt((diff ** 2).sum(-1))",
     "return (diff ** 2).sum(-1)"),
    ("match-brute-force", "last index wins on ties", "idx = np.argmin(dist, axis=1)",
     "idx = dist.shape[1] - 1 - np.argmin(dist[:, ::-1], axis=1)"),
    ("match-cross-check", "no backward check", "backward[forward] == np.arange(len(forward))",
     "forward >= 0"),
    ("match-ratio-test", "<= instead of <", "two[:, 0] < ratio * two[:, 1]",
     "two[:, 0] <= ratio * two[:, 1]"),
    ("match-ratio-test", "second distinct distance instead of second neighbour",
     "two = np.partition(dist, 1, axis=1)",
     ("two = np.stack([np.unique(r)[:2] if len(np.unique(r)) > 1 else np.unique(r)[[0, 0]] "
      "for r in dist])")),
    ("detection-ap", "IoU > threshold instead of >=", "overlaps[best] >= iou_threshold",
     "overlaps[best] > iou_threshold"),
    ("detection-ap", "VOC matching: best over all ground truths, used or not",
     ("cand = np.flatnonzero((gt_images == images[d]) & ~used)\n"
      "        if cand.size:\n"
      "            overlaps = iou_one(boxes[d], gts[cand])\n"
      "            best = np.argmax(overlaps)\n"
      "            if overlaps[best] >= iou_threshold:"),
     ("cand = np.flatnonzero(gt_images == images[d])\n"
      "        if cand.size:\n"
      "            overlaps = iou_one(boxes[d], gts[cand])\n"
      "            best = np.argmax(overlaps)\n"
      "            if overlaps[best] >= iou_threshold and not used[cand[best]]:")),
    ("detection-ap", "no precision envelope", "envelope = np.maximum.accumulate(precision[::-1])[::-1]",
     "envelope = precision"),
    ("em-gmm-1d", "E-step without log-sum-exp", "log_p -= log_p.max(axis=1, keepdims=True)",
     "pass"),
    ("em-gmm-1d", "variance with the old mean",
     "mu = r.T @ x / nk\n        var = (r * (x[:, None] - mu) ** 2).sum(axis=0) / nk + reg_covar",
     "var = (r * (x[:, None] - mu) ** 2).sum(axis=0) / nk + reg_covar\n        mu = r.T @ x / nk"),
]


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


def _function(source: str, name: str) -> Callable[..., Any]:
    return solution_function(source, name)


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


def _failures(ex: Exercise, fn: Callable[..., Any], seed: int = 0) -> list[str]:
    reference = resolve_target(ex.reference)
    failed = []
    for case in resolve_target(ex.cases)(np.random.default_rng(seed)):
        expected = reference(**{k: _copy(v) for k, v in case.args.items()})
        with np.errstate(all="ignore"):
            try:
                got = fn(**{k: _copy(v) for k, v in case.args.items()})
            except Exception as exc:  # noqa: BLE001 - a crash is a failure
                failed.append(f"{case.name}: raised {exc!r}")
                continue
        result = checkers.check(ex.checker.name, dict(ex.checker.options), expected, got, case)
        if not result.ok:
            failed.append(f"{case.name}: {result.message}")
    return failed


def test_every_exercise_of_area_c_is_bundled(exercises: dict[str, Exercise]) -> None:
    assert set(IDS) <= set(exercises)


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_passes_under_other_seeds(exercises: dict[str, Exercise], exercise_id: str) -> None:
    ex = exercises[exercise_id]
    for seed in (1, 7):
        assert _failures(ex, _function(ex.solution, ex.function), seed) == []


@pytest.mark.parametrize(("exercise_id", "mistake", "old", "new"), MISTAKES,
                         ids=[f"{m[0]}: {m[1]}" for m in MISTAKES])
def test_classic_mistake_fails(exercises: dict[str, Exercise], exercise_id: str, mistake: str,
                               old: str, new: str) -> None:
    ex = exercises[exercise_id]
    assert ex.solution.count(old) == 1, f"the solution no longer contains {old!r}"
    wrong = ex.solution.replace(old, new)
    assert _failures(ex, _function(wrong, ex.function)) != [], mistake
