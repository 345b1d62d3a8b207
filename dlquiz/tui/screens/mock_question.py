"""The mock interview itself: one question at a time against a countdown in the title bar.

States: ``ask`` (the question, the answer field focused), ``grade`` (a typed
concept answer beside the card's answer: 0-3 scores it with the rubric),
``verdict`` (a numeric answer was checked, or a blank one counted as missed:
enter goes on), ``code`` (the coding question: enter opens the exercise
against the rest of its time), ``done``. The countdown is the question's
budget (:mod:`dlquiz.study.mock`); at zero an ``ask`` is handed in as typed
so far, and the coding screen grades what its editor holds. Every answer is
written by :meth:`MockRun.answer` on the database thread (never scheduled:
the cram rule); the screen only renders. The clock is the app's (``ctx.now``)
so tests run a whole interview at fake time.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from dlquiz.study.mock_score import format_seconds
from dlquiz.tui import cards
from dlquiz.tui.screens.base import BaseScreen
from dlquiz.tui.screens.mock_prepare import KIND_LABELS, needs_layout, prepare
from dlquiz.tui.widgets.card_text import CardText
from dlquiz.tui.widgets.key_bar import KeyBar
from dlquiz.tui.widgets.typed_answer import TypedAnswer

if TYPE_CHECKING:
    from dlquiz.model import Exercise, Item
    from dlquiz.numeric.problem import NumericProblem
    from dlquiz.store.database import Store
    from dlquiz.study.mock import MockPlan, Slot
    from dlquiz.study.mock_session import MockRun
    from dlquiz.tui.screens.mock_coding import MockCodeResult

#: (binding id, grade name) of the rubric line, in points order (0-3).
RUBRIC_KEYS = (("mock.grade_missed", "missed"), ("mock.grade_partial", "partial"),
               ("mock.grade_right", "right"), ("mock.grade_complete", "complete"))


class MockInterviewScreen(BaseScreen[None]):
    """Takes a :class:`MockPlan` from the first question to the report."""

    CSS_PATH = Path(__file__).with_name("mock.tcss")
    BINDINGS = [
        # not in the footer (80 columns): the rubric line above it names the four grades
        Binding("0", "grade(0)", "Missed: blank, wrong, off the point", show=False,
                id="mock.grade_missed"),
        Binding("1", "grade(1)", "Partial: the key point is missing", show=False,
                id="mock.grade_partial"),
        Binding("2", "grade(2)", "Right: the card's answer, in your words", show=False,
                id="mock.grade_right"),
        Binding("3", "grade(3)", "Complete: right, and why / when it fails", show=False,
                id="mock.grade_complete"),
        Binding("enter,space", "proceed", "Next", show=False, id="mock.next"),
        Binding("escape", "back", "End interview", id="mock.end"),
    ]

    def __init__(self, plan: MockPlan) -> None:
        self._state = "loading"
        super().__init__()
        self.plan = plan
        self.run: MockRun | None = None
        self.item: Item | None = None
        self.problem: NumericProblem | None = None
        self.exercise: Exercise | None = None
        self.typed = ""
        self.answer_seconds = 0.0
        self.timed_out = False
        self.error = ""
        #: (position, slot) of the question on screen (the run moves on as soon as it is answered).
        self.shown: tuple[int, Slot] | None = None
        self.busy = False

    @property
    def state(self) -> str:
        return self._state

    @state.setter
    def state(self, value: str) -> None:
        self._state = value
        if self.is_mounted:
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "grade":
            return self.state == "grade"
        if action == "proceed":
            return self.state in ("verdict", "code")
        return True

    def compose(self) -> ComposeResult:
        yield Static("Mock interview · starting…", id="mock-header", classes="title-bar")
        with VerticalScroll(id="mock-card"):
            yield CardText("Loading…", id="mock-front")
            yield TypedAnswer(id="mock-typed")
            yield CardText("", id="mock-back")
        yield Static("", id="mock-verdict")
        yield Input(id="mock-answer")
        yield Static("", id="mock-hint", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        for hidden in ("#mock-typed", "#mock-back"):
            self.query_one(hidden).display = False
        self.start()
        self.set_interval(1.0, self.tick)

    @work(exclusive=True, group="mock")
    async def start(self) -> None:
        from dlquiz.study.mock_session import MockRun

        self.run = await self.db(MockRun.start, self.plan, self.ctx.now())
        await self.show_current()

    # -- the clock -----------------------------------------------------------------------

    def header_text(self) -> str:
        """The shown question, its time left (or "answered") and the interview's time left."""
        run = self.run
        if run is None or self.shown is None:
            return "Mock interview"
        number, slot = self.shown
        now = self.ctx.now()
        if number != run.position:  # answered: its verdict is on screen, the clock is stopped
            clock = "answered"
        else:
            left = run.time_left(now)
            clock = f"{format_seconds(left)} left" if left > 0 else "time is up"
        return (f"Mock · Q{number + 1}/{len(self.plan.slots)} · {KIND_LABELS[slot.kind]} · "
                f"{slot.topic} · {clock} · interview {format_seconds(run.total_left(now))}")

    async def tick(self) -> None:
        """Once a second: the clock in the title bar; at zero, hand the answer in."""
        if self.run is None or self.state in ("loading", "done"):
            return
        self.query_one("#mock-header", Static).update(self.header_text())
        if self.app.screen is not self or self.busy or self.run.time_left(self.ctx.now()) > 0:
            return  # the coding screen (or a dialog) on top keeps its own time
        if self.state == "ask":
            await self.hand_in(self.query_one("#mock-answer", Input).value, timed_out=True)
        elif self.state == "code":
            await self.commit(0, 2, "timeout", "exercise", seconds=self.run.elapsed(self.ctx.now()),
                              timed_out=True)

    # -- showing a question --------------------------------------------------------------

    async def show_current(self) -> None:
        assert self.run is not None
        slot = self.run.current()
        if slot is None:
            await self.finish()
            return
        self.item, self.problem, self.exercise, error = await self.db(prepare, self.ctx, slot)
        self.error = error
        self.typed, self.timed_out = "", False
        self.run.begin(self.ctx.now())
        self.shown = (self.run.position, slot)
        kind = slot.kind
        front = cards.front(self.item, problem=self.problem, exercise=self.exercise) if self.item else ""
        if kind == "coding" and self.exercise is not None:
            front = (f"### Coding: {self.exercise.title}\n\nImplement `{self.exercise.signature}`. "
                     f"You have {format_seconds(slot.budget_s)}; when the time is up, the code in "
                     "the editor is graded as it stands.\n\nPress **enter** to open the editor.")
        if error:
            front = f"{front}\n\n> **Cannot ask this question:** {error}. Press **enter** to skip it."
        if slot.note:
            front += f"\n\n*({slot.note})*"
        self.query_one("#mock-front", CardText).show_markdown(front)
        for hidden in ("#mock-typed", "#mock-back"):
            self.query_one(hidden).display = False
        verdict = self.query_one("#mock-verdict", Static)
        verdict.update("")
        verdict.set_classes("")
        field = self.query_one("#mock-answer", Input)
        asks = kind in ("concept", "followup") or (kind == "numeric" and self.problem is not None)
        field.display = asks and not error
        field.disabled = False
        field.value = ""
        field.placeholder = ("the number (units optional), enter to check" if kind == "numeric"
                             else "your answer, as you would say it; enter when done")
        self.state = "verdict" if error else ("ask" if field.display else "code")
        self.query_one("#mock-card", VerticalScroll).scroll_home(animate=False)
        (field if field.display else self.query_one("#mock-card")).focus()
        self.query_one("#mock-header", Static).update(self.header_text())
        self.set_hint()

    def bound_key(self, binding_id: str, default: str) -> str:
        """The key a binding answers to once the user's keymap (``[keys]``) is applied."""
        keymap: dict[str, str] = getattr(self.app, "_keymap", {}) or {}
        return keymap.get(binding_id, default).split(",")[0].strip()

    def rubric_hint(self) -> str:
        """The rubric in 80 columns, with the keys as bound (docs/mock-interview.md in full)."""
        grades = " · ".join(f"{self.bound_key(bid, str(n))} {name}"
                            for n, (bid, name) in enumerate(RUBRIC_KEYS))
        return f"grade: {grades} (right + why/when it fails)"

    def set_hint(self) -> None:
        hints = {
            "ask": "enter: hand in · escape: end the interview",
            "grade": self.rubric_hint(),
            "verdict": "enter: next question",
            "code": "enter: open the exercise (ctrl+r runs the tests there)",
        }
        self.query_one("#mock-hint", Static).update(hints.get(self.state, ""))

    # -- answering -----------------------------------------------------------------------

    @on(Input.Submitted, "#mock-answer")
    async def submitted(self, event: Input.Submitted) -> None:
        if self.state == "ask":
            await self.hand_in(event.value, timed_out=False)

    async def hand_in(self, value: str, *, timed_out: bool) -> None:
        assert self.run is not None
        slot = self.run.current()
        if slot is None or self.item is None:
            return
        self.answer_seconds = self.run.elapsed(self.ctx.now())
        self.timed_out = timed_out
        field = self.query_one("#mock-answer", Input)
        if slot.kind == "numeric":
            from dlquiz.numeric.problem import check_answer, parse_numbers
            from dlquiz.study.mock_score import NUMERIC_POINTS, numeric_quality

            if not parse_numbers(value) and not timed_out:
                self.notify("Type a number first (units are optional).", severity="warning")
                return
            correct = self.problem is not None and bool(parse_numbers(value)) and check_answer(
                self.problem, value)
            field.disabled = True
            await self.commit(NUMERIC_POINTS[correct], numeric_quality(correct),
                              "correct" if correct else "wrong", "auto", seconds=self.answer_seconds,
                              timed_out=timed_out, drawn=dict(self.problem.drawn) if self.problem else None,
                              then="verdict", verdict=correct)
            return
        self.typed = value.strip()
        field.disabled = True
        field.display = False
        if not self.typed:
            from dlquiz.study.mock_score import rubric_quality

            await self.commit(0, rubric_quality(0), "missed", "self", seconds=self.answer_seconds,
                              timed_out=timed_out, typed="", then="verdict", verdict=False)
            self.query_one("#mock-verdict", Static).update(
                "✗ Nothing typed" + (" before the time was up" if timed_out else "") + ": counted as missed")
            return
        self.show_back()
        self.state = "grade"
        self.query_one("#mock-card").focus()
        self.set_hint()
        if timed_out:
            self.notify("Time is up: grade what you typed.")

    def show_back(self, verdict: bool | None = None) -> None:
        assert self.item is not None
        typed = self.query_one("#mock-typed", TypedAnswer)
        if self.item.card.type == "basic":
            typed.compare(self.typed, self.item.card.back)
            typed.display = True
        back = self.query_one("#mock-back", CardText)
        card = self.item.card
        if card.type == "basic" and not needs_layout(card.back):
            # the answer is in the comparison above: under it, the why only
            card = replace(card, back="")
        text = cards.back(replace(self.item, card=card), problem=self.problem)
        back.show_markdown(text)
        back.display = bool(text.strip())
        if verdict is not None:
            label = self.query_one("#mock-verdict", Static)
            label.update("✓ Correct" if verdict else "✗ Wrong")
            label.set_classes("right" if verdict else "wrong")

    async def action_grade(self, points: int) -> None:
        if self.state != "grade":
            return
        from dlquiz.study.mock_score import RUBRIC_NAMES, rubric_quality

        await self.commit(points, rubric_quality(points), RUBRIC_NAMES[points], "self",
                          seconds=self.answer_seconds, timed_out=self.timed_out, typed=self.typed)

    async def commit(self, points: int, quality: int, grade: str, graded_by: str, *,
                     seconds: float, timed_out: bool = False, drawn: dict[str, Any] | None = None,
                     typed: str | None = None, then: str = "next", verdict: bool | None = None) -> None:
        """Write the answer (database thread), then show the next question or the verdict."""
        if self.run is None or self.busy:
            return
        self.busy = True
        try:
            now, hour = self.ctx.now(), self.ctx.config.day_start_hour

            def write(store: Store, run: MockRun) -> None:
                run.answer(store, points=points, quality=quality, grade=grade, graded_by=graded_by,
                           now=now, seconds=seconds, timed_out=timed_out, drawn=drawn,
                           typed=typed, day_start_hour=hour)

            await self.db(write, self.run)
            if then == "verdict":
                self.query_one("#mock-header", Static).update(self.header_text())
                self.show_back(verdict)
                self.state = "verdict"
                self.query_one("#mock-card").focus()
                self.set_hint()
            else:
                await self.show_current()
        finally:
            self.busy = False

    async def action_proceed(self) -> None:
        if self.busy or self.run is None:
            return
        if self.state == "code":
            self.open_exercise()
        elif self.state == "verdict" and self.error:
            now = self.ctx.now()
            await self.db(lambda store, run: run.skip(store, now), self.run)
            await self.show_current()
        elif self.state == "verdict":
            await self.show_current()

    def open_exercise(self) -> None:
        from datetime import timedelta

        from dlquiz.tui.screens.mock_coding import MockCodingScreen

        assert self.run is not None and self.exercise is not None
        slot = self.run.current()
        assert slot is not None and self.run.question_started is not None
        deadline = self.run.question_started + timedelta(seconds=slot.budget_s)
        label = f"Q{self.run.position + 1}/{len(self.plan.slots)}"

        async def finished(result: MockCodeResult | None) -> None:
            if result is None or self.run is None:
                return
            from dlquiz.study.mock_score import coding_points

            points = coding_points(result.passed, result.first_try, result.hints_used,
                                   result.gave_up, result.cases_passed)
            await self.commit(points, result.quality, result.verdict, "exercise",
                              seconds=self.run.elapsed(self.ctx.now()), timed_out=result.timed_out)

        self.app.push_screen(MockCodingScreen(self.exercise, deadline=deadline, clock=self.ctx.now,
                                              label=label), finished)

    # -- ending --------------------------------------------------------------------------

    def action_back(self) -> None:
        """``escape`` asks first: ending early scores the unanswered questions 0."""
        if self.state in ("done", "loading") or self.run is None:
            super().action_back()
            return
        from dlquiz.tui.screens.dialogs import ConfirmScreen

        async def decided(yes: bool | None) -> None:
            if yes:
                await self.finish()

        left = len(self.plan.slots) - len(self.run.outcomes)
        self.app.push_screen(ConfirmScreen(f"End now? {left} unanswered: 0 points each.",
                                           yes="End it"), decided)

    async def finish(self) -> None:
        from dlquiz.tui.screens.mock_report import MockReportScreen

        if self.run is None or self.state == "done":
            return
        self.state = "done"
        now = self.ctx.now()
        await self.db(lambda store, run: run.finish(store, now), self.run)
        await self.app.switch_screen(MockReportScreen(self.run.session_id))
