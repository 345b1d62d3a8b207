"""Numeric (parametric) cards: fresh numbers each review, answers from reference code."""

from dlquiz.numeric.problem import (
    NumericGenerator,
    NumericProblem,
    SimpleGenerator,
    check_answer,
    parse_numbers,
)
from dlquiz.numeric.registry import generator_names, get_generator

__all__ = [
    "NumericGenerator",
    "NumericProblem",
    "SimpleGenerator",
    "check_answer",
    "generator_names",
    "get_generator",
    "parse_numbers",
]
