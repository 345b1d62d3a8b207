"""Static checks that need no sandbox: fractional powers in the square-root exercises."""

from __future__ import annotations

import pytest

from dlquiz.grading.registry import bundled_exercises
from dlquiz.grading.static_checks import find_invalid

BODY = "def sqrt_newton(a):\n    return {expr}\n"


@pytest.mark.parametrize("expr", ["a ** 0.5", "a ** (1/2)", "a ** -0.5 * a", "(a) ** .25 ** 2",
                                  "a ** (3 / 2) / a"])
def test_fractional_powers_are_refused(expr: str) -> None:
    exercise = bundled_exercises()["sqrt-newton"]
    message = find_invalid(exercise, BODY.format(expr=expr))
    assert "fractional power" in message and message.startswith("line 2")


@pytest.mark.parametrize("body", [
    "    h = 1 / 2\n    return a ** h\n",
    "    return float(a).__pow__(0.5)\n",
    "    third: float = 1 / 3\n    x = a\n    x **= third\n    return x\n",
])
def test_fractional_powers_through_a_name_or_dunder_are_refused(body: str) -> None:
    exercise = bundled_exercises()["sqrt-newton"]
    assert "fractional power" in find_invalid(exercise, "def sqrt_newton(a):\n" + body)


@pytest.mark.parametrize("expr", ["a ** 2", "a ** (4 / 2)", "(a * 0.5) ** 3", "0.5 * (a + 1)"])
def test_integer_powers_and_plain_arithmetic_are_fine(expr: str) -> None:
    exercise = bundled_exercises()["sqrt-newton"]
    assert find_invalid(exercise, BODY.format(expr=expr)) == ""


def test_augmented_fractional_power_is_refused() -> None:
    exercise = bundled_exercises()["sqrt-gradient-descent"]
    source = "def sqrt_gradient_descent(a):\n    x = a\n    x **= 0.5\n    return x\n"
    assert "line 3" in find_invalid(exercise, source)


def test_other_exercises_allow_fractional_powers() -> None:
    exercise = bundled_exercises()["gelu-tanh"]
    source = "def gelu_tanh(x):\n    return x ** 0.5\n"
    assert "fractional power" not in find_invalid(exercise, source)


@pytest.mark.parametrize(("header", "problem"), [
    ("def nms(boxes, scores, iou_threshold)", ""),  # the exercise's own names
    ("def nms(b, s, t)", ""),  # names are the learner's business
    ("def nms(b, s, t=0.5, extra=None)", ""),  # defaults too, and extra optional parameters
    ("def nms(*args)", ""),
    ("def nms(b, /, *rest)", ""),
    ("def nms(b, s)", "`nms` must accept 3 positional arguments"),
    ("def nms(b, s, t, u)", "`nms` requires 4 positional arguments, but the grader passes 3"),
    ("def nms(b, s, *, t)", "required keyword-only parameter `t`"),
    ("def nms(b, s, *, t=0.5)", "`nms` must accept 3 positional arguments"),
    ("def nms(b, s, t, *, mode)", "required keyword-only parameter `mode`"),
    ("def nms(**kwargs)", "yours accepts 0"),
])
def test_only_a_function_that_cannot_take_the_arguments_positionally_is_invalid(
        header: str, problem: str) -> None:
    exercise = bundled_exercises()["nms"]
    message = find_invalid(exercise, f"{header}:\n    return []\n", 3)
    if problem:
        assert message.startswith("line 1: wrong signature:") and problem in message
        assert exercise.signature in message  # the signature to copy
    else:
        assert message == ""
