"""A card's scheduling state and the one step that moves it.

Shared by the store's answer path, undo and rebuild, so the three can never
disagree about what an answer does to a state. The step itself is the
scheduler's (:mod:`dlquiz.study.scheduler`: SM-2 by default, or FSRS); this
module adds what every scheduler shares: lapses, dates and the flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dlquiz.study import sm2
from dlquiz.study.scheduler import Memory, Scheduler, SM2Scheduler

#: What a database without a recorded scheduler was derived with: SM-2, due = day + interval.
LEGACY_SCHEDULER = SM2Scheduler(fuzz=False)


@dataclass(frozen=True)
class CardState:
    """One row of ``card_state``; ``due``/``last_reviewed`` are None for a new card.

    ``stability``/``difficulty`` are FSRS's (None under SM-2); ``last_day`` is the
    study day of the last scheduled answer, which both schedulers' forgetting
    curves count from.
    """

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
    stability: float | None = None
    difficulty: float | None = None
    last_day: str | None = None

    @property
    def sm2(self) -> sm2.SM2State:
        return sm2.SM2State(self.repetitions, self.interval, self.easiness)

    @property
    def memory(self) -> Memory:
        return Memory(self.repetitions, self.interval, self.easiness, self.stability,
                      self.difficulty, self.last_day)  # fmt: skip

    @property
    def is_new(self) -> bool:
        return self.last_reviewed is None


def step(
    prev: CardState, quality: int, study_day: str, reviewed_at: str, scheduler: Scheduler
) -> CardState:
    """The state after one *scheduled* answer under ``scheduler``, plus lapses and dates.

    ``scheduler`` has no default on purpose: every replay must use the store's
    (:attr:`Store.scheduler`), or FSRS states would be silently replayed as SM-2.

    A lapse is a failed answer (q < 3) on an item that had been recalled at
    least once. The due date is the scheduler's (the study day plus the
    interval, moved by the seeded fuzz when it is on).
    """
    moved = scheduler.review(prev.memory, quality, study_day, prev.item_key)
    new = moved.memory
    lapsed = quality < sm2.PASS_QUALITY and prev.repetitions > 0
    # The constructor, not dataclasses.replace: a replay runs this once per review.
    return CardState(
        prev.item_key, new.repetitions, new.interval, new.easiness, moved.due, reviewed_at,
        prev.lapses + int(lapsed), prev.suspended, prev.buried_until,
        prev.introduced_on or study_day, new.stability, new.difficulty, study_day,
    )


def state_from_row(row: tuple[Any, ...]) -> CardState:
    """A ``card_state`` row (``SELECT *``: 13 columns since migration 6, 10 before)."""
    key, reps, interval, ef, due, last, lapses, suspended, buried, introduced, *rest = row
    stability, difficulty, last_day = (tuple(rest) + (None, None, None))[:3]
    return CardState(key, reps, interval, ef, due, last, lapses, bool(suspended), buried, introduced,
                     stability, difficulty, last_day)  # fmt: skip


#: Writes one ``card_state`` row from :func:`state_values` (13 columns).
STATE_INSERT = f"INSERT OR REPLACE INTO card_state VALUES ({', '.join('?' * 13)})"


def state_values(state: CardState) -> tuple[Any, ...]:
    """The row to write for ``state``, in ``card_state``'s column order."""
    return (
        state.item_key, state.repetitions, state.interval, state.easiness, state.due,
        state.last_reviewed, state.lapses, int(state.suspended), state.buried_until,
        state.introduced_on, state.stability, state.difficulty, state.last_day,
    )  # fmt: skip
