"""What a numeric generator is and what it returns; no registry here.

Generator modules (``conv``, ``detection``, ...) import this module only and
list their generators in a module-level ``GENERATORS`` tuple; the registry
imports them, never the other way round, so there is no import cycle.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np


@dataclass(frozen=True)
class NumericProblem:
    """One concrete problem with its answer.

    ``answer`` holds one number, or several (e.g. the indices NMS keeps); with
    ``ordered=False`` several numbers are compared as a multiset. A typed answer
    is accepted when every number is within ``abs_tol`` or ``rel_tol`` of the
    expected one (``math.isclose`` semantics). ``unit`` is shown but never
    required: "12 px", "12" and "12.0" are all accepted for 12.
    """

    question: str
    answer: tuple[float, ...]
    explanation: str
    drawn: Mapping[str, Any]
    rel_tol: float = 1e-3
    abs_tol: float = 1e-6
    unit: str = ""
    ordered: bool = True
    answer_format: str = ""


class NumericGenerator(Protocol):
    """What a generator provides. ``params`` are the card's (validated) parameters."""

    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def params_schema(self) -> Mapping[str, Any]:
        """JSON Schema for the card's ``params`` (an object schema)."""
        ...

    def draw(self, rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
        """Fresh JSON-serialisable numbers for one review."""
        ...

    def solve(self, drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
        """The problem, answer and worked explanation for these numbers."""
        ...


@dataclass(frozen=True)
class SimpleGenerator:
    """A generator built from two functions (the usual way to write one)."""

    name: str
    title: str
    draw_fn: Callable[[np.random.Generator, Mapping[str, Any]], dict[str, Any]]
    solve_fn: Callable[[Mapping[str, Any], Mapping[str, Any]], NumericProblem]
    params_schema: Mapping[str, Any] = field(
        default_factory=lambda: {"type": "object", "additionalProperties": False}
    )

    def draw(self, rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
        return self.draw_fn(rng, params)

    def solve(self, drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
        return self.solve_fn(drawn, params)


_NUMBER_RE = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def parse_numbers(typed: str) -> tuple[float, ...]:
    """Every number in a typed answer; units, commas and words are ignored.

    ``"1,234.5 px"`` is read as 1234.5 (a comma between digit groups is a
    thousands separator); ``"0, 2, 3"`` is read as three numbers.
    """
    cleaned = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", typed)
    return tuple(float(m) for m in _NUMBER_RE.findall(cleaned))


def check_answer(problem: NumericProblem, typed: str) -> bool:
    """Whether ``typed`` matches the problem's answer within its tolerance."""
    got = parse_numbers(typed)
    want = problem.answer
    if len(got) != len(want):
        return False
    if not problem.ordered:
        got, want = tuple(sorted(got)), tuple(sorted(want))
    return all(
        math.isclose(g, w, rel_tol=problem.rel_tol, abs_tol=problem.abs_tol)
        for g, w in zip(got, want)
    )
