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
    from dlquiz.grading.case import Case
    from dlquiz.grading.checkers import check

    case = Case("c", {})
    want = np.array([2, 0], dtype=np.int64)
    assert check("exact", {"dtype": "int64"}, want, want.copy(), case).ok
    narrow = check("exact", {"dtype": "int64"}, want, want.astype(np.int32), case)
    assert not narrow.ok and narrow.message == "expected an array of dtype int64, got dtype int32"
    listed = check("exact", {"dtype": "int64"}, want, [2, 0], case)
    assert not listed.ok and "got list" in listed.message
    assert check("exact", {}, want, want.astype(np.int32), case).ok  # without the option: values


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
