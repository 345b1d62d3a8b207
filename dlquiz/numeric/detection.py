"""Numeric cards for detection: IoU of two boxes, NMS survivors, focal-loss values.

Answers are computed with the graded exercises' reference implementations
(:mod:`dlquiz.grading.reference.detection` and ``.losses``), so a card and an
exercise can never disagree about a convention (boxes are (x1, y1, x2, y2),
no +1 in areas; NMS suppresses when IoU > threshold).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from dlquiz.numeric.problem import NumericProblem, SimpleGenerator


def _draw_box(rng: np.random.Generator, low: int = 0, high: int = 12) -> list[int]:
    x1, y1 = (int(v) for v in rng.integers(low, high - 2, size=2))
    w, h = (int(v) for v in rng.integers(2, 7, size=2))
    return [x1, y1, x1 + w, y1 + h]


def _draw_iou(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    while True:
        a, b = _draw_box(rng), _draw_box(rng)
        if a != b and min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1]):
            return {"a": a, "b": b}


def _solve_iou(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.detection import iou

    a, b = list(drawn["a"]), list(drawn["b"])
    value = float(iou(np.array([a], float), np.array([b], float))[0, 0])
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(iw, 0) * max(ih, 0)
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    area_b = (b[2] - b[0]) * (b[3] - b[1])
    union = area_a + area_b - inter
    question = (f"Boxes are (x1, y1, x2, y2). What is the IoU of A = {tuple(a)} and "
                f"B = {tuple(b)}? (3 decimals)")
    explanation = (
        f"Intersection: width min({a[2]}, {b[2]}) − max({a[0]}, {b[0]}) = {iw}, height "
        f"min({a[3]}, {b[3]}) − max({a[1]}, {b[1]}) = {ih} → area {inter}.\n\n"
        f"Areas: A = {area_a}, B = {area_b}; union = {area_a} + {area_b} − {inter} = {union}.\n\n"
        f"IoU = {inter} / {union} = **{value:.3f}**. (Clip the intersection sides at 0 — "
        "without the clip, two disjoint boxes get a positive 'intersection'.)"
    )
    return NumericProblem(question, (value,), explanation, dict(drawn), rel_tol=0, abs_tol=0.0015)


def _draw_nms(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    """Overlapping boxes, redrawn until NMS suppresses at least one (else it is trivial)."""
    from dlquiz.grading.reference.detection import nms

    while True:
        n = int(rng.integers(4, 6))
        boxes = [_draw_box(rng, 0, 8) for _ in range(n)]
        scores = [round(float(s), 2)
                  for s in rng.choice(np.arange(30, 100) / 100, n, replace=False)]
        threshold = float(rng.choice([0.3, 0.4, 0.5]))
        kept = nms(np.array(boxes, float), np.array(scores), threshold)
        if 0 < len(kept) < n:
            return {"boxes": boxes, "scores": scores, "threshold": threshold}


def _solve_nms(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.detection import iou, nms

    boxes = np.array(drawn["boxes"], float)
    scores = np.array(drawn["scores"], float)
    thr = float(drawn["threshold"])
    keep = [int(i) for i in nms(boxes, scores, thr)]
    table = "\n".join(f"| {i} | {tuple(int(v) for v in b)} | {s:.2f} |"
                      for i, (b, s) in enumerate(zip(drawn["boxes"], drawn["scores"])))
    question = ("Greedy NMS with IoU threshold "
                f"{thr} (suppress when IoU > threshold). Which indices survive? "
                "(list them, any order)\n\n| index | box (x1, y1, x2, y2) | score |\n|---|---|---|\n"
                + table)
    matrix = iou(boxes, boxes)
    steps = []
    alive = list(np.argsort(-scores, kind="stable"))
    while alive:
        best = int(alive.pop(0))
        gone = [int(j) for j in alive if matrix[best, j] > thr]
        detail = ", ".join(f"{j} (IoU {matrix[best, j]:.2f})" for j in gone) or "nothing"
        steps.append(f"keep {best} (score {scores[best]:.2f}); it suppresses {detail}")
        alive = [j for j in alive if int(j) not in gone]
    explanation = ("Visit boxes by descending score; keep the best remaining box and drop every "
                   "remaining box whose IoU with it exceeds the threshold:\n\n"
                   + "\n".join(f"- {s}" for s in steps)
                   + f"\n\nSurvivors: **{', '.join(map(str, keep))}**.")
    return NumericProblem(question, tuple(float(k) for k in keep), explanation, dict(drawn),
                          rel_tol=0, abs_tol=0.01, ordered=False)


def _draw_focal(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"p": round(float(rng.uniform(0.05, 0.95)), 2), "target": int(rng.integers(0, 2)),
            "alpha": float(rng.choice([0.25, 0.5])), "gamma": float(rng.choice([0.0, 1.0, 2.0, 5.0]))}


def _solve_focal(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.losses import focal_loss

    p, y, alpha, gamma = drawn["p"], drawn["target"], drawn["alpha"], drawn["gamma"]
    logit = math.log(p / (1 - p))
    value = float(focal_loss(np.array([logit]), np.array([float(y)]), alpha=alpha, gamma=gamma,
                             reduction="sum"))
    p_t = p if y == 1 else 1 - p
    a_t = alpha if y == 1 else 1 - alpha
    question = (f"A sigmoid classifier predicts p = {p} for the positive class; the label is "
                f"y = {y}. With α = {alpha} and γ = {gamma:g}, what is the focal loss "
                "FL = −α_t·(1 − p_t)^γ·ln(p_t)? (natural log, 3 decimals)")
    explanation = (
        f"p_t = {'p' if y == 1 else '1 − p'} = {p_t:.2f}; α_t = {'α' if y == 1 else '1 − α'} = "
        f"{a_t:g}.\n\nCE = −ln({p_t:.2f}) = {-math.log(p_t):.4f}; modulating factor "
        f"(1 − {p_t:.2f})^{gamma:g} = {(1 - p_t) ** gamma:.4f}.\n\n"
        f"FL = {a_t:g} × {(1 - p_t) ** gamma:.4f} × {-math.log(p_t):.4f} = **{value:.4f}**.\n\n"
        "With γ = 0 this is α-balanced cross-entropy; a larger γ shrinks the loss of "
        "well-classified examples (p_t near 1) far more than that of hard ones."
    )
    return NumericProblem(question, (value,), explanation, dict(drawn), rel_tol=2e-3,
                          abs_tol=6e-4)


GENERATORS: tuple[SimpleGenerator, ...] = (
    SimpleGenerator("box_iou", "IoU of two boxes", _draw_iou, _solve_iou),
    SimpleGenerator("nms_survivors", "Which boxes survive NMS", _draw_nms, _solve_nms),
    SimpleGenerator("focal_loss_value", "Focal loss of one prediction", _draw_focal,
                             _solve_focal),
)
