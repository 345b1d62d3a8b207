"""Helpers shared by the grader's tests: the fixture exercises and sandbox tracking."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from dlquiz.grading import checkers, process, reaper, sandbox
from dlquiz.grading.calls import call_plan
from dlquiz.grading.registry import load_exercises_file, resolve_target
from dlquiz.model import Exercise

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOSTILE = Path(__file__).resolve().parent / "hostile"


def fixture_exercises() -> dict[str, Exercise]:
    exercises, errors = load_exercises_file(FIXTURES / "exercises.yaml")
    assert not errors, errors
    return {e.id: e for e in exercises}


def header(path: Path, key: str, default: str = "") -> str:
    """Value of a ``# key: value`` comment line in a hostile file."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"# {key}:"):
            return line.split(":", 1)[1].strip()
    return default


class TrackedSandbox(sandbox.SandboxProcess):
    """A SandboxProcess that remembers every instance (to check for leftovers)."""

    started: ClassVar[list[tuple[int, int | None]]] = []

    def __init__(self) -> None:
        super().__init__()
        TrackedSandbox.started.append((self.pid, self.uid))


def leftovers(started: list[tuple[int, int | None]]) -> list[int]:
    """Processes still alive from the given sandboxes (by session / sandbox uid).

    A run whose cases all came back is torn down in a thread beside the judging
    (``process.close_later``): that teardown is awaited first, as dlquiz's own exit does.
    """
    process.wait_closed()
    alive: list[int] = []
    for pid, uid in started:
        alive.extend(p for p in reaper.sandbox_pids(pid, uid) if p != os.getpid())
    return alive


def solution_function(source: str, name: str) -> Callable[..., Any]:
    """``name`` from a bundled exercise's own solution source, run in-process (trusted code)."""
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<{name}>", "exec"), namespace)  # noqa: S102 - our own YAML solutions
    return namespace[name]  # type: ignore[no-any-return]


def _fresh(value: Any) -> Any:
    return value.copy() if hasattr(value, "copy") and not isinstance(value, (str, bytes)) else value


def failures_positional(ex: Exercise, fn: Callable[..., Any], seed: int = 0,
                        perf: bool = False) -> list[str]:
    """Names of the cases ``fn`` fails, in case order, called as the grader calls it.

    The learner's function gets the case's arguments **positionally** in the order of
    the exercise's signature (``grading.calls``: skipped parameters before the last
    passed one take the signature's literal default), so parameter names and the
    learner's own defaults matter exactly as much as in the sandbox. The reference
    gets fresh copies of the same arguments. ``perf=False`` skips the perf case (a
    loop-style solution is checked for correctness; speed is the sandbox's business).
    A crash or a non-finite warning is a failure of that case, never of the test.
    """
    reference = resolve_target(ex.reference)
    plan = call_plan(ex.signature)
    failed = []
    for case in resolve_target(ex.cases)(np.random.default_rng(seed)):
        if case.kind == "perf" and not perf:
            continue
        expected = reference(**{k: _fresh(v) for k, v in case.args.items()})
        with np.errstate(all="ignore"):
            try:
                got = fn(*[_fresh(v) for v in plan.positional(case.args)])
            except Exception:  # noqa: BLE001 - a crash is a failed case
                failed.append(case.name)
                continue
        if not checkers.check(ex.checker.name, dict(ex.checker.options), expected, got, case).ok:
            failed.append(case.name)
    return failed


def assert_independent_passes(ex: Exercise, source: str) -> None:
    """An independently written correct solution fails no case, at seed 0 and seed 11."""
    fn = solution_function(source, ex.function)
    assert failures_positional(ex, fn) == []
    assert failures_positional(ex, fn, seed=11) == []


def assert_mistake_caught_first(ex: Exercise, source: str, mistake: str, first_case: str) -> None:
    """A classic mistake fails, and its first failure is the case named for its clause."""
    failed = failures_positional(ex, solution_function(source, ex.function))
    assert failed, f"{ex.id}: {mistake!r} passes every case"
    assert failed[0] == first_case, (mistake, failed[:4])
