"""EMA reference against torch's AveragedModel (constant decay) and naive scalar loops."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from dlquiz.grading.reference.ema import ema_weights


def _walk(seed: int, t: int, shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape) + np.cumsum(0.1 * rng.normal(size=(t, *shape)), axis=0)


@pytest.mark.parametrize("decay", [0.0, 0.5, 0.9, 0.999, 1.0])
@pytest.mark.parametrize(("t", "shape"), [(1, (3,)), (5, (2, 3)), (40, (4,))])
def test_constant_matches_torch_averaged_model(decay: float, t: int, shape: tuple[int, ...]) -> None:
    params = _walk(0, t, shape)
    model = torch.nn.Module()
    model.w = torch.nn.Parameter(torch.from_numpy(params[0].copy()))
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay))
    want = []
    for step in range(t):
        with torch.no_grad():
            model.w.copy_(torch.from_numpy(params[step]))
        ema.update_parameters(model)
        want.append(ema.module.w.detach().numpy().copy())
    np.testing.assert_allclose(ema_weights(params, decay), np.stack(want), rtol=1e-12, atol=1e-14)


def _naive(params: np.ndarray, decay: float, mode: str) -> np.ndarray:
    """Element by element, step by step, straight from the formulas."""
    flat = params.reshape(len(params), -1)
    out = np.zeros_like(flat)
    for j in range(flat.shape[1]):
        if mode == "debias":
            m = 0.0
            for t in range(len(flat)):
                m = decay * m + (1 - decay) * flat[t, j]
                out[t, j] = m / (1 - decay ** (t + 1))
        else:
            e = flat[0, j]
            out[0, j] = e
            for t in range(1, len(flat)):
                d = min(decay, (1 + t) / (10 + t))
                e = d * e + (1 - d) * flat[t, j]
                out[t, j] = e
    return out.reshape(params.shape)


@pytest.mark.parametrize("mode", ["warmup", "debias"])
@pytest.mark.parametrize("decay", [0.0, 0.3, 0.9, 0.9999])
@pytest.mark.parametrize(("t", "shape"), [(1, (2,)), (12, (3,)), (60, (2, 2))])
def test_warmup_and_debias_match_naive_loop(mode: str, decay: float, t: int,
                                            shape: tuple[int, ...]) -> None:
    params = _walk(1, t, shape)
    np.testing.assert_allclose(ema_weights(params, decay, mode), _naive(params, decay, mode),
                               rtol=1e-12, atol=1e-14)


def test_warmup_first_step_uses_two_elevenths() -> None:
    out = ema_weights(np.array([[0.0], [1.0]]), 0.999, "warmup")
    np.testing.assert_allclose(out[1, 0], 1.0 - 2.0 / 11.0, rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.floats(0.0, 0.999), st.sampled_from(["constant", "warmup", "debias"]),
       st.floats(-100, 100))
def test_constant_weights_have_constant_average(t: int, decay: float, mode: str, value: float) -> None:
    params = np.full((t, 3), value)
    np.testing.assert_allclose(ema_weights(params, decay, mode), params, rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 30), st.floats(0.0, 1.0), st.integers(0, 2**16))
def test_average_stays_within_the_range_seen(t: int, decay: float, seed: int) -> None:
    params = _walk(seed, t, (4,))
    out = ema_weights(params, decay)
    lo = np.minimum.accumulate(params, axis=0)
    hi = np.maximum.accumulate(params, axis=0)
    assert np.all(out >= lo - 1e-12) and np.all(out <= hi + 1e-12)
