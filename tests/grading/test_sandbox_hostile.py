"""The hostile corpus: every file in tests/grading/hostile/ gets its expected verdict.

Each file names its verdict in a ``# expect:`` line (and optionally the
exercise in ``# exercise:``: a fixture id, default the ``fx-add`` fixture with
a 2 s / 256 MiB budget, or ``bundled:ID`` for a bundled exercise). None may
pass, each must end within its time limit + 1 s, and nothing of its sandbox
may survive the run: no process, no file it owns in /tmp, /var/tmp or
/dev/shm, no SysV IPC object, and none of the files the corpus tries to leave.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from grader_support import HOSTILE, TrackedSandbox, fixture_exercises, header, leftovers

from dlquiz.grading import grader, process, reaper
from dlquiz.grading.registry import bundled_exercises
from dlquiz.model import Exercise

CORPUS = sorted(HOSTILE.glob("*.py"))
#: Names the corpus writes outside its own folder (temp_files_leftovers, dev_shm_fill).
LEFT_NAMES = ("dlquiz-hostile-leftover", "dlquiz-hostile-shm", "dlquiz-hostile-fill")
#: Every class of attack the issue names has at least one file here.
REQUIRED = (
    "infinite_loop", "sleep_forever", "alloc_8gib", "fork_loop", "print_100mb",
    "sys_exit_at_import", "os_exit_at_import", "monkeypatch_numpy", "fake_json_stdout",
    "fake_results_file", "syntax_error", "missing_function", "wrong_return_shape",
    "doctored_eq", "import_dlquiz", "forbidden_sorted",
    # loading the reference by path / exec of its source / the runner's argv path
    "cheat_reference_by_path", "cheat_exec_reference_source", "cheat_runner_path_from_argv",
    # removing the import blocker, private import entry points, fake parent packages
    "cheat_remove_import_blocker", "cheat_gcd_import", "cheat_fake_parent_package",
    # forged result-channel lines (clock reset, duplicate result, background garbage)
    "forged_case_started", "forged_duplicate_result", "background_thread_forger",
    # in-place mutation hidden from an in-child check
    "mutation_hidden_by_shadowing", "mutation_through_a_view",
    # forbidden names spelled in pieces
    "forbidden_builtins_subscript", "forbidden_builtins_concat",
    "forbidden_dunder_import_pieces", "forbidden_getattr_join",
    "forbidden_import_module_pieces", "forbidden_sys_modules_pop", "forbidden_vars_numpy",
    "forbidden_accelerator_module",
    # other programs, gc walks, ctypes, listing the references
    "subprocess_cat_reference", "os_system_shell", "gc_walk_runner_state", "ctypes_sysv_shm",
    "list_dlquiz_folder",
    # traces: temp files, /dev/shm, CPU-bound overruns, values that used to crash
    "temp_files_leftovers", "dev_shm_fill", "cpu_threads_overrun", "ignore_sigxcpu",
    "complex_for_float", "deep_nested_return", "ragged_tuple_dropout", "huge_int_return",
    # files the parent writes into the sandbox folder must not follow planted symlinks
    "symlink_case_file",
)


def _exercise(path: Path) -> Exercise:
    name = header(path, "exercise", "fx-add")
    if name.startswith("bundled:"):
        return bundled_exercises()[name.split(":", 1)[1]]
    return fixture_exercises()[name]


def _left_behind(started: list[tuple[int, int | None]]) -> list[str]:
    found = [str(p) for p in leftovers(started)]
    for folder in reaper.TEMP_DIRS:
        found += [f"{folder}/{n}" for n in LEFT_NAMES if os.path.lexists(f"{folder}/{n}")]
    for _, uid in started:
        if uid is not None:
            found += reaper.temp_leftovers(uid)
            found += [f"sysv {kind} {ident}" for kind, ident in reaper.ipc_leftovers(uid)]
    return found


@pytest.fixture
def tracked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int | None]]:
    monkeypatch.setattr(process, "SandboxProcess", TrackedSandbox)
    TrackedSandbox.started = []
    return TrackedSandbox.started


def test_corpus_is_complete() -> None:
    names = {p.stem for p in CORPUS}
    assert len(CORPUS) >= 40
    assert set(REQUIRED) <= names, sorted(set(REQUIRED) - names)
    for path in CORPUS:
        assert header(path, "expect") in grader.VERDICTS, path.name


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_hostile_solution(path: Path, tracked: list[tuple[int, int | None]]) -> None:
    exercise = _exercise(path)
    started = time.monotonic()
    report = grader.grade(exercise, path.read_text(encoding="utf-8"))
    elapsed = time.monotonic() - started
    expected = header(path, "expect")
    assert report.verdict == expected, (report.verdict, report.message, report.first_failure)
    assert report.verdict != "pass"
    assert report.passed < report.total
    assert f"{report.passed}/{report.total} cases passed" == report.summary
    assert elapsed < exercise.time_limit_s + 1.0, f"took {elapsed:.2f} s"
    assert _left_behind(tracked) == []
