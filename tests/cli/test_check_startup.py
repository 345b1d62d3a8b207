"""What ``dlquiz check ID FILE`` loads, and how its report reads without Rich.

Start-up is part of what a learner waits for (issue #10: <= 2x ``python -c
"import numpy"``). On a warm cache the command must not load YAML, JSON
Schema, Rich, Textual, nor the reference or case generator of any other
exercise; it starts one sandbox interpreter. The report is drawn by
:mod:`dlquiz.commands.report_view`; Rich's ``Panel`` is the oracle for its frames.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from dlquiz.commands.report_view import cell_width, print_report
from dlquiz.grading.grader import CaseReport, GradeReport

PROBE = r"""
import contextlib, io, json, subprocess, sys
started = []
real = subprocess.Popen.__init__
def counting(self, args, *a, **k):
    loaded = [m for m in ("numpy", "dlquiz.commands.exercises", "dlquiz.model") if m in sys.modules]
    started.append(list(map(str, args)) + ["loaded:" + ",".join(loaded)])
    real(self, args, *a, **k)
subprocess.Popen.__init__ = counting
import threading
at_handover = []
real_start = threading.Thread.start
def start(self):
    if self.name == "dlquiz-grade-run":  # the learner's code is handed to the sandbox
        at_handover.extend(m for m in ("dlquiz.config", "dlquiz.store.database",
                                       "dlquiz.decks.catalog", "numpy") if m in sys.modules)
    real_start(self)
threading.Thread.start = start
from dlquiz.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["check", "nms", sys.argv[1]])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("yaml", "jsonschema", "rich", "textual")
               or m.startswith(("dlquiz.grading.reference.", "dlquiz.grading.cases."))
               or m in ("dlquiz.decks.loader", "dlquiz.decks.schema"))
print(json.dumps({"code": code, "heavy": heavy, "started": started, "at_handover": at_handover,
                  "decks_loaded": "dlquiz.decks.catalog" in sys.modules}))
"""


def test_a_warm_check_loads_only_what_grading_nms_needs(tmp_path: Path) -> None:
    from dlquiz.grading.registry import bundled_exercises

    solution = tmp_path / "nms.py"
    solution.write_text(bundled_exercises()["nms"].solution, encoding="utf-8")
    env = {**os.environ, "DLQUIZ_HOME": str(tmp_path / "home")}
    runs = [json.loads(subprocess.run([sys.executable, "-c", PROBE, str(solution)], env=env,
                                      capture_output=True, text=True, check=True).stdout)
            for _ in range(2)]  # the first one builds the caches
    warm = runs[1]
    assert warm["code"] == 0
    assert warm["heavy"] == ["dlquiz.grading.cases.detection",
                             "dlquiz.grading.reference.detection"]
    pythons = [args for args in warm["started"] if "sandbox_runner.py" in " ".join(args)]
    assert len(pythons) == 1 and len(warm["started"]) == 1, warm["started"]
    # ... and starts it first thing: before NumPy, the command's module or the model load,
    # so the child's own start-up overlaps all of the parent's work (dlquiz.grading.spawn)
    assert pythons[0][-1] == "loaded:", pythons[0][-1]
    # the store, the settings and the decks wait until the code runs; a warm check reads the
    # code-card index instead of the decks (dlquiz.decks.code_card_index), and its cases were
    # drawn by the previous check, so even NumPy loads only once the code has them
    assert warm["at_handover"] == [] and warm["decks_loaded"] is False
    assert runs[0]["decks_loaded"] is True  # the first run built that index from the decks
    assert runs[0]["at_handover"] == ["numpy"]  # nothing drawn ahead yet: drawn here, with NumPy


def test_an_early_runner_left_unused_is_killed_and_removed(tmp_path: Path) -> None:
    env = {**os.environ, "DLQUIZ_HOME": str(tmp_path / "home")}
    # a usage error ends the run before anything adopts the runner started first thing
    probe = ("from dlquiz.grading import spawn\n"
             "from dlquiz.cli import main\n"
             "try:\n"
             "    main(['check', '--seed', 'not-a-number', 'nms'])\n"
             "except SystemExit as exc:\n"
             "    print(exc.code, spawn._early.proc.pid, spawn._early.workdir)\n")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                          check=True)
    code, pid, workdir = done.stdout.split()
    assert code == "2" and "invalid int value" in done.stderr
    assert not os.path.exists(workdir)  # removed at exit
    assert not os.path.exists(f"/proc/{pid}") or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def report(**changes: object) -> GradeReport:
    cases = (CaseReport("empty input", "pass"),
             CaseReport("chain of overlaps", "wrong_answer",
                        "keep[0] = 0 (score 0.5) but box 1 still has a higher score 0.9: greedy "
                        "NMS always takes the highest remaining score\nexpected: [1, 3]\ngot: "
                        "[0, 1, 2, 3]", "hello from nms\n"),
             CaseReport("perf n=2000", "not_run"))
    values: dict[str, object] = {"exercise": "nms", "verdict": "wrong_answer", "passed": 1,
                                 "total": 3, "cases": cases, "duration_s": 0.25, "seed": 42}
    values.update(changes)
    return GradeReport(**values)  # type: ignore[arg-type]


def rich_panel(text: str, title: str, width: int) -> str:
    buffer = io.StringIO()
    Console(file=buffer, color_system=None, highlight=False, width=width).print(
        Panel(escape(text), title=escape(title), expand=False))
    return buffer.getvalue()


@pytest.mark.parametrize("width", [80, 50])
def test_frames_are_rich_panels(width: int) -> None:
    buffer = io.StringIO()
    print_report(report(), Path("nms.py"), None, stream=buffer, width=width,  # type: ignore[arg-type]
                 colour=False)
    text = buffer.getvalue()
    first = report().cases[1]
    assert rich_panel(first.message, f"first failure: {first.name}", width) in text
    assert rich_panel("hello from nms", "your output", width) in text
    lines = text.splitlines()
    assert lines[0] == "wrong_answer  1/3 cases passed  (nms.py, 0.25 s)"
    assert lines[1:4] == ["  pass          empty input", "  wrong_answer  chain of overlaps",
                          "  not_run       perf n=2000"]
    assert lines[-1] == "random cases: seed 42 (replay: --seed 42)"
    assert "\x1b[" not in text and max(cell_width(x) for x in lines) <= width


def test_colours_only_when_asked_and_control_characters_are_defused() -> None:
    hostile = report(cases=(CaseReport("x", "wrong_answer", "bad", "\x1b[2J\x07wide: 漢字\ttab"),))
    coloured = io.StringIO()
    print_report(hostile, Path("f.py"), None, stream=coloured, width=40, colour=True)  # type: ignore[arg-type]
    assert "\x1b[1;31mwrong_answer\x1b[0m" in coloured.getvalue()
    plain = io.StringIO()
    print_report(hostile, Path("f.py"), None, stream=plain, width=40)  # type: ignore[arg-type]
    text = plain.getvalue()  # a StringIO is no terminal: no colour
    assert "\x1b" not in text and "\x07" not in text and "?[2J?wide: 漢字" in text and "tab" in text
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if "your output" in line)
    frame = lines[top:top + 3]
    assert frame[2].startswith("╰")
    assert len({cell_width(line) for line in frame}) == 1  # wide characters keep the box square
