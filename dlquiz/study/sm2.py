"""The SM-2 step, exactly as published, as a pure function.

SuperMemo-2 (Wozniak, 1990) in its widely published form:

* quality ``q >= 3`` (recalled): the first success gives an interval of 1 day,
  the second 6 days, every later one ``round(interval * EF)`` using the
  easiness *before* this update, rounding half up; repetitions += 1.
* ``q < 3`` (forgotten): repetitions = 0, interval = 1 day.
* always: ``EF += 0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)``, floored at 1.3.

Why decimals: every easiness change is a multiple of 0.02, so the true EF is a
short decimal (2.36, 2.18, ...). Doing the arithmetic in :class:`~decimal.Decimal`
keeps it exact, so ``6 * 2.5`` rounds the way the paper says and not the way a
binary float near 14.999999 would. The stored easiness is the float nearest to
that decimal. This module knows nothing of dates; the session turns an
interval into a due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MIN_QUALITY = 0
MAX_QUALITY = 5
#: Qualities at or above this count as recalled (the interval grows).
PASS_QUALITY = 3
INITIAL_EASINESS = 2.5
MIN_EASINESS = 1.3
FIRST_INTERVAL = 1
SECOND_INTERVAL = 6
#: An interval after a lapse (q < 3).
LAPSE_INTERVAL = 1


@dataclass(frozen=True)
class SM2State:
    """Where an item stands: successful repetitions in a row, interval in days, easiness."""

    repetitions: int = 0
    interval: int = 0
    easiness: float = INITIAL_EASINESS

    def __post_init__(self) -> None:
        if self.repetitions < 0 or self.interval < 0:
            raise ValueError(f"repetitions and interval must be >= 0, got {self}")
        if self.easiness < MIN_EASINESS:
            raise ValueError(f"easiness must be >= {MIN_EASINESS}, got {self.easiness}")


def _decimal(value: float) -> Decimal:
    # repr() gives the shortest string that round-trips, i.e. the decimal we meant.
    return Decimal(repr(value))


def next_easiness(easiness: float, quality: int) -> float:
    """``EF + 0.1 - (5-q)(0.08 + (5-q)0.02)``, floored at 1.3, computed exactly."""
    miss = MAX_QUALITY - quality
    ef = _decimal(easiness) + Decimal("0.1") - miss * (Decimal("0.08") + miss * Decimal("0.02"))
    return float(max(ef, Decimal(repr(MIN_EASINESS))))


def review(state: SM2State, quality: int) -> SM2State:
    """The state after answering with ``quality`` (an int 0-5); ``state`` is not touched.

    Raises ValueError for a quality that is not an int in 0..5 (bools are rejected
    too: ``True`` is not a grade).
    """
    if isinstance(quality, bool) or not isinstance(quality, int):
        # ValueError, not TypeError: the contract is "ValueError for anything not a grade".
        raise ValueError(f"quality must be an int 0-5, got {quality!r}")  # noqa: TRY004
    if not MIN_QUALITY <= quality <= MAX_QUALITY:
        raise ValueError(f"quality must be in {MIN_QUALITY}..{MAX_QUALITY}, got {quality}")
    if quality >= PASS_QUALITY:
        if state.repetitions == 0:
            interval = FIRST_INTERVAL
        elif state.repetitions == 1:
            interval = SECOND_INTERVAL
        else:
            product = state.interval * _decimal(state.easiness)
            interval = int(product.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        repetitions = state.repetitions + 1
    else:
        repetitions, interval = 0, LAPSE_INTERVAL
    return SM2State(repetitions, interval, next_easiness(state.easiness, quality))
