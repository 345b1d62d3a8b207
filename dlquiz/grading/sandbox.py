"""Run learner code in a limited child process: the public entry points.

The pieces live in their own modules, so nothing imports back in a cycle:
:mod:`.process` (one sandbox process, parent side), :mod:`.pool`
(pre-started workers, built on :mod:`.process`), :mod:`.reaper` (teardown),
:mod:`.wire` (the codec both sides speak) and ``sandbox_runner.py`` (the
child script). This module re-exports what callers use; see
``docs/sandbox.md`` for the threat model.
"""

from __future__ import annotations

from pathlib import Path

from dlquiz.grading.pool import WorkerPool, default_pool, warm_up
from dlquiz.grading.process import (
    RUNNER_PATH,
    CaseRun,
    Limits,
    SandboxProcess,
    SandboxRun,
    sandbox_env,
)

from dlquiz.model import Exercise

__all__ = ["RUNNER_PATH", "CaseRun", "Limits", "SandboxProcess", "SandboxRun", "WorkerPool",
           "default_pool", "hidden_folders", "sandbox_env", "warm_up"]


def hidden_folders(exercise: Exercise) -> list[str]:
    """Folders the sandbox hides: dlquiz itself, its checkout's ``.git``, the exercise's folder."""
    package = Path(__file__).resolve().parents[1]
    folders = [str(package)]
    git = package.parent / ".git"
    if git.is_dir() and (package.parent / "pyproject.toml").is_file():
        folders.append(str(git))
    if exercise.base_dir:
        base = Path(exercise.base_dir).resolve()
        if base != Path(base.anchor) and base != Path.home():
            folders.append(str(base))
    return folders
