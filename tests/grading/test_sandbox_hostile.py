"""The hostile corpus: every file in tests/grading/hostile/ gets its expected verdict.

Each file names its verdict in a ``# expect:`` line (and optionally the
exercise in ``# exercise:``, default the ``fx-add`` fixture with a 2 s / 256
MiB budget). None may pass, each must end within its time limit + 1 s, and no
process of its sandbox may survive the run.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from grader_support import HOSTILE, TrackedSandbox, fixture_exercises, header, leftovers

from dlquiz.grading import grader, process

CORPUS = sorted(HOSTILE.glob("*.py"))


@pytest.fixture
def tracked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int | None]]:
    monkeypatch.setattr(process, "SandboxProcess", TrackedSandbox)
    TrackedSandbox.started = []
    return TrackedSandbox.started


def test_corpus_is_complete() -> None:
    names = {p.stem for p in CORPUS}
    for required in ("infinite_loop", "sleep_forever", "alloc_8gib", "fork_loop", "print_100mb",
                     "sys_exit_at_import", "os_exit_at_import", "monkeypatch_numpy",
                     "fake_json_stdout", "fake_results_file", "syntax_error", "missing_function",
                     "wrong_return_shape", "doctored_eq", "import_dlquiz", "forbidden_sorted"):
        assert required in names
    for path in CORPUS:
        assert header(path, "expect") in grader.VERDICTS, path.name


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_hostile_solution(path: Path, tracked: list[tuple[int, int | None]]) -> None:
    exercise = fixture_exercises()[header(path, "exercise", "fx-add")]
    started = time.monotonic()
    report = grader.grade(exercise, path.read_text(encoding="utf-8"))
    elapsed = time.monotonic() - started
    expected = header(path, "expect")
    assert report.verdict == expected, (report.verdict, report.message, report.first_failure)
    assert report.verdict != "pass"
    assert report.passed < report.total
    assert f"{report.passed}/{report.total} cases passed" == report.summary
    assert elapsed < exercise.time_limit_s + 1.0, f"took {elapsed:.2f} s"
    assert leftovers(tracked) == []
