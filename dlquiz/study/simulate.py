"""A synthetic review log from a *known* memory model, for tests and benchmarks.

Why: to check that the evaluation ranks models correctly we need a log whose
truth we know. Here the learner's memory *is* FSRS-6 with given parameters:
each review is recalled with the probability that model predicts, the rating
of a recall is Hard / Good / Easy with fixed odds, and the model's state moves
with that rating. The *timing* of the reviews is what a dlquiz user on SM-2
would see: the next review falls on the SM-2 due date plus 0-6 days of delay (people are late).
So FSRS with the true parameters predicts every outcome with its true
probability, and SM-2's curve (``0.9 ** (t / I)``) is only an approximation.

Everything is seeded (``random.Random(seed)``), so a log is reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dlquiz.study.fsrs_scheduler import FSRSScheduler
from dlquiz.study.scheduler import Memory, SM2Scheduler

#: Quality of a recalled answer: Hard, Good, Easy with these weights.
RECALL_QUALITIES = (3, 4, 5)
RECALL_WEIGHTS = (0.15, 0.70, 0.15)
FORGOT_QUALITY = 1


@dataclass(frozen=True, slots=True)
class SyntheticReview:
    item_key: str
    day: str
    quality: int


def synthetic_log(
    items: int,
    days: int,
    *,
    parameters: Sequence[float] | None = None,
    seed: int = 0,
    start: date = date(2025, 1, 1),
    new_per_day: int | None = None,
    max_delay: int = 6,
) -> list[SyntheticReview]:
    """Reviews of ``items`` items over ``days`` study days, in time order.

    ``new_per_day`` items start each day (default: spread evenly over the
    first half of the period). Ties within a day are in item order.
    """
    rng = random.Random(seed)
    truth = FSRSScheduler(parameters=parameters, fuzz=False)
    timing = SM2Scheduler(fuzz=False)
    per_day = new_per_day or max(1, -(-items // max(1, days // 2)))
    agenda: dict[int, list[int]] = {}
    for n in range(items):
        agenda.setdefault(n // per_day, []).append(n)
    true_memory: dict[int, Memory] = {}
    sm2_memory: dict[int, Memory] = {}
    log: list[SyntheticReview] = []
    for offset in range(days):
        today = (start + timedelta(days=offset)).isoformat()
        for n in sorted(agenda.pop(offset, [])):
            key = f"synthetic/c{n:07d}"
            memory = true_memory.get(n, Memory())
            if memory.last_day is None or rng.random() < truth.retrievability(memory, today):
                quality = rng.choices(RECALL_QUALITIES, RECALL_WEIGHTS)[0]
            else:
                quality = FORGOT_QUALITY
            if memory.last_day is None:  # the first answer: no recall to predict yet
                quality = rng.choices((FORGOT_QUALITY, *RECALL_QUALITIES), (0.3, 0.1, 0.5, 0.1))[0]
            true_memory[n] = truth.review(memory, quality, today, key).memory
            step = timing.review(sm2_memory.get(n, Memory()), quality, today, key)
            sm2_memory[n] = step.memory
            log.append(SyntheticReview(key, today, quality))
            delay = rng.randint(0, max_delay)
            agenda.setdefault(offset + step.memory.interval + delay, []).append(n)
    return log
