"""Bilinear resize against torch.nn.functional.interpolate (CPU, float64) and hand values."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.cases.interpolation import bilinear_resize_cases
from dlquiz.grading.reference.interpolation import bilinear_resize, interpolation_matrix


def _torch_resize(image: np.ndarray, out_size: list[int], align_corners: bool) -> np.ndarray:
    out = F.interpolate(torch.from_numpy(np.ascontiguousarray(image, dtype=np.float64)),
                        size=tuple(out_size), mode="bilinear", align_corners=align_corners)
    return out.numpy()


def test_every_case_matches_torch() -> None:
    for case in bilinear_resize_cases(np.random.default_rng(0)):
        want = _torch_resize(**case.args)
        np.testing.assert_allclose(bilinear_resize(**case.args), want, rtol=1e-12, atol=1e-12,
                                   err_msg=case.name)


SIZES = [1, 2, 3, 4, 5, 7, 10]


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("in_size", SIZES)
@pytest.mark.parametrize("out_size", SIZES)
def test_every_size_pair_matches_torch(in_size: int, out_size: int, align_corners: bool) -> None:
    rng = np.random.default_rng(in_size * 100 + out_size)
    image = rng.normal(size=(1, 2, in_size, in_size + 1))
    size = [out_size, max(1, 11 - out_size)]
    np.testing.assert_allclose(bilinear_resize(image, size, align_corners),
                               _torch_resize(image, size, align_corners), rtol=1e-12, atol=1e-12)


def test_hand_values_on_a_ramp() -> None:
    ramp = np.arange(6, dtype=np.float64).reshape(1, 1, 2, 3)
    # align_corners=True on a ramp is exact linear interpolation between the corners.
    np.testing.assert_allclose(bilinear_resize(ramp, [3, 5], True)[0, 0],
                               [[0, 0.5, 1, 1.5, 2], [1.5, 2, 2.5, 3, 3.5], [3, 3.5, 4, 4.5, 5]])
    # align_corners=False, width 3 -> 5: source x = (d + 0.5)·0.6 − 0.5 = 0 (clamped), 0.4, 1, 1.6, 2.2 -> 2.
    np.testing.assert_allclose(bilinear_resize(ramp, [2, 5], False)[0, 0, 0], [0, 0.4, 1, 1.6, 2])


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.booleans())
def test_rows_are_convex_weights(in_size: int, out_size: int, align_corners: bool) -> None:
    m = interpolation_matrix(in_size, out_size, align_corners)
    assert np.all(m >= 0)
    np.testing.assert_allclose(m.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(np.count_nonzero(m, axis=1) <= 2)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 9), st.integers(2, 9), st.integers(0, 2**32 - 1))
def test_align_corners_keeps_the_corner_pixels(h: int, w: int, seed: int) -> None:
    image = np.random.default_rng(seed).normal(size=(1, 1, 4, 5))
    out = bilinear_resize(image, [h, w], align_corners=True)
    for y, x in ((0, 0), (-1, -1), (0, -1), (-1, 0)):
        assert out[0, 0, y, x] == pytest.approx(image[0, 0, y, x], rel=1e-12, abs=1e-12)
