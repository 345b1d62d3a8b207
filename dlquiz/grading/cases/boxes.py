"""Cases for GIoU / DIoU / CIoU, box encode / decode and the anchor grid.

Each edge case is one clause of its prompt: disjoint boxes (where GIoU/DIoU
differ from IoU), one box inside the other (where GIoU's penalty vanishes
but DIoU's does not), equal centres, zero-area enclosing boxes, the eps
arguments, box-coder weights, class-specific (N, 4K) deltas, the dw/dh
clamp, odd sizes whose half is a .5 tie for the rounding of base anchors,
non-square strides and the output order.
"""

from __future__ import annotations

import math

import numpy as np

from dlquiz.grading.case import Case
from dlquiz.grading.cases.detection import random_boxes


def _b(rows: list[list[float]]) -> np.ndarray:
    return np.asarray(rows, dtype=np.float64).reshape(-1, 4)


DISJOINT = _b([[0, 0, 2, 2], [10, 0, 12, 3], [0, 20, 5, 22]])
NESTED_OUTER = _b([[0, 0, 10, 10]])
NESTED_INNER = _b([[1, 1, 3, 3], [4, 4, 6, 6], [0, 0, 10, 10]])   # off-centre, centred, equal
SAME_CENTRE = _b([[4, 4, 6, 6], [3, 4.5, 7, 5.5], [0, 4, 10, 6]])  # centres all (5, 5)


def _iou_family_cases(rng: np.random.Generator, *, zero_area: bool, eps_arg: bool) -> list[Case]:
    cases = [
        Case("disjoint boxes: IoU 0 but a distance/enclosure penalty",
             {"boxes1": DISJOINT, "boxes2": DISJOINT[::-1].copy()}, "edge"),
        Case("one box inside another", {"boxes1": NESTED_OUTER, "boxes2": NESTED_INNER}, "edge"),
        Case("same centres, different shapes", {"boxes1": SAME_CENTRE, "boxes2": SAME_CENTRE.copy()},
             "edge"),
        Case("identical boxes: value 1",
             {"boxes1": _b([[1.5, 2, 4, 6.5]]), "boxes2": _b([[1.5, 2, 4, 6.5], [1.5, 2, 4, 6.5]])},
             "edge"),
        Case("touching edges", {"boxes1": _b([[0, 0, 2, 2]]), "boxes2": _b([[2, 0, 4, 2], [2, 2, 3, 3]])},
             "edge"),
        Case("N != M (pairwise, not element-wise)",
             {"boxes1": random_boxes(rng, 3), "boxes2": random_boxes(rng, 5)}, "edge"),
        Case("empty boxes1: shape (0, M)", {"boxes1": _b([]), "boxes2": random_boxes(rng, 2)}, "edge"),
        Case("large coordinates (1e4 px)",
             {"boxes1": random_boxes(rng, 4, extent=1e4), "boxes2": random_boxes(rng, 3, extent=1e4)},
             "edge"),
    ]
    if zero_area:
        cases.append(Case("zero-area boxes: a point and a segment",
                          {"boxes1": _b([[1, 1, 1, 1], [0, 2, 3, 2]]),
                           "boxes2": _b([[1, 1, 1, 1], [0, 0, 3, 3], [5, 5, 5, 5]])}, "edge"))
    if eps_arg:
        cases.append(Case("eps = 1.0 changes the denominator",
                          {"boxes1": DISJOINT, "boxes2": NESTED_INNER, "eps": 1.0}, "edge"))
        cases.append(Case("eps = 0", {"boxes1": DISJOINT, "boxes2": NESTED_INNER, "eps": 0.0}, "edge"))
    for i, (n, m) in enumerate([(5, 7), (1, 30), (40, 25), (200, 150)]):
        cases.append(Case(f"random N={n} M={m} #{i}",
                          {"boxes1": random_boxes(rng, n, clusters=3),
                           "boxes2": random_boxes(rng, m, clusters=3)}))
    cases.append(Case("perf N=M=1000", {"boxes1": random_boxes(rng, 1000, clusters=8),
                                        "boxes2": random_boxes(rng, 1000, clusters=8)}, "perf"))
    return cases


def giou_cases(rng: np.random.Generator) -> list[Case]:
    """GIoU: disjoint, nested (penalty 0), zero-area enclosing box, normalised coordinates,
    random, perf."""
    cases = _iou_family_cases(rng, zero_area=True, eps_arg=False)
    # Areas ~1e-3: an eps such as inter / (union + 1e-7) moves the result by ~3e-5
    # relative, far past rtol 1e-6 (GIoU has no eps; zero unions are handled exactly).
    at = next(i for i, c in enumerate(cases) if c.kind != "edge")
    cases.insert(at, Case("normalised [0, 1] coordinates, sub-unit boxes (no eps in the divisions)",
                          {"boxes1": _b([[0.10, 0.10, 0.15, 0.16]]),
                           "boxes2": _b([[0.12, 0.11, 0.16, 0.15], [0.3, 0.3, 0.32, 0.33]])},
                          "edge"))
    return cases


def diou_cases(rng: np.random.Generator) -> list[Case]:
    """DIoU: as GIoU plus zero-area boxes and the eps argument."""
    return _iou_family_cases(rng, zero_area=True, eps_arg=True)


def ciou_cases(rng: np.random.Generator) -> list[Case]:
    """CIoU: positive heights only; aspect-ratio term and eps cases."""
    cases = _iou_family_cases(rng, zero_area=False, eps_arg=True)
    cases.insert(3, Case("same centre and IoU, different aspect ratio",
                         {"boxes1": _b([[0, 0, 4, 4]]), "boxes2": _b([[-2, 1, 6, 3], [1, -2, 3, 6]])},
                         "edge"))
    cases.insert(4, Case("zero-width box (ratio 0, height > 0)",
                         {"boxes1": _b([[2, 0, 2, 4]]), "boxes2": _b([[0, 0, 4, 4], [2, 0, 2, 4]])},
                         "edge"))
    return cases


def _pairs(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    anchors = random_boxes(rng, n, extent=500.0)
    w = anchors[:, 2:] - anchors[:, :2]
    centre = (anchors[:, :2] + anchors[:, 2:]) / 2 + rng.normal(0, 0.3, size=(n, 2)) * w
    gwh = w * np.exp(rng.normal(0, 0.4, size=(n, 2)))
    return np.concatenate([centre - gwh / 2, centre + gwh / 2], axis=1), anchors


def encode_cases(rng: np.random.Generator) -> list[Case]:
    """Identity pair, pure shift, pure scale, weights, non-square, random, perf."""
    a = _b([[10, 20, 50, 100]])
    gt_many, anc_many = _pairs(rng, 6)
    cases = [
        Case("box equal to its anchor: zero deltas", {"reference_boxes": a, "proposals": a.copy()},
             "edge"),
        Case("pure shift by half the anchor size",
             {"reference_boxes": _b([[30, 60, 70, 140]]), "proposals": a}, "edge"),
        Case("pure scale about the centre (×2 width, ×0.5 height)",
             {"reference_boxes": _b([[-10, 40, 70, 80]]), "proposals": a}, "edge"),
        Case("shift and scale together",
             {"reference_boxes": _b([[20, 40, 100, 120]]), "proposals": a}, "edge"),
        Case("weights (10, 10, 5, 5) as in the Fast R-CNN head",
             {"reference_boxes": gt_many, "proposals": anc_many, "weights": [10.0, 10.0, 5.0, 5.0]},
             "edge"),
        Case("unequal weights per coordinate",
             {"reference_boxes": gt_many, "proposals": anc_many, "weights": [1.0, 2.0, 3.0, 4.0]}, "edge"),
        Case("ground truth much larger than the anchor",
             {"reference_boxes": _b([[0, 0, 800, 600]]), "proposals": _b([[395, 295, 405, 305]])}, "edge"),
        Case("fractional coordinates", {"reference_boxes": _b([[0.25, 0.5, 3.75, 2.125]]),
                                        "proposals": _b([[0.5, 0.5, 2.5, 1.5]])}, "edge"),
        Case("no boxes: shape (0, 4)", {"reference_boxes": _b([]), "proposals": _b([])}, "edge"),
    ]
    for i, n in enumerate([5, 50, 400]):
        g, p = _pairs(rng, n)
        cases.append(Case(f"random N={n} #{i}", {"reference_boxes": g, "proposals": p}))
    g, p = _pairs(rng, 200_000)
    cases.append(Case("perf N=200000", {"reference_boxes": g, "proposals": p}, "perf"))
    return cases


def decode_cases(rng: np.random.Generator) -> list[Case]:
    """Zero deltas, weights, (N, 4K) class-specific deltas, the clamp, random, perf."""
    a = _b([[10, 20, 50, 100], [0, 0, 16, 16]])
    clip = math.log(1000.0 / 16)
    cases = [
        Case("zero deltas give the box back", {"rel_codes": np.zeros((2, 4)), "boxes": a}, "edge"),
        Case("shift and scale deltas",
             {"rel_codes": np.array([[0.5, -0.25, math.log(2), -math.log(2)], [1, 1, 0, 0]]), "boxes": a},
             "edge"),
        Case("weights (10, 10, 5, 5)",
             {"rel_codes": rng.normal(0, 3, size=(2, 4)), "boxes": a, "weights": [10.0, 10.0, 5.0, 5.0]},
             "edge"),
        Case("class-specific deltas (N, 4K) with K = 3",
             {"rel_codes": rng.normal(0, 0.5, size=(2, 12)), "boxes": a}, "edge"),
        Case("dw, dh above the clamp log(1000/16)",
             {"rel_codes": np.array([[0, 0, 10.0, clip + 0.5], [0, 0, 50.0, 100.0]]), "boxes": a}, "edge"),
        Case("clamp applies after dividing by the weights",
             {"rel_codes": np.array([[0, 0, 5 * (clip + 0.7), 5 * (clip - 0.7)], [0, 0, 21.0, 19.0]]),
              "boxes": a, "weights": [10.0, 10.0, 5.0, 5.0]}, "edge"),
        Case("very negative dw, dh are not clamped",
             {"rel_codes": np.array([[0, 0, -6.0, -9.0], [0, 0, -20.0, -3.0]]), "boxes": a}, "edge"),
        Case("custom bbox_xform_clip = 1",
             {"rel_codes": np.array([[0, 0, 2.0, 0.5], [0, 0, 0.9, 3.0]]), "boxes": a,
              "weights": [1.0, 1.0, 1.0, 1.0], "bbox_xform_clip": 1.0}, "edge"),
        Case("no boxes: shape (0, 4)", {"rel_codes": np.zeros((0, 4)), "boxes": _b([])}, "edge"),
    ]
    for i, (n, k) in enumerate([(5, 1), (50, 1), (300, 4)]):
        _, p = _pairs(rng, n)
        cases.append(Case(f"random N={n} K={k} #{i}",
                          {"rel_codes": rng.normal(0, 0.8, size=(n, 4 * k)), "boxes": p}))
    _, p = _pairs(rng, 100_000)
    cases.append(Case("perf N=100000 K=2", {"rel_codes": rng.normal(0, 0.8, size=(100_000, 8)),
                                            "boxes": p}, "perf"))
    return cases


def anchor_cases(rng: np.random.Generator) -> list[Case]:
    """One anchor, ratio order, odd sizes (.5 ties), non-square grids and strides, perf."""
    return [
        Case("one size, one ratio, 1x1 map",
             {"sizes": [32], "aspect_ratios": [1.0], "feature_size": [1, 1], "stride": [16, 16]}, "edge"),
        Case("ratios 0.5, 1, 2 (ratio = h / w) at one cell",
             {"sizes": [32], "aspect_ratios": [0.5, 1.0, 2.0], "feature_size": [1, 1],
              "stride": [16, 16]}, "edge"),
        Case("order: ratio-major, then size",
             {"sizes": [32, 64, 128], "aspect_ratios": [0.5, 2.0], "feature_size": [1, 1],
              "stride": [8, 8]}, "edge"),
        Case("odd sizes: half-integers round half to even",
             {"sizes": [33, 35, 37], "aspect_ratios": [1.0], "feature_size": [1, 2],
              "stride": [4, 4]}, "edge"),
        Case("irrational widths are rounded",
             {"sizes": [50], "aspect_ratios": [0.5, 3.0], "feature_size": [1, 1], "stride": [1, 1]}, "edge"),
        Case("non-square map: rows (y) outer, columns (x) inner",
             {"sizes": [16], "aspect_ratios": [1.0], "feature_size": [2, 3], "stride": [8, 8]}, "edge"),
        Case("different stride in y and x",
             {"sizes": [16, 24], "aspect_ratios": [1.0, 2.0], "feature_size": [3, 2],
              "stride": [16, 8]}, "edge"),
        Case("torchvision FPN level P2 (size 32, stride 4, 5x7 map)",
             {"sizes": [32], "aspect_ratios": [0.5, 1.0, 2.0], "feature_size": [5, 7],
              "stride": [4, 4]}, "edge"),
        Case("random 3 sizes x 3 ratios, 10x12 map",
             {"sizes": sorted(int(s) for s in rng.integers(8, 300, size=3)),
              "aspect_ratios": [0.5, 1.0, 2.0], "feature_size": [10, 12], "stride": [16, 16]}),
        Case("random 2 sizes x 4 ratios, 25x19 map",
             {"sizes": [int(s) for s in rng.integers(8, 300, size=2)],
              "aspect_ratios": [round(float(r), 3) for r in rng.uniform(0.2, 4.0, size=4)],
              "feature_size": [25, 19], "stride": [32, 32]}),
        Case("perf 200x200 map, 9 anchors",
             {"sizes": [32, 64, 128], "aspect_ratios": [0.5, 1.0, 2.0], "feature_size": [200, 200],
              "stride": [4, 4]}, "perf"),
    ]
