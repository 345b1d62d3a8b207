"""Cases for the detection family: iou, nms, soft-nms.

Boxes are (x1, y1, x2, y2) float64 arrays. Random boxes are drawn around a
few cluster centres so that suppression actually happens; the edge cases pin
down the conventions a learner most often gets wrong (no ``+ 1``, clipping
of disjoint intersections, zero-area boxes, ``>`` versus ``>=`` at the
threshold, ties).
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case

FloatArray = np.ndarray


def _boxes(rows: list[list[float]]) -> FloatArray:
    return np.asarray(rows, dtype=np.float64).reshape(-1, 4)


def random_boxes(rng: np.random.Generator, n: int, *, clusters: int = 0, extent: float = 100.0) -> FloatArray:
    """``n`` valid boxes in ``[0, extent]²``; with ``clusters`` they crowd around centres."""
    if clusters:
        centres = rng.uniform(0.15 * extent, 0.85 * extent, size=(clusters, 2))
        cxcy = centres[rng.integers(0, clusters, size=n)] + rng.normal(0, 0.04 * extent, size=(n, 2))
    else:
        cxcy = rng.uniform(0, extent, size=(n, 2))
    wh = rng.uniform(0.05 * extent, 0.3 * extent, size=(n, 2))
    return np.concatenate([cxcy - wh / 2, cxcy + wh / 2], axis=1)


PERF_BOXES = 1000

# A pair whose IoU is exactly 0.5 in binary floating point: intersection 2,
# union 4 (boxes [0,0,3,1] and [1,0,4,1]).
HALF_IOU_PAIR = _boxes([[0, 0, 3, 1], [1, 0, 4, 1]])
# Two pairs sharing only an edge, and one sharing only a corner: IoU exactly 0.
TOUCHING = _boxes([[0, 0, 2, 2], [2, 0, 4, 2], [0, 2, 2, 4], [2, 2, 4, 4]])
DISJOINT = _boxes([[0, 0, 1, 1], [5, 5, 6, 7], [10, 0, 12, 3], [0, 10, 4, 11]])
# A point, a horizontal segment, a vertical segment, and one real box over them.
ZERO_AREA = _boxes([[1, 1, 1, 1], [0, 2, 3, 2], [2, 0, 2, 3], [0, 0, 3, 3]])


def iou_cases(rng: np.random.Generator) -> list[Case]:
    """Edge cases, then random (N, M) pairs of growing size."""
    box = _boxes([[1.5, 2.0, 4.0, 6.5]])
    cases = [
        Case("empty input", {"boxes1": _boxes([]), "boxes2": random_boxes(rng, 3)}, "edge"),
        Case("both empty", {"boxes1": _boxes([]), "boxes2": _boxes([])}, "edge"),
        # One clause each, in the order a mistake would show first (Caffe's + 1
        # breaks every overlap, so the case that isolates it comes first).
        Case("touching boxes share no area (no + 1)",
             {"boxes1": TOUCHING[:1].copy(), "boxes2": TOUCHING[1:].copy()}, "edge"),
        # Apart diagonally (both widths negative: their product is positive), then
        # apart along x only and along y only.
        Case("disjoint on both axes (clip before multiplying)",
             {"boxes1": _boxes([[0, 0, 4, 4]]),
              "boxes2": _boxes([[5, 5, 9, 9], [6, 1, 8, 3], [1, 6, 3, 8]])}, "edge"),
        Case("partial overlap (union subtracts the intersection)",
             {"boxes1": box.copy(), "boxes2": _boxes([[2, 1, 5, 4]])}, "edge"),
        Case("zero union gives 0, not NaN",
             {"boxes1": ZERO_AREA[:3].copy(), "boxes2": ZERO_AREA[:3].copy()}, "edge"),
        Case("one box each", {"boxes1": box, "boxes2": _boxes([[2, 1, 5, 4]])}, "edge"),
        Case("identical boxes", {"boxes1": np.repeat(box, 3, axis=0), "boxes2": box.copy()}, "edge"),
        Case("disjoint boxes", {"boxes1": DISJOINT, "boxes2": DISJOINT[::-1].copy()}, "edge"),
        Case("touching boxes", {"boxes1": TOUCHING, "boxes2": TOUCHING.copy()}, "edge"),
        Case("zero-area boxes", {"boxes1": ZERO_AREA, "boxes2": ZERO_AREA.copy()}, "edge"),
        Case("iou exactly 0.5", {"boxes1": HALF_IOU_PAIR[:1], "boxes2": HALF_IOU_PAIR[1:]}, "edge"),
        Case("box inside another", {"boxes1": _boxes([[0, 0, 10, 10]]), "boxes2": _boxes([[2, 2, 4, 7]])}, "edge"),
    ]
    for i, (n, m) in enumerate([(5, 7), (1, 30), (40, 25), (200, 150)]):
        cases.append(
            Case(
                f"random n={n} m={m} #{i + 1}",
                {"boxes1": random_boxes(rng, n, clusters=3), "boxes2": random_boxes(rng, m, clusters=3)},
            )
        )
    return cases


def nms_cases(rng: np.random.Generator) -> list[Case]:
    """Edge cases, random crowded scenes, then one perf case.

    The perf case has 1,000 boxes: there a pure-Python pair loop takes about 40x
    the reference and a vectorised row per kept box about 3x, so the 20x limit
    (exercises/detection.yaml) separates them with room on both sides, and a
    correct solution's whole check stays short (issue #10 times it)."""

    def case(name: str, boxes: FloatArray, scores: FloatArray, thr: float, kind: str = "edge") -> Case:
        args = {"boxes": boxes, "scores": np.asarray(scores, dtype=np.float64), "iou_threshold": thr}
        return Case(name, args, kind)  # type: ignore[arg-type]

    same = np.repeat(_boxes([[10, 10, 20, 30]]), 5, axis=0)
    # Clause order: the output is in score order (any multi-box case shows an
    # unsorted loop, so the case for it comes first), then the threshold rule,
    # then "only kept boxes suppress".
    cases = [
        case("empty input", _boxes([]), np.zeros(0), 0.5),
        case("one box", _boxes([[0, 0, 2, 3]]), np.array([0.7]), 0.5),
        case("scores not sorted, chain of overlaps", _boxes([[0, 0, 4, 4], [1, 0, 5, 4], [2, 0, 6, 4], [3, 0, 7, 4]]),
             np.array([0.5, 0.9, 0.6, 0.8]), 0.5),
        case("iou exactly at threshold", HALF_IOU_PAIR, np.array([0.6, 0.9]), 0.5),
        case("iou just above threshold", HALF_IOU_PAIR, np.array([0.6, 0.9]), 0.4999),
        # A (0.9) suppresses B (IoU 0.6); B would suppress C, but B is gone: C stays.
        case("a suppressed box does not suppress others",
             _boxes([[0, 0, 4, 4], [1, 0, 5, 4], [2, 0, 6, 4]]), np.array([0.9, 0.8, 0.7]), 0.5),
        case("all boxes identical", same, np.array([0.2, 0.9, 0.4, 0.8, 0.1]), 0.5),
        case("disjoint boxes", DISJOINT, np.array([0.1, 0.4, 0.3, 0.2]), 0.0),
        case("zero-area boxes", ZERO_AREA, np.array([0.9, 0.8, 0.7, 0.6]), 0.0),
        case("touching boxes at threshold 0", TOUCHING, np.array([0.5, 0.6, 0.7, 0.8]), 0.0),
        case("all-equal scores", random_boxes(rng, 12, clusters=2), np.full(12, 0.5), 0.3),
        case("equal scores on overlapping boxes: either may be kept",
             _boxes([[0, 0, 4, 4], [1, 0, 5, 4], [8, 8, 9, 9]]), np.array([0.7, 0.7, 0.2]), 0.5),
    ]
    for i, (n, thr) in enumerate([(10, 0.5), (50, 0.3), (50, 0.7), (150, 0.5), (400, 0.45)]):
        boxes = random_boxes(rng, n, clusters=max(2, n // 10))
        cases.append(case(f"random n={n} #{i + 1}", boxes, rng.random(n), thr, "random"))
    # Crowded enough that about half the boxes survive: a pure-Python pair
    # loop is ~100x slower than one vectorised IoU row per kept box.
    boxes = random_boxes(rng, PERF_BOXES, clusters=PERF_BOXES // 10, extent=1000.0)
    cases.append(case(f"perf n={PERF_BOXES}", boxes, rng.random(PERF_BOXES), 0.5, "perf"))
    return cases


def soft_nms_cases(rng: np.random.Generator) -> list[Case]:
    """Both decay methods, explicit parameters, edge cases first."""

    def case(name: str, boxes: FloatArray, scores: FloatArray, kind: str = "edge", **params: object) -> Case:
        args: dict[str, object] = {"boxes": boxes, "scores": np.asarray(scores, dtype=np.float64)}
        args.update({"iou_threshold": 0.3, "sigma": 0.5, "score_threshold": 0.001, "method": "gaussian"})
        args.update(params)
        return Case(name, args, kind)  # type: ignore[arg-type]

    same = np.repeat(_boxes([[10, 10, 20, 30]]), 4, axis=0)
    chain = _boxes([[0, 0, 4, 4], [1, 0, 5, 4], [2, 0, 6, 4], [3, 0, 7, 4], [20, 20, 22, 22]])
    chain_scores = np.array([0.5, 0.9, 0.6, 0.8, 0.3])
    # The prompt's example geometry: box 3 overlaps box 0 (IoU 0.6) and box 1 (≈ 0.391).
    example = _boxes([[0, 0, 4, 4], [1, 0, 5, 4], [10, 10, 12, 12], [0, 1, 4, 5]])
    cases = [
        case("empty input", _boxes([]), np.zeros(0)),
        case("one box", _boxes([[0, 0, 2, 3]]), np.array([0.7])),
        case("gaussian: partial overlap decays by exp(-iou**2 / sigma)", example[:2].copy(),
             np.array([0.9, 0.8])),
        # Box 0 decays below boxes 1 and 2: the second pick is box 2, not box 0.
        case("decayed scores change the selection order", example,
             np.array([0.9, 0.8, 0.7, 0.95])),
        case("all boxes identical, gaussian", same, np.array([0.9, 0.8, 0.7, 0.6])),
        case("all boxes identical, linear", same, np.array([0.9, 0.8, 0.7, 0.6]), method="linear"),
        case("disjoint boxes, linear", DISJOINT, np.array([0.1, 0.4, 0.3, 0.2]), method="linear"),
        case("zero-area boxes", ZERO_AREA, np.array([0.9, 0.8, 0.7, 0.6])),
        case("linear: iou exactly at threshold", HALF_IOU_PAIR, np.array([0.6, 0.9]),
             method="linear", iou_threshold=0.5),
        case("linear: iou just above threshold", HALF_IOU_PAIR, np.array([0.6, 0.9]),
             method="linear", iou_threshold=0.4999),
        case("scores decay below score_threshold", same, np.array([0.9, 0.8, 0.7, 0.6]),
             score_threshold=0.2, sigma=0.5),
        case("initial score below score_threshold", DISJOINT, np.array([0.9, 0.05, 0.3, 0.2]),
             score_threshold=0.1),
        # Pruning comes before each pick: a best box that starts below the threshold is never kept.
        case("every score below score_threshold: nothing kept", DISJOINT[:2],
             np.array([0.0005, 0.0008])),
        case("score exactly at score_threshold is kept", DISJOINT[:2], np.array([0.9, 0.001])),
        case("chain of overlaps, gaussian sigma=0.3", chain, chain_scores, sigma=0.3),
        case("chain of overlaps, linear", chain, chain_scores, method="linear", iou_threshold=0.2),
        case("all-equal scores, disjoint boxes", DISJOINT, np.full(4, 0.5), method="linear"),
    ]
    for i, n in enumerate([8, 30, 60, 200, 400]):
        method = "linear" if i % 2 else "gaussian"
        params = {"method": method, "iou_threshold": float(rng.choice([0.3, 0.5])),
                  "sigma": float(rng.choice([0.5, 1.0])), "score_threshold": float(rng.choice([0.001, 0.05]))}
        boxes = random_boxes(rng, n, clusters=max(2, n // 8))
        cases.append(case(f"random n={n} {method} #{i + 1}", boxes, rng.random(n), "random", **params))
    return cases
