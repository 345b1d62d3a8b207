"""The mock interview's coding question: the exercise screen, against a countdown.

Why a subclass of :class:`CodingScreen` and not a copy: the editor, autosave,
grader runs, hints and give-up are the same; a mock only adds a clock in the
title bar and an end. It opens from the starter (``review=True``, as a
scheduled review does: an interview is written from scratch) and the visit's
result goes back to the interview screen, which scores and logs it (the
coding screen never schedules anything in a session).

When the time is up the code in the editor is graded once more, as it
stands, and that verdict is the answer: the screen closes by itself. The
result carries the last report's passed cases, which the mock's points use
(:func:`dlquiz.study.mock_score.coding_points`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import Static, TextArea

from dlquiz.study.mock_score import format_seconds
from dlquiz.tui.screens.coding import CodingResult, CodingScreen

if TYPE_CHECKING:
    from dlquiz.model import Exercise


@dataclass(frozen=True)
class MockCodeResult:
    """How the coding question ended (what the interview scores)."""

    verdict: str
    passed: bool
    first_try: bool
    hints_used: int
    gave_up: bool
    cases_passed: int
    cases_total: int
    timed_out: bool
    quality: int


class MockCodingScreen(CodingScreen):
    """One exercise with a deadline; dismisses with a :class:`MockCodeResult`."""

    def __init__(self, exercise: Exercise, *, deadline: datetime, clock: Callable[[], datetime],
                 label: str = "") -> None:
        super().__init__(exercise, in_session=True, review=True)
        self.deadline = deadline
        self.clock = clock
        self.label = label
        self.best_cases = (0, 0)
        self.timed_out = False
        self.closing = False

    def on_mount(self) -> None:
        super().on_mount()
        self.tick()
        self.set_interval(1.0, self.tick)

    def title_text(self) -> str:
        left = (self.deadline - self.clock()).total_seconds()
        clock = f"{format_seconds(left)} left" if left > 0 else "time is up"
        return f"Mock {self.label} · {clock} · coding · {self.exercise.title}"  # clock first: titles are long

    def tick(self) -> None:
        """Refresh the clock; at zero, grade what is in the editor and close."""
        if self.closing:
            return
        self.query_one("#exercise-title", Static).update(self.title_text())
        if (self.deadline - self.clock()).total_seconds() <= 0:
            self.time_up()

    def time_up(self) -> None:
        self.closing = self.timed_out = True
        while self.app.screen is not self:  # a give-up question still open: time decides
            self.app.pop_screen()
        self.flush_draft()
        if self.passed or self.gave_up:
            self.dismiss(self.mock_result())
            return
        self.notify("Time is up: grading your code as it stands.")
        self.final_grade(self.query_one("#editor", TextArea).text)

    @work(thread=True, exclusive=True, group="mock-final")
    def final_grade(self, source: str) -> None:
        from dlquiz.grading.grader import grade

        try:
            report: Any = grade(self.exercise, source, seed=self.next_run.take_seed(),
                                cache_dir=self.ctx.paths.cache_dir)
        except Exception as exc:  # noqa: BLE001 - a grader failure scores the code as not passing
            self.app.call_from_thread(self.notify, f"Could not grade: {exc}", severity="error")
            report = None
        self.app.call_from_thread(self.final_graded, report)

    def final_graded(self, report: Any) -> None:
        if report is not None:
            self.runs += 1
            self.last_verdict = str(report.verdict)
            self.best_cases = max(self.best_cases, (int(report.passed), int(report.total)))
            if report.verdict == "pass":
                self.passed = True
            else:
                self.failed_runs += 1
        self.dismiss(self.mock_result())

    def graded(self, report: Any, source: str, fingerprint: str) -> None:
        super().graded(report, source, fingerprint)
        self.best_cases = max(self.best_cases, (int(report.passed), int(report.total)))

    def mock_result(self) -> MockCodeResult:
        from dlquiz.study.session import exercise_quality

        base: CodingResult | None = self.result()
        passed = self.passed and not self.gave_up
        first_try = self.failed_runs == 0
        quality = base.quality if base is not None and base.quality is not None else (
            exercise_quality(passed=False, first_try=first_try, hints_used=self.hints_shown,
                             gave_up=self.gave_up))
        verdict = base.verdict if base is not None else ("timeout" if self.timed_out else "no_run")
        return MockCodeResult(verdict, passed, first_try, self.hints_shown, self.gave_up,
                              self.best_cases[0], self.best_cases[1], self.timed_out, quality)

    async def action_back(self) -> None:  # type: ignore[override]
        """Leaving early hands the visit in as it stands (the clock stops here)."""
        if self.closing:
            return
        self.closing = True
        self.flush_draft()
        self.dismiss(self.mock_result())
