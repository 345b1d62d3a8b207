"""Aim at an interview date: review what will be weakest *on that day*, start new cards in time.

While an interview date is set and not past (``today <= interview_date``):

* **reviews**: the candidates are the cards due today plus the reviewed cards
  whose next due date falls *after* the interview and whose predicted recall on
  the interview day is below the target (desired retention, 0.90) -- without a
  review now they would meet the interview weaker than that. Candidates are
  shown lowest predicted recall on the interview day first (ties by key), up
  to the daily review limit;
* **new cards**: a new card needs :data:`LEARN_DAYS` (7) days to be learned (SM-2
  reviews it on day 0, 1 and 7), so the last day to start one is 7 days before
  the interview. The new cards still waiting are spread evenly over the start
  days left: ``ceil(waiting / start days)`` a day, or the configured limit when
  that is higher. Cards that no start day is left for are *late*: the plan
  says how many, and cram is the way to see them;
* after the date the normal schedule resumes (nothing here applies), and cram
  never changes a schedule, with or without a date.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from dlquiz.study.scheduler import DEFAULT_DESIRED_RETENTION, Memory, Scheduler

LEARN_DAYS = 7


def days_until(today: date | str, interview_date: str | None) -> int | None:
    """Days from ``today`` to the interview (0 on the day); None without a date or after it."""
    if not interview_date:
        return None
    start = today if isinstance(today, date) else date.fromisoformat(today)
    left = (date.fromisoformat(interview_date) - start).days
    return left if left >= 0 else None


@dataclass(frozen=True)
class NewCardPlan:
    days_left: int
    start_days: int
    waiting: int
    per_day: int
    late: int
    last_start_day: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def new_card_plan(today: date, interview_date: str, waiting: int, configured: int) -> NewCardPlan | None:
    """How many new cards a day so that none starts too late (None: no active date)."""
    left = days_until(today, interview_date)
    if left is None:
        return None
    start_days = max(0, left - LEARN_DAYS + 1)
    if start_days == 0:
        return NewCardPlan(left, 0, waiting, configured, waiting, None)
    needed = math.ceil(waiting / start_days) if waiting else 0
    per_day = max(configured, needed)
    late = max(0, waiting - per_day * start_days)
    last = date.fromordinal(today.toordinal() + start_days - 1).isoformat()
    return NewCardPlan(left, start_days, waiting, per_day, late, last)


def plan_due_keys(
    due_today: Collection[str],
    memories: Mapping[str, Memory],
    due_dates: Mapping[str, str],
    scheduler: Scheduler,
    interview_date: str,
    target: float = DEFAULT_DESIRED_RETENTION,
) -> list[str]:
    """Due keys plus at-risk keys, lowest predicted recall on ``interview_date`` first.

    ``due_dates``: next due day of every reviewed, visible item; ``memories``:
    their scheduler memories (see :func:`dlquiz.study.readiness.load_memories`).
    """
    due = set(due_today)
    recall: dict[str, float] = {}
    for key, memory in memories.items():
        if key in due or due_dates.get(key, "") > interview_date:
            r = scheduler.retrievability(memory, interview_date)
            if key in due or r < target:
                recall[key] = r
    for key in due:  # a due item without a memory row (edited outside dlquiz) goes first
        recall.setdefault(key, 0.0)
    return sorted(recall, key=lambda k: (recall[k], k))
