"""Rustlings' rule, for every bundled exercise: the worked solution passes its
grader, the starter fails it, and every hint is non-empty."""

from __future__ import annotations

import dataclasses

import pytest

from dlquiz.grading.grader import grade
from dlquiz.grading.registry import bundled_exercises

EXERCISES = sorted(bundled_exercises().values(), key=lambda e: e.id)
#: A short wall-clock budget per run keeps the suite fast (references are sub-second).
TIME_BUDGET_S = 8.0


def _short(exercise):  # type: ignore[no-untyped-def]
    return dataclasses.replace(exercise, time_limit_s=min(exercise.time_limit_s, TIME_BUDGET_S))


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_solution_passes_and_starter_fails(exercise) -> None:  # type: ignore[no-untyped-def]
    solution = grade(_short(exercise), exercise.solution)
    assert solution.verdict == "pass", (solution.message, solution.first_failure)
    assert solution.total > 0 and solution.passed == solution.total
    starter = grade(_short(exercise), exercise.starter)
    assert starter.verdict != "pass"


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_hints_and_texts(exercise) -> None:  # type: ignore[no-untyped-def]
    assert exercise.hints and all(h.strip() for h in exercise.hints)
    assert exercise.prompt.strip() and exercise.title.strip()
    assert f"def {exercise.function}(" in exercise.starter
