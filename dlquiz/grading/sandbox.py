"""Run learner code in a limited child process: the public entry points.

The pieces live in their own modules, so nothing imports back in a cycle:
:mod:`.process` (one sandbox process, parent side), :mod:`.pool`
(pre-started workers, built on :mod:`.process`), :mod:`.reaper` (teardown),
:mod:`.wire` (the codec both sides speak) and ``sandbox_runner.py`` (the
child script). This module re-exports what callers use; see
``docs/sandbox.md`` for the threat model.
"""

from __future__ import annotations

from dlquiz.grading.pool import WorkerPool, default_pool, warm_up
from dlquiz.grading.process import (
    RUNNER_PATH,
    CaseRun,
    Limits,
    SandboxProcess,
    SandboxRun,
    sandbox_env,
)

__all__ = ["RUNNER_PATH", "CaseRun", "Limits", "SandboxProcess", "SandboxRun", "WorkerPool",
           "default_pool", "sandbox_env", "warm_up"]
