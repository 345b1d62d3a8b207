"""Audit of the box exercises (iou, nms, soft-nms, detection-ap, roi-pool, roi-align).

Issue 14: the cases are derived from the clauses of each prompt, and every
classic mistake is caught by the case written for *its* clause (the first case
it fails is that one, by name). Issue 10: an independently written correct
solution, in another style than the reference (scalar loops, other parameter
names, another tie order, lists where the prompt allows them), passes every
case. In-process and sandbox-free; the learner's function is called
positionally in signature order, as the grader calls it.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from grader_support import assert_independent_passes, assert_mistake_caught_first

from dlquiz.grading.cases.roi import DEGENERATE_ROIS, roi_align_cases, roi_pool_cases
from dlquiz.grading.reference.roi import roi_align, roi_pool
from dlquiz.grading.registry import bundled_exercises
from dlquiz.model import Exercise


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


def variant(source: str, *edits: tuple[str, str]) -> str:
    """``source`` with each ``(old, new)`` edit applied once (the old text must be there)."""
    for old, new in edits:
        assert source.count(old) >= 1, f"edit target not found: {old!r}"
        source = source.replace(old, new)
    return source


_IOU = '''import numpy as np
def iou(first, second):
    a = [[float(v) for v in row] for row in np.asarray(first).reshape(-1, 4)]
    b = [[float(v) for v in row] for row in np.asarray(second).reshape(-1, 4)]
    out = np.zeros((len(a), len(b)), dtype=np.float64)
    for i, (ax1, ay1, ax2, ay2) in enumerate(a):
        area_a = (ax2 - ax1) * (ay2 - ay1)
        for j, (bx1, by1, bx2, by2) in enumerate(b):
            iw = max(0.0, min(ax2, bx2) - max(ax1, bx1))
            ih = max(0.0, min(ay2, by2) - max(ay1, by1))
            inter = iw * ih
            union = area_a + (bx2 - bx1) * (by2 - by1) - inter
            out[i, j] = inter / union if union > 0 else 0.0
    return out
'''

#: Greedy NMS over a precomputed IoU matrix; ties taken highest index first (any order is fair).
_NMS = '''import numpy as np
def nms(b, s, thr):
    b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    s = [float(v) for v in s]
    x1, y1, x2, y2 = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    area = (x2 - x1) * (y2 - y1)
    iw = np.clip(np.minimum(x2[:, None], x2) - np.maximum(x1[:, None], x1), 0, None)
    ih = np.clip(np.minimum(y2[:, None], y2) - np.maximum(y1[:, None], y1), 0, None)
    inter = iw * ih
    union = area[:, None] + area - inter
    m = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    order = sorted(range(len(s)), key=lambda i: (-s[i], -i))
    gone = np.zeros(len(s), dtype=bool)
    keep = []
    for i in order:
        if gone[i]:
            continue
        keep.append(i)
        gone |= m[i] > thr
    return np.array(keep, dtype=np.int64)
'''

_SOFT = '''import math
def soft_nms(b, sc, nt=0.3, sig=0.5, floor=0.001, how="gaussian"):
    boxes = [[float(v) for v in row] for row in b]
    cur = [float(v) for v in sc]
    alive = list(range(len(cur)))
    def ov(p, q):
        iw = max(0.0, min(p[2], q[2]) - max(p[0], q[0]))
        ih = max(0.0, min(p[3], q[3]) - max(p[1], q[1]))
        u = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - iw * ih
        return iw * ih / u if u > 0 else 0.0
    keep, kept = [], []
    while True:
        alive = [i for i in alive if cur[i] >= floor]
        if not alive:
            break
        best = max(alive, key=lambda i: (cur[i], i))
        keep.append(best)
        kept.append(cur[best])
        alive.remove(best)
        for i in alive:
            o = ov(boxes[best], boxes[i])
            if how == "linear":
                if o > nt:
                    cur[i] *= 1 - o
            else:
                cur[i] *= math.exp(-o * o / sig)
    return keep, kept
'''

_AP = '''import numpy as np
def average_precision(boxes, scores, images, gts, gt_images, thr=0.5):
    boxes = [list(map(float, r)) for r in np.asarray(boxes).reshape(-1, 4)]
    gts = [list(map(float, r)) for r in np.asarray(gts).reshape(-1, 4)]
    images, gt_images = list(images), list(gt_images)
    def ov(p, q):
        iw = max(0.0, min(p[2], q[2]) - max(p[0], q[0]))
        ih = max(0.0, min(p[3], q[3]) - max(p[1], q[1]))
        u = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - iw * ih
        return iw * ih / u if u > 0 else 0.0
    order = sorted(range(len(boxes)), key=lambda i: -float(scores[i]))
    used = [False] * len(gts)
    tp = 0
    precision, recall = [], []
    for k, d in enumerate(order):
        best, best_iou = -1, -1.0
        for g in range(len(gts)):
            if gt_images[g] == images[d] and not used[g]:
                o = ov(boxes[d], gts[g])
                if o > best_iou:
                    best, best_iou = g, o
        if best >= 0 and best_iou >= thr:
            used[best] = True
            tp += 1
        precision.append(tp / (k + 1))
        recall.append(tp / len(gts) if gts else 0.0)
    ap, prev = 0.0, 0.0
    for k in range(len(order)):
        ap += (recall[k] - prev) * max(precision[k:])
        prev = recall[k]
    return ap, precision, recall
'''

_ROI_POOL = '''import math
import numpy as np
def c_round(v):
    return int(math.floor(abs(v) + 0.5)) * (1 if v >= 0 else -1)
def roi_pool(fm, boxes, size, scale=1.0):
    fm = np.asarray(fm, dtype=np.float64)
    oh, ow = (size, size) if isinstance(size, int) else (int(size[0]), int(size[1]))
    H, W = fm.shape[2], fm.shape[3]
    out = np.zeros((len(boxes), fm.shape[1], oh, ow))
    for k, (b, x1, y1, x2, y2) in enumerate(np.asarray(boxes, dtype=np.float64).reshape(-1, 5)):
        xs, ys, xe, ye = (c_round(v * scale) for v in (x1, y1, x2, y2))
        rw, rh = max(xe - xs + 1, 1), max(ye - ys + 1, 1)
        for i in range(oh):
            r0 = min(max(ys + math.floor(i * rh / oh), 0), H)
            r1 = min(max(ys + math.ceil((i + 1) * rh / oh), 0), H)
            for j in range(ow):
                c0 = min(max(xs + math.floor(j * rw / ow), 0), W)
                c1 = min(max(xs + math.ceil((j + 1) * rw / ow), 0), W)
                for c in range(fm.shape[1]):
                    cells = [fm[int(b), c, r, q] for r in range(r0, r1) for q in range(c0, c1)]
                    out[k, c, i, j] = max(cells) if cells else 0.0
    return out
'''

_ROI_ALIGN = '''import math
import numpy as np
def sample(img, y, x):
    H, W = img.shape[1:]
    if y < -1.0 or y > H or x < -1.0 or x > W:
        return 0.0 * img[:, 0, 0]
    y, x = max(y, 0.0), max(x, 0.0)
    yl, xl = int(y), int(x)
    yh, xh = yl + 1, xl + 1
    if yl >= H - 1:
        yl = yh = H - 1
        y = float(yl)
    if xl >= W - 1:
        xl = xh = W - 1
        x = float(xl)
    ly, lx = y - yl, x - xl
    return ((1 - ly) * ((1 - lx) * img[:, yl, xl] + lx * img[:, yl, xh])
            + ly * ((1 - lx) * img[:, yh, xl] + lx * img[:, yh, xh]))
def roi_align(fm, boxes, size, scale=1.0, ratio=-1, half=False):
    fm = np.asarray(fm, dtype=np.float64)
    oh, ow = (size, size) if isinstance(size, int) else (int(size[0]), int(size[1]))
    out = np.zeros((len(boxes), fm.shape[1], oh, ow))
    off = 0.5 if half else 0.0
    for k, row in enumerate(np.asarray(boxes, dtype=np.float64).reshape(-1, 5)):
        img = fm[int(row[0])]
        x0, y0 = row[1] * scale - off, row[2] * scale - off
        rw, rh = row[3] * scale - off - x0, row[4] * scale - off - y0
        if not half:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / oh, rw / ow
        gh = ratio if ratio > 0 else math.ceil(rh / oh)
        gw = ratio if ratio > 0 else math.ceil(rw / ow)
        for i in range(oh):
            for j in range(ow):
                acc = np.zeros(fm.shape[1])
                for iy in range(gh):
                    y = y0 + i * bh + (iy + 0.5) * bh / gh
                    for ix in range(gw):
                        acc = acc + sample(img, y, x0 + j * bw + (ix + 0.5) * bw / gw)
                out[k, :, i, j] = acc / max(gh * gw, 1)
    return out
'''

INDEPENDENT: dict[str, str] = {
    "iou": _IOU, "nms": _NMS, "soft-nms": _SOFT, "detection-ap": _AP,
    "roi-pool": _ROI_POOL, "roi-align": _ROI_ALIGN,
}

#: exercise id -> [(the mistake, the named case that must be the first it fails, source)].
MISTAKES: dict[str, list[tuple[str, str, str]]] = {
    "iou": [
        ("Caffe's + 1 on widths and heights", "touching boxes share no area (no + 1)",
         variant(_IOU, ("min(ax2, bx2) - max(ax1, bx1))", "min(ax2, bx2) - max(ax1, bx1) + 1)"),
                 ("min(ay2, by2) - max(ay1, by1))", "min(ay2, by2) - max(ay1, by1) + 1)"),
                 ("(ax2 - ax1) * (ay2 - ay1)", "(ax2 - ax1 + 1) * (ay2 - ay1 + 1)"),
                 ("(bx2 - bx1) * (by2 - by1)", "(bx2 - bx1 + 1) * (by2 - by1 + 1)"))),
        ("intersection not clipped at 0", "disjoint on both axes (clip before multiplying)",
         variant(_IOU, ("max(0.0, min(ax2, bx2) - max(ax1, bx1))", "min(ax2, bx2) - max(ax1, bx1)"),
                 ("max(0.0, min(ay2, by2) - max(ay1, by1))", "min(ay2, by2) - max(ay1, by1)"))),
        ("clipped after multiplying", "disjoint on both axes (clip before multiplying)",
         variant(_IOU, ("max(0.0, min(ax2, bx2) - max(ax1, bx1))", "min(ax2, bx2) - max(ax1, bx1)"),
                 ("max(0.0, min(ay2, by2) - max(ay1, by1))", "min(ay2, by2) - max(ay1, by1)"),
                 ("inter = iw * ih", "inter = max(iw * ih, 0.0)"))),
        ("union without subtracting the intersection",
         "partial overlap (union subtracts the intersection)",
         variant(_IOU, ("* (by2 - by1) - inter", "* (by2 - by1)"))),
        ("NaN for a zero union", "zero union gives 0, not NaN",
         variant(_IOU, ("inter / union if union > 0 else 0.0", "np.float64(inter) / union"))),
    ],
    "nms": [
        ("empty result as a float array", "empty input",
         variant(_NMS, ("np.array(keep, dtype=np.int64)", "np.array(keep)"))),
        ("boxes visited in input order, not by score",
         "scores not sorted, chain of overlaps",
         variant(_NMS, ("key=lambda i: (-s[i], -i)", "key=lambda i: i"))),
        ("suppresses at IoU == threshold (>= instead of >)", "iou exactly at threshold",
         variant(_NMS, ("m[i] > thr", "m[i] >= thr"))),
        ("a suppressed box still suppresses others",
         "a suppressed box does not suppress others",
         variant(_NMS, ("        if gone[i]:\n            continue\n        keep.append(i)\n",
                        "        if not gone[i]:\n            keep.append(i)\n"))),
    ],
    "soft-nms": [
        ("always gaussian (method ignored)", "all boxes identical, linear",
         variant(_SOFT, ('if how == "linear":', 'if how == "never":'))),
        ("linear decay without the iou_threshold test", "linear: iou exactly at threshold",
         variant(_SOFT, ("if o > nt:", "if True:"))),
        ("gaussian exp(-iou / sigma) (iou not squared)",
         "gaussian: partial overlap decays by exp(-iou**2 / sigma)",
         variant(_SOFT, ("math.exp(-o * o / sig)", "math.exp(-o / sig)"))),
        ("sorted once by the initial scores", "decayed scores change the selection order",
         variant(_SOFT, ("best = max(alive, key=lambda i: (cur[i], i))",
                         "best = max(alive, key=lambda i: (float(sc[i]), i))"))),
        ("drops a score equal to score_threshold", "score exactly at score_threshold is kept",
         variant(_SOFT, ("cur[i] >= floor", "cur[i] > floor"))),
    ],
    "detection-ap": [
        ("a matched ground truth can be matched again",
         "duplicate detections of one object: only the first counts",
         variant(_AP, ("not used[g]", "True"))),
        ("IoU must exceed the threshold (> instead of >=)",
         "IoU exactly at the threshold counts (>=)",
         variant(_AP, ("best_iou >= thr", "best_iou > thr"))),
        ("ground truths of other images matched", "same box in another image is a false positive",
         variant(_AP, ("gt_images[g] == images[d] and ", ""))),
        ("raw precision instead of its envelope",
         "false positive ranked first (envelope lifts the curve)",
         variant(_AP, ("max(precision[k:])", "precision[k]"))),
        ("unstable order on tied scores (argsort reversed)",
         "tied scores keep input order (stable sort)",
         variant(_AP, ("sorted(range(len(boxes)), key=lambda i: -float(scores[i]))",
                       "list(np.argsort(np.asarray(scores), kind='stable')[::-1])"))),
        ("VOC devkit matching: best ground truth even if used, then a false positive",
         "a detection takes the best *unmatched* ground truth",
         variant(_AP, ("not used[g]", "True"),
                 ("if best >= 0 and best_iou >= thr:", "if best >= 0 and best_iou >= thr and not used[best]:"))),
        ("equal IoU: the last ground truth wins", "equal IoU: the lowest ground-truth index is taken",
         variant(_AP, ("if o > best_iou:", "if o >= best_iou:"))),
    ],
    "roi-pool": [
        ("np.round (halves to even)", "coordinates at .5 round half away from zero (2.5 -> 3, not 2)",
         variant(_ROI_POOL, ("int(math.floor(abs(v) + 0.5)) * (1 if v >= 0 else -1)",
                             "int(np.round(v))"))),
        ("floor(v + 0.5): halves up, wrong below zero",
         "negative half-way coordinates round away from zero (-1.5 -> -2)",
         variant(_ROI_POOL, ("int(math.floor(abs(v) + 0.5)) * (1 if v >= 0 else -1)",
                             "int(math.floor(v + 0.5))"))),
        ("corners truncated with int()", "coordinates at .5 round half away from zero (2.5 -> 3, not 2)",
         variant(_ROI_POOL, ("int(math.floor(abs(v) + 0.5)) * (1 if v >= 0 else -1)", "int(v)"))),
        ("ROI width without the + 1 (corners exclusive)", "4x4 ramp, ROI = whole map, 2x2 bins",
         variant(_ROI_POOL, ("max(xe - xs + 1, 1), max(ye - ys + 1, 1)",
                             "max(xe - xs, 1), max(ye - ys, 1)"))),
        ("bins end at floor, not ceil", "more bins than cells (bins overlap)",
         variant(_ROI_POOL, ("math.ceil((i + 1) * rh / oh)", "math.floor((i + 1) * rh / oh)"),
                 ("math.ceil((j + 1) * rw / ow)", "math.floor((j + 1) * rw / ow)"))),
        ("empty bins are -inf (max of nothing)", "ROI entirely outside: empty bins are 0",
         variant(_ROI_POOL, ("max(cells) if cells else 0.0", "max(cells) if cells else -np.inf"))),
        ("corners sorted (a negative-size ROI read as a positive one)",
         "zero-size ROI (x1 > x2 after rounding: forced to 1x1)",
         variant(_ROI_POOL, ("        rw, rh = max(",
                             "        xs, xe, ys, ye = min(xs, xe), max(xs, xe), min(ys, ye), max(ys, ye)\n"
                             "        rw, rh = max("))),
        ("spatial_scale ignored", "spatial_scale 0.5 and batch index picks the image",
         variant(_ROI_POOL, ("c_round(v * scale)", "c_round(v)"))),
    ],
    "roi-align": [
        ("aligned ignored (no half-pixel offset)",
         "4x4 ramp, 1x1 output, sampling_ratio 2, aligned=True (−0.5 shift)",
         variant(_ROI_ALIGN, ("off = 0.5 if half else 0.0", "off = 0.0"))),
        ("size forced to >= 1 in aligned mode too",
         "zero-size ROI, aligned=True, adaptive grid: no samples -> 0",
         variant(_ROI_ALIGN, ("        if not half:\n            rw, rh", "        if True:\n            rw, rh"))),
        ("size not forced to >= 1 when aligned=False",
         "ROI smaller than one pixel, aligned=False (forced to 1x1)",
         variant(_ROI_ALIGN, ("        if not half:\n            rw, rh", "        if False:\n            rw, rh"))),
        ("ROI without area skipped (left at 0)", "zero-size ROI, aligned=True, sampling_ratio 2",
         variant(_ROI_ALIGN, ("        img = fm[int(row[0])]\n",
                              "        img = fm[int(row[0])]\n"
                              "        if row[3] <= row[1] or row[4] <= row[2]:\n            continue\n"))),
        ("corners sorted (a negative-size ROI read as a positive one)",
         "degenerate ROI: x2 < x1 and y2 < y1 (negative size), aligned=False, sampling_ratio=-1, "
         "spatial_scale=1",
         variant(_ROI_ALIGN, ("        img = fm[int(row[0])]\n",
                              "        img = fm[int(row[0])]\n"
                              "        row = [row[0], min(row[1], row[3]), min(row[2], row[4]),"
                              " max(row[1], row[3]), max(row[2], row[4])]\n"))),
        ("adaptive grid rounds instead of ceil", "adaptive grid: ceil(roi / bins) samples per bin",
         variant(_ROI_ALIGN, ("math.ceil(rh / oh)", "max(round(rh / oh), 1)"),
                 ("math.ceil(rw / ow)", "max(round(rw / ow), 1)"))),
        ("samples beyond the map clamped instead of 0",
         "ROI partly outside: samples in [-1, 0) clamp, beyond the map count 0",
         variant(_ROI_ALIGN, ("    if y < -1.0 or y > H or x < -1.0 or x > W:\n        return 0.0 * img[:, 0, 0]\n", ""))),
        ("average over the samples inside the map only",
         "ROI partly outside: samples in [-1, 0) clamp, beyond the map count 0",
         variant(_ROI_ALIGN, ("        return 0.0 * img[:, 0, 0]", "        return None"),
                 ("                acc = np.zeros(fm.shape[1])\n",
                  "                acc = np.zeros(fm.shape[1])\n                n = 0\n"),
                 ("                        acc = acc + sample(img, y, x0 + j * bw + (ix + 0.5) * bw / gw)\n",
                  "                        v = sample(img, y, x0 + j * bw + (ix + 0.5) * bw / gw)\n"
                  "                        if v is not None:\n                            acc, n = acc + v, n + 1\n"),
                 ("acc / max(gh * gw, 1)", "acc / max(n, 1)"))),
        ("last row/column not clamped (extrapolates past H - 1)",
         "right/bottom border: samples in [H-1, H] use the last row",
         variant(_ROI_ALIGN, ("    if yl >= H - 1:\n        yl = yh = H - 1\n        y = float(yl)\n",
                              "    if yl >= H - 1:\n        yl, yh = H - 2, H - 1\n"))),
    ],
}


@pytest.mark.parametrize("exercise_id", sorted(INDEPENDENT))
def test_an_independent_solution_passes(exercises: dict[str, Exercise], exercise_id: str) -> None:
    assert_independent_passes(exercises[exercise_id], INDEPENDENT[exercise_id])


@pytest.mark.parametrize(
    ("exercise_id", "mistake", "first_case"),
    [(eid, what, case) for eid, rows in MISTAKES.items() for what, case, _ in rows],
)
def test_each_classic_mistake_is_caught_by_its_clause_case(
        exercises: dict[str, Exercise], exercise_id: str, mistake: str, first_case: str) -> None:
    source = next(src for what, _, src in MISTAKES[exercise_id] if what == mistake)
    assert_mistake_caught_first(exercises[exercise_id], source, mistake, first_case)


def test_degenerate_rois_are_named_for_every_combination_of_flags() -> None:
    """Issue 14: each degenerate ROI under each aligned × sampling_ratio × spatial_scale.

    By the prompt's border rules a ROI wholly outside the map pools to 0 under every
    flag; a zero-size ROI samples (non-zero on the ramp) unless aligned with the
    adaptive grid, where ``ceil(0 / h) = 0`` leaves no samples.
    """
    align = {c.name: c for c in roi_align_cases(np.random.default_rng(0))}
    pool = {c.name: c for c in roi_pool_cases(np.random.default_rng(0))}
    for (what, _), aligned, ratio, scale in itertools.product(
            DEGENERATE_ROIS, (False, True), (-1, 2), (1.0, 0.5)):
        name = (f"degenerate ROI: {what}, aligned={aligned}, sampling_ratio={ratio}, "
                f"spatial_scale={scale:g}")
        assert align[name].kind == "edge", name
        out = roi_align(**align[name].args)
        if what.startswith("outside"):
            assert not out.any(), name
        elif what.startswith("zero"):
            assert out.any() == (not aligned or ratio > 0), name
    for (what, _), scale in itertools.product(DEGENERATE_ROIS, (1.0, 0.5)):
        out = roi_pool(**pool[f"degenerate ROI: {what}, spatial_scale={scale:g}"].args)
        assert out.any() != what.startswith("outside"), (what, scale)
