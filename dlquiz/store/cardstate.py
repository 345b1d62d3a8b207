"""A card's scheduling state and the one step that moves it.

Shared by the store's answer path, undo and rebuild, so the three can never
disagree about what an answer does to a state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from dlquiz.study import sm2


@dataclass(frozen=True)
class CardState:
    """One row of ``card_state``; ``due``/``last_reviewed`` are None for a new card."""

    item_key: str
    repetitions: int = 0
    interval: int = 0
    easiness: float = sm2.INITIAL_EASINESS
    due: str | None = None
    last_reviewed: str | None = None
    lapses: int = 0
    suspended: bool = False
    buried_until: str | None = None
    introduced_on: str | None = None

    @property
    def sm2(self) -> sm2.SM2State:
        return sm2.SM2State(self.repetitions, self.interval, self.easiness)

    @property
    def is_new(self) -> bool:
        return self.last_reviewed is None


def step(prev: CardState, quality: int, study_day: str, reviewed_at: str) -> CardState:
    """The state after one *scheduled* answer: SM-2 plus due date, lapses and dates.

    A lapse is a failed answer (q < 3) on an item that had been recalled at
    least once. The due date is the study day plus the new interval.
    """
    new = sm2.review(prev.sm2, quality)
    due = (date.fromisoformat(study_day) + timedelta(days=new.interval)).isoformat()
    lapsed = quality < sm2.PASS_QUALITY and prev.repetitions > 0
    return replace(
        prev,
        repetitions=new.repetitions,
        interval=new.interval,
        easiness=new.easiness,
        due=due,
        last_reviewed=reviewed_at,
        lapses=prev.lapses + int(lapsed),
        introduced_on=prev.introduced_on or study_day,
    )


def state_from_row(row: tuple[Any, ...]) -> CardState:
    key, reps, interval, ef, due, last, lapses, suspended, buried, introduced = row
    return CardState(key, reps, interval, ef, due, last, lapses, bool(suspended), buried, introduced)
