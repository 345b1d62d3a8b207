"""Patch embedding against torch's strided conv formulation."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.reference.transformer import patch_embedding


@pytest.mark.parametrize(
    ("n", "c", "h", "w", "p", "d"),
    [(1, 3, 2, 3, 1, 4), (2, 1, 4, 4, 4, 3), (1, 1, 4, 8, 2, 2), (2, 3, 7, 9, 3, 4),
     (2, 3, 32, 32, 8, 16), (1, 3, 224, 224, 16, 8)],
)
@pytest.mark.parametrize("bias", [True, False])
def test_patch_embedding_matches_torch_conv(n: int, c: int, h: int, w: int, p: int, d: int,
                                            bias: bool) -> None:
    rng = np.random.default_rng(0)
    images, weight = rng.normal(size=(n, c, h, w)), rng.normal(size=(d, c, p, p))
    b = rng.normal(size=d) if bias else None
    want = F.conv2d(torch.from_numpy(images), torch.from_numpy(weight),
                    None if b is None else torch.from_numpy(b), stride=p).flatten(2).transpose(1, 2)
    got = patch_embedding(images, weight, b, p)
    assert got.shape == (n, (h // p) * (w // p), d)
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-10, atol=1e-10)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**16))
def test_patch_size_one_is_a_per_pixel_linear_map(n: int, c: int, h: int, w: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    images, weight = rng.normal(size=(n, c, h, w)), rng.normal(size=(5, c, 1, 1))
    want = np.einsum("nchw,dc->nhwd", images, weight[:, :, 0, 0]).reshape(n, h * w, 5)
    np.testing.assert_allclose(patch_embedding(images, weight, None, 1), want, rtol=1e-12, atol=1e-12)


def test_tokens_are_in_raster_order() -> None:
    images = np.arange(16.0).reshape(1, 1, 4, 4)
    got = patch_embedding(images, np.ones((1, 1, 2, 2)), None, 2)[0, :, 0]
    # Patch sums by hand: top-left 0+1+4+5, top-right 2+3+6+7, then the bottom row.
    np.testing.assert_array_equal(got, [10.0, 18.0, 42.0, 50.0])
