"""The fast paths of the NMS and conv2d references give the results of the plain methods.

NMS: the sweep over intersecting pairs (taken for thresholds >= 0 and finite
boxes that are not dense) must give exactly the indices of the textbook greedy
loop, written here independently (pure Python, one pair at a time), and of
OpenCV's ``NMSBoxes`` on a realistic scene. Inputs are built to hit the cases
the sweep must get right: equal low edges, touching boxes, zero-area boxes,
tied scores, pairs exactly at the threshold, one wide box over many.

conv2d: the per-image im2col against torch (float64) on hypothesis-drawn
shapes, batch sizes above 1, groups, strides and dilations.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.reference import detection
from dlquiz.grading.reference.conv import conv2d
from dlquiz.grading.reference.detection import nms


def pair_iou(a: list[float], b: list[float]) -> float:
    left, right = max(a[0], b[0]), min(a[2], b[2])
    top, bottom = max(a[1], b[1]), min(a[3], b[3])
    inter = max(0.0, right - left) * max(0.0, bottom - top)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def greedy(boxes: list[list[float]], scores: list[float], thr: float) -> list[int]:
    """Best first (lower index on ties); drop what overlaps a kept box by more than thr."""
    order = sorted(range(len(boxes)), key=lambda i: (-scores[i], i))
    keep: list[int] = []
    for i in order:
        if all(pair_iou(boxes[k], boxes[i]) <= thr for k in keep):
            keep.append(i)
    return keep


@st.composite
def scenes(draw: st.DrawFn) -> tuple[list[list[float]], list[float]]:
    n = draw(st.integers(0, 90))
    grid = draw(st.sampled_from([4, 12, 40]))  # small grids: many equal edges and overlaps
    boxes = []
    for _ in range(n):
        x1, y1 = draw(st.integers(0, grid)), draw(st.integers(0, grid))
        w, h = draw(st.integers(0, 8)), draw(st.integers(0, 8))
        boxes.append([float(x1), float(y1), float(x1 + w), float(y1 + h)])
    if n and draw(st.booleans()):
        boxes[0] = [0.0, 0.0, float(grid + 8), 3.0]  # one wide box over many
    scores = [float(draw(st.integers(0, 6))) for _ in range(n)]  # many ties
    return boxes, scores


thresholds = st.sampled_from([0.0, 0.25, 0.5, 1 / 3, 0.7, 1.0]) | st.floats(0, 1)


@settings(max_examples=150, deadline=None)
@given(scenes(), thresholds)
def test_nms_sweep_equals_the_textbook_greedy(scene: tuple[list, list], thr: float) -> None:
    boxes, scores = scene
    got = nms(np.array(boxes).reshape(-1, 4), np.array(scores), thr)
    assert got.dtype == np.int64
    assert got.tolist() == greedy(boxes, scores, thr)


def test_the_sweep_is_the_path_taken_and_the_dense_fallback_agrees(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    xy = rng.integers(0, 60, (400, 2)).astype(float)
    boxes = np.hstack([xy, xy + rng.integers(1, 12, (400, 2))])
    scores = rng.integers(0, 30, 400).astype(float)
    want = greedy(boxes.tolist(), scores.tolist(), 0.4)
    calls: list[str] = []
    real = detection._nms_greedy
    monkeypatch.setattr(detection, "_nms_greedy",
                        lambda *a: calls.append("greedy") or real(*a))  # type: ignore[func-returns-value]
    assert nms(boxes, scores, 0.4).tolist() == want and calls == []
    monkeypatch.setattr(detection, "_DENSE_PAIRS_PER_BOX", 0)  # every input counts as dense
    assert nms(boxes, scores, 0.4).tolist() == want and calls == ["greedy"]


@pytest.mark.parametrize("thr", [-0.5, float("nan")])
def test_negative_or_nan_threshold_keeps_only_the_best(thr: float) -> None:
    boxes = np.array([[0, 0, 1, 1], [5, 5, 6, 6], [9, 9, 10, 10]], dtype=float)
    # Disjoint boxes have IoU 0, which is not <= a negative (or NaN) threshold.
    assert nms(boxes, np.array([0.2, 0.9, 0.5]), thr).tolist() == [1]


def test_matches_opencv_on_a_realistic_scene() -> None:
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 600, (1500, 2))
    wh = rng.uniform(10, 90, (1500, 2))
    scores = rng.random(1500)
    rects = [[float(v) for v in row] for row in np.hstack([xy, wh])]
    for thr in (0.3, 0.5, 0.7):
        want = np.asarray(cv2.dnn.NMSBoxes(rects, [float(s) for s in scores], 0.0, thr)).ravel()
        assert nms(np.hstack([xy, xy + wh]), scores, thr).tolist() == want.tolist()


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3), groups=st.sampled_from([1, 2, 4]), per_group=st.integers(1, 2),
       kh=st.integers(1, 3), kw=st.integers(1, 3), stride=st.integers(1, 2),
       padding=st.integers(0, 2), dilation=st.integers(1, 2), h=st.integers(5, 9),
       w=st.integers(5, 9), bias=st.booleans(), seed=st.integers(0, 2**16))
def test_conv2d_matches_torch_on_drawn_shapes(n: int, groups: int, per_group: int, kh: int,
                                              kw: int, stride: int, padding: int,
                                              dilation: int, h: int, w: int, bias: bool,
                                              seed: int) -> None:
    rng = np.random.default_rng(seed)
    c, o = 4, groups * per_group
    x = rng.standard_normal((n, c, h, w))
    weight = rng.standard_normal((o, c // groups, kh, kw))
    b = rng.standard_normal(o) if bias else None
    kw_args = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    if (h + 2 * padding - dilation * (kh - 1) - 1) < 0 or (w + 2 * padding - dilation * (kw - 1) - 1) < 0:
        with pytest.raises(ValueError):
            conv2d(x, weight, b, **kw_args)  # type: ignore[arg-type]
        return
    want = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(weight),
                                      None if b is None else torch.from_numpy(b), **kw_args).numpy()
    got = conv2d(x, weight, b, **kw_args)  # type: ignore[arg-type]
    assert got.shape == want.shape and got.dtype == np.float64 and got.flags.c_contiguous
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
