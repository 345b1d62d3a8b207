"""Square-root references against math.sqrt, plus properties of the iterations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.cases.numeric_methods import sqrt_cases
from dlquiz.grading.reference.numeric_methods import sqrt_gradient_descent, sqrt_newton

METHODS = [sqrt_gradient_descent, sqrt_newton]


@pytest.mark.parametrize("method", METHODS)
def test_every_case_matches_math_sqrt(method) -> None:  # type: ignore[no-untyped-def]
    for case in sqrt_cases(np.random.default_rng(0)):
        a = case.args["a"]
        assert method(a) == pytest.approx(math.sqrt(a), rel=4e-16, abs=0.0), case.name


@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=200, deadline=None)
@given(a=st.floats(min_value=0.0, max_value=1e308, allow_nan=False, allow_infinity=False))
def test_matches_math_sqrt_to_an_ulp(method, a: float) -> None:  # type: ignore[no-untyped-def]
    got = method(a)
    want = math.sqrt(a)
    assert abs(got - want) <= 2 * math.ulp(want)


@pytest.mark.parametrize("method", METHODS)
def test_zero_and_exact_squares(method) -> None:  # type: ignore[no-untyped-def]
    assert method(0.0) == 0.0
    for root in (1.0, 2.0, 3.0, 12.0, 1024.0, 0.5, 0.125):
        assert method(root * root) == root


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_rejects_invalid_input(method, bad: float) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        method(bad)


def test_fixed_step_gradient_descent_really_diverges_for_large_a() -> None:
    """The claim the hints make: one step size cannot serve a = 2 and a = 1e12."""
    def fixed_step(a: float, lr: float, steps: int = 2000) -> float:
        x = 1.0
        for _ in range(steps):
            x = x - lr * 4 * x * (x * x - a)
            if not math.isfinite(x) or abs(x) > 1e200:
                return math.inf
        return x

    lr = 0.01                       # fine for a = 2 (needs lr < 1/(4a) = 0.125)
    assert fixed_step(2.0, lr) == pytest.approx(math.sqrt(2.0))
    assert not math.isclose(fixed_step(1e12, lr), 1e6, rel_tol=1e-6)
