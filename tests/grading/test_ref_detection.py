"""The detection references against naive Python loops written independently here."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.reference.detection import iou, nms, soft_nms

# ---------------------------------------------------------------- oracles


def naive_iou(a: list[float], b: list[float]) -> float:
    """IoU of two (x1, y1, x2, y2) boxes, one scalar at a time."""
    left, right = max(a[0], b[0]), min(a[2], b[2])
    top, bottom = max(a[1], b[1]), min(a[3], b[3])
    inter = max(0.0, right - left) * max(0.0, bottom - top)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def naive_nms(boxes: list[list[float]], scores: list[float], thr: float) -> list[int]:
    """Textbook greedy NMS: pick the best unsuppressed box, suppress its neighbours."""
    remaining = list(range(len(boxes)))
    keep: list[int] = []
    while remaining:
        best = remaining[0]
        for i in remaining:
            if scores[i] > scores[best]:
                best = i
        keep.append(best)
        remaining = [i for i in remaining if i != best and naive_iou(boxes[best], boxes[i]) <= thr]
    return keep


def naive_soft_nms(
    boxes: list[list[float]], scores: list[float], thr: float, sigma: float, min_score: float, method: str
) -> tuple[list[int], list[float]]:
    current = dict(enumerate(scores))
    keep: list[int] = []
    kept: list[float] = []
    while True:
        current = {i: s for i, s in current.items() if s >= min_score}
        if not current:
            return keep, kept
        best = min(current, key=lambda i: (-current[i], i))
        keep.append(best)
        kept.append(current.pop(best))
        for i in current:
            o = naive_iou(boxes[best], boxes[i])
            if method == "linear":
                if o > thr:
                    current[i] *= 1 - o
            else:
                current[i] *= math.exp(-o * o / sigma)


# ---------------------------------------------------------------- strategies

coord = st.integers(0, 20).map(float) | st.floats(0, 20, allow_nan=False, width=32).map(float)


@st.composite
def box(draw: st.DrawFn) -> list[float]:
    x1, x2 = sorted([draw(coord), draw(coord)])
    y1, y2 = sorted([draw(coord), draw(coord)])
    return [x1, y1, x2, y2]


boxes_st = st.lists(box(), min_size=0, max_size=25)
thresholds = st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.7, 1.0]) | st.floats(0, 1)


def distinct_scores(n: int, seed: int) -> list[float]:
    return [float(v) for v in np.random.default_rng(seed).permutation(n) / max(n, 1) + 0.01]


# ---------------------------------------------------------------- iou


def test_iou_small_known_values() -> None:
    got = iou([[0, 0, 2, 2]], [[1, 1, 3, 3], [2, 0, 4, 2], [0, 0, 2, 2], [0, 0, 4, 4], [5, 5, 5, 5]])
    np.testing.assert_allclose(got, [[1 / 7, 0.0, 1.0, 0.25, 0.0]], rtol=0, atol=1e-15)
    assert got.shape == (1, 5) and got.dtype == np.float64


def test_iou_empty_shapes() -> None:
    assert iou(np.zeros((0, 4)), np.ones((3, 4))).shape == (0, 3)
    assert iou(np.zeros((0, 4)), np.zeros((0, 4))).shape == (0, 0)


def test_iou_zero_area_pairs_are_zero_not_nan() -> None:
    got = iou([[1, 1, 1, 1], [0, 2, 3, 2]], [[1, 1, 1, 1], [0, 0, 3, 3]])
    assert np.isfinite(got).all()
    assert (got == 0).all()


@settings(max_examples=150, deadline=None)
@given(boxes_st, boxes_st)
def test_iou_matches_naive_loop(a: list[list[float]], b: list[list[float]]) -> None:
    expected = np.array([[naive_iou(p, q) for q in b] for p in a]).reshape(len(a), len(b))
    np.testing.assert_allclose(iou(np.array(a).reshape(-1, 4), np.array(b).reshape(-1, 4)), expected,
                               rtol=1e-12, atol=1e-15)


@settings(max_examples=100, deadline=None)
@given(boxes_st, boxes_st)
def test_iou_symmetric_and_bounded(a: list[list[float]], b: list[list[float]]) -> None:
    ab = iou(np.array(a).reshape(-1, 4), np.array(b).reshape(-1, 4))
    ba = iou(np.array(b).reshape(-1, 4), np.array(a).reshape(-1, 4))
    np.testing.assert_array_equal(ab, ba.T)
    assert ((ab >= 0) & (ab <= 1)).all()


@settings(max_examples=100, deadline=None)
@given(box())
def test_iou_with_itself_is_one_for_positive_area(b: list[float]) -> None:
    expected = 1.0 if (b[2] - b[0]) * (b[3] - b[1]) > 0 else 0.0
    assert iou([b], [b])[0, 0] == pytest.approx(expected)


# ---------------------------------------------------------------- nms


def test_nms_threshold_is_strict() -> None:
    pair = [[0, 0, 3, 1], [1, 0, 4, 1]]  # IoU exactly 0.5
    assert nms(pair, [0.6, 0.9], 0.5).tolist() == [1, 0]
    assert nms(pair, [0.6, 0.9], 0.49).tolist() == [1]


def test_nms_empty_and_dtype() -> None:
    out = nms(np.zeros((0, 4)), np.zeros(0), 0.5)
    assert out.dtype == np.int64 and out.shape == (0,)


def test_nms_ties_prefer_lower_index() -> None:
    same = [[0, 0, 1, 1]] * 3
    assert nms(same, [0.5, 0.5, 0.5], 0.5).tolist() == [0]


@settings(max_examples=200, deadline=None)
@given(boxes_st, thresholds, st.integers(0, 10_000))
def test_nms_matches_naive_greedy(b: list[list[float]], thr: float, seed: int) -> None:
    scores = distinct_scores(len(b), seed)
    got = nms(np.array(b).reshape(-1, 4), np.array(scores), thr)
    assert got.dtype == np.int64
    assert got.tolist() == naive_nms(b, scores, thr)


@settings(max_examples=100, deadline=None)
@given(boxes_st, thresholds, st.integers(0, 10_000))
def test_nms_properties(b: list[list[float]], thr: float, seed: int) -> None:
    arr = np.array(b).reshape(-1, 4)
    scores = np.array(distinct_scores(len(b), seed))
    keep = nms(arr, scores, thr)
    assert len(set(keep.tolist())) == len(keep) and set(keep.tolist()) <= set(range(len(b)))
    assert (np.diff(scores[keep]) <= 0).all()
    kept_iou = iou(arr[keep], arr[keep])
    np.fill_diagonal(kept_iou, 0.0)
    assert (kept_iou <= thr).all()
    # Every dropped box overlaps some kept box with a higher score by more than thr.
    for i in set(range(len(b))) - set(keep.tolist()):
        assert any(naive_iou(b[i], b[k]) > thr and scores[k] > scores[i] for k in keep)
    # Idempotent: running NMS on the survivors keeps all of them.
    again = nms(arr[keep], scores[keep], thr)
    assert again.tolist() == list(range(len(keep)))


# ---------------------------------------------------------------- soft-nms


def test_soft_nms_gaussian_identical_boxes_by_hand() -> None:
    keep, kept = soft_nms([[0, 0, 1, 1]] * 3, [0.9, 0.8, 0.7], sigma=0.5, score_threshold=0.0)
    decay = math.exp(-1 / 0.5)
    assert keep.tolist() == [0, 1, 2]
    np.testing.assert_allclose(kept, [0.9, 0.8 * decay, 0.7 * decay * decay])


def test_soft_nms_linear_threshold_is_strict() -> None:
    pair = [[0, 0, 3, 1], [1, 0, 4, 1]]
    keep, kept = soft_nms(pair, [0.6, 0.9], iou_threshold=0.5, method="linear")
    assert keep.tolist() == [1, 0] and kept.tolist() == [0.9, 0.6]
    keep, kept = soft_nms(pair, [0.6, 0.9], iou_threshold=0.4, method="linear")
    np.testing.assert_allclose(kept, [0.9, 0.3])


def test_soft_nms_rejects_unknown_method() -> None:
    with pytest.raises(ValueError):
        soft_nms([[0, 0, 1, 1]], [1.0], method="hard")  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(
    boxes_st,
    st.integers(0, 10_000),
    st.sampled_from(["linear", "gaussian"]),
    st.sampled_from([0.1, 0.3, 0.5]),
    st.sampled_from([0.3, 0.5, 1.0]),
    st.sampled_from([0.0, 0.001, 0.1]),
)
def test_soft_nms_matches_naive_loop(
    b: list[list[float]], seed: int, method: str, thr: float, sigma: float, min_score: float
) -> None:
    scores = distinct_scores(len(b), seed)
    keep, kept = soft_nms(np.array(b).reshape(-1, 4), np.array(scores), thr, sigma, min_score, method)  # type: ignore[arg-type]
    want_keep, want_scores = naive_soft_nms(b, scores, thr, sigma, min_score, method)
    assert keep.dtype == np.int64 and kept.dtype == np.float64
    assert keep.tolist() == want_keep
    np.testing.assert_allclose(kept, want_scores, rtol=1e-12)
    assert (kept >= min_score).all()
