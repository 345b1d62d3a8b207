"""How well each scheduler predicts *your* answers: log loss and RMSE(bins).

Method (``dlquiz scheduler evaluate``):

* the log is every scheduled review, in time order (``reviewed_at``, then write
  order); a review is *recalled* when its quality is 3 or more (FSRS: not Again);
* **time-ordered split**: the first ``train_fraction`` (80 %) of the reviews,
  moved forward to the end of that study day, are the training part; the rest
  is the test part. Parameters are fitted on the training part only, then
  every test review is predicted from the card's state after all its earlier
  reviews (training and test alike) -- later reviews predicted from earlier ones;
* a test review is *scored* when the card had an earlier scheduled review on an
  earlier study day (a first review, or a second one the same day, has no
  recall to predict);
* the prediction is the scheduler's forgetting curve on the review's day: FSRS's
  own, and for SM-2 ``R = 0.9 ** (t / I)`` (``t`` days since the last review,
  ``I`` the SM-2 interval it set; see :mod:`dlquiz.study.scheduler`);
* **log loss** = mean of ``-(y ln p + (1-y) ln(1-p))`` with ``p`` clipped to
  ``[1e-6, 1 - 1e-6]``; **RMSE(bins)** = predictions put in 20 equal-width bins of
  ``p``, then ``sqrt(sum_b n_b (mean p_b - mean y_b)^2 / N)``: the calibration
  error weighted by how many reviews fall in each bin. (srs-benchmark bins by
  interval, review count and lapses instead, so its figures are comparable in
  spirit, not digit for digit.)

Models: SM-2, FSRS-6 with py-fsrs's default parameters, and FSRS-6 with
parameters fitted on the training part (py-fsrs's optimizer, the
``dlquiz[optimizer]`` extra), or given ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from dlquiz.store.resets import AFTER_RESET
from dlquiz.study.scheduler import Memory, Scheduler, SM2Scheduler

LogRow = tuple[str, str, int]  # (item key, study day, quality)

TRAIN_FRACTION = 0.8
BINS = 20
EPSILON = 1e-6
SM2_CURVE = "R = 0.9 ** (t / I): t days since the last review, I the SM-2 interval"

#: Select of the scored log, in time order. A reset item's reviews before its reset
#: are left out, as its card state leaves them out (:mod:`dlquiz.store.resets`): the
#: learner said that history no longer describes what they know.
LOG_QUERY = (
    "SELECT item_key, study_day, quality FROM reviews WHERE scheduled = 1" + AFTER_RESET
    + " ORDER BY reviewed_at, rowid"
)


@dataclass(frozen=True)
class ModelScore:
    model: str
    log_loss: float | None
    rmse_bins: float | None
    reviews: int
    note: str = ""


@dataclass(frozen=True)
class Evaluation:
    reviews_total: int
    train_reviews: int
    test_reviews: int
    split_day: str | None
    scored_reviews: int
    sm2_curve: str
    models: tuple[ModelScore, ...]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["models"] = [asdict(m) for m in self.models]
        return data


def split_index(log: Sequence[LogRow], train_fraction: float = TRAIN_FRACTION) -> int:
    """Index of the first test review: after ``train_fraction`` of the log, at a day boundary."""
    if not log:
        return 0
    cut = min(len(log), max(1, int(len(log) * train_fraction)))
    if cut >= len(log):
        return len(log)
    day = log[cut - 1][1]
    while cut < len(log) and log[cut][1] == day:
        cut += 1
    return cut


def predictions(
    scheduler: Scheduler, log: Sequence[LogRow], first_scored: int = 0
) -> tuple[list[float], list[int]]:
    """(predicted recall, recalled 0/1) for every scorable review from ``first_scored`` on."""
    memories: dict[str, Memory] = {}
    empty = Memory()
    review = scheduler.review
    curve = scheduler.retrievability
    probs: list[float] = []
    labels: list[int] = []
    for n, (key, day, quality) in enumerate(log):
        memory = memories.get(key, empty)
        if n >= first_scored and memory.last_day is not None and day > memory.last_day:
            probs.append(curve(memory, day))
            labels.append(int(quality >= 3))
        memories[key] = review(memory, quality, day, key).memory
    return probs, labels


def log_loss(probs: Sequence[float], labels: Sequence[int]) -> float:
    total = 0.0
    for p, y in zip(probs, labels):
        p = min(max(p, EPSILON), 1.0 - EPSILON)
        total -= math.log(p) if y else math.log(1.0 - p)
    return total / len(probs)


def rmse_bins(probs: Sequence[float], labels: Sequence[int], bins: int = BINS) -> float:
    sums: dict[int, list[float]] = {}
    for p, y in zip(probs, labels):
        row = sums.setdefault(min(int(p * bins), bins - 1), [0.0, 0.0, 0.0])
        row[0] += 1
        row[1] += p
        row[2] += y
    error = sum((s_p - s_y) ** 2 / n for n, s_p, s_y in sums.values())
    return math.sqrt(error / len(probs))


def score(name: str, scheduler: Scheduler, log: Sequence[LogRow], first_scored: int, note: str = "") -> ModelScore:
    probs, labels = predictions(scheduler, log, first_scored)
    if not probs:
        return ModelScore(name, None, None, 0, note or "no test review to score")
    return ModelScore(name, log_loss(probs, labels), rmse_bins(probs, labels), len(probs), note)


#: A fitter: training rows -> (parameters, None) or (None, why not).
Fitter = Callable[[Sequence[LogRow]], tuple[Sequence[float] | None, str | None]]


def evaluate(
    log: Sequence[LogRow],
    *,
    fitted: Sequence[float] | None = None,
    fit: Fitter | None = None,
    desired_retention: float = 0.9,
    train_fraction: float = TRAIN_FRACTION,
) -> Evaluation:
    """Score SM-2, FSRS default and FSRS fitted on ``log`` (time order) with a time split.

    ``fitted``: parameters to use for the third model as they are; otherwise
    ``fit`` is called on the training part (see :mod:`dlquiz.study.optimize`).
    """
    from dlquiz.study.fsrs_scheduler import FSRSScheduler

    cut = split_index(log, train_fraction)
    models = [
        score("sm2", SM2Scheduler(fuzz=False), log, cut),
        score("fsrs-default", FSRSScheduler(desired_retention=desired_retention, fuzz=False), log, cut),
    ]
    note = ""
    if fitted is None and fit is not None:
        fitted, note_or_none = fit(log[:cut])
        note = note_or_none or "fitted on the training part"
    elif fitted is not None:
        note = "given parameters (from config.toml)"
    if fitted is not None and tuple(fitted) == FSRSScheduler().parameters:
        same = models[1]  # the same model: its scores, not a second replay
        models.append(ModelScore("fsrs-fitted", same.log_loss, same.rmse_bins, same.reviews,
                                 f"{note}; equal to the defaults"))  # fmt: skip
    elif fitted is not None:
        scheduler = FSRSScheduler(parameters=fitted, desired_retention=desired_retention, fuzz=False)
        models.append(score("fsrs-fitted", scheduler, log, cut, note))
    else:
        models.append(ModelScore("fsrs-fitted", None, None, 0, note or "no fitted parameters"))
    scored = max(m.reviews for m in models)
    return Evaluation(
        reviews_total=len(log),
        train_reviews=cut,
        test_reviews=len(log) - cut,
        split_day=log[cut][1] if cut < len(log) else None,
        scored_reviews=scored,
        sm2_curve=SM2_CURVE,
        models=tuple(models),
    )

