"""Export the review log to CSV/JSON and merge such a file back in.

This is how two machines stay in step through a synced folder: each exports
its log, each imports the other's. Rows are merged by review id, so importing
the same file twice adds nothing, and card states are then rebuilt from the
merged log. Reviews of cards this machine does not know are kept: history
hangs on item keys and waits for the card to appear.

Formats (same fields in both; times UTC ISO-8601, days ``YYYY-MM-DD``):

* JSON: ``{"format": "dlquiz-reviews", "version": 1, "reviews": [{...}, ...]}``
* CSV: a header row with :data:`FIELDS`; ``drawn`` is a JSON object or empty,
  ``scheduled`` is 0/1.

Bad input is reported per row: ``file.csv:7: quality: expected an integer 0-5, got 'x'``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from dlquiz.clock import utc_iso
from dlquiz.errors import DlquizError
from dlquiz.model import Review
from dlquiz.store.database import REVIEW_COLUMNS, Store

FORMAT_NAME = "dlquiz-reviews"
FORMAT_VERSION = 1
FIELDS: tuple[str, ...] = REVIEW_COLUMNS
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*/[a-z0-9][a-z0-9_.-]*(#c\d+)?$")
_INT_FIELDS = ("interval_before", "interval_after", "repetitions_before", "repetitions_after")
_FLOAT_FIELDS = ("easiness_before", "easiness_after", "duration_s")
_GRADERS = ("self", "auto", "exercise")


class ReviewFileError(DlquizError):
    title = "Bad review file"


def iter_rows(store: Store) -> Iterator[dict[str, Any]]:
    """Every review as a plain dict of :data:`FIELDS`, oldest first."""
    cursor = store.connection.execute(
        f"SELECT {', '.join(FIELDS)} FROM reviews ORDER BY reviewed_at, rowid"
    )
    for row in cursor:
        data = dict(zip(FIELDS, row))
        data["scheduled"] = int(data["scheduled"])
        data["drawn"] = json.loads(data["drawn"]) if data["drawn"] else None
        yield data


def export_reviews(store: Store, out: Path, fmt: str) -> int:
    """Write every review to ``out`` as ``csv`` or ``json``; returns the row count."""
    rows = iter_rows(store)
    count = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        if fmt == "csv":
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            for row in rows:
                if row["drawn"] is not None:
                    row["drawn"] = json.dumps(row["drawn"], sort_keys=True)
                writer.writerow(row)
                count += 1
        elif fmt == "json":
            reviews = list(rows)
            count = len(reviews)
            payload = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "reviews": reviews}
            json.dump(payload, handle, indent=1, sort_keys=False)
            handle.write("\n")
        else:
            raise ReviewFileError(f"unknown export format {fmt!r}; use csv or json")
    return count


def _parse_row(raw: dict[str, Any], where: str) -> tuple[Review, str]:
    def bad(name: str, expected: str) -> ReviewFileError:
        return ReviewFileError(f"{where}: {name}: expected {expected}, got {raw.get(name)!r}")

    missing = [f for f in FIELDS if f not in raw and f not in ("study_day", "drawn", "due_before", "due_after")]
    if missing:
        raise ReviewFileError(f"{where}: missing field(s): {', '.join(missing)}")
    values: dict[str, Any] = {}
    for name in ("id", "grade"):
        if not isinstance(raw[name], str) or not raw[name].strip():
            raise bad(name, "a non-empty string")
        values[name] = raw[name].strip()
    key = raw["item_key"]
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise bad("item_key", "a key like deck/card or deck/card#c2")
    values["item_key"] = key
    try:
        moment = datetime.fromisoformat(str(raw["reviewed_at"]))
        values["reviewed_at"] = utc_iso(moment)
    except ValueError:
        raise bad("reviewed_at", "an ISO time with a UTC offset") from None
    try:
        quality = int(str(raw["quality"]))
    except ValueError:
        raise bad("quality", "an integer 0-5") from None
    if not 0 <= quality <= 5:
        raise bad("quality", "an integer 0-5")
    values["quality"] = quality
    for name in _INT_FIELDS:
        try:
            values[name] = int(str(raw[name]))
        except ValueError:
            raise bad(name, "an integer") from None
    for name in _FLOAT_FIELDS:
        try:
            values[name] = float(str(raw[name]))
        except ValueError:
            raise bad(name, "a number") from None
    for name in ("due_before", "due_after"):
        text = raw.get(name) or None
        if text is not None:
            try:
                date.fromisoformat(str(text))
            except ValueError:
                raise bad(name, "a date YYYY-MM-DD or empty") from None
        values[name] = text
    if raw["graded_by"] not in _GRADERS:
        raise bad("graded_by", "one of self, auto, exercise")
    values["graded_by"] = raw["graded_by"]
    scheduled = str(raw["scheduled"]).strip().lower()
    if scheduled not in ("0", "1", "true", "false"):
        raise bad("scheduled", "0 or 1")
    values["scheduled"] = scheduled in ("1", "true")
    drawn = raw.get("drawn")
    if isinstance(drawn, str):
        try:
            drawn = json.loads(drawn) if drawn.strip() else None
        except json.JSONDecodeError:
            raise bad("drawn", "a JSON object or empty") from None
    if drawn is not None and not isinstance(drawn, dict):
        raise bad("drawn", "a JSON object or empty")
    values["drawn"] = drawn
    day = raw.get("study_day") or None
    if day is None:  # older exports: the day the interval was counted from
        if values["scheduled"] and values["due_after"]:
            due = date.fromisoformat(values["due_after"])
            day = (due - timedelta(days=values["interval_after"])).isoformat()
        else:
            day = values["reviewed_at"][:10]
    try:
        date.fromisoformat(str(day))
    except ValueError:
        raise bad("study_day", "a date YYYY-MM-DD") from None
    return Review(**values), str(day)


def read_reviews(path: Path) -> list[tuple[Review, str]]:
    """Parse a CSV or JSON review export (by content) into ``(review, study_day)`` pairs."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ReviewFileError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise ReviewFileError(f"{path}: not UTF-8 (byte {exc.start})") from None
    if text.lstrip().startswith("{"):
        return _read_json(text, path)
    if text.lstrip().startswith("["):
        raise ReviewFileError(f"{path}:1: a JSON list is not a dlquiz review export (expected the "
                              "object `dlquiz export reviews --format json` writes)")
    return _read_csv(text, path)


def _row_lines(text: str) -> list[int]:
    """The line each object of the top-level ``"reviews"`` list starts on (1-based)."""
    start = text.find('"reviews"')
    pos = text.find("[", start) + 1 if start >= 0 else 0
    if pos <= 0:
        return []
    decoder, separators = json.JSONDecoder(), re.compile(r"[\s,]*")
    lines: list[int] = []
    while True:
        match = separators.match(text, pos)
        pos = match.end() if match else pos
        if pos >= len(text) or text[pos] == "]":
            return lines
        lines.append(text.count("\n", 0, pos) + 1)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            return lines


def _read_json(text: str, path: Path) -> list[tuple[Review, str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReviewFileError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise ReviewFileError(f"{path}: not a dlquiz review export (format != {FORMAT_NAME!r})")
    if data.get("version") != FORMAT_VERSION:
        raise ReviewFileError(f"{path}: unsupported version {data.get('version')!r}")
    rows = data.get("reviews")
    if not isinstance(rows, list):
        raise ReviewFileError(f"{path}: reviews: expected a list")
    out = []
    lines = _row_lines(text)
    for i, row in enumerate(rows):
        where = f"{path}:{lines[i]}: reviews[{i}]" if i < len(lines) else f"{path}: reviews[{i}]"
        if not isinstance(row, dict):
            raise ReviewFileError(f"{where}: expected an object")
        out.append(_parse_row(row, where))
    return out


def _read_csv(text: str, path: Path) -> list[tuple[Review, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [f for f in ("id", "item_key", "reviewed_at", "quality") if f not in header]
    if missing:
        raise ReviewFileError(f"{path}:1: header lacks {', '.join(missing)} (is this a dlquiz review export?)")
    out = []
    try:
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if None in row or any(v is None for v in row.values()):
                raise ReviewFileError(f"{where}: expected {len(header)} columns")
            out.append(_parse_row(row, where))
    except csv.Error as exc:
        raise ReviewFileError(f"{path}:{reader.line_num}: {exc}") from None
    return out


def import_reviews(store: Store, path: Path) -> tuple[int, int]:
    """Merge ``path`` into ``store`` (all or nothing); returns (rows read, rows added)."""
    pairs = read_reviews(path)
    return len(pairs), store.import_reviews(pairs)
