"""Fit FSRS-6 parameters to a review log with py-fsrs's optimizer (optional extra).

The optimizer (``fsrs.Optimizer``) needs PyTorch, pandas and tqdm, so it is
the extra ``dlquiz[optimizer]`` (= ``fsrs[optimizer]``); without it
:func:`fit_parameters` says which extra to install instead of failing.

What it is given: every scheduled review as a py-fsrs ``ReviewLog`` (one
``card_id`` per item, the rating from :func:`dlquiz.study.scheduler.rating_of`,
the time = the study day at 00:00 UTC, as the scheduler sees it). py-fsrs
learns only from reviews that come a day or more after the card's previous
one, and returns its defaults unchanged below :data:`MIN_REVIEWS` of them;
dlquiz checks that count first and says so rather than pretending to fit.
"""

from __future__ import annotations

from collections.abc import Sequence

from dlquiz.errors import DlquizError

#: py-fsrs's mini-batch size: fewer scorable reviews and it fits nothing.
MIN_REVIEWS = 512
EXTRA_HINT = 'pip install "dlquiz[optimizer]"  (or: pip install "fsrs[optimizer]")'

LogRow = tuple[str, str, int]


class OptimizerMissing(DlquizError):
    """The optional optimizer extra is not installed."""

    def __init__(self) -> None:
        super().__init__(
            f"fitting FSRS parameters needs the optimizer extra: {EXTRA_HINT}",
            title="optimizer not installed",
        )


class TooFewReviews(DlquizError):
    def __init__(self, have: int) -> None:
        super().__init__(
            f"the optimizer needs at least {MIN_REVIEWS} reviews that come a day or more after "
            f"the card's previous review; this log has {have}. Keep studying and try again.",
            title="too few reviews",
        )
        self.have = have


def scorable_reviews(log: Sequence[LogRow]) -> int:
    """Reviews a day or more after the same item's previous scheduled review."""
    last: dict[str, str] = {}
    count = 0
    for key, day, _ in log:
        previous = last.get(key)
        if previous is not None and day > previous:
            count += 1
        last[key] = day
    return count


def optimizer_available() -> bool:
    try:
        import pandas  # noqa: F401
        import torch  # noqa: F401
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


def fit_parameters(log: Sequence[LogRow]) -> list[float]:
    """FSRS-6 parameters fitted to ``log`` (time order). Raises OptimizerMissing / TooFewReviews."""
    if not optimizer_available():
        raise OptimizerMissing
    have = scorable_reviews(log)
    if have < MIN_REVIEWS:
        raise TooFewReviews(have)
    from fsrs import Optimizer, Rating, ReviewLog

    from dlquiz.study.fsrs_scheduler import day_start
    from dlquiz.study.scheduler import rating_of

    ids: dict[str, int] = {}
    logs = [
        ReviewLog(ids.setdefault(key, len(ids) + 1), Rating(rating_of(quality)), day_start(day), None)
        for key, day, quality in log
    ]
    return [float(p) for p in Optimizer(logs).compute_optimal_parameters()]


def fitter(log: Sequence[LogRow]) -> tuple[list[float] | None, str | None]:
    """:data:`dlquiz.study.evaluate.Fitter` form: parameters, or None and why not."""
    try:
        return fit_parameters(log), None
    except DlquizError as exc:
        return None, exc.message
