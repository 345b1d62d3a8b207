"""FSRS-6 through py-fsrs (the ``fsrs`` package), adapted to study days.

How dlquiz drives py-fsrs's ``Scheduler.review_card``:

* no learning or relearning steps (``learning_steps=()``, ``relearning_steps=()``):
  every answer gets a whole-day interval from the stability, as in Anki with
  FSRS when steps are off. dlquiz's same-day re-drill (unscheduled) does the
  job of the steps;
* an answer on study day ``D`` is given to py-fsrs at ``D 00:00 UTC``, so the
  elapsed days py-fsrs sees are exactly study days, whatever the time zone;
* py-fsrs's own random fuzz is off; dlquiz applies its seeded fuzz
  (:mod:`dlquiz.study.fuzz`) so a replay gives the same due dates;
* desired retention defaults to 0.90, the parameters to py-fsrs's FSRS-6
  defaults (or the ones ``dlquiz scheduler optimize`` fitted).

The forgetting curve is FSRS-6's ``R(t) = (1 + f * t / S) ** -w20`` with
``f = 0.9 ** (-1 / w20) - 1``, so ``R(S) = 0.9`` (checked against py-fsrs's
``get_card_retrievability`` in the tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from dlquiz.study import sm2
from dlquiz.study.fuzz import fuzzed_interval
from dlquiz.study.scheduler import (
    DEFAULT_DESIRED_RETENTION,
    MAXIMUM_INTERVAL,
    Memory,
    Step,
    add_days,
    days_between,
    rating_of,
)


def default_parameters() -> tuple[float, ...]:
    """py-fsrs's FSRS-6 default parameters (21 numbers)."""
    from fsrs.scheduler import DEFAULT_PARAMETERS

    return tuple(float(p) for p in DEFAULT_PARAMETERS)


def day_start(day: str) -> datetime:
    """Study day ``day`` as the UTC instant py-fsrs is given (midnight UTC)."""
    return datetime.combine(date.fromisoformat(day), time(0), tzinfo=UTC)


class FSRSScheduler:
    """The :class:`dlquiz.study.scheduler.Scheduler` for FSRS-6 (py-fsrs)."""

    name = "fsrs"

    def __init__(
        self,
        parameters: Sequence[float] | None = None,
        desired_retention: float = DEFAULT_DESIRED_RETENTION,
        fuzz: bool = True,
        maximum_interval: int = MAXIMUM_INTERVAL,
    ) -> None:
        try:
            from fsrs import Card, Rating, Scheduler, State
        except ImportError as exc:  # a broken install; fsrs is a dependency
            raise ValueError(f"the FSRS scheduler needs the 'fsrs' package ({exc})") from exc
        if not 0.0 < desired_retention < 1.0:
            raise ValueError(f"desired retention must be between 0 and 1, got {desired_retention}")
        self.parameters = tuple(parameters) if parameters else default_parameters()
        self.desired_retention = float(desired_retention)
        self.fuzz = fuzz
        self.maximum_interval = maximum_interval
        self._engine = Scheduler(
            parameters=self.parameters,
            desired_retention=self.desired_retention,
            learning_steps=(),
            relearning_steps=(),
            maximum_interval=maximum_interval,
            enable_fuzzing=False,
        )
        self._card, self._state = Card, State
        self._ratings = {q: Rating(rating_of(q)) for q in range(sm2.MIN_QUALITY, sm2.MAX_QUALITY + 1)}
        self._decay = -self.parameters[20]
        self._factor = 0.9 ** (1.0 / self._decay) - 1.0

    def review(self, memory: Memory, quality: int, day: str, item_key: str) -> Step:
        rating = self._ratings.get(quality) if type(quality) is int else None
        if rating is None:  # the same rule as SM-2: an int 0-5, bools rejected
            raise ValueError(f"quality must be an int 0-5, got {quality!r}")
        card_type, states = self._card, self._state
        now = day_start(day)
        if memory.stability is None or memory.difficulty is None:
            card = card_type(card_id=1, state=states.Learning, step=0, due=now)
        else:
            last = day_start(memory.last_day) if memory.last_day else now
            card = card_type(card_id=1, state=states.Review, step=None, stability=memory.stability,
                             difficulty=memory.difficulty, due=now, last_review=last)  # fmt: skip
        card, _ = self._engine.review_card(card, rating, now)
        interval = (card.due - now).days
        if self.fuzz:
            interval = fuzzed_interval(interval, item_key, day, self.maximum_interval)
        recalled = quality >= sm2.PASS_QUALITY
        assert card.stability is not None and card.difficulty is not None
        new = Memory(
            repetitions=memory.repetitions + 1 if recalled else 0,
            interval=interval,
            easiness=memory.easiness,
            stability=float(card.stability),
            difficulty=float(card.difficulty),
            last_day=day,
        )
        return Step(new, add_days(day, interval))

    def curve(self, elapsed_days: float, stability: float) -> float:
        """FSRS-6's forgetting curve: recall probability ``elapsed_days`` after a review."""
        return float((1.0 + self._factor * max(elapsed_days, 0.0) / stability) ** self._decay)

    def retrievability(self, memory: Memory, day: str) -> float:
        if memory.last_day is None or memory.stability is None:
            return 0.0
        return self.curve(days_between(memory.last_day, day), memory.stability)

    def spec(self) -> dict[str, Any]:
        return {
            "scheduler": "fsrs",
            "parameters": list(self.parameters),
            "desired_retention": self.desired_retention,
            "fuzz": self.fuzz,
        }
