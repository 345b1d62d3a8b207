"""A sandbox run -> :class:`GradeReport`: the checker's verdict on each case, then the run's.

Everything here works on data the child cannot forge (see :mod:`dlquiz.grading.grader`
for the flow): the fingerprints of the inputs after the call, the values, each
case's time as measured by the parent. The verdict is the status of the first
failing case in case order, or of the whole run when it failed before any case.
"""

from __future__ import annotations

import signal
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dlquiz.errors import DlquizError
from dlquiz.grading.case import Case
from dlquiz.grading.sandbox import SandboxRun
from dlquiz.grading.wire import OUTPUT_HARD_LIMIT
from dlquiz.model import Exercise

if TYPE_CHECKING:  # imports NumPy
    from dlquiz.grading.preparation import Prepared

VERDICTS = ("pass", "wrong_answer", "time_limit", "memory_limit", "runtime_error", "invalid")
PERF_FLOOR_S = 0.05


class SandboxError(DlquizError):
    """The sandbox could not run at all (not the learner's fault)."""

    title = "Sandbox failure"


@dataclass(frozen=True)
class CaseReport:
    """One case: ``status`` is a verdict name or ``not_run``."""

    name: str
    status: str
    message: str = ""
    output: str = ""
    #: A text drawing of a failing case (boxes, curves; see grading.pictures), or "".
    picture: str = ""

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "message": self.message,
                "output": self.output, "picture": self.picture}


@dataclass(frozen=True)
class GradeReport:
    """The outcome of grading one solution (shape borrowed from Exercism)."""

    exercise: str
    verdict: str
    passed: int
    total: int
    cases: tuple[CaseReport, ...]
    output: str = ""
    duration_s: float = 0.0
    message: str = ""
    seed: int = 0

    @property
    def first_failure(self) -> CaseReport | None:
        return next((c for c in self.cases if c.status not in ("pass", "not_run")), None)

    @property
    def summary(self) -> str:
        return f"{self.passed}/{self.total} cases passed"

    def to_json(self) -> dict[str, Any]:
        first = self.first_failure
        return {
            "exercise": self.exercise,
            "verdict": self.verdict,
            "passed": self.passed,
            "total": self.total,
            "message": self.message,
            "cases": [c.to_json() for c in self.cases],
            "output": self.output,
            "duration_s": round(self.duration_s, 4),
            "seed": self.seed,
            "first_failure": first.to_json() if first else None,
        }


def judge_run(exercise: Exercise, prepared: Prepared, run: SandboxRun, started: float) -> GradeReport:
    if run.outcome == "sandbox_error":
        raise SandboxError(run.message or "the sandbox failed to start")
    if run.outcome == "bad_signature":
        return report_without_run(exercise, "invalid", prepared, [], started, output=run.output,
                       message=f"wrong signature: {run.message}")
    if run.outcome == "no_function":
        return report_without_run(exercise, "invalid", prepared, [], started, output=run.output,
                       message=f"after running your file, `{exercise.function}` is not a "
                               f"function (found {run.message or 'nothing'})")
    if run.outcome == "import_failed" and run.import_status == "forbidden":
        return report_without_run(exercise, "invalid", prepared, [], started, output=run.output,
                       message=_last_line(run.import_traceback))
    if run.outcome == "import_failed":
        verdict = "memory_limit" if run.import_status == "memory" else "runtime_error"
        lead = ("your file called sys.exit() while being imported"
                if run.import_status == "exit" else "your file failed while being imported")
        return report_without_run(exercise, verdict, prepared, [], started, output=run.output,
                       message=f"{lead}\n{run.import_traceback}")
    reports: list[CaseReport] = []
    for index, case in enumerate(prepared.cases):
        reports.append(_casereport_without_run(exercise, prepared, run, index, case))
    message = _run_message(run, exercise)
    first = next((r for r in reports if r.status not in ("pass", "not_run")), None)
    if first is not None:
        verdict = first.status
    elif run.outcome == "done" and all(r.status == "pass" for r in reports):
        verdict = "pass"
    elif run.outcome == "timeout":
        verdict = "time_limit"
    else:
        verdict = "runtime_error"
    if not message and first is None and verdict != "pass":
        message = ("results for some cases never arrived: your code wrote to the grader's "
                   "results channel or stopped it early" if run.outcome == "done"
                   else "your code stopped before all cases ran")
    return report_without_run(exercise, verdict, prepared, reports, started, output=run.output,
                   message=message)


def _run_message(run: SandboxRun, exercise: Exercise) -> str:
    if run.outcome == "timeout":
        where = "while importing your file" if run.running_case is None and not any(
            c.status != "not_run" for c in run.cases) else ""
        return f"time limit of {exercise.time_limit_s:g} s exceeded {where}".rstrip()
    if run.outcome == "output_limit":
        return (f"output limit exceeded: your code printed more than "
                f"{OUTPUT_HARD_LIMIT // (1024 * 1024)} MiB")
    if run.outcome == "bad_results":
        return f"the results channel was tampered with ({run.message})"
    if run.outcome == "crashed":
        code = run.returncode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"your process was killed by {name} before all cases ran"
        return f"your process exited (status {code}) before all cases ran"
    return ""


def _casereport_without_run(exercise: Exercise, prepared: Prepared, run: SandboxRun, index: int,
                 case: Case) -> CaseReport:
    result = run.cases[index]
    if result.status == "timeout":
        return CaseReport(case.name, "time_limit", f"time limit of {exercise.time_limit_s:g} s "
                                                   "exceeded during this case", result.output)
    if result.status == "memory":
        return CaseReport(case.name, "memory_limit",
                          f"out of memory (limit {exercise.memory_mb} MiB)\n{result.traceback}",
                          result.output)
    if result.status == "forbidden":
        return CaseReport(case.name, "invalid", _last_line(result.traceback), result.output)
    if result.status in ("error", "exit"):
        return CaseReport(case.name, "runtime_error", result.traceback, result.output)
    if result.status != "ok":
        if run.outcome in ("crashed", "output_limit", "bad_results") and run.running_case == index:
            return CaseReport(case.name, "runtime_error", _run_message(run, exercise), result.output)
        return CaseReport(case.name, "not_run", "", "")
    mutated = [prepared.names[int(i)] if int(i) < len(prepared.names) else f"#{i}"
               for i, before in prepared.prints[index].items()
               if result.prints.get(i) != before]
    if mutated:
        names = ", ".join(f"`{name}`" for name in mutated)
        return CaseReport(case.name, "wrong_answer",
                          f"your function modified its input {names} in place; leave the inputs "
                          f"unchanged and return new arrays (copy first, e.g. np.array(x, "
                          f"dtype=float), or avoid in-place operators such as +=)\n"
                          f"input: {summarize_args(case.args)}", result.output)
    from dlquiz.grading.checkers import CheckResult, check, describe

    expected = prepared.expected[index]
    try:
        verdict = check(exercise.checker.name, exercise.checker.options, expected, result.value,
                        case, base_dir=exercise.base_dir)
    except Exception as exc:  # noqa: BLE001 - whatever came back gets a verdict, not a crash
        verdict = CheckResult(False, f"your result could not be checked ({describe(result.value)}"
                                     f"): {type(exc).__name__}: {str(exc)[:200]}")
    if not verdict.ok:
        from dlquiz.grading.checkers import summarize

        detail = (f"{verdict.message}\ninput: {summarize_args(case.args)}\n"
                  f"expected: {summarize(expected)}\ngot: {summarize(result.value)}")
        from dlquiz.grading.pictures import picture_for

        return CaseReport(case.name, "wrong_answer", detail, result.output,
                          picture_for(exercise.id, dict(case.args), expected, result.value))
    if case.kind == "perf" and exercise.perf_multiple:
        reference_s = prepared.reference_perf_s.get(index, 0.0)
        shipping = prepared.transfer_s.get(index, 0.0)  # the clock stops at the result line
        allowed = max(exercise.perf_multiple * reference_s + shipping, PERF_FLOOR_S)
        if result.elapsed_s > allowed:
            return CaseReport(case.name, "time_limit",
                              f"too slow: your code took {result.elapsed_s:.3f} s, the reference "
                              f"{reference_s:.4f} s (allowed {exercise.perf_multiple:g}x"
                              f"{' + result transfer' if shipping else ''} = {allowed:.3f} s)",
                              result.output)
    return CaseReport(case.name, "pass", "", result.output)


def _last_line(text: str) -> str:
    """The guard's own message: the exception line of a learner traceback."""
    last = ([line for line in text.splitlines() if line.strip()] or ["a forbidden name"])[-1]
    return last.split(": ", 1)[1] if last.startswith(("ForbiddenName: ", "ImportError: ")) else last


def summarize_args(args: dict[str, Any]) -> str:
    """``name = value`` for each argument, large arrays shown by shape and ends."""
    from dlquiz.grading.checkers import summarize

    return ", ".join(f"{name} = {summarize(value)}" for name, value in args.items())


def report_without_run(exercise: Exercise, verdict: str, prepared: Prepared, reports: list[CaseReport],
            started: float, *, output: str = "", message: str = "") -> GradeReport:
    if not reports:
        reports = [CaseReport(c.name, "not_run") for c in prepared.cases]
    return GradeReport(
        exercise=exercise.id,
        verdict=verdict,
        passed=sum(r.status == "pass" for r in reports),
        total=len(prepared.cases),
        cases=tuple(reports),
        output=output,
        duration_s=time.perf_counter() - started,
        message=message,
        seed=prepared.seed,
    )
