"""Numeric (parametric) cards: fresh numbers each review, answers from reference code."""

from dlquiz.numeric.registry import (
    NumericGenerator,
    NumericProblem,
    SimpleGenerator,
    check_answer,
    generator_names,
    get_generator,
    parse_numbers,
    register,
)

__all__ = [
    "NumericGenerator",
    "NumericProblem",
    "SimpleGenerator",
    "check_answer",
    "generator_names",
    "get_generator",
    "parse_numbers",
    "register",
]
