"""Case generators of the detection, metrics, conv and sorting families.

Determinism for a seed, edge cases first with the promised names, and each
named edge case really has the property its name claims, checked with the
reference *and* with independent arithmetic written here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from dlquiz.grading.case import Case
from dlquiz.grading.cases import conv, detection, metrics, sorting
from dlquiz.grading.reference.detection import iou as ref_iou

GENERATORS: list[Callable[[np.random.Generator], list[Case]]] = [
    detection.iou_cases,
    detection.nms_cases,
    detection.soft_nms_cases,
    metrics.roc_auc_cases,
    metrics.roc_curve_cases,
    conv.conv2d_cases,
    sorting.quadratic_sort_cases,
    sorting.nlogn_sort_cases,
    sorting.counting_sort_cases,
]
ids = [g.__name__ for g in GENERATORS]


def by_name(cases: list[Case]) -> dict[str, Case]:
    return {c.name: c for c in cases}


def naive_pair_iou(a: np.ndarray, b: np.ndarray) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / union if union > 0 else 0.0


def same_args(a: dict[str, object], b: dict[str, object]) -> bool:
    if a.keys() != b.keys():
        return False
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, np.ndarray):
            if not (isinstance(y, np.ndarray) and x.dtype == y.dtype and np.array_equal(x, y)):
                return False
        elif x != y:
            return False
    return True


@pytest.mark.parametrize("generate", GENERATORS, ids=ids)
def test_deterministic_for_a_seed(generate: Callable[[np.random.Generator], list[Case]]) -> None:
    first, second = generate(np.random.default_rng(7)), generate(np.random.default_rng(7))
    assert [c.name for c in first] == [c.name for c in second]
    assert all(same_args(a.args, b.args) for a, b in zip(first, second))
    other = generate(np.random.default_rng(8))
    assert not all(same_args(a.args, b.args) for a, b in zip(first, other))


@pytest.mark.parametrize("generate", GENERATORS, ids=ids)
def test_shape_of_the_case_list(generate: Callable[[np.random.Generator], list[Case]]) -> None:
    cases = generate(np.random.default_rng(0))
    kinds = [c.kind for c in cases]
    assert kinds[0] == "edge" and "random" in kinds
    # edge* random+ perf?
    assert kinds == sorted(kinds, key=["edge", "random", "perf"].index)
    assert kinds.count("perf") <= 1
    assert len({c.name for c in cases}) == len(cases), "case names must be unique"
    for c in cases:
        for value in c.args.values():
            ok_scalar = value is None or isinstance(value, (bool, int, float, str))
            ok_list = isinstance(value, list) and all(isinstance(v, (int, float)) for v in value)
            ok_array = isinstance(value, np.ndarray) and value.dtype.kind in "biuf"
            assert ok_scalar or ok_list or ok_array, (c.name, type(value))


# ---------------------------------------------------------------- detection


def test_detection_edge_names_and_properties() -> None:
    rng = np.random.default_rng(0)
    for generate in (detection.iou_cases, detection.nms_cases, detection.soft_nms_cases):
        names = [c.name for c in generate(rng)]
        assert "empty input" in names
        assert any("zero-area" in n for n in names)
        assert any("disjoint" in n for n in names)
        assert any("identical" in n for n in names)
    nms = by_name(detection.nms_cases(rng))
    assert nms["empty input"].args["boxes"].shape == (0, 4)
    assert len(nms["one box"].args["boxes"]) == 1
    same = nms["all boxes identical"].args["boxes"]
    assert (same == same[0]).all() and len(same) > 1
    scores = nms["all-equal scores"].args["scores"]
    assert (scores == scores[0]).all() and len(scores) > 1
    perf = f"perf n={detection.PERF_BOXES}"
    assert perf in nms and nms[perf].kind == "perf" and len(nms[perf].args["boxes"]) >= 1000


def test_threshold_boundary_case_is_exactly_on_the_threshold() -> None:
    case = by_name(detection.nms_cases(np.random.default_rng(0)))["iou exactly at threshold"]
    boxes, thr = case.args["boxes"], case.args["iou_threshold"]
    assert naive_pair_iou(boxes[0], boxes[1]) == thr
    assert ref_iou(boxes[:1], boxes[1:])[0, 0] == thr
    soft = by_name(detection.soft_nms_cases(np.random.default_rng(0)))["linear: iou exactly at threshold"]
    b = soft.args["boxes"]
    assert naive_pair_iou(b[0], b[1]) == soft.args["iou_threshold"]
    assert soft.args["method"] == "linear"


def test_touching_disjoint_and_zero_area_cases_have_zero_iou_off_diagonal() -> None:
    cases = by_name(detection.nms_cases(np.random.default_rng(0)))
    for name in ("touching boxes at threshold 0", "disjoint boxes", "zero-area boxes"):
        boxes = cases[name].args["boxes"]
        n = len(boxes)
        for i in range(n):
            for j in range(n):
                if i != j:
                    assert naive_pair_iou(boxes[i], boxes[j]) == 0.0, name
    touching = cases["touching boxes at threshold 0"].args["boxes"]
    # Touching, not disjoint: some pair shares an edge (intersection width or height 0, other > 0).
    a, b = touching[0], touching[1]
    assert min(a[2], b[2]) - max(a[0], b[0]) == 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0
    zero = cases["zero-area boxes"].args["boxes"]
    areas = (zero[:, 2] - zero[:, 0]) * (zero[:, 3] - zero[:, 1])
    assert (areas == 0).sum() >= 3


# ---------------------------------------------------------------- metrics


def test_metric_cases_have_both_classes_and_heavy_ties() -> None:
    for generate in (metrics.roc_auc_cases, metrics.roc_curve_cases):
        cases = generate(np.random.default_rng(0))
        for c in cases:
            y = np.asarray(c.args["y_true"]).astype(int)
            assert set(y.tolist()) == {0, 1}, c.name
        named = by_name(cases)
        heavy = named["heavy ties"].args["y_score"]
        assert len(np.unique(heavy)) <= 3 < len(heavy)
        same = named["all scores equal"].args["y_score"]
        assert (same == same[0]).all()
        assert int(np.asarray(named["one positive"].args["y_true"]).sum()) == 1
    perf = [c for c in metrics.roc_auc_cases(np.random.default_rng(0)) if c.kind == "perf"]
    assert len(perf) == 1 and len(perf[0].args["y_score"]) >= 100_000


# ---------------------------------------------------------------- conv


def test_conv_edge_cases_have_their_property() -> None:
    cases = by_name(conv.conv2d_cases(np.random.default_rng(0)))
    one = cases["1x1 kernel"].args["weight"]
    assert one.shape[2:] == (1, 1)
    pad = cases["padding > kernel/2"].args
    assert pad["padding"] > pad["weight"].shape[2] / 2
    st = cases["stride > kernel"].args
    assert st["stride"] > st["weight"].shape[2]
    assert cases["dilation 2"].args["dilation"] == 2
    dw = cases["depthwise (groups = channels)"].args
    assert dw["groups"] == dw["x"].shape[1] == dw["weight"].shape[0] and dw["weight"].shape[1] == 1
    assert cases["bias given"].args["bias"] is not None
    assert cases["plain 3x3, no padding"].args["bias"] is None
    for c in cases.values():
        g = c.args.get("groups", 1)
        assert c.args["x"].shape[1] == c.args["weight"].shape[1] * g
        assert c.args["x"].dtype == np.float64


# ---------------------------------------------------------------- sorting


@pytest.mark.parametrize(
    "generate", [sorting.quadratic_sort_cases, sorting.nlogn_sort_cases, sorting.counting_sort_cases]
)
def test_sorting_edge_cases_have_their_property(generate: Callable[[np.random.Generator], list[Case]]) -> None:
    cases = by_name(generate(np.random.default_rng(0)))
    arr = {name: c.args["arr"] for name, c in cases.items()}
    assert arr["empty list"] == [] and len(arr["one element"]) == 1
    assert len(set(arr["duplicates"])) < len(arr["duplicates"])
    assert min(arr["negatives"]) < 0
    asc, desc = arr["already sorted"], arr["reversed"]
    assert all(a < b for a, b in zip(asc, asc[1:])) and all(a > b for a, b in zip(desc, desc[1:]))
    assert max(len(a) for a in arr.values()) >= sorting.LARGE_N
    if generate is sorting.counting_sort_cases:
        assert all(isinstance(v, int) for a in arr.values() for v in a)
    else:
        assert any(isinstance(v, float) and not v.is_integer() for v in arr["floats"])
    perf = [c for c in cases.values() if c.kind == "perf"]
    assert (len(perf) == 1) == (generate is not sorting.quadratic_sort_cases)
