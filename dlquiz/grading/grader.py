"""Exercise + solution source -> :class:`GradeReport` (a judge-style verdict).

Flow: the deck's code must be trusted (:func:`~dlquiz.grading.targets.require_trusted`)
-> in *this* process the cases are generated and the reference computes the
expected outputs (:mod:`dlquiz.grading.preparation`: fixed edge and perf cases, random
cases from the run's seed) -> static checks
(``invalid``) -> a sandbox process from the pool gets only the inputs -> its
results come back as plain data, each compared here with the checker.

Verdicts: ``pass``, ``wrong_answer``, ``time_limit``, ``memory_limit``,
``runtime_error``, ``invalid``. Case statuses use the same words plus
``not_run``. The verdict is the status of the first failing case in case
order (edge cases first, then random, then perf), or of the whole run when it
failed before any case (syntax, import-time crash, timeout while importing).

Calls are positional, in the order of the exercise's signature
(:mod:`dlquiz.grading.calls`): parameter names are the learner's business.
Everything that decides a verdict happens here, on data the child cannot
forge: each case is timed from outside (hand-over to result line, see
:mod:`dlquiz.grading.protocol`), in-place mutation is found by comparing the
child's fingerprint of each argument after the call with the fingerprint of
what was sent, and values are judged by the checker. A checker that raises
on a learner's value gives ``wrong_answer``, never a crash.

Performance: when the exercise has ``perf_multiple``, its ``perf`` case is
run and the learner's time may not exceed ``perf_multiple`` times the
reference's time (measured here, best of a few runs), with a floor of
:data:`PERF_FLOOR_S` so timer noise on tiny inputs never fails anyone.
Without ``perf_multiple`` the perf case is skipped."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlquiz.grading.calls import reported_arity_problem
from dlquiz.grading.judge import (  # noqa: F401 - CaseReport and the rest are re-exported
    PERF_FLOOR_S,
    VERDICTS,
    CaseReport,
    GradeReport,
    SandboxError,
    judge_run,
    report_without_run,
    summarize_args,
)
from dlquiz.grading.sandbox import Limits, SandboxRun, default_pool, hidden_folders
from dlquiz.grading.static_checks import find_invalid
from dlquiz.grading.targets import require_trusted
from dlquiz.model import Exercise

if TYPE_CHECKING:  # both import NumPy: loaded when a run is judged, not when it starts
    from dlquiz.grading.drawn_ahead import Drawn
    from dlquiz.grading.preparation import Prepared


def grade(exercise: Exercise, source: str, *, seed: int = 0,
          cache_dir: Path | None = None) -> GradeReport:
    """Grade ``source`` (the learner's whole file) against ``exercise``.

    ``seed`` draws the random cases (edge and perf cases never change; see
    :mod:`dlquiz.grading.preparation`); ``cache_dir`` keeps the fixed cases'
    expected outputs between runs.
    """
    return start_grade(exercise, source, seed=seed, cache_dir=cache_dir).result()


def start_grade(exercise: Exercise, source: str, *, seed: int = 0,
                cache_dir: Path | None = None, drawn: Drawn | None = None) -> PendingGrade:
    """Hand ``source`` to a sandbox and return at once; :meth:`PendingGrade.result` judges.

    Between the two the caller may do its own work (``dlquiz check`` opens the
    store and loads the decks) while the learner's code runs in the child.
    ``drawn``: this run's cases read from disk (:mod:`dlquiz.grading.drawn_ahead`;
    ``seed`` is then theirs): the child gets them before NumPy is even loaded here.
    """
    started = time.perf_counter()
    require_trusted(exercise)
    if drawn is None:
        from dlquiz.grading.preparation import prepare

        cases: Prepared | Drawn = prepare(exercise, seed, cache_dir=cache_dir)
        pending = PendingGrade(exercise, cases, started)
    else:
        cases = drawn
        pending = PendingGrade(exercise, drawn, started)
    problem = find_invalid(exercise, source, cases.n_args or None)
    if problem:
        pending.settle(report_without_run(exercise, "invalid", pending.prepared(), [], started,
                               message=problem))
        return pending
    pending.start(default_pool().acquire(), source)
    return pending


class PendingGrade:
    """A solution running in a sandbox (or already judged ``invalid``).

    The run itself waits on the child's pipes in a thread of its own, which
    holds the GIL only to stamp and route each result line; while it runs, the
    interpreter's switch interval is shortened (:data:`RUN_SWITCH_INTERVAL_S`)
    so a busy caller cannot delay those stamps, which time the perf case.
    """

    def __init__(self, exercise: Exercise, cases: Prepared | Drawn, started: float) -> None:
        """``cases``: prepared here, or drawn ahead (then fully loaded only to judge)."""
        self.exercise, self.cases, self.started = exercise, cases, started
        self._prepared: Prepared | None = None
        self._report: GradeReport | None = None
        self._run: SandboxRun | None = None
        self._error: BaseException | None = None
        self._worker: Any = None
        self._thread: threading.Thread | None = None

    @property
    def seed(self) -> int:
        return self.cases.seed

    def prepared(self) -> Prepared:
        """The cases and expected outputs (loads drawn-ahead ones on first use)."""
        if self._prepared is None:
            from dlquiz.grading.drawn_ahead import Drawn

            cases = self.cases
            self._prepared = cases.prepared() if isinstance(cases, Drawn) else cases
        return self._prepared

    def settle(self, report: GradeReport) -> None:
        """Judged without a run (``invalid`` before any code ran)."""
        self._report = report

    def start(self, worker: Any, source: str) -> None:
        exercise, prepared = self.exercise, self.cases
        job = {"source": source, "function": exercise.function,
               "result_index": prepared.result_index, "forbidden": list(exercise.forbidden),
               "hide": hidden_folders(exercise)}
        limits = Limits(time_s=exercise.time_limit_s, memory_mb=exercise.memory_mb)
        timed = [i for i, kind in enumerate(_kinds(prepared))
                 if kind == "perf" and exercise.perf_multiple]

        def run() -> None:
            try:
                self._run = worker.run(job, limits, prepared.encoded,
                                       arity_problem=lambda arity: reported_arity_problem(
                                           arity, prepared.n_args, exercise.function,
                                           exercise.signature),
                                       strict=timed)
            except BaseException as exc:  # noqa: BLE001 - re-raised by result()
                self._error = exc
            finally:
                worker.close()

        self._worker = worker
        self._thread = threading.Thread(target=run, name="dlquiz-grade-run")
        _fast_switching(True)
        self._thread.start()

    def cancel(self) -> None:
        """Stop the run (the caller failed meanwhile): the child is killed, nothing judged."""
        if self._worker is not None:
            self._worker.close()
        self._join()

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            _fast_switching(False)

    def result(self) -> GradeReport:
        """Wait for the run and judge it (once; later calls return the same report)."""
        if self._report is None:
            try:
                self._join()
            except BaseException:  # ctrl+c while waiting: the child goes now, not at its limit
                self.cancel()
                raise
            if self._error is not None:
                raise self._error
            assert self._run is not None
            try:
                prepared = self.prepared()
            except (KeyError, TypeError, ValueError) as exc:  # a drawn-ahead file of another shape
                raise SandboxError(f"the cases kept for this run could not be read ({exc}); "
                                   "run the check again") from exc
            self._report = judge_run(self.exercise, prepared, self._run, self.started)
        return self._report


def _kinds(cases: Prepared | Drawn) -> list[str]:
    from dlquiz.grading.drawn_ahead import Drawn

    return cases.kinds if isinstance(cases, Drawn) else [c.kind for c in cases.cases]


#: The switch interval while a run is in flight (Python's default is 5 ms).
RUN_SWITCH_INTERVAL_S = 0.0002


class _FastSwitching:
    """Runs in flight: the first shortens the switch interval, the last puts it back."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.runs = 0
        self.saved = sys.getswitchinterval()

    def __call__(self, on: bool) -> None:
        with self.lock:
            if on and self.runs == 0:
                self.saved = sys.getswitchinterval()
                sys.setswitchinterval(RUN_SWITCH_INTERVAL_S)
            self.runs += 1 if on else -1
            if not on and self.runs == 0:
                sys.setswitchinterval(self.saved)


_fast_switching = _FastSwitching()
