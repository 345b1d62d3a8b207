"""ROI Pool / ROI Align references against per-bin loops that transcribe torchvision's CPU kernels.

torchvision cannot be installed next to the pinned torch here, so the oracle
is a line-by-line Python transcription of ``roi_pool_kernel.cpp`` and
``roi_align_kernel.cpp`` / ``roi_align_common.h`` (one sample at a time, C
``round`` and ``(int)`` truncation), written independently of the vectorised
reference, plus values worked out by hand on a ramp.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.cases.roi import roi_align_cases, roi_pool_cases
from dlquiz.grading.reference.roi import roi_align, roi_pool


def _c_round(v: float) -> int:
    return math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)


def _pair(size: int | list[int]) -> tuple[int, int]:
    return (size, size) if isinstance(size, int) else (size[0], size[1])


def kernel_roi_pool(features: np.ndarray, rois: np.ndarray, output_size: int | list[int],
                    spatial_scale: float = 1.0) -> np.ndarray:
    _, c_n, height, width = features.shape
    ph_n, pw_n = _pair(output_size)
    out = np.zeros((len(rois), c_n, ph_n, pw_n))
    for n, roi in enumerate(rois):
        b = int(roi[0])
        sw, sh = _c_round(roi[1] * spatial_scale), _c_round(roi[2] * spatial_scale)
        ew, eh = _c_round(roi[3] * spatial_scale), _c_round(roi[4] * spatial_scale)
        rw, rh = max(ew - sw + 1, 1), max(eh - sh + 1, 1)
        bh, bw = rh / ph_n, rw / pw_n
        for ph in range(ph_n):
            for pw in range(pw_n):
                hs = min(max(math.floor(ph * bh) + sh, 0), height)
                he = min(max(math.ceil((ph + 1) * bh) + sh, 0), height)
                ws = min(max(math.floor(pw * bw) + sw, 0), width)
                we = min(max(math.ceil((pw + 1) * bw) + sw, 0), width)
                empty = he <= hs or we <= ws
                for c in range(c_n):
                    best = 0.0 if empty else -np.finfo(np.float32).max
                    for h in range(hs, he):
                        for w in range(ws, we):
                            if features[b, c, h, w] > best:  # noqa: PLR1730 - kernel's strict >
                                best = features[b, c, h, w]
                    out[n, c, ph, pw] = best
    return out


def _bilinear(fmap: np.ndarray, y: float, x: float) -> float:
    height, width = fmap.shape
    if not (-1.0 <= y <= height and -1.0 <= x <= width):
        return 0.0
    y, x = max(y, 0.0), max(x, 0.0)
    y_low, x_low = int(y), int(x)
    if y_low >= height - 1:
        y_high = y_low = height - 1
        y = float(y_low)
    else:
        y_high = y_low + 1
    if x_low >= width - 1:
        x_high = x_low = width - 1
        x = float(x_low)
    else:
        x_high = x_low + 1
    ly, lx = y - y_low, x - x_low
    hy, hx = 1.0 - ly, 1.0 - lx
    return float(hy * hx * fmap[y_low, x_low] + hy * lx * fmap[y_low, x_high]
                 + ly * hx * fmap[y_high, x_low] + ly * lx * fmap[y_high, x_high])


def kernel_roi_align(features: np.ndarray, rois: np.ndarray, output_size: int | list[int],
                     spatial_scale: float = 1.0, sampling_ratio: int = -1,
                     aligned: bool = False) -> np.ndarray:
    _, c_n, _, _ = features.shape
    ph_n, pw_n = _pair(output_size)
    out = np.zeros((len(rois), c_n, ph_n, pw_n))
    off = 0.5 if aligned else 0.0
    for n, roi in enumerate(rois):
        b = int(roi[0])
        sw, sh = roi[1] * spatial_scale - off, roi[2] * spatial_scale - off
        ew, eh = roi[3] * spatial_scale - off, roi[4] * spatial_scale - off
        rw, rh = ew - sw, eh - sh
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / ph_n, rw / pw_n
        gh = sampling_ratio if sampling_ratio > 0 else math.ceil(rh / ph_n)
        gw = sampling_ratio if sampling_ratio > 0 else math.ceil(rw / pw_n)
        count = max(gh * gw, 1)
        for c in range(c_n):
            for ph in range(ph_n):
                for pw in range(pw_n):
                    total = 0.0
                    for iy in range(gh):
                        y = sh + ph * bh + (iy + 0.5) * bh / gh
                        for ix in range(gw):
                            x = sw + pw * bw + (ix + 0.5) * bw / gw
                            total += _bilinear(features[b, c], y, x)
                    out[n, c, ph, pw] = total / count
    return out


def test_roi_pool_matches_kernel_loop_on_every_case() -> None:
    for case in roi_pool_cases(np.random.default_rng(0)):
        want = kernel_roi_pool(**case.args)
        np.testing.assert_array_equal(roi_pool(**case.args), want, err_msg=case.name)


def test_roi_align_matches_kernel_loop_on_every_case() -> None:
    for case in roi_align_cases(np.random.default_rng(0)):
        want = kernel_roi_align(**case.args)
        np.testing.assert_allclose(roi_align(**case.args), want, rtol=1e-12, atol=1e-12,
                                   err_msg=case.name)


RAMP = np.arange(16, dtype=np.float64).reshape(1, 1, 4, 4)   # f(y, x) = 4y + x


def test_roi_pool_by_hand_on_ramp() -> None:
    got = roi_pool(RAMP, np.array([[0, 0, 0, 3, 3]], float), [2, 2])
    np.testing.assert_array_equal(got[0, 0], [[5, 7], [13, 15]])
    # x1 = 1.5 rounds to 2 (half away from zero), x2 = 2.5 rounds to 3: columns 2..3.
    got = roi_pool(RAMP, np.array([[0, 1.5, 0, 2.5, 0]], float), [1, 2])
    np.testing.assert_array_equal(got[0, 0], [[2, 3]])


def test_roi_align_by_hand_on_ramp() -> None:
    # On an affine map bilinear interpolation is exact: the bin value is 4·ȳ + x̄ of its samples.
    box = np.array([[0, 0, 0, 2, 2]], float)
    assert roi_align(RAMP, box, 1, sampling_ratio=2)[0, 0, 0, 0] == pytest.approx(5.0)
    # aligned: samples at 0 and 1 on each axis -> mean 0.5 -> 4·0.5 + 0.5.
    assert roi_align(RAMP, box, 1, sampling_ratio=2, aligned=True)[0, 0, 0, 0] == pytest.approx(2.5)
    # 2x2 bins with one sample each at (0.5, 0.5), (0.5, 1.5), (1.5, 0.5), (1.5, 1.5).
    np.testing.assert_allclose(roi_align(RAMP, box, 2, sampling_ratio=1)[0, 0],
                               [[2.5, 3.5], [6.5, 7.5]])
    # Samples past the last column (x in (3, 4]) use column 3; beyond 4 they count 0.
    edge = np.array([[0, 3.5, 0, 3.5, 0]], float)   # forced to 1x1: x sample at 4.0
    assert roi_align(RAMP, edge, 1, sampling_ratio=1)[0, 0, 0, 0] == pytest.approx(4 * 0.5 + 3)
    far = np.array([[0, 4.5, 0, 4.5, 0]], float)    # x sample at 5.0 > W: zero
    assert roi_align(RAMP, far, 1, sampling_ratio=1)[0, 0, 0, 0] == 0.0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans(), st.sampled_from([-1, 1, 2, 3]),
       st.sampled_from([1.0, 0.5, 0.25]))
def test_roi_align_matches_kernel_on_random_rois(seed: int, aligned: bool, ratio: int,
                                                 scale: float) -> None:
    rng = np.random.default_rng(seed)
    feats = rng.normal(size=(2, 2, 6, 7))
    lo = rng.uniform(-4, 30, size=(3, 2))
    hi = lo + rng.uniform(-1, 20, size=(3, 2))
    rois = np.column_stack([rng.integers(0, 2, 3), lo, hi]).astype(float)
    out = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    got = roi_align(feats, rois, out, scale, ratio, aligned)
    want = kernel_roi_align(feats, rois, list(out), scale, ratio, aligned)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([1.0, 0.5]))
def test_roi_pool_matches_kernel_on_random_rois(seed: int, scale: float) -> None:
    rng = np.random.default_rng(seed)
    feats = rng.normal(size=(1, 2, 6, 5))
    lo = np.round(rng.uniform(-3, 14, size=(3, 2)) * 2) / 2   # many exact halves
    hi = lo + np.round(rng.uniform(-2, 10, size=(3, 2)) * 2) / 2
    rois = np.column_stack([np.zeros(3), lo, hi])
    out = [int(rng.integers(1, 5)), int(rng.integers(1, 5))]
    np.testing.assert_array_equal(roi_pool(feats, rois, out, scale),
                                  kernel_roi_pool(feats, rois, out, scale))


def test_roi_align_samples_exactly_on_the_border_are_clamped_not_zeroed() -> None:
    # f(y, x) = 4y + x + 1 (no zero value, so a zeroed sample shows). Each 2x2 ROI with
    # one bin and sampling_ratio 1 has one sample, at (y1 + 1, x1 + 1). On the lines
    # y = -1, y = H, x = -1, x = W the border rule keeps it and clamps into the map.
    feats = RAMP + 1.0
    h = w = 4

    def clamp(v: float, n: int) -> int:
        return min(max(int(v), 0), n - 1)

    for x1, y1 in [(2, 3), (3, 1), (-2, -2), (-2, 1), (1, -2)]:
        y, x = y1 + 1.0, x1 + 1.0
        assert y in (-1.0, h) or x in (-1.0, w)
        want = 4 * clamp(y, h) + clamp(x, w) + 1
        roi = np.array([[0, x1, y1, x1 + 2, y1 + 2]], float)
        assert roi_align(feats, roi, 1, sampling_ratio=1)[0, 0, 0, 0] == want
        assert kernel_roi_align(feats, roi, 1, sampling_ratio=1)[0, 0, 0, 0] == want
    # The sample at (y, x) = (4, 3) = (H, W - 1) reads f[3, 3] = 16.
    corner = np.array([[0, 2, 3, 4, 5]], float)
    assert roi_align(feats, corner, 1, sampling_ratio=1)[0, 0, 0, 0] == 16
    # Just past the line the sample is 0.
    assert roi_align(feats, np.array([[0, 2, 3.01, 4, 5.01]], float), 1,
                     sampling_ratio=1)[0, 0, 0, 0] == 0


def test_roi_align_of_constant_map_is_constant_inside() -> None:
    feats = np.full((1, 1, 8, 8), 3.0)
    rois = np.array([[0, 0.5, 1, 6, 7.5], [0, 2, 2, 3, 3]], float)
    for aligned in (False, True):
        np.testing.assert_allclose(roi_align(feats, rois, [3, 3], 1.0, 2, aligned), 3.0)
