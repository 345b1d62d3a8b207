"""GELU references against torch (both approximations) and SciPy's erf."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlquiz.grading.reference.activations import erf, gelu, gelu_tanh

finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)


@pytest.mark.parametrize("shape", [(0,), (1,), (17,), (4, 5), (2, 3, 7)])
@pytest.mark.parametrize("scale", [0.1, 3.0, 100.0])
def test_gelu_matches_torch(shape: tuple[int, ...], scale: float) -> None:
    x = scale * np.random.default_rng(0).normal(size=shape)
    t = torch.from_numpy(x)
    np.testing.assert_allclose(gelu(x), torch.nn.functional.gelu(t, approximate="none").numpy(),
                               rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gelu_tanh(x), torch.nn.functional.gelu(t, approximate="tanh").numpy(),
                               rtol=1e-12, atol=1e-14)


def test_extreme_values_match_torch() -> None:
    x = np.array([-1e300, -1e4, -40.0, -1e-300, 0.0, 1e-300, 40.0, 1e4, 1e300])
    t = torch.from_numpy(x)
    np.testing.assert_allclose(gelu(x), torch.nn.functional.gelu(t).numpy(), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(gelu_tanh(x), torch.nn.functional.gelu(t, approximate="tanh").numpy(),
                               rtol=1e-12, atol=1e-300)


def test_erf_matches_scipy() -> None:
    x = np.linspace(-6.0, 6.0, 1001).reshape(7, 143)
    np.testing.assert_allclose(erf(x), scipy.special.erf(x), rtol=1e-14, atol=1e-16)


def test_known_values() -> None:
    # Φ(1) = 0.8413447460685429 (normal table), so gelu(1) = Φ(1), gelu(-1) = -Φ(-1).
    np.testing.assert_allclose(gelu([1.0, -1.0]), [0.8413447460685429, -0.15865525393145707],
                               rtol=1e-14)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=finite))
def test_gelu_odd_part_is_identity(x: np.ndarray) -> None:
    """Φ(x) + Φ(−x) = 1 gives gelu(x) − gelu(−x) = x."""
    np.testing.assert_allclose(gelu(x) - gelu(-x), x, rtol=1e-12, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=finite))
def test_tanh_form_is_close_but_not_equal(x: np.ndarray) -> None:
    diff = np.abs(gelu(x) - gelu_tanh(x))
    assert np.all(diff < 5e-4)


def test_tanh_form_differs_where_the_exercise_probes() -> None:
    x = np.linspace(-4.0, 4.0, 33)
    assert np.max(np.abs(gelu(x) - gelu_tanh(x))) > 1e-4
