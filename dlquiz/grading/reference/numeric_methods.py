"""Square root without ``sqrt``: gradient descent and Newton's method.

Contract shared by both exercises: ``a`` is a finite float ≥ 0; return √a as a
float, graded with allclose rtol 1e-6, atol 1e-12 (so ``a = 0`` must give 0,
or something below 1e-12).

Gradient descent minimises ``f(x) = (x² − a)²``, ``f'(x) = 4x(x² − a)``. A
fixed step cannot work for every ``a``: the curvature at the root is
``f''(√a) = 8a``, so the step must stay below ``2 / 8a`` to converge (1e12
needs a step under 2.5e-13, with which ``a = 1e-8`` never gets anywhere), and
far from the root the gradient grows like ``4x³`` and overshoots to overflow.
The reference therefore normalises: ``a = m · 4^k`` with ``m ∈ [1, 4)`` (exact
in binary floating point), runs descent on ``m`` from ``x = 1`` with the step
``1 / (8m)`` (the inverse curvature at the root), and returns ``x · 2^k``.
With that step ``x ← x·(3m − x²)/(2m)``, which increases monotonically to √m
from any start in ``(0, √m]`` and converges quadratically near it; iteration
stops when ``x`` stops increasing.

Newton's method on ``g(x) = x² − a`` is ``x ← (x + a/x) / 2`` (Heron). From
``x₀ = max(a, 1) ≥ √a`` the iterates decrease monotonically to √a (AM ≥ GM),
quadratically once close; iteration stops when ``x`` stops decreasing.
"""

from __future__ import annotations

import math

#: Safety cap on iterations (both methods converge in well under 100 steps
#: after normalisation; Newton from 1e300 first halves about 500 times).
MAX_STEPS = 5000


def _check(a: float) -> float:
    value = float(a)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"a must be a finite number >= 0, got {a!r}")
    return value


def sqrt_gradient_descent(a: float) -> float:
    """√a by gradient descent on ``(x² − m)²`` after normalising ``a = m·4^k``."""
    value = _check(a)
    if value == 0.0:
        return 0.0
    mantissa, exponent = math.frexp(value)        # value = mantissa · 2^exponent, mantissa in [0.5, 1)
    if exponent % 2:                               # make the power of two even: a = m · 4^k
        mantissa, exponent = mantissa * 2.0, exponent - 1
    m, k = mantissa * 4.0, (exponent - 2) // 2     # m in [1, 4)
    step = 1.0 / (8.0 * m)
    x = 1.0
    for _ in range(MAX_STEPS):
        x_new = x - step * 4.0 * x * (x * x - m)
        if x_new <= x:
            break
        x = x_new
    return math.ldexp(x, k)


def sqrt_newton(a: float) -> float:
    """√a by Newton's method ``x ← (x + a/x)/2`` from ``max(a, 1)``."""
    value = _check(a)
    if value == 0.0:
        return 0.0
    x = max(value, 1.0)
    for _ in range(MAX_STEPS):
        x_new = 0.5 * (x + value / x)
        if x_new >= x:
            break
        x = x_new
    return x
