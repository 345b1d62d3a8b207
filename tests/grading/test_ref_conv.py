"""conv2d reference against torch.nn.functional.conv2d (float64, CPU)."""

from __future__ import annotations

import itertools
import zlib

import numpy as np
import pytest

from dlquiz.grading.reference.conv import conv2d

import torch
F = torch.nn.functional

STRIDES = [1, 2, 3]
PADDINGS: list[int | tuple[int, int]] = [0, 1, 2, (1, 2)]
DILATIONS = [1, 2]
C_IN = 4
GROUPS = [1, 2, C_IN]


def torch_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, **kw: object) -> np.ndarray:
    bias = None if b is None else torch.from_numpy(b)
    return F.conv2d(torch.from_numpy(x), torch.from_numpy(w), bias, **kw).numpy()


@pytest.mark.parametrize(
    ("stride", "padding", "dilation", "groups"),
    list(itertools.product(STRIDES, PADDINGS, DILATIONS, GROUPS)),
)
@pytest.mark.parametrize("kernel", [(3, 3), (1, 1), (2, 3)])
def test_matches_torch_every_combination(
    stride: int, padding: int | tuple[int, int], dilation: int, groups: int, kernel: tuple[int, int]
) -> None:
    rng = np.random.default_rng(zlib.crc32(repr((stride, padding, dilation, groups, kernel)).encode()))
    out_channels = 2 * groups if groups > 1 else 3
    x = rng.standard_normal((2, C_IN, 9, 8))
    w = rng.standard_normal((out_channels, C_IN // groups, *kernel))
    for b in (None, rng.standard_normal(out_channels)):
        kw = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
        got = conv2d(x, w, b, **kw)  # type: ignore[arg-type]
        want = torch_conv(x, w, b, **kw)
        assert got.shape == want.shape and got.dtype == np.float64
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_pair_hyper_parameters_match_torch() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 3, 13, 10))
    w = rng.standard_normal((6, 1, 3, 2))
    kw = {"stride": (2, 3), "padding": (0, 2), "dilation": (2, 1), "groups": 3}
    np.testing.assert_allclose(conv2d(x, w, **kw), torch_conv(x, w, None, **kw), rtol=1e-10)  # type: ignore[arg-type]


def test_lists_work_as_pairs() -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 2, 6, 7))
    w = rng.standard_normal((2, 2, 3, 3))
    got = conv2d(x, w, stride=[1, 2], padding=[2, 1])  # type: ignore[arg-type]
    np.testing.assert_allclose(got, torch_conv(x, w, None, stride=(1, 2), padding=(2, 1)), rtol=1e-10)


def test_is_cross_correlation_not_convolution() -> None:
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    w = np.zeros((1, 1, 3, 3))
    w[0, 0, 0, 0] = 1.0  # picks the top-left pixel; a flipped kernel would pick bottom-right
    assert conv2d(x, w).item() == 0.0


def test_float32_stays_float32() -> None:
    x = np.ones((1, 1, 4, 4), dtype=np.float32)
    w = np.ones((1, 1, 2, 2), dtype=np.float32)
    assert conv2d(x, w).dtype == np.float32


@pytest.mark.parametrize(
    "kw",
    [{"groups": 3}, {"stride": 0}, {"padding": -1}, {"dilation": (1, 0)}, {"padding": 0, "dilation": 9}],
)
def test_invalid_arguments_raise(kw: dict[str, object]) -> None:
    x = np.ones((1, 4, 5, 5))
    w = np.ones((2, 4, 3, 3))
    with pytest.raises(ValueError):
        conv2d(x, w, **kw)  # type: ignore[arg-type]
