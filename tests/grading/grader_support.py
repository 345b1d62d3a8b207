"""Helpers shared by the grader's tests: the fixture exercises and sandbox tracking."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from dlquiz.grading import reaper, sandbox
from dlquiz.grading.registry import load_exercises_file
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
    """Processes still alive from the given sandboxes (by session / sandbox uid)."""
    alive: list[int] = []
    for pid, uid in started:
        alive.extend(p for p in reaper.sandbox_pids(pid, uid) if p != os.getpid())
    return alive


def solution_function(source: str, name: str) -> Callable[..., Any]:
    """``name`` from a bundled exercise's own solution source, run in-process (trusted code)."""
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<{name}>", "exec"), namespace)  # noqa: S102 - our own YAML solutions
    return namespace[name]  # type: ignore[no-any-return]
