"""Readiness: predicted recall per topic and per deck, today and on the interview day.

Convention: the readiness of a group of items on a day is the mean, over its
loaded items, of the active scheduler's predicted recall on that day
(:meth:`Scheduler.retrievability`: FSRS's curve, or ``0.9 ** (t / I)`` for
SM-2); an item never reviewed counts 0 -- it is not known yet. Suspended items
count like the others: suspending a card does not make it known. A topic holds
every item tagged with it; ``weakest`` lists topics lowest first (ties by name),
which is what the stats screen offers to cram.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from dlquiz.store.database import Store
from dlquiz.study.scheduler import Memory, Scheduler

MEMORY_QUERY = (
    "SELECT item_key, repetitions, interval, easiness, stability, difficulty, last_day"
    " FROM card_state WHERE last_reviewed IS NOT NULL AND last_day IS NOT NULL"
)


def load_memories(store: Store) -> dict[str, Memory]:
    """Every reviewed item's scheduler memory, from ``card_state``."""
    return {
        key: Memory(reps, interval, ef, stability, difficulty, last_day)
        for key, reps, interval, ef, stability, difficulty, last_day in store.query(MEMORY_QUERY)
    }


@dataclass(frozen=True)
class GroupReadiness:
    name: str
    items: int
    reviewed: int
    today: float
    on_date: float | None


@dataclass(frozen=True)
class Readiness:
    today: str
    interview_date: str | None
    scheduler: str
    topics: tuple[GroupReadiness, ...]
    decks: tuple[GroupReadiness, ...]

    def weakest(self, n: int = 5) -> tuple[GroupReadiness, ...]:
        """The ``n`` topics with the lowest readiness on the interview day (else today)."""
        def level(g: GroupReadiness) -> float:
            return g.on_date if g.on_date is not None else g.today

        return tuple(sorted(self.topics, key=lambda g: (level(g), g.name))[:n])

    def to_dict(self) -> dict[str, Any]:
        return {
            "today": self.today,
            "interview_date": self.interview_date,
            "scheduler": self.scheduler,
            "topics": [asdict(g) for g in self.topics],
            "decks": [asdict(g) for g in self.decks],
            "weakest": [g.name for g in self.weakest()],
        }


def compute_readiness(
    store: Store,
    items: Iterable[tuple[str, Iterable[str]]],
    today: str,
    interview_date: str | None = None,
    scheduler: Scheduler | None = None,
    memories: Mapping[str, Memory] | None = None,
) -> Readiness:
    """Readiness of ``items`` (``(item key, topics)`` pairs) on ``today`` and ``interview_date``."""
    active: Scheduler = scheduler if scheduler is not None else store.scheduler
    memories = load_memories(store) if memories is None else memories
    on_date = interview_date if interview_date and interview_date >= today else None
    topics: dict[str, list[float]] = {}
    decks: dict[str, list[float]] = {}
    for key, item_topics in items:
        memory = memories.get(key)
        if memory is None:
            now = later = 0.0
        else:
            now = active.retrievability(memory, today)
            later = active.retrievability(memory, on_date) if on_date else 0.0
        seen = memory is not None
        for bucket, name in [(decks, key.partition("/")[0])] + [(topics, t) for t in item_topics]:
            row = bucket.setdefault(name, [0, 0, 0.0, 0.0])
            row[0] += 1
            row[1] += seen
            row[2] += now
            row[3] += later

    def groups(bucket: dict[str, list[float]]) -> tuple[GroupReadiness, ...]:
        return tuple(
            GroupReadiness(name, int(n), int(seen), total / n, (later / n) if on_date else None)
            for name, (n, seen, total, later) in sorted(bucket.items())
        )

    return Readiness(today, on_date, active.name, groups(topics), groups(decks))
