"""One row of a review export, checked completely before anything is written.

An import is all or nothing, so every row is validated first, and a row that
would break the store later (a ``study_day`` in year 9999 made the rebuild
overflow after the rows were committed) is refused here with its line.

What a row must hold (``FIELDS`` = the columns of the ``reviews`` table):

* ``id``: 1-128 characters, letters, digits and ``_ . : -`` (dlquiz writes
  uuid4 hex);
* ``item_key``: ``deck/card`` or ``deck/card#cN`` in lowercase slugs, at most
  250 characters;
* ``reviewed_at``: ISO-8601 *with* a UTC offset, from 2000-01-01 on, and not
  after now + :data:`FUTURE_SLACK` unless future reviews are allowed (a
  clock set to 2099 on the other machine would otherwise push every due date
  decades ahead);
* ``study_day``: a date within two days of ``reviewed_at`` (a study day is the
  local date shifted by the day-start hour, so it can never be further off),
  and at most :data:`LATEST_DAY` (the longest interval after it must still be
  a date); older exports without it get it derived as before;
* ``grade``: a lowercase word; ``quality`` an integer 0-5; ``graded_by`` one
  of self, auto, exercise; ``scheduled`` 0/1;
* intervals 0-2,000,000 days, repetitions 0-1,000,000, easiness from 1.3
  and ``duration_s`` from 0, all finite (the bounds refuse only what no real
  history can hold);
* ``due_before``/``due_after``: a date from 2000 on, or empty;
* ``drawn``: a JSON object (at most 10,000 characters) or empty;
* no field may contain a NUL character.

Errors name the row (``file.csv:7`` or ``file.json:12: reviews[3]``), the
field, what was expected, and what was seen (cut to 60 characters).
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dlquiz.clock import utc_iso
from dlquiz.errors import DlquizError
from dlquiz.model import Review
from dlquiz.store.database import REVIEW_COLUMNS
from dlquiz.study.scheduler import MAXIMUM_INTERVAL

FIELDS: tuple[str, ...] = REVIEW_COLUMNS
OPTIONAL = frozenset({"study_day", "drawn", "due_before", "due_after"})
FUTURE_SLACK = timedelta(hours=1)
#: The last study day a replay can schedule from (even --allow-future stops here).
LATEST_DAY = date.max - timedelta(days=MAXIMUM_INTERVAL)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*/[a-z0-9][a-z0-9_.-]*(#c[1-9]\d*)?$")
_GRADE_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_GRADERS = ("self", "auto", "exercise")
#: Generous bounds: only values no real history can hold are refused (an interval
#: that would put a due date past the year 9999, a negative duration, NaN).
_INT_RANGES = {"interval_before": 2_000_000, "interval_after": 2_000_000,
               "repetitions_before": 1_000_000, "repetitions_after": 1_000_000}
_FLOAT_RANGES = {"easiness_before": (1.3, 1e6), "easiness_after": (1.3, 1e6),
                 "duration_s": (0.0, 1e9)}
_MAX_DRAWN = 10_000
_TRUE = (1, "1", "true")  # True == 1


class ReviewFileError(DlquizError):
    title = "Bad review file"


def _clip(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + f"... ({len(text):,} characters)"


def _num(x: float) -> str:
    return f"{x:,.0f}" if x == int(x) else f"{x:g}"


class _Row:
    """Parses one raw row; :meth:`bad` builds the error for a field."""

    __slots__ = ("raw", "where")

    def __init__(self, raw: dict[str, Any], where: str) -> None:
        self.raw, self.where = raw, where

    def bad(self, name: str, expected: str) -> ReviewFileError:
        return ReviewFileError(f"{self.where}: {name}: expected {expected}, "
                               f"got {_clip(self.raw.get(name))}")

    def text(self, name: str, pattern: re.Pattern[str], expected: str) -> str:
        value = self.raw[name]
        if not isinstance(value, str) or not pattern.match(value):
            raise self.bad(name, expected)
        return value

    def integer(self, name: str, low: int, high: int) -> int:
        value = self.raw[name]
        if isinstance(value, (bool, float)):
            raise self.bad(name, f"an integer {low}-{high:,}")
        try:
            number = int(value) if isinstance(value, int) else int(str(value).strip())
        except ValueError:
            raise self.bad(name, f"an integer {low}-{high:,}") from None
        if not low <= number <= high:
            raise self.bad(name, f"an integer {low}-{high:,}")
        return number

    def number(self, name: str, low: float, high: float) -> float:
        value = self.raw[name]
        number = math.nan
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                pass
        if not (math.isfinite(number) and low <= number <= high):
            raise self.bad(name, f"a finite number {_num(low)}-{_num(high)}")
        return number

    def day(self, name: str, *, optional: bool) -> str | None:
        value = self.raw.get(name)
        if optional and (value is None or value == ""):
            return None
        try:
            if not isinstance(value, str) or not _DAY_RE.match(value):
                raise ValueError
            parsed = date.fromisoformat(value)
        except ValueError:
            raise self.bad(name, "a date YYYY-MM-DD" + (" or empty" if optional else "")) from None
        if parsed.year < 2000:
            raise self.bad(name, "a date from 2000 on")
        return value


def parse_row(raw: dict[str, Any], where: str, *, now: datetime,
              allow_future: bool = False) -> tuple[Review, str]:
    """``(review, study_day)`` from one raw row, or ReviewFileError naming ``where``."""
    return review_of(check_row(raw, where, now=now, allow_future=allow_future))


def review_of(row: tuple[Any, ...]) -> tuple[Review, str]:
    """``(review, study_day)`` of a row as :func:`check_row` gives it."""
    values = dict(zip(FIELDS, row))
    day = values.pop("study_day")
    drawn = values.pop("drawn")
    values["scheduled"] = bool(values["scheduled"])
    return Review(drawn=json.loads(drawn) if drawn else None, **values), day


def check_row(raw: dict[str, Any], where: str, *, now: datetime,
              allow_future: bool = False) -> tuple[Any, ...]:
    """One raw row checked and normalised, as the ``reviews`` table stores it (``FIELDS``
    order; ``drawn`` as sorted-key JSON or None), or ReviewFileError naming ``where``.

    The import's inner loop (a million calls for a million rows): no Review
    object is built, and the common shapes (ints, floats, digit strings) take
    a fast path before the general conversion.
    """
    missing = [f for f in FIELDS if f not in raw and f not in OPTIONAL]
    if missing:
        raise ReviewFileError(f"{where}: missing field(s): {', '.join(missing)}")
    for name, value in raw.items():
        if isinstance(value, str) and "\x00" in value:
            raise ReviewFileError(f"{where}: {name}: contains a NUL character")
    row = _Row(raw, where)
    review_id = row.text("id", _ID_RE, "an id of letters, digits, '_', '.', ':', '-' "
                                      "(at most 128)")
    key = raw["item_key"]
    if not isinstance(key, str) or len(key) > 250 or not _KEY_RE.match(key):
        raise row.bad("item_key", "a key like deck/card or deck/card#c2")
    grade = row.text("grade", _GRADE_RE, "a lowercase word like good or correct")
    try:
        text = raw["reviewed_at"]
        moment = datetime.fromisoformat(text) if isinstance(text, str) else None
        if moment is None or moment.utcoffset() is None:
            raise ValueError
        reviewed_at = utc_iso(moment)
    except (ValueError, OverflowError):
        raise row.bad("reviewed_at", "an ISO time with a UTC offset") from None
    if moment < EARLIEST:
        raise row.bad("reviewed_at", "a time from 2000 on")
    if not allow_future and moment > now + FUTURE_SLACK:
        raise ReviewFileError(f"{where}: reviewed_at: {reviewed_at} is in the future (this "
                              "machine's clock says " + utc_iso(now)[:19] + "); fix the other "
                              "machine's clock, or pass --allow-future to import it anyway")
    quality = _int(row, "quality", 5)
    intervals = [_int(row, name, high) for name, high in _INT_RANGES.items()]
    floats = [row.number(name, low, high) for name, (low, high) in _FLOAT_RANGES.items()]
    graded_by = raw["graded_by"]
    if graded_by not in _GRADERS:
        raise row.bad("graded_by", "one of self, auto, exercise")
    flag = raw["scheduled"]
    if type(flag) not in (int, bool) or flag not in (0, 1):  # anything else as text
        flag = str(flag).strip().lower()
        if flag not in ("0", "1", "true", "false"):
            raise row.bad("scheduled", "0 or 1")
    scheduled = 1 if flag in _TRUE else 0
    drawn = raw.get("drawn")
    if isinstance(drawn, str):
        if len(drawn) > _MAX_DRAWN:
            raise row.bad("drawn", f"a JSON object of at most {_MAX_DRAWN:,} characters")
        try:
            drawn = json.loads(drawn) if drawn.strip() else None
        except json.JSONDecodeError:
            raise row.bad("drawn", "a JSON object or empty") from None
    if drawn is not None and not isinstance(drawn, dict):
        raise row.bad("drawn", "a JSON object or empty")
    due_before, due_after = row.day("due_before", optional=True), row.day("due_after", optional=True)
    day = row.day("study_day", optional=True)
    if day is None:  # older exports: the day the interval was counted from
        if scheduled and due_after:
            derived = date.fromisoformat(due_after) - timedelta(days=intervals[1])
            day = derived.isoformat()
        else:
            day = reviewed_at[:10]
    parsed_day = date.fromisoformat(day)
    if abs((parsed_day - date.fromisoformat(reviewed_at[:10])).days) > 2:
        raise ReviewFileError(f"{where}: study_day: {day} is not within two days of "
                              f"reviewed_at {reviewed_at[:10]}")
    if parsed_day > LATEST_DAY:
        raise ReviewFileError(f"{where}: study_day: {day} is too far in the future: a card "
                              f"reviewed then could not be scheduled (the longest interval, "
                              f"{MAXIMUM_INTERVAL:,} days, must end before the year 10000)")
    return (review_id, key, reviewed_at, day, grade, quality, intervals[0], intervals[1],
            floats[0], floats[1], intervals[2], intervals[3], due_before, due_after, floats[2],
            graded_by, scheduled, json.dumps(drawn, sort_keys=True) if drawn else None)


def _int(row: _Row, name: str, high: int) -> int:
    """``row.integer(name, 0, high)`` with a fast path for ints and plain digit strings."""
    value = row.raw[name]
    kind = type(value)
    if kind is int or (kind is str and value.isascii() and value.isdigit()):
        number = int(value)
        if 0 <= number <= high:
            return number
    return row.integer(name, 0, high)
