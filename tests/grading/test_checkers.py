"""Built-in checkers: messages for shape/kind mismatches, tolerances, NMS tie handling."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlquiz.grading.case import Case
from dlquiz.grading.checkers import check
from dlquiz.grading.wire import Unsupported

NO_CASE = Case("c", {})


def test_allclose_shape_message() -> None:
    result = check("allclose", {}, np.zeros(5), np.zeros((5, 1)), NO_CASE)
    assert not result.ok
    assert "expected shape (5,), got (5, 1)" in result.message


def test_allclose_tolerances_and_first_difference() -> None:
    expected = np.array([1.0, 2.0, 3.0])
    assert check("allclose", {"rtol": 1e-3}, expected, expected * (1 + 1e-4), NO_CASE).ok
    result = check("allclose", {"rtol": 1e-6, "atol": 0}, expected, np.array([1.0, 2.5, 3.0]),
                   NO_CASE)
    assert not result.ok
    assert "index (1,)" in result.message and "2.5" in result.message
    assert "1 of 3" in result.message


def test_allclose_nan_positions() -> None:
    expected = np.array([np.nan, 1.0])
    assert check("allclose", {}, expected, np.array([np.nan, 1.0]), NO_CASE).ok
    assert not check("allclose", {}, expected, np.array([0.0, 1.0]), NO_CASE).ok
    assert not check("allclose", {"equal_nan": False}, expected, expected.copy(), NO_CASE).ok


def test_allclose_kind_mismatch_and_scalars() -> None:
    result = check("allclose", {}, np.array([1.0, 0.0]), np.array([True, False]), NO_CASE)
    assert not result.ok and "expected float values" in result.message
    assert check("allclose", {}, 0.75, np.float64(0.75), NO_CASE).ok
    scalar_vs_array = check("allclose", {}, 0.75, np.array([0.75]), NO_CASE)
    assert not scalar_vs_array.ok and "expected a scalar, got shape (1,)" in scalar_vs_array.message
    none = check("allclose", {}, 0.75, None, NO_CASE)
    assert not none.ok and "None" in none.message


def test_exact_integer_indices() -> None:
    assert check("exact", {}, np.array([2, 0], dtype=np.int64), [2, 0], NO_CASE).ok
    as_float = check("exact", {}, np.array([2, 0], dtype=np.int64), np.array([2.0, 0.0]), NO_CASE)
    assert not as_float.ok and "integer" in as_float.message


def test_unsupported_object_is_rejected_with_its_type() -> None:
    result = check("allclose", {}, np.zeros(2), Unsupported("Sneaky", "<Sneaky>"), NO_CASE)
    assert not result.ok and "Sneaky" in result.message


def test_set_equal_and_sorted() -> None:
    assert check("set_equal", {}, np.array([1, 2, 2]), np.array([2, 1, 2]), NO_CASE).ok
    result = check("set_equal", {}, np.array([1, 2, 2]), np.array([2, 1, 3]), NO_CASE)
    assert not result.ok and "missing [2]" in result.message and "unexpected [3]" in result.message
    assert check("sorted", {}, [-3, 1, 1, 4], [-3, 1, 1, 4], NO_CASE).ok
    wrong = check("sorted", {}, [-3, 1, 1, 4], [-3, 1, 4, 1], NO_CASE)
    assert not wrong.ok and "index 2" in wrong.message
    short = check("sorted", {}, [1, 2], [1], NO_CASE)
    assert not short.ok and "expected 2 values, got 1" in short.message


def _nms_case(scores: list[float], boxes: list[list[float]], thr: float = 0.5) -> Case:
    return Case("nms", {"boxes": np.array(boxes, dtype=float), "scores": np.array(scores),
                        "iou_threshold": thr})


def test_nms_accepts_either_tie_order() -> None:
    # Boxes 0 and 1 overlap heavily and tie on score; box 2 is far away.
    case = _nms_case([0.9, 0.9, 0.5], [[0, 0, 10, 10], [1, 0, 11, 10], [50, 50, 60, 60]])
    assert check("nms", {}, np.array([0, 2]), np.array([0, 2]), case).ok
    assert check("nms", {}, np.array([0, 2]), np.array([1, 2]), case).ok
    both = check("nms", {}, np.array([0, 2]), np.array([0, 1, 2]), case)
    assert not both.ok and "already kept or suppressed" in both.message


def test_nms_rejects_wrong_order_and_missing_boxes() -> None:
    case = _nms_case([0.3, 0.9], [[0, 0, 1, 1], [5, 5, 6, 6]])
    order = check("nms", {}, np.array([1, 0]), np.array([0, 1]), case)
    assert not order.ok and "higher" in order.message
    missing = check("nms", {}, np.array([1, 0]), np.array([1]), case)
    assert not missing.ok and "box 0" in missing.message


def test_nms_threshold_is_strict() -> None:
    # IoU of these two boxes is exactly 0.5: not suppressed at threshold 0.5.
    case = _nms_case([0.9, 0.8], [[0, 0, 2, 1], [0, 0, 1, 1]])
    assert check("nms", {}, np.array([0, 1]), np.array([0, 1]), case).ok
    assert not check("nms", {}, np.array([0, 1]), np.array([0]), case).ok


def _soft_case(method: str) -> Case:
    return Case("soft", {"boxes": np.array([[0, 0, 10, 10], [0, 0, 10, 10], [1, 1, 11, 11],
                                            [40, 40, 50, 50]], dtype=float),
                         "scores": np.array([0.8, 0.8, 0.7, 0.2]), "iou_threshold": 0.3,
                         "sigma": 0.5, "score_threshold": 0.001, "method": method})


def _naive_soft_nms(case: Case, first: int) -> tuple[list[int], list[float]]:
    """An independent loop: pick ``first`` at step 0 (a tie), then the max each step."""
    a = case.args
    boxes, scores = a["boxes"], list(a["scores"])
    alive = [i for i in range(len(scores)) if scores[i] >= a["score_threshold"]]
    keep, kept = [], []

    def iou(i: int, j: int) -> float:
        bi, bj = boxes[i], boxes[j]
        w = max(0.0, min(bi[2], bj[2]) - max(bi[0], bj[0]))
        h = max(0.0, min(bi[3], bj[3]) - max(bi[1], bj[1]))
        inter = w * h
        union = (bi[2] - bi[0]) * (bi[3] - bi[1]) + (bj[2] - bj[0]) * (bj[3] - bj[1]) - inter
        return inter / union if union > 0 else 0.0

    while alive:
        pick = first if not keep else max(alive, key=lambda i: scores[i])
        keep.append(pick)
        kept.append(scores[pick])
        alive.remove(pick)
        for j in alive:
            o = iou(pick, j)
            if a["method"] == "linear":
                scores[j] *= (1 - o) if o > a["iou_threshold"] else 1.0
            else:
                scores[j] *= math.exp(-o * o / a["sigma"])
        alive = [j for j in alive if scores[j] >= a["score_threshold"]]
    return keep, kept


@pytest.mark.parametrize("method", ["linear", "gaussian"])
@pytest.mark.parametrize("first", [0, 1])
def test_soft_nms_follows_tie_choices(method: str, first: int) -> None:
    case = _soft_case(method)
    keep, kept = _naive_soft_nms(case, first)
    got = (np.array(keep), np.array(kept))
    assert check("soft_nms", {"rtol": 1e-6}, got, got, case).ok
    bad_scores = (np.array(keep), np.array(kept) * 1.01)
    result = check("soft_nms", {"rtol": 1e-6}, got, bad_scores, case)
    assert not result.ok and "scores[" in result.message


def test_soft_nms_shape_of_result() -> None:
    case = _soft_case("linear")
    result = check("soft_nms", {}, None, np.array([0, 1]), case)
    assert not result.ok and "tuple (keep, scores)" in result.message


def test_tuple_checker_per_element() -> None:
    options = {"elements": [{"name": "exact"}, {"name": "allclose", "rtol": 1e-3}]}
    expected = (np.array([1, 2]), np.array([0.5, 0.25]))
    assert check("tuple", options, expected, (np.array([1, 2]), np.array([0.5001, 0.25])), NO_CASE).ok
    result = check("tuple", options, expected, (np.array([2, 1]), np.array([0.5, 0.25])), NO_CASE)
    assert not result.ok and result.message.startswith("element 0")
    length = check("tuple", options, expected, (np.array([1, 2]),), NO_CASE)
    assert not length.ok and "tuple of 2 values" in length.message


def test_custom_checker_from_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mychecks.py").write_text(
        "def positive(options, expected, got, case):\n"
        "    return (bool(got > 0), 'expected a positive number')\n", encoding="utf-8")
    assert check("mychecks.py:positive", {}, None, 3.0, NO_CASE, base_dir=str(tmp_path)).ok
    result = check("mychecks.py:positive", {}, None, -1.0, NO_CASE, base_dir=str(tmp_path))
    assert not result.ok and result.message == "expected a positive number"


def test_dtype_option_requires_exactly_that_dtype() -> None:
    want = np.array([2, 0], dtype=np.int64)
    assert check("exact", {"dtype": "int64"}, want, want.copy(), NO_CASE).ok
    narrow = check("exact", {"dtype": "int64"}, want, want.astype(np.int32), NO_CASE)
    assert not narrow.ok and narrow.message == "expected an int64 array, got int32"
    assert check("exact", {}, want, want.astype(np.int32), NO_CASE).ok  # without the option: values


def test_dtype_float32_where_float64_is_promised() -> None:
    want = np.linspace(0.0, 1.0, 4)
    for name in ("allclose", "exact"):
        assert check(name, {"dtype": "float64"}, want, want.copy(), NO_CASE).ok
        result = check(name, {"dtype": "float64"}, want, want.astype(np.float32), NO_CASE)
        assert not result.ok and result.message == "expected a float64 array, got float32"
    # the values are within tolerance: only the dtype fails
    assert check("allclose", {"rtol": 1e-6}, want, want.astype(np.float32), NO_CASE).ok


def test_dtype_match_takes_the_reference_dtype() -> None:
    sums = np.array([190, 6, 0], dtype=np.int64)
    assert check("allclose", {"dtype": "match"}, sums, sums.copy(), NO_CASE).ok
    wraps = check("allclose", {"dtype": "match"}, sums, sums.astype(np.uint64), NO_CASE)
    assert not wraps.ok and wraps.message == "expected an int64 array, got uint64"
    floats = check("allclose", {"dtype": "match"}, sums, sums.astype(np.float64), NO_CASE)
    assert not floats.ok and floats.message == "expected an int64 array, got float64"
    half = np.array([0.5, 1.5])
    assert check("allclose", {"dtype": "match"}, half, half.copy(), NO_CASE).ok
    narrow = check("allclose", {"dtype": "match"}, half.astype(np.float32), half, NO_CASE)
    assert narrow.message == "expected a float32 array, got float64"
    # a reference result without a dtype (None) sets no rule
    assert check("allclose", {"dtype": "match"}, None, None, NO_CASE).ok


def test_dtype_of_lists_is_what_np_asarray_gives() -> None:
    floats = np.array([0.5, 2.0])
    assert check("allclose", {"dtype": "float64"}, floats, [0.5, 2.0], NO_CASE).ok
    assert check("allclose", {"dtype": "float64"}, floats, [0.5, 2], NO_CASE).ok  # mixed: float64
    ints = np.array([2, 0], dtype=np.int64)
    assert check("exact", {"dtype": "int64"}, ints, [2, 0], NO_CASE).ok
    as_floats = check("exact", {"dtype": "int64"}, ints, [2.0, 0.0], NO_CASE)
    assert as_floats.message == "expected an int64 array, got a list of float64 values"
    narrow = check("allclose", {"dtype": "float64"}, floats,
                   [np.float32(0.5), np.float32(2.0)], NO_CASE)
    assert narrow.message == "expected a float64 array, got a list of float32 values"
    # an empty list has no element to carry a dtype; an empty array does
    empty = np.zeros(0, dtype=np.int64)
    assert check("exact", {"dtype": "int64"}, empty, [], NO_CASE).ok
    blank = check("exact", {"dtype": "int64"}, empty, np.array([]), NO_CASE)
    assert blank.message == "expected an int64 array, got float64"
    none = check("allclose", {"dtype": "float64"}, floats, None, NO_CASE)
    assert none.message == "expected a float64 array, got None"


def test_dtype_of_scalars() -> None:
    # a Python float is float64, so "return a (Python) float" passes a float64 rule
    assert check("allclose", {"dtype": "float64"}, 0.25, 0.25, NO_CASE).ok
    assert check("allclose", {"dtype": "float64"}, 0.25, np.float64(0.25), NO_CASE).ok
    assert check("allclose", {"dtype": "float64"}, 0.25, np.array(0.25), NO_CASE).ok
    scalar32 = check("allclose", {"dtype": "float64"}, 0.25, np.float32(0.25), NO_CASE)
    assert scalar32.message == "expected a float64 value, got a NumPy float32 scalar"
    # a Python int where a float is promised is exact (an AUC of 1): taken, as by any judge;
    # a bool is not a number the prompt asked for
    assert check("allclose", {"dtype": "float64"}, 1.0, 1, NO_CASE).ok
    boolean = check("allclose", {"dtype": "float64"}, 1.0, True, NO_CASE)
    assert boolean.message == "expected a float64 value, got a Python bool (bool)"
    # a Python int is int64, a bool bool
    assert check("exact", {"dtype": "int64"}, 3, 3, NO_CASE).ok
    assert check("exact", {"dtype": "int64"}, 3, np.int64(3), NO_CASE).ok
    small = check("exact", {"dtype": "int64"}, 3, np.int32(3), NO_CASE)
    assert small.message == "expected an int64 value, got a NumPy int32 scalar"
    assert check("exact", {"dtype": "bool"}, True, True, NO_CASE).ok
    assert check("exact", {"dtype": "match"}, 3, 3, NO_CASE).ok
    assert not check("exact", {"dtype": "match"}, 3, np.uint8(3), NO_CASE).ok


def test_dtype_applies_to_every_tuple_element_or_one_per_element() -> None:
    expected = (np.array([1, 2]), np.array([0.5, 0.25]))
    good = (np.array([1, 2]), np.array([0.5, 0.25]))
    per_element = {"dtype": ["int64", "float64"]}
    assert check("tuple", per_element, expected, good, NO_CASE).ok
    bad = check("tuple", per_element, expected, (good[0], good[1].astype(np.float32)), NO_CASE)
    assert bad.message == "element 1 of the tuple: expected a float64 array, got float32"
    skip = {"dtype": [None, "float64"]}
    assert check("tuple", skip, expected, (good[0].astype(np.int32), good[1]), NO_CASE).ok
    # one rule for all; an element's own dtype wins
    floats = (np.ones(2), np.zeros(3))
    assert check("tuple", {"dtype": "float64"}, floats, floats, NO_CASE).ok
    first = check("tuple", {"dtype": "float64"}, floats,
                  (floats[0].astype(np.float32), floats[1]), NO_CASE)
    assert first.message == "element 0 of the tuple: expected a float64 array, got float32"
    own = {"dtype": "float64", "elements": [{"name": "exact", "dtype": "int64"}, {"name": "allclose"}]}
    assert check("tuple", own, expected, good, NO_CASE).ok
    # through allclose/exact on a tuple, and through other checkers (here a custom-like exact pass)
    assert not check("allclose", {"dtype": "float64"}, floats,
                     (floats[0], floats[1].astype(np.float16)), NO_CASE).ok
    assert not check("exact", {"dtype": "match"}, expected,
                     (good[0].astype(np.uint64), good[1]), NO_CASE).ok
    # values are judged element by element with the dtype: element 0's values come first
    wrong_first = check("tuple", per_element, expected,
                        (np.array([9, 9]), good[1].astype(np.float32)), NO_CASE)
    assert wrong_first.message.startswith("element 0 of the tuple: 2 of 2 values differ")


def test_dtype_list_for_a_checker_without_elements() -> None:
    """soft_nms (and custom checkers) get the rule checked element-wise before they run."""
    boxes = np.array([[0, 0, 1, 1], [5, 5, 6, 6]], dtype=np.float64)
    case = Case("c", {"boxes": boxes, "scores": np.array([0.9, 0.8]), "iou_threshold": 0.3,
                      "sigma": 0.5, "score_threshold": 0.001, "method": "linear"})
    expected = (np.array([0, 1]), np.array([0.9, 0.8]))
    options = {"dtype": ["int64", "float64"]}
    assert check("soft_nms", options, expected, expected, case).ok
    narrow = check("soft_nms", options, expected, (np.array([0, 1], dtype=np.int32), expected[1]),
                   case)
    assert narrow.message == "element 0 of the tuple: expected an int64 array, got int32"
    mismatch = check("soft_nms", {"dtype": ["int64"]}, expected, expected, case)
    assert not mismatch.ok and "lists 1 dtypes" in mismatch.message
    not_a_tuple = check("allclose", {"dtype": ["float64"]}, np.ones(2), np.ones(2), NO_CASE)
    assert not not_a_tuple.ok and "for a tuple result" in not_a_tuple.message


def test_dtype_rule_validation() -> None:
    from dlquiz.grading.checkers.base import dtype_rule_problem

    for good in ("match", "float64", "int64", "uint8", "bool", ["int64", None, "match"]):
        assert dtype_rule_problem(good) == "", good
    assert "did you mean 'float64'" in dtype_rule_problem("float")
    assert "unknown dtype 'f8'" in dtype_rule_problem("f8")
    assert dtype_rule_problem(["int64", "int"]).startswith("item 1: unknown dtype 'int'")
    assert "got 3" in dtype_rule_problem(3)
    assert dtype_rule_problem([]) != ""


def test_pairs_checker_names_missing_and_extra_pairs() -> None:
    from dlquiz.grading.case import Case
    from dlquiz.grading.checkers import check

    case = Case("c", {})
    want = np.array([[0, 3], [1, 4], [2, 2]], dtype=np.int64)
    assert check("pairs", {}, want, want.copy(), case).ok
    off = check("pairs", {}, want, np.array([[0, 3], [1, 5], [2, 2], [3, 0]]), case)
    assert not off.ok
    assert off.message == "4 pairs, expected 3: missing (1, 4); not expected (1, 5), (3, 0)"
    swapped = check("pairs", {}, want, want[::-1].copy(), case)
    assert not swapped.ok and "wrong order" in swapped.message
    empty = check("pairs", {}, np.zeros((0, 2), dtype=np.int64), np.array([[1, 1]]), case)
    assert empty.message == "1 pairs, expected 0: not expected (1, 1)"
