"""A mock interview being taken: the current question, its countdown, the answers written.

The schedule rule is cram's (:class:`dlquiz.study.session.StudySession` in
``cram`` mode): every answer is logged with ``Store.answer(...,
scheduled=False)``, so the review is in the log (history, statistics,
exports) and ``card_state`` -- due dates, intervals, ease, lapses -- is never
touched. A mock is a test of what you know, not a study step; it must not
push a card a month away because you guessed right under time pressure.

Time comes from the caller (``now``: the app's injectable clock), never from
this module, so a whole interview can be taken in a test at fake time. A
question's countdown runs from :meth:`MockRun.begin` to its answer; the time
logged is that span (capped at nothing: running over is shown, not hidden).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dlquiz.clock import DEFAULT_DAY_START_HOUR, utc_iso
from dlquiz.model import Review
from dlquiz.store import mock_log
from dlquiz.store.database import Store
from dlquiz.study.mock import MockPlan, Slot
from dlquiz.study.mock_score import Scored, session_score


@dataclass(frozen=True)
class Outcome:
    """How one question ended."""

    points: int
    seconds: float
    review_id: str | None
    timed_out: bool = False


@dataclass
class MockRun:
    """One sitting of a :class:`MockPlan`. Build with :meth:`start`."""

    plan: MockPlan
    session_id: str
    started: datetime
    position: int = 0
    question_started: datetime | None = None
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    finished: bool = False

    @classmethod
    def start(cls, store: Store, plan: MockPlan, now: datetime) -> MockRun:
        """Record the session and its planned questions; the clock starts at ``now``."""
        questions = [mock_log.PlannedQuestion(s.item_key, s.kind, s.topic, s.budget_s)
                     for s in plan.slots]
        session_id = mock_log.start_session(
            store, started_at=utc_iso(now), minutes=plan.minutes, requested=plan.requested,
            topics=plan.topics, seed=plan.seed, questions=questions)
        return cls(plan, session_id, now)

    # -- where we are ------------------------------------------------------------------

    def current(self) -> Slot | None:
        return self.plan.slots[self.position] if self.position < len(self.plan.slots) else None

    def begin(self, now: datetime) -> None:
        """The current question is on screen: its countdown starts now."""
        self.question_started = now

    def elapsed(self, now: datetime) -> float:
        """Seconds spent on the current question so far."""
        start = self.question_started or now
        return max(0.0, (now - start).total_seconds())

    def time_left(self, now: datetime) -> float:
        """Seconds left on the current question's budget (negative once over)."""
        slot = self.current()
        return 0.0 if slot is None else slot.budget_s - self.elapsed(now)

    def total_left(self, now: datetime) -> float:
        """Seconds left of the whole interview's length (negative once over)."""
        return self.plan.minutes * 60 - (now - self.started).total_seconds()

    # -- answering ---------------------------------------------------------------------

    def answer(
        self,
        store: Store,
        *,
        points: int,
        quality: int,
        grade: str,
        graded_by: str,
        now: datetime,
        seconds: float | None = None,
        timed_out: bool = False,
        drawn: Mapping[str, Any] | None = None,
        typed: str | None = None,
        day_start_hour: int = DEFAULT_DAY_START_HOUR,
    ) -> Review:
        """Log the current question's answer (never scheduled) and move to the next one.

        ``seconds``: time spent answering (default: since :meth:`begin`);
        ``typed``: the concept answer as typed, kept with the review.
        """
        slot = self.current()
        if slot is None or self.finished:
            raise IndexError("the interview is over: nothing to answer")
        spent = self.elapsed(now) if seconds is None else float(seconds)
        extra: dict[str, Any] = {"typed_answer": typed} if typed is not None else {}
        review = store.answer(slot.item_key, quality, grade=grade, graded_by=graded_by,
                              duration_s=round(spent, 3), now=now, drawn=drawn, scheduled=False,
                              day_start_hour=day_start_hour, **extra)
        mock_log.record_answer(store, self.session_id, self.position, seconds=spent, points=points,
                               review_id=review.id, timed_out=timed_out)
        self.outcomes[self.position] = Outcome(points, spent, review.id, timed_out)
        self.position += 1
        self.question_started = None
        return review

    def skip(self, store: Store, now: datetime) -> None:
        """Pass over a question that cannot be asked (its card left the decks): 0 points,
        no review (there is no answer to log)."""
        if self.current() is None or self.finished:
            raise IndexError("the interview is over: nothing to skip")
        spent = self.elapsed(now)
        mock_log.record_answer(store, self.session_id, self.position, seconds=spent, points=0,
                               review_id=None)
        self.outcomes[self.position] = Outcome(0, spent, None)
        self.position += 1
        self.question_started = None

    def finish(self, store: Store, now: datetime) -> None:
        """End the session (at the last question, or early: the rest stay unanswered)."""
        if not self.finished:
            mock_log.finish_session(store, self.session_id, ended_at=utc_iso(now))
            self.finished = True

    # -- the report --------------------------------------------------------------------

    def scored(self) -> list[Scored]:
        """Every planned question, answered or not (points None), in order."""
        out = []
        for n, slot in enumerate(self.plan.slots):
            outcome = self.outcomes.get(n)
            out.append(Scored(slot.topic, slot.kind, outcome.points if outcome else None,
                              outcome.seconds if outcome else 0.0))
        return out

    @property
    def score(self) -> float:
        return session_score(self.scored())
