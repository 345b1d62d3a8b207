"""One scheduler interface, two implementations: SM-2 (the default) and FSRS-6.

A scheduler is a pure step ``(memory, quality, study day, item key) -> Step``
plus a forgetting curve ``retrievability(memory, day)``. It knows study days
(``YYYY-MM-DD``), never clock times: dlquiz schedules in whole days, and the
same-day re-drill of the session (logged with ``scheduled = 0``) plays the role
of Anki's learning steps.

Every answer is stored as an SM-2 quality 0-5 (see :mod:`dlquiz.study.session`);
FSRS takes one of four ratings. The mapping (:func:`rating_of`):

==========================================  =======  ==============
answer                                      quality  FSRS rating
==========================================  =======  ==============
self-graded Again / auto-graded wrong       1        Again (1)
exercise left without passing               2        Again (1)
exercise gave up (solution shown)           1        Again (1)
self-graded Hard                            3        Hard (2)
self-graded Good / auto-graded correct      4        Good (3)
exercise passed with hints or after fails   4        Good (3)
self-graded Easy                            5        Easy (4)
exercise passed first try without hints     5        Easy (4)
==========================================  =======  ==============

So "recalled" means the same thing to both: quality >= 3, rating != Again.

Forgetting curve attached to SM-2 (it has none of its own): an item reviewed
``t`` days ago with SM-2 interval ``I`` is recalled with probability
``R = 0.9 ** (t / I)`` -- 90 % when it falls due, the retention SM-2's intervals
are meant to keep. FSRS uses its own power curve through its stability.

The card state in the store is derived from the log by replaying it through
the active scheduler (``Store.rebuild``); the scheduler in use is recorded in
the database with :meth:`Scheduler.spec`, so a change of scheduler or of its
parameters is a replay, and coming back to SM-2 gives back every SM-2 state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from dlquiz.study import sm2
from dlquiz.study.fuzz import fuzzed_interval

SCHEDULERS = ("sm2", "fsrs")
DEFAULT_SCHEDULER = "sm2"
DEFAULT_DESIRED_RETENTION = 0.90
#: The retention an SM-2 interval is taken to aim at (its forgetting curve, above).
SM2_CURVE_BASE = 0.9
#: The longest interval either scheduler gives, in days (100 years, Anki's largest
#: "maximum interval" setting). SM-2 alone grows without bound (an interval times
#: EF >= 1.3 per success): a long streak of 5s reached a due date past the year
#: 9999 (``OverflowError`` in ``Store.answer``) and later SM-2's own decimal
#: arithmetic. Both the live answer and a replay go through ``review`` below, so a
#: rebuild reproduces the capped states exactly.
MAXIMUM_INTERVAL = 36500

AGAIN_RATING, HARD_RATING, GOOD_RATING, EASY_RATING = 1, 2, 3, 4


def rating_of(quality: int) -> int:
    """The FSRS rating (1 Again .. 4 Easy) of an SM-2 quality 0-5 (table above)."""
    if quality < sm2.PASS_QUALITY:
        return AGAIN_RATING
    return {3: HARD_RATING, 4: GOOD_RATING, 5: EASY_RATING}[quality]


class Memory(NamedTuple):
    """What a scheduler knows about one item.

    SM-2 uses ``repetitions``/``interval``/``easiness``; FSRS uses ``stability``
    (days until recall falls to 90 %) and ``difficulty`` (1-10) and keeps
    ``repetitions`` (successes in a row) and ``interval`` (the scheduled gap)
    up to date for display and stats. ``last_day`` is the study day of the last
    scheduled answer (None: new). A named tuple: a replay makes one per review.
    """

    repetitions: int = 0
    interval: int = 0
    easiness: float = sm2.INITIAL_EASINESS
    stability: float | None = None
    difficulty: float | None = None
    last_day: str | None = None


class Step(NamedTuple):
    """The result of one scheduled answer: the new memory and its due study day."""

    memory: Memory
    due: str


def days_between(first: str, second: str) -> int:
    """Whole study days from ``first`` to ``second`` (ISO dates)."""
    return (date.fromisoformat(second) - date.fromisoformat(first)).days


@lru_cache(maxsize=65536)
def add_days(day: str, days: int) -> str:
    """``day`` plus ``days`` (ISO dates). Cached: a replay asks the same few thousand sums."""
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


class Scheduler(Protocol):
    """What the store, the session and the evaluation need from a scheduler."""

    @property
    def name(self) -> str:
        """``"sm2"`` or ``"fsrs"``."""
        ...

    @property
    def fuzz(self) -> bool:
        """Whether intervals of 3+ days get the seeded fuzz."""
        ...

    def review(self, memory: Memory, quality: int, day: str, item_key: str) -> Step:
        """The memory after a scheduled answer ``quality`` on study day ``day``."""
        ...

    def retrievability(self, memory: Memory, day: str) -> float:
        """Predicted probability of recall on study day ``day`` (0 for a new item)."""
        ...

    def spec(self) -> dict[str, Any]:
        """JSON-ready description; equal specs schedule identically."""
        ...


@dataclass(frozen=True)
class SM2Scheduler:
    """SuperMemo-2 exactly (:func:`dlquiz.study.sm2.review`), plus seeded due-date fuzz.

    The fuzz moves only the due date: the SM-2 interval itself stays the
    published one, so the interval sequence (1, 6, 15, ...) is SM-2's whatever
    the fuzz drew. ``fuzz=False`` gives due = answer day + interval. The one
    departure: intervals stop at :data:`MAXIMUM_INTERVAL` (see there).
    """

    fuzz: bool = True
    name: str = "sm2"

    def review(self, memory: Memory, quality: int, day: str, item_key: str) -> Step:
        new = sm2.review(sm2.SM2State(memory.repetitions, memory.interval, memory.easiness), quality)
        interval = min(new.interval, MAXIMUM_INTERVAL)  # stored capped: the next step grows from it
        gap = fuzzed_interval(interval, item_key, day, MAXIMUM_INTERVAL) if self.fuzz else interval
        kept = Memory(new.repetitions, interval, new.easiness, None, None, day)
        return Step(kept, add_days(day, gap))

    def retrievability(self, memory: Memory, day: str) -> float:
        if memory.last_day is None or memory.interval <= 0:
            return 0.0
        elapsed = max(0, days_between(memory.last_day, day))
        return float(SM2_CURVE_BASE ** (elapsed / memory.interval))

    def spec(self) -> dict[str, Any]:
        return {"scheduler": "sm2", "fuzz": self.fuzz}
