"""Interval fuzz: cards learned together should not stay due together forever.

Convention (the fuzz ranges Anki publishes for its scheduler): an interval ``I``
of :data:`FUZZ_MIN_INTERVAL` (3) days or more may move by up to

    delta = 1 + 0.15 * (min(I, 7) - 2.5) + 0.10 * (min(I, 20) - 7)+ + 0.05 * (I - 20)+

days either way (``x+`` = ``max(x, 0)``), i.e. about ±1.7 days at 3 days, ±2.5 at 7,
±3.8 at 20 and ±5 % beyond. The bounds are rounded half up, the lower one kept
at 2 days or more and the upper one at the maximum interval or less. Shorter
intervals are never fuzzed.

Why seeded: the offset is drawn from a hash of ``(item key, study day of the
answer)``, not from a random generator, so replaying the log (``db rebuild``,
undo, a scheduler switch, an import) lands every card on exactly the due date
it had. The same card answered on another day gets another draw.
"""

from __future__ import annotations

import hashlib
import math
from functools import lru_cache

FUZZ_MIN_INTERVAL = 3
#: (start, end, factor) of each fuzz band, in days.
FUZZ_BANDS: tuple[tuple[float, float, float], ...] = (
    (2.5, 7.0, 0.15),
    (7.0, 20.0, 0.10),
    (20.0, math.inf, 0.05),
)


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


@lru_cache(maxsize=4096)
def fuzz_range(interval: int, maximum_interval: int = 36500) -> tuple[int, int]:
    """The (lowest, highest) interval a fuzzed ``interval`` can become; both inclusive."""
    if interval < FUZZ_MIN_INTERVAL:
        return interval, interval
    delta = 1.0
    for start, end, factor in FUZZ_BANDS:
        delta += factor * max(min(float(interval), end) - start, 0.0)
    high = min(_round_half_up(interval + delta), maximum_interval)
    low = min(max(2, _round_half_up(interval - delta)), high)
    return low, high


def unit_draw(item_key: str, study_day: str) -> float:
    """A number in [0, 1) fixed by the item and the day (BLAKE2b, first 8 bytes)."""
    digest = hashlib.blake2b(f"{item_key}\x1f{study_day}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def fuzzed_interval(interval: int, item_key: str, study_day: str, maximum_interval: int = 36500) -> int:
    """``interval`` moved to a seeded point of :func:`fuzz_range` (unchanged below 3 days)."""
    low, high = fuzz_range(interval, maximum_interval)
    if low == high:
        return low
    return low + min(int(unit_draw(item_key, study_day) * (high - low + 1)), high - low)
