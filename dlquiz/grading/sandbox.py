"""Run learner code in a limited child process: the public entry points.

The pieces live in their own modules, so nothing imports back in a cycle:
:mod:`.process` (one sandbox process, parent side), :mod:`.pool`
(pre-started workers, built on :mod:`.process`), :mod:`.reaper` (teardown),
:mod:`.wire` (the codec both sides speak) and ``sandbox_runner.py`` (the
child script). This module re-exports what callers use; see
``docs/sandbox.md`` for the threat model.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dlquiz.grading.pool import WorkerPool, default_pool, warm_up
from dlquiz.grading.process import CaseRun, Limits, SandboxProcess, SandboxRun
from dlquiz.grading.spawn import RUNNER_PATH, sandbox_env

from dlquiz.model import Exercise

__all__ = ["RUNNER_PATH", "CaseRun", "Limits", "SandboxProcess", "SandboxRun", "WorkerPool",
           "default_pool", "hidden_folders", "sandbox_env", "warm_up"]


def hidden_folders(exercise: Exercise) -> list[str]:
    """Folders the sandbox hides: dlquiz (every copy on the path), its checkout's ``.git``,
    the exercise's folder.

    The exercise's folder (a user deck's, holding its reference) is not hidden
    when it is ``/``, your home, or holds the Python installation or NumPy the
    sandbox still imports from (a deck at the top of a project with its venv).
    """
    package = Path(__file__).resolve().parents[1]
    folders = [str(package)]
    # Other copies on the path too: a checkout run from its folder next to the
    # installed copy in site-packages (as in CI) would leave the references readable.
    for entry in sys.path:
        copy = Path(entry or ".").resolve() / "dlquiz"
        if (copy / "grading" / "reference").is_dir() and str(copy) not in folders:
            folders.append(str(copy))
    git = package.parent / ".git"
    if git.is_dir() and (package.parent / "pyproject.toml").is_file():
        folders.append(str(git))
    if exercise.base_dir:
        base = Path(exercise.base_dir).resolve()
        needed = [Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)]
        if "numpy" in sys.modules and sys.modules["numpy"].__file__:
            needed.append(Path(sys.modules["numpy"].__file__).resolve().parent)
        if base not in (Path(base.anchor), Path.home()) and not any(
                p == base or base in p.parents for p in needed):
            folders.append(str(base))
    return folders
