"""Time conventions shared by the store and the session.

Instants are stored as UTC ISO-8601 strings with microseconds so they sort as
text. A *study day* is the local calendar date shifted back by the configured
day-start hour: with the default of 4, an answer at 01:30 on Tuesday counts for
Monday, as in Anki, so a late session does not eat into the next day's cards.
Naive datetimes are rejected: a time without a zone cannot be placed on either
scale without guessing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

DEFAULT_DAY_START_HOUR = 4


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"naive datetime {now.isoformat()}: pass a timezone-aware datetime")
    return now


def now_utc() -> datetime:
    return datetime.now(UTC)


def utc_iso(now: datetime) -> str:
    """``2024-05-01T08:30:00.123456+00:00`` (always the same width, so text order is time order)."""
    return _aware(now).astimezone(UTC).isoformat(timespec="microseconds")


def utc_now_iso() -> str:
    return utc_iso(now_utc())


def study_day(now: datetime, day_start_hour: int = DEFAULT_DAY_START_HOUR) -> date:
    """The local study day ``now`` belongs to (the day begins at ``day_start_hour``)."""
    local = _aware(now).astimezone()
    return (local - timedelta(hours=day_start_hour)).date()


def today(day_start_hour: int = DEFAULT_DAY_START_HOUR) -> date:
    return study_day(now_utc(), day_start_hour)
