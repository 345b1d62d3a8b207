"""Dropout: the reference's contract, and the statistical checker that grades it.

The oracle is torch: ``torch.nn.functional.dropout`` outputs must pass the
checker on every case, and the reference's draws must have the same mean and
survivor values. Classic mistakes must fail it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.case import Case
from dlquiz.grading.cases.dropout import dropout_cases
from dlquiz.grading.custom_checkers import check_dropout
from dlquiz.grading.reference.dropout import dropout

OPTIONS = {"sigmas": 5.0, "chunks": 4}


def _check(case: Case, got: Any) -> tuple[bool, str]:
    result = check_dropout(OPTIONS, None, got, case)
    return result.ok, result.message


def _torch_dropout(case: Case) -> np.ndarray:
    x = torch.from_numpy(np.asarray(case.args["x"]).copy())
    torch.manual_seed(int(case.args["rng_seed"]))
    return torch.nn.functional.dropout(x, case.args["p"], case.args["training"]).numpy()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reference_and_torch_pass_every_case(seed: int) -> None:
    for case in dropout_cases(np.random.default_rng(seed)):
        assert _check(case, dropout(**case.args)) == (True, ""), case.name
        assert _check(case, _torch_dropout(case)) == (True, ""), case.name


def test_survivors_match_torch_scaling() -> None:
    x = np.random.default_rng(3).normal(size=(300, 300))
    ours = dropout(x, 0.3, True, 5)
    torch.manual_seed(5)
    theirs = torch.nn.functional.dropout(torch.from_numpy(x), 0.3).numpy()
    for out in (ours, theirs):
        kept = out != 0
        np.testing.assert_allclose(out[kept], x[kept] / 0.7, rtol=1e-12)
    # About 1 − p of the elements survive (5-sigma binomial bound).
    assert abs(np.mean(ours != 0) - 0.7) < 5 * np.sqrt(0.21 / x.size)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 1.0), st.booleans(), st.integers(0, 2**31 - 1))
def test_reference_contract(p: float, training: bool, seed: int) -> None:
    x = np.random.default_rng(seed).normal(size=(20, 30)).astype(np.float32)
    out = dropout(x, p, training, seed)
    assert out.shape == x.shape and out.dtype == x.dtype
    if not training or p == 0.0:
        np.testing.assert_array_equal(out, x)
    elif p == 1.0:
        assert not out.any()
    else:
        kept = out != 0
        np.testing.assert_allclose(out[kept], x[kept] / np.float32(1 - p), rtol=1e-6)
    np.testing.assert_array_equal(dropout(x, p, training, seed), out)  # seeded: reproducible


def _random_case(p: float, shape: tuple[int, ...] = (200, 200), dtype: Any = np.float64) -> Case:
    x = np.random.default_rng(11).normal(size=shape).astype(dtype)
    return Case("t", {"x": x, "p": p, "training": True, "rng_seed": 4})


def _mask(case: Case, keep_prob: float) -> np.ndarray:
    return np.random.default_rng(9).random(np.shape(case.args["x"])) < keep_prob


def test_rejects_missing_inverted_scaling() -> None:
    case = _random_case(0.5)
    x = case.args["x"]
    ok, message = _check(case, np.where(_mask(case, 0.5), x, 0.0))
    assert not ok and "x / (1 - p)" in message


def test_rejects_scaling_by_keep_probability() -> None:
    case = _random_case(0.2)
    x = case.args["x"]
    assert not _check(case, np.where(_mask(case, 0.8), x * 0.8, 0.0))[0]


def test_rejects_swapped_drop_and_keep_probability() -> None:
    case = _random_case(0.2)
    x = case.args["x"]
    ok, message = _check(case, np.where(_mask(case, 0.2), x / 0.8, 0.0))
    assert not ok and "drop rate" in message


def test_rejects_dropping_a_fixed_prefix() -> None:
    case = _random_case(0.5)
    x = case.args["x"].ravel()
    out = x / 0.5
    out[: x.size // 2] = 0.0
    ok, message = _check(case, out.reshape(case.args["x"].shape))
    assert not ok and "slice" in message


def test_rejects_dtype_upcast_and_wrong_shape() -> None:
    case = _random_case(0.5, dtype=np.float32)
    good = dropout(**case.args)
    assert _check(case, good)[0]
    assert "dtype" in _check(case, good.astype(np.float64))[1]
    assert "shape" in _check(case, good.ravel())[1]


def test_eval_mode_and_boundaries() -> None:
    x = np.random.default_rng(12).normal(size=(10, 10))
    eval_case = Case("eval", {"x": x, "p": 0.5, "training": False, "rng_seed": 1})
    assert _check(eval_case, x.copy())[0]
    assert not _check(eval_case, dropout(x, 0.5, True, 1))[0]
    p1 = Case("p1", {"x": x, "p": 1.0, "training": True, "rng_seed": 1})
    assert _check(p1, np.zeros_like(x))[0]
    assert not _check(p1, x.copy())[0]
    assert not _check(p1, np.full_like(x, np.nan))[0]


def test_correct_solutions_rarely_fail() -> None:
    """Across many seeds a correct sampler passes: the 5-sigma bound is not flaky."""
    case = _random_case(0.3, shape=(4000,))
    x = case.args["x"]
    for seed in range(200):
        keep = np.random.default_rng(seed).random(x.shape) >= 0.3
        assert _check(case, np.where(keep, x / 0.7, 0.0))[0]
