"""Image-processing references against OpenCV, SciPy and naive loops written here."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.cases.image_processing import (
    binary_morphology_cases,
    box_sums_cases,
    equalize_hist_cases,
    integral_image_cases,
    label_components_cases,
)
from dlquiz.grading.reference.image_processing import (
    binary_morphology,
    box_sums,
    equalize_hist,
    integral_image,
    label_components,
)

seeds = st.integers(0, 2**16)
sizes = st.integers(1, 24)


def _loop_integral(img: np.ndarray) -> np.ndarray:
    h, w = img.shape
    s = [[0.0] * (w + 1) for _ in range(h + 1)]
    for y in range(h):
        for x in range(w):
            s[y + 1][x + 1] = float(img[y, x]) + s[y][x + 1] + s[y + 1][x] - s[y][x]
    return np.array(s)


@settings(max_examples=40, deadline=None)
@given(sizes, sizes, seeds)
def test_integral_image_matches_cv2_and_a_loop(h: int, w: int, seed: int) -> None:
    img = np.random.default_rng(seed).integers(0, 256, (h, w)).astype(np.uint8)
    table = integral_image(img)
    assert table.dtype == np.int64 and table.shape == (h + 1, w + 1)
    np.testing.assert_array_equal(table, cv2.integral(img))
    np.testing.assert_array_equal(table, _loop_integral(img))


def test_integral_image_every_case_matches_cv2() -> None:
    for case in integral_image_cases(np.random.default_rng(0)):
        img = case.args["img"]
        src = img.astype(np.uint8) if img.dtype == bool else img
        if src.dtype == np.int64:
            src = src.astype(np.float64)  # cv2.integral has no int64 input
        want = cv2.integral(src, sdepth=cv2.CV_64F)
        np.testing.assert_allclose(integral_image(img), want, rtol=1e-12, atol=1e-9, err_msg=case.name)


def test_integral_image_big_uint8_does_not_overflow() -> None:
    img = np.full((300, 300), 255, dtype=np.uint8)
    assert integral_image(img)[-1, -1] == 255 * 300 * 300


@settings(max_examples=40, deadline=None)
@given(sizes, sizes, seeds)
def test_box_sums_equal_slice_sums(h: int, w: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, (h, w)).astype(np.uint8)
    x = np.sort(rng.integers(0, w + 1, (10, 2)), axis=1)
    y = np.sort(rng.integers(0, h + 1, (10, 2)), axis=1)
    boxes = np.stack([x[:, 0], y[:, 0], x[:, 1], y[:, 1]], axis=1)
    want = [int(img[b[1]:b[3], b[0]:b[2]].astype(np.int64).sum()) for b in boxes]
    np.testing.assert_array_equal(box_sums(img, boxes), want)


def test_box_sums_every_case_against_slices_and_cv2_boxfilter() -> None:
    for case in box_sums_cases(np.random.default_rng(0)):
        if case.kind == "perf":
            continue
        img, boxes = case.args["img"], case.args["boxes"]
        want = [img[b[1]:b[3], b[0]:b[2]].astype(np.float64).sum() for b in boxes]
        np.testing.assert_allclose(box_sums(img, boxes), np.array(want).reshape(-1),
                                   rtol=1e-12, atol=1e-9, err_msg=case.name)
    # Every 3x3 box sum equals cv2.boxFilter(normalize=False) at the box centre.
    img = np.random.default_rng(5).integers(0, 256, (12, 15)).astype(np.uint8)
    ys, xs = np.mgrid[0:10, 0:13]
    boxes = np.stack([xs.ravel(), ys.ravel(), xs.ravel() + 3, ys.ravel() + 3], axis=1)
    filt = cv2.boxFilter(img.astype(np.float64), -1, (3, 3), normalize=False)
    np.testing.assert_allclose(box_sums(img, boxes), filt[1:-1, 1:-1].ravel())


def test_box_sums_perf_case_large_boxes_against_slices_and_cv2_integral() -> None:
    case = next(c for c in box_sums_cases(np.random.default_rng(0)) if c.kind == "perf")
    img, boxes = case.args["img"], case.args["boxes"]
    assert img.shape == (1000, 1000) and len(boxes) == 5000
    assert np.all(boxes[:, 2] - boxes[:, 0] >= 500) and np.all(boxes[:, 3] - boxes[:, 1] >= 500)
    got = box_sums(img, boxes)
    sample = boxes[::50]
    want = [int(img[b[1]:b[3], b[0]:b[2]].astype(np.int64).sum()) for b in sample]
    np.testing.assert_array_equal(got[::50], want)
    s = cv2.integral(img, sdepth=cv2.CV_64F)
    x1, y1, x2, y2 = boxes.T
    np.testing.assert_array_equal(got, s[y2, x2] - s[y1, x2] - s[y2, x1] + s[y1, x1])


@settings(max_examples=40, deadline=None)
@given(sizes, sizes, st.floats(0.1, 0.9), seeds)
def test_labels_match_scipy_and_cv2_partition(h: int, w: int, p: float, seed: int) -> None:
    mask = np.random.default_rng(seed).random((h, w)) < p
    for conn, structure in ((4, ndi.generate_binary_structure(2, 1)), (8, np.ones((3, 3)))):
        labels, n = label_components(mask, conn)
        want, n_want = ndi.label(mask, structure)
        assert n == n_want
        np.testing.assert_array_equal(labels, want)
        n_cv, cv_labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=conn)
        assert n_cv - 1 == n
        pairs = {(int(a), int(b)) for a, b in zip(labels.ravel(), cv_labels.ravel())}
        assert len(pairs) == n + (1 if (~mask).any() else 0)  # same regions, relabelled


def test_labels_every_case_match_scipy() -> None:
    for case in label_components_cases(np.random.default_rng(0)):
        mask, conn = case.args["mask"], case.args["connectivity"]
        structure = ndi.generate_binary_structure(2, 1 if conn == 4 else 2)
        want, n_want = ndi.label(mask != 0, structure)
        labels, n = label_components(mask, conn)
        assert n == n_want, case.name
        np.testing.assert_array_equal(labels, want, err_msg=case.name)


def test_labels_reject_bad_connectivity() -> None:
    with pytest.raises(ValueError):
        label_components(np.ones((2, 2)), 6)


@settings(max_examples=50, deadline=None)
@given(sizes, sizes, st.integers(0, 255), st.integers(0, 255), seeds)
def test_equalize_hist_matches_cv2(h: int, w: int, a: int, b: int, seed: int) -> None:
    lo, hi = min(a, b), max(a, b)
    img = np.random.default_rng(seed).integers(lo, hi + 1, (h, w)).astype(np.uint8)
    out = equalize_hist(img)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, cv2.equalizeHist(img))


def test_equalize_hist_every_case_matches_cv2_and_float64_agrees() -> None:
    """The prompt promises float64 arithmetic gives the same result on every graded case."""
    for case in equalize_hist_cases(np.random.default_rng(0)):
        img = case.args["img"]
        np.testing.assert_array_equal(equalize_hist(img), cv2.equalizeHist(img), err_msg=case.name)
        hist = np.bincount(img.ravel(), minlength=256)
        cdf = np.cumsum(hist)
        v_min = int(np.flatnonzero(hist)[0])
        if hist[v_min] == img.size:
            continue
        lut = np.rint((cdf - cdf[v_min]) * 255.0 / (img.size - cdf[v_min])).astype(np.uint8)
        np.testing.assert_array_equal(lut[img], cv2.equalizeHist(img), err_msg=case.name)


@settings(max_examples=30, deadline=None)
@given(sizes, sizes, seeds)
def test_equalize_hist_is_monotone_and_spans_the_range(h: int, w: int, seed: int) -> None:
    img = np.random.default_rng(seed).integers(0, 256, (h, w)).astype(np.uint8)
    out = equalize_hist(img)
    levels = np.unique(img)
    mapped = [int(out[img == v][0]) for v in levels]
    assert mapped == sorted(mapped)  # order-preserving grey-level map
    if len(levels) > 1:
        assert mapped[0] == 0 and mapped[-1] == 255


def _cv2_morph(mask: np.ndarray, op: str) -> np.ndarray:
    u, k = (mask != 0).astype(np.uint8), np.ones((3, 3), np.uint8)
    if op == "erode":
        return cv2.erode(u, k).astype(bool)
    if op == "dilate":
        return cv2.dilate(u, k).astype(bool)
    flag = cv2.MORPH_OPEN if op == "open" else cv2.MORPH_CLOSE
    return cv2.morphologyEx(u, flag, k).astype(bool)


@settings(max_examples=40, deadline=None)
@given(sizes, sizes, st.floats(0.1, 0.9), seeds, st.sampled_from(["erode", "dilate", "open", "close"]))
def test_morphology_matches_cv2_and_scipy(h: int, w: int, p: float, seed: int, op: str) -> None:
    mask = np.random.default_rng(seed).random((h, w)) < p
    got = binary_morphology(mask, op)
    assert got.dtype == bool
    np.testing.assert_array_equal(got, _cv2_morph(mask, op))
    se = np.ones((3, 3), dtype=bool)
    if op == "erode":
        np.testing.assert_array_equal(got, ndi.binary_erosion(mask, se, border_value=1))
    if op == "dilate":
        np.testing.assert_array_equal(got, ndi.binary_dilation(mask, se))


def test_morphology_every_case_and_properties() -> None:
    for case in binary_morphology_cases(np.random.default_rng(0)):
        mask, op = case.args["mask"], case.args["op"]
        np.testing.assert_array_equal(binary_morphology(mask, op), _cv2_morph(mask, op),
                                      err_msg=case.name)
    mask = np.random.default_rng(2).random((30, 30)) < 0.5
    opened, closed = binary_morphology(mask, "open"), binary_morphology(mask, "close")
    assert not (opened & ~mask).any() and not (mask & ~closed).any()  # anti-/extensive
    np.testing.assert_array_equal(binary_morphology(opened, "open"), opened)  # idempotent
    np.testing.assert_array_equal(binary_morphology(closed, "close"), closed)
    # Duality: eroding the foreground = dilating the background, complemented.
    np.testing.assert_array_equal(binary_morphology(mask, "erode"),
                                  ~binary_morphology(~mask, "dilate"))
