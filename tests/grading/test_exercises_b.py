"""In-process check of the activations/norms/losses/reparam/... exercises.

The shared grader test runs every exercise through the sandbox; this one is a
fast, sandbox-free guard for this family: each worked solution passes every
case under the exercise's own checker, each starter fails at least one, and
the exact and tanh GELU solutions do not pass each other's exercise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from dlquiz.grading import checkers
from dlquiz.grading.registry import bundled_exercises, resolve_target
from dlquiz.model import Exercise

IDS = [
    "dropout", "gelu", "gelu-tanh", "layer-norm", "batch-norm-train", "batch-norm-eval",
    "softmax-cross-entropy", "focal-loss", "fold-bn", "repvgg-merge", "conv-avgpool-merge",
    "patch-embedding", "depthwise-separable-conv", "ema-weights", "cosine-similarity",
    "mahalanobis-distance",
]


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


def _function(source: str, name: str) -> Callable[..., Any]:
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<{name}>", "exec"), namespace)  # noqa: S102 - our own YAML solutions
    return namespace[name]  # type: ignore[no-any-return]


def _failures(ex: Exercise, fn: Callable[..., Any], seed: int = 0) -> list[str]:
    """Names (and messages) of the cases ``fn`` fails under ``ex``'s checker."""
    reference = resolve_target(ex.reference)
    cases = resolve_target(ex.cases)(np.random.default_rng(seed))
    failed = []
    for case in cases:
        expected = reference(**{k: _copy(v) for k, v in case.args.items()})
        with np.errstate(all="ignore"):
            try:
                got = fn(**{k: _copy(v) for k, v in case.args.items()})
            except Exception as exc:  # noqa: BLE001 - a crashing starter is a failing starter
                failed.append(f"{case.name}: raised {exc!r}")
                continue
        result = checkers.check(ex.checker.name, dict(ex.checker.options), expected, got, case)
        if not result.ok:
            failed.append(f"{case.name}: {result.message}")
    return failed


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_passes_and_starter_fails(exercises: dict[str, Exercise], exercise_id: str) -> None:
    ex = exercises[exercise_id]
    assert _failures(ex, _function(ex.solution, ex.function)) == []
    assert _failures(ex, _function(ex.starter, ex.function)) != []
    assert len(ex.hints) >= 2 and all(h.strip() for h in ex.hints)


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_passes_other_seeds(exercises: dict[str, Exercise], exercise_id: str) -> None:
    ex = exercises[exercise_id]
    assert _failures(ex, _function(ex.solution, ex.function), seed=7) == []


def test_gelu_variants_are_told_apart(exercises: dict[str, Exercise]) -> None:
    exact, tanh = exercises["gelu"], exercises["gelu-tanh"]
    exact_fn = _function(exact.solution, exact.function)
    tanh_fn = _function(tanh.solution, tanh.function)
    assert _failures(exact, tanh_fn) != []
    assert _failures(tanh, exact_fn) != []
