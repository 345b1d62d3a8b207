"""The registry of numeric (parametric) card generators.

A numeric card names a generator and gives it parameters::

    - id: conv-out-size
      type: numeric
      topics: [arch.conv]
      generator: conv_output_size
      params: {max_size: 224}

At each review the generator *draws* fresh numbers (``draw``), and ``solve``
turns those numbers into a :class:`NumericProblem`: the question, the answer
computed by dlquiz's own reference code, a tolerance and a worked explanation.
``solve`` is deterministic in the drawn numbers, so the store keeps only the
drawn dict with the review and can show the very same problem again.

Generators register themselves with :func:`register` when their module is
imported; :func:`get_generator` imports :mod:`dlquiz.numeric.generators` on
first use so deck loading stays cheap until a numeric card is actually shown.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from dlquiz.errors import UnknownGeneratorError


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


_REGISTRY: dict[str, NumericGenerator] = {}
_loaded = False


def register(generator: NumericGenerator) -> NumericGenerator:
    """Add a generator; a second one with the same name is a programming error."""
    if generator.name in _REGISTRY:
        raise ValueError(f"numeric generator {generator.name!r} registered twice")
    _REGISTRY[generator.name] = generator
    return generator


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        import dlquiz.numeric.generators  # noqa: F401  (registers on import)


def generator_names() -> tuple[str, ...]:
    _ensure_loaded()
    return tuple(sorted(_REGISTRY))


def get_generator(name: str) -> NumericGenerator:
    _ensure_loaded()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownGeneratorError(
            f"no numeric generator named {name!r}; known: {', '.join(generator_names())}"
        ) from None


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
