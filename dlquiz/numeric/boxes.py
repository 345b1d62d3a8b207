"""Numeric cards on box metrics: AP of a ranked table, Faster R-CNN deltas, GIoU / DIoU.

Conventions, stated in every question because they differ between sources:

* ``ranked_ap``: one class, detections already matched (each row TP or FP),
  ``G`` ground truths of which some may never be detected. Precision and
  recall after each row; ``all-point`` (VOC 2010+) sums recall steps times
  the precision envelope ``max_{j≥k} p_j``; ``11-point`` (VOC 2007) averages
  ``max{p_j : r_j ≥ r}`` over r = 0, 0.1, …, 1 (0 where no such row).
* ``box_delta``: torchvision ``BoxCoder.encode`` — width ``x2 − x1`` (no +1),
  centre ``x1 + w/2``; ``dx = wx·(g_cx − a_cx)/a_w``, ``dw = ww·ln(g_w/a_w)``.
* ``giou_pair``: boxes ``(x1, y1, x2, y2)``; GIoU = IoU − (|C| − |A∪B|)/|C|,
  DIoU = IoU − ρ²/c² with C the smallest enclosing box, ρ the centre distance
  and c the diagonal of C. Disjoint pairs are drawn on purpose (that is where
  the two differ from IoU); the question says they may not overlap.

Answers come from the graded references (:mod:`dlquiz.grading.reference.coco`
and ``.boxes``), so a card and an exercise can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from dlquiz.numeric.problem import NumericProblem, SimpleGenerator


def _draw_ranked(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    """5–8 ranked detections (at least one TP and one FP), G ≥ #TP ground truths."""
    while True:
        n = int(rng.integers(5, 9))
        hits = [int(h) for h in rng.random(n) < 0.6]
        if 0 < sum(hits) < n:
            break
    scores = sorted((int(s) for s in rng.choice(np.arange(10, 100), n, replace=False)), reverse=True)
    n_gt = sum(hits) + int(rng.integers(0, 3))
    return {"hits": hits, "scores": [s / 100 for s in scores], "n_gt": n_gt}


def _solve_ranked(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.coco import voc_ap

    method = str(params.get("method", "all-point"))
    hits, scores, n_gt = list(drawn["hits"]), list(drawn["scores"]), int(drawn["n_gt"])
    value = voc_ap(hits, n_gt, "11-point" if method == "11-point" else "all-point")
    tp = np.cumsum(hits)
    prec = tp / np.arange(1, len(hits) + 1)
    rec = tp / n_gt
    env = np.maximum.accumulate(prec[::-1])[::-1]
    table = "\n".join(f"| {k + 1} | {s:.2f} | {'TP' if h else 'FP'} |"
                      for k, (s, h) in enumerate(zip(scores, hits)))
    rule = ("all-point interpolation (VOC 2010+): AP = Σ (r_k − r_{k−1})·max_{j≥k} p_j"
            if method != "11-point" else
            "11-point interpolation (VOC 2007): AP = mean over r ∈ {0, 0.1, …, 1} of max{p_j : r_j ≥ r}")
    question = (f"One class, G = {n_gt} ground-truth objects. The detections, already matched and "
                f"sorted by score, are below. What is the AP with {rule}? (3 decimals)\n\n"
                "| rank | score | match |\n|---|---|---|\n" + table)
    rows = "\n".join(f"| {k + 1} | {int(tp[k])} | {prec[k]:.4f} | {rec[k]:.4f} | {env[k]:.4f} |"
                     for k in range(len(hits)))
    steps = ("| rank | TP so far | precision | recall | envelope |\n|---|---|---|---|---|\n" + rows)
    if method == "11-point":
        pts = []
        for r in np.linspace(0, 1, 11):
            ok = rec >= r - 1e-12
            pts.append(float(prec[ok].max()) if ok.any() else 0.0)
        detail = ("Best precision at recall ≥ r for r = 0, 0.1, …, 1: "
                  + ", ".join(f"{p:.3f}" for p in pts) + f"; their mean is **{value:.3f}**.")
    else:
        terms = [f"{rec[k] - (rec[k - 1] if k else 0):.3f}×{env[k]:.3f}" for k in range(len(hits)) if hits[k]]
        detail = ("Only TP rows raise recall; each adds its recall step times the envelope: "
                  + " + ".join(terms) + f" = **{value:.3f}**.")
    missed = n_gt - sum(hits)
    note = (f" {missed} object(s) are never detected, so recall stops at {rec[-1]:.3f} and the rest "
            "of the curve adds nothing." if missed else "")
    explanation = (f"precision = TP/rank, recall = TP/G with G = {n_gt}; the envelope is the best "
                   f"precision at this rank or later.\n\n{steps}\n\n{detail}{note}")
    return NumericProblem(question, (value,), explanation, dict(drawn), rel_tol=0, abs_tol=0.0015)


def _box(rng: np.random.Generator, lo: int, hi: int, wmin: int, wmax: int) -> list[int]:
    x1, y1 = (int(v) for v in rng.integers(lo, hi, size=2))
    w, h = (int(v) for v in rng.integers(wmin, wmax + 1, size=2))
    return [x1, y1, x1 + w, y1 + h]


def _draw_delta(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    anchor = _box(rng, 25, 100, 8, 64)          # x1, y1 >= 25: the target never leaves the image
    aw, ah = anchor[2] - anchor[0], anchor[3] - anchor[1]
    gx = anchor[0] + int(rng.integers(-aw // 3, aw // 3 + 1))
    gy = anchor[1] + int(rng.integers(-ah // 3, ah // 3 + 1))
    gw = max(2, round(aw * float(rng.uniform(0.5, 2.0))))
    gh = max(2, round(ah * float(rng.uniform(0.5, 2.0))))
    weights = [1, 1, 1, 1] if rng.random() < 0.5 else [10, 10, 5, 5]
    return {"anchor": anchor, "gt": [gx, gy, gx + gw, gy + gh], "weights": weights}


def _solve_delta(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.boxes import encode_boxes

    a, g, w = list(drawn["anchor"]), list(drawn["gt"]), [float(v) for v in drawn["weights"]]
    deltas = [float(v) for v in encode_boxes([g], [a], w)[0]]
    aw, ah, gw, gh = a[2] - a[0], a[3] - a[1], g[2] - g[0], g[3] - g[1]
    acx, acy, gcx, gcy = a[0] + aw / 2, a[1] + ah / 2, g[0] + gw / 2, g[1] + gh / 2
    wt = tuple(int(v) for v in drawn["weights"])
    question = (f"Faster R-CNN box coding (torchvision BoxCoder, width = x2 − x1, no +1). Anchor A = "
                f"{tuple(a)}, ground truth G = {tuple(g)}, boxes (x1, y1, x2, y2), weights (wx, wy, ww, wh) = "
                f"{wt}. Give the regression target (dx, dy, dw, dh), with dx = wx·(G_cx − A_cx)/A_w, "
                "dy = wy·(G_cy − A_cy)/A_h, dw = ww·ln(G_w/A_w), dh = wh·ln(G_h/A_h). (3 decimals each)")
    explanation = (
        f"Anchor: w = {a[2]} − {a[0]} = {aw}, h = {a[3]} − {a[1]} = {ah}, centre ({acx:g}, {acy:g}).\n\n"
        f"Ground truth: w = {gw}, h = {gh}, centre ({gcx:g}, {gcy:g}).\n\n"
        f"dx = {wt[0]}·({gcx:g} − {acx:g})/{aw} = {deltas[0]:.3f}; dy = {wt[1]}·({gcy:g} − {acy:g})/{ah} = "
        f"{deltas[1]:.3f}; dw = {wt[2]}·ln({gw}/{aw}) = {deltas[2]:.3f}; dh = {wt[3]}·ln({gh}/{ah}) = "
        f"{deltas[3]:.3f}.\n\nTarget **({', '.join(f'{d:.3f}' for d in deltas)})**. Offsets are in "
        "units of the anchor size (scale invariance); sizes in log space, so decoding w = A_w·exp(dw) "
        "is always positive.")
    return NumericProblem(question, tuple(deltas), explanation, dict(drawn), rel_tol=0, abs_tol=0.0015)


def _draw_giou(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    while True:
        a, b = _box(rng, 0, 12, 1, 6), _box(rng, 0, 12, 1, 6)
        if a != b:
            return {"a": a, "b": b}


def _solve_giou(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.boxes import distance_box_iou, generalized_box_iou

    metric = str(params.get("metric", "giou"))
    a, b = list(drawn["a"]), list(drawn["b"])
    iw = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    area_a, area_b = (a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])
    union = area_a + area_b - inter
    cw, ch = max(a[2], b[2]) - min(a[0], b[0]), max(a[3], b[3]) - min(a[1], b[1])
    base = (f"Intersection {iw}×{ih} = {inter}; areas A = {area_a}, B = {area_b}; union = {union}; "
            f"IoU = {inter}/{union} = {inter / union:.4f}.\n\nEnclosing box C: {cw}×{ch}.")
    if metric == "diou":
        value = float(distance_box_iou([a], [b], eps=0.0)[0, 0])
        ca, cb = ((a[0] + a[2]) / 2, (a[1] + a[3]) / 2), ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
        rho2 = (ca[0] - cb[0]) ** 2 + (ca[1] - cb[1]) ** 2
        formula = "DIoU = IoU − ρ²/c² (ρ: distance between the box centres, c: diagonal of the smallest enclosing box C)"
        work = (f"Centres ({ca[0]:g}, {ca[1]:g}) and ({cb[0]:g}, {cb[1]:g}): ρ² = {rho2:g}; c² = {cw}² + {ch}² = "
                f"{cw * cw + ch * ch}.\n\nDIoU = {inter / union:.4f} − {rho2:g}/{cw * cw + ch * ch} = **{value:.3f}**.")
    else:
        value = float(generalized_box_iou([a], [b])[0, 0])
        formula = "GIoU = IoU − (|C| − |A ∪ B|)/|C| (C: the smallest box enclosing both)"
        work = (f"|C| = {cw * ch}; penalty ({cw * ch} − {union})/{cw * ch} = {(cw * ch - union) / (cw * ch):.4f}."
                f"\n\nGIoU = {inter / union:.4f} − {(cw * ch - union) / (cw * ch):.4f} = **{value:.3f}**.")
    question = (f"Boxes are (x1, y1, x2, y2), area (x2 − x1)·(y2 − y1). A = {tuple(a)}, B = {tuple(b)} "
                f"(they may or may not overlap). What is {formula}? (3 decimals)")
    note = ("\n\nThe boxes are disjoint: IoU is 0, yet the value still says how far apart they are — "
            "the gradient that a plain IoU loss lacks." if inter == 0 else "")
    return NumericProblem(question, (value,), base + "\n\n" + work + note, dict(drawn), rel_tol=0,
                          abs_tol=0.0015)


GENERATORS: tuple[SimpleGenerator, ...] = (
    SimpleGenerator(
        "ranked_ap", "AP of a small ranked detection table", _draw_ranked, _solve_ranked,
        {"type": "object", "additionalProperties": False,
         "properties": {"method": {"enum": ["all-point", "11-point"]}}}),
    SimpleGenerator("box_delta", "Faster R-CNN box deltas of one anchor", _draw_delta, _solve_delta),
    SimpleGenerator(
        "giou_pair", "GIoU or DIoU of two boxes", _draw_giou, _solve_giou,
        {"type": "object", "additionalProperties": False,
         "properties": {"metric": {"enum": ["giou", "diou"]}}}),
)
