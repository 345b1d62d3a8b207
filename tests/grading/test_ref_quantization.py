"""Quantisation references against torch's quantized tensors and observers (CPU).

torch computes ``x · (1/scale)`` in float32, our references ``x / scale`` in
float64, so codes are compared exactly wherever ``x / scale`` is not within
1e-4 of a rounding tie; exact ties are tested separately with power-of-two
scales, where both agree bit for bit. Observers (MinMaxObserver,
PerChannelMinMaxObserver) give the scales and zero points.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.reference.quantization import (
    FLOAT32_EPS,
    minmax_qparams,
    observer_qparams,
    quantize_per_channel_symmetric,
    quantize_per_tensor,
)

TORCH_DTYPES = {"quint8": torch.quint8, "qint8": torch.qint8}


@pytest.fixture(autouse=True)
def _quiet_deprecation():  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)   # quantized tensors are "deprecated" in 2.13
        yield


def torch_per_tensor(x: np.ndarray, scale: float, zp: int, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    q = torch.quantize_per_tensor(torch.tensor(x), scale, zp, TORCH_DTYPES[dtype])
    return q.int_repr().numpy().astype(np.int64), q.dequantize().double().numpy()


def _not_near_tie(u: np.ndarray) -> np.ndarray:
    return np.abs(u - np.floor(u) - 0.5) > 1e-4


@pytest.mark.parametrize(("dtype", "scale", "zp"),
                         [("quint8", 0.05, 128), ("quint8", 0.0123, 0), ("quint8", 0.3, 255),
                          ("qint8", 0.02, 0), ("qint8", 0.007, -50), ("qint8", 0.5, 127)])
def test_per_tensor_matches_torch(dtype: str, scale: float, zp: int) -> None:
    rng = np.random.default_rng(0)
    x = (rng.normal(size=5000) * 3).astype(np.float32).astype(np.float64)   # exactly float32 values
    q, xhat = quantize_per_tensor(x, scale, zp, dtype)
    tq, txhat = torch_per_tensor(x.astype(np.float32), scale, zp, dtype)
    ok = _not_near_tie(x / scale)
    assert ok.mean() > 0.99
    np.testing.assert_array_equal(q[ok], tq[ok])
    np.testing.assert_allclose(xhat[ok], txhat[ok], rtol=1e-6, atol=1e-6 * scale)
    assert abs(q - tq).max() <= 1


@pytest.mark.parametrize("dtype", ["quint8", "qint8"])
@pytest.mark.parametrize("zp", [0, 3, 4, -7])
def test_exact_ties_round_half_to_even_like_torch(dtype: str, zp: int) -> None:
    if dtype == "quint8" and zp < 0:
        return
    x = np.arange(-300, 301) * 0.25 + 0.125                # x / 0.25 = k + 0.5 exactly
    q, xhat = quantize_per_tensor(x, 0.25, zp, dtype)
    tq, _ = torch_per_tensor(x.astype(np.float32), 0.25, zp, dtype)
    np.testing.assert_array_equal(q, tq)
    # quantize_per_tensor adds the zero point before rounding; fake_quantize rounds
    # first. They agree unless the tie meets an odd zero point.
    qmin, qmax = (0, 255) if dtype == "quint8" else (-128, 127)
    fake = torch.fake_quantize_per_tensor_affine(torch.tensor(x, dtype=torch.float32), 0.25, zp,
                                                 qmin, qmax).double().numpy()
    rounded_first = np.clip(np.rint(x / 0.25) + zp, qmin, qmax)
    np.testing.assert_array_equal(fake, (rounded_first - zp) * 0.25)
    assert np.array_equal(fake, xhat) == (zp % 2 == 0)


def test_per_tensor_exercise_cases_match_torch() -> None:
    from dlquiz.grading.cases.quantization import quantize_per_tensor_cases

    for case in quantize_per_tensor_cases(np.random.default_rng(0)):
        x, scale, zp, dtype = case.args.values()
        q, xhat = quantize_per_tensor(x, scale, zp, dtype)
        x32 = np.asarray(x, dtype=np.float32)
        if not np.array_equal(x32.astype(np.float64), x) or np.ndim(x) == 0:
            # Compare on values float32 can hold; the exercise itself is float64.
            x = np.asarray(x32, dtype=np.float64)
            q, xhat = quantize_per_tensor(x, scale, zp, dtype)
        tq, txhat = torch_per_tensor(np.atleast_1d(x32), scale, zp, dtype)
        ok = _not_near_tie(np.atleast_1d(x) / scale)
        np.testing.assert_array_equal(np.atleast_1d(q)[ok], tq[ok], err_msg=case.name)
        np.testing.assert_allclose(np.atleast_1d(xhat)[ok], txhat[ok], rtol=1e-6, atol=1e-6 * scale,
                                   err_msg=case.name)


def torch_per_channel(w: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    obs = torch.ao.quantization.PerChannelMinMaxObserver(
        ch_axis=axis % w.ndim, dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
        quant_min=-127, quant_max=127)
    wt = torch.tensor(w, dtype=torch.float32)
    obs(wt)
    scales, zps = obs.calculate_qparams()
    assert torch.all(zps == 0)
    q = torch.quantize_per_channel(wt, scales.double(), zps, axis % w.ndim, torch.qint8)
    return q.int_repr().numpy().astype(np.int64), scales.double().numpy()


@pytest.mark.parametrize(("shape", "axis"), [((8, 16), 0), ((16, 8), 1), ((4, 3, 3, 3), 0),
                                             ((6, 5, 3), -1), ((12, 1), 0)])
def test_per_channel_matches_torch_observer_and_quantize_per_channel(shape: tuple[int, ...], axis: int) -> None:
    rng = np.random.default_rng(len(shape))
    w = rng.normal(size=shape).astype(np.float32).astype(np.float64)
    q, scales, what = quantize_per_channel_symmetric(w, axis)
    tq, tscales = torch_per_channel(w, axis)
    np.testing.assert_allclose(scales, tscales, rtol=1e-6)       # torch's observer is float32
    view = [1] * w.ndim
    view[axis % w.ndim] = -1
    ok = _not_near_tie(w / scales.reshape(view))
    np.testing.assert_array_equal(q[ok], tq[ok])
    np.testing.assert_allclose(what, q * scales.reshape(view), rtol=1e-12)


def test_one_dimensional_weight_is_one_channel_per_element() -> None:
    w = np.random.default_rng(5).normal(size=12)
    flat = quantize_per_channel_symmetric(w, 0)
    column = quantize_per_channel_symmetric(w[:, None], 0)     # torch's observer needs 2-D
    for a, b in zip(flat, column):
        np.testing.assert_array_equal(a, b.reshape(a.shape))
    assert set(np.abs(flat[0]).tolist()) == {127}


def test_all_zero_channel_gets_float32_eps_like_torch() -> None:
    w = np.array([[0.0, 0.0], [1.0, -0.5]])
    _, scales, _ = quantize_per_channel_symmetric(w, 0)
    _, tscales = torch_per_channel(w, 0)
    assert scales[0] == FLOAT32_EPS == float(torch.finfo(torch.float32).eps)
    np.testing.assert_allclose(scales, tscales, rtol=1e-6)


@pytest.mark.parametrize(("lo", "hi", "dtype", "symmetric"),
                         list(itertools.product([-3.7, -0.01, 0.5], [0.7, 2.0, 11.0],
                                                ["quint8", "qint8"], [False, True])))
def test_minmax_qparams_match_observer(lo: float, hi: float, dtype: str, symmetric: bool) -> None:
    obs = torch.ao.quantization.MinMaxObserver(
        dtype=TORCH_DTYPES[dtype],
        qscheme=torch.per_tensor_symmetric if symmetric else torch.per_tensor_affine)
    obs(torch.tensor([lo, hi], dtype=torch.float32))
    scale, zp = obs.calculate_qparams()
    lo32, hi32 = float(np.float32(lo)), float(np.float32(hi))
    ours_scale, ours_zp = minmax_qparams(lo32, hi32, dtype, symmetric)
    assert ours_scale == pytest.approx(float(scale), rel=1e-6)
    assert ours_zp == int(zp)


def test_zero_is_exactly_representable_with_affine_qparams() -> None:
    for lo, hi in [(-1.3, 2.7), (0.2, 5.0), (-4.0, -0.5)]:
        scale, zp = minmax_qparams(lo, hi)
        q, xhat = quantize_per_tensor(np.array([0.0]), scale, zp)
        assert q[0] == zp and xhat[0] == 0.0      # padding / ReLU zeros stay exact


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**16), st.floats(1e-3, 1.0), st.integers(0, 255))
def test_round_trip_error_is_at_most_half_a_step_inside_the_range(seed: int, scale: float, zp: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform((0 - zp) * scale, (255 - zp) * scale, size=200)
    q, xhat = quantize_per_tensor(x, scale, zp, "quint8")
    assert q.min() >= 0 and q.max() <= 255
    assert np.all(np.abs(xhat - x) <= scale / 2 * (1 + 1e-9))
    # Quantising the dequantised values again is the identity (a projection).
    q2, _ = quantize_per_tensor(xhat, scale, zp, "quint8")
    np.testing.assert_array_equal(q, q2)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**16), st.floats(1e-3, 1e3))
def test_per_channel_scales_with_the_weights(seed: int, c: float) -> None:
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(4, 6))
    q, scales, what = quantize_per_channel_symmetric(w, 0)
    q2, scales2, _ = quantize_per_channel_symmetric(c * w, 0)
    np.testing.assert_allclose(scales2, c * scales, rtol=1e-12)
    assert np.abs(q2 - q).max() <= 1            # only ties can flip (scale rounding)
    assert np.all(np.abs(q).max(axis=1) == 127)
    assert np.all(np.abs(what - w) <= scales[:, None] / 2 * (1 + 1e-9))


def torch_observer(x: np.ndarray, dtype: str, symmetric: bool) -> tuple[float, int]:
    obs = torch.ao.quantization.MinMaxObserver(
        dtype=TORCH_DTYPES[dtype],
        qscheme=torch.per_tensor_symmetric if symmetric else torch.per_tensor_affine)
    obs(torch.tensor(x, dtype=torch.float32))
    scale, zp = obs.calculate_qparams()
    return float(scale), int(zp)


def test_observer_exercise_cases_match_minmax_observer() -> None:
    from dlquiz.grading.cases.quantization import observer_qparams_cases

    for case in observer_qparams_cases(np.random.default_rng(0)):
        x, dtype, symmetric = case.args.values()
        x32 = np.asarray(x, dtype=np.float32).astype(np.float64)      # what torch observes
        scale, zp = observer_qparams(x32, dtype, symmetric)
        t_scale, t_zp = torch_observer(x32, dtype, symmetric)
        assert scale == pytest.approx(t_scale, rel=1e-6), case.name
        assert zp == t_zp, case.name


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**16), st.sampled_from(["quint8", "qint8"]), st.booleans())
def test_observer_qparams_represent_zero_and_cover_the_range(seed: int, dtype: str, symmetric: bool) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=50) * rng.uniform(0.1, 10) + rng.uniform(-5, 5)
    scale, zp = observer_qparams(x, dtype, symmetric)
    qmin, qmax = (0, 255) if dtype == "quint8" else (-128, 127)
    assert qmin <= zp <= qmax
    q, xhat = quantize_per_tensor(x, scale, zp, dtype)
    assert qmin <= q.min() and q.max() <= qmax
    assert quantize_per_tensor(np.zeros(1), scale, zp, dtype)[1][0] == 0.0
    # Every observed value is inside the grid up to half a step (plus one code at a clipped extreme).
    assert np.all(np.abs(xhat - x) <= scale * (1.0 + 1e-9))
