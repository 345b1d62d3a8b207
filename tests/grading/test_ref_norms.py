"""LayerNorm / BatchNorm references against torch.nn.functional, plus properties."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlquiz.grading.reference.norms import batch_norm_eval, batch_norm_train, layer_norm


@pytest.mark.parametrize(
    ("shape", "norm_shape"),
    [((3, 8), [8]), ((2, 4, 6), [6]), ((2, 3, 4, 5), [4, 5]), ((2, 3, 4, 5), [3, 4, 5]), ((7,), [7])],
)
@pytest.mark.parametrize("affine", [False, True])
@pytest.mark.parametrize("eps", [1e-5, 0.3])
def test_layer_norm_matches_torch(shape: tuple[int, ...], norm_shape: list[int], affine: bool,
                                  eps: float) -> None:
    rng = np.random.default_rng(1)
    x = 3.0 * rng.normal(size=shape) + 2.0
    w = rng.normal(size=norm_shape) if affine else None
    b = rng.normal(size=norm_shape) if affine else None
    want = F.layer_norm(torch.from_numpy(x), norm_shape,
                        None if w is None else torch.from_numpy(w),
                        None if b is None else torch.from_numpy(b), eps).numpy()
    np.testing.assert_allclose(layer_norm(x, norm_shape, w, b, eps), want, rtol=1e-10, atol=1e-12)


def test_layer_norm_int_shape_and_large_offset() -> None:
    x = 1e6 + np.random.default_rng(2).normal(size=(4, 32))
    want = F.layer_norm(torch.from_numpy(x), [32]).numpy()
    np.testing.assert_allclose(layer_norm(x, 32), want, rtol=1e-7, atol=1e-8)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(2, 16)),
              elements=st.floats(-1e3, 1e3)))
def test_layer_norm_rows_have_zero_mean_unit_variance(x: np.ndarray) -> None:
    assume(bool(np.all(x.std(axis=-1) > 1e-3)))
    y = layer_norm(x, x.shape[-1], eps=0.0)
    np.testing.assert_allclose(y.mean(axis=-1), 0.0, atol=1e-9)
    np.testing.assert_allclose(y.var(axis=-1), 1.0, rtol=1e-9)


def _bn_inputs(shape: tuple[int, ...], seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    c = shape[1]
    return (2.0 * rng.normal(size=shape) + 1.0, rng.uniform(0.5, 2, c), rng.normal(size=c),
            rng.normal(size=c), rng.uniform(0.5, 2, c))


@pytest.mark.parametrize("shape", [(2, 1), (6, 4), (3, 4, 10), (1, 3, 4, 4), (8, 3, 5, 5), (2, 2, 2, 3, 3)])
@pytest.mark.parametrize("momentum", [0.0, 0.1, 1.0])
def test_batch_norm_train_matches_torch(shape: tuple[int, ...], momentum: float) -> None:
    x, g, b, rm, rv = _bn_inputs(shape, 3)
    t_rm, t_rv = torch.from_numpy(rm.copy()), torch.from_numpy(rv.copy())
    want = F.batch_norm(torch.from_numpy(x), t_rm, t_rv, torch.from_numpy(g), torch.from_numpy(b),
                        training=True, momentum=momentum, eps=1e-5).numpy()
    y, new_rm, new_rv = batch_norm_train(x, g, b, rm, rv, momentum=momentum, eps=1e-5)
    np.testing.assert_allclose(y, want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(new_rm, t_rm.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(new_rv, t_rv.numpy(), rtol=1e-12, atol=1e-14)


def test_batch_norm_train_does_not_mutate_running_stats() -> None:
    x, g, b, rm, rv = _bn_inputs((4, 3), 4)
    before = (rm.copy(), rv.copy())
    batch_norm_train(x, g, b, rm, rv)
    np.testing.assert_array_equal(rm, before[0])
    np.testing.assert_array_equal(rv, before[1])


def test_batch_norm_train_rejects_single_value_per_channel() -> None:
    x, g, b, rm, rv = _bn_inputs((1, 3), 5)
    with pytest.raises(ValueError):
        batch_norm_train(x, g, b, rm, rv)


@pytest.mark.parametrize("shape", [(1, 5), (6, 4), (3, 4, 10), (8, 3, 5, 5)])
@pytest.mark.parametrize("eps", [1e-5, 0.5])
def test_batch_norm_eval_matches_torch(shape: tuple[int, ...], eps: float) -> None:
    x, g, b, rm, rv = _bn_inputs(shape, 6)
    want = F.batch_norm(torch.from_numpy(x), torch.from_numpy(rm), torch.from_numpy(rv),
                        torch.from_numpy(g), torch.from_numpy(b), training=False, eps=eps).numpy()
    np.testing.assert_allclose(batch_norm_eval(x, g, b, rm, rv, eps), want, rtol=1e-10, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6), st.integers(1, 4), st.integers(0, 2**16))
def test_batch_norm_train_channels_have_beta_mean(n: int, c: int, seed: int) -> None:
    x, g, b, rm, rv = _bn_inputs((n, c, 3, 3), seed)
    y, _, _ = batch_norm_train(x, g, b, rm, rv)
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), b, atol=1e-9)
