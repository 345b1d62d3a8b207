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

An import is all or nothing: every row is checked first (the rules are in
:mod:`dlquiz.interop.review_rows`), the first bad one is reported with its
place (``file.csv:7: quality: expected an integer 0-5, got 'x'``) and nothing
is written; then the rows and the rebuilt card states are committed in one
transaction (:mod:`dlquiz.store.importing`). Reading is linear in the file in
both formats; a progress callback is told ``checked``, ``writing`` and
``rebuilding``. Exports are written beside the target and renamed into place.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from dlquiz.clock import now_utc
from dlquiz.interop.review_rows import FIELDS, ReviewFileError, parse_row
from dlquiz.model import Review
from dlquiz.store.database import Store
from dlquiz.store.dbfile import store_error
from dlquiz.store.importing import merge_rows, row_values

FORMAT_NAME = "dlquiz-reviews"
FORMAT_VERSION = 1
__all__ = ["FIELDS", "FORMAT_NAME", "FORMAT_VERSION", "ReviewFileError", "export_reviews",
           "import_reviews", "iter_rows", "read_reviews", "row_values"]


def iter_rows(store: Store) -> Iterator[dict[str, Any]]:
    """Every review as a plain dict of :data:`FIELDS`, oldest first."""
    try:
        cursor = store.connection.execute(
            f"SELECT {', '.join(FIELDS)} FROM reviews ORDER BY reviewed_at, rowid"
        )
        for row in cursor:
            data = dict(zip(FIELDS, row))
            data["scheduled"] = int(data["scheduled"])
            data["drawn"] = json.loads(data["drawn"]) if data["drawn"] else None
            yield data
    except sqlite3.Error as exc:
        raise store_error(exc, store.path) from exc


def export_reviews(store: Store, out: Path, fmt: str) -> int:
    """Write every review to ``out`` as ``csv`` or ``json``; returns the row count."""
    if fmt not in ("csv", "json"):
        raise ReviewFileError(f"unknown export format {fmt!r}; use csv or json")
    if not out.parent.is_dir():
        raise ReviewFileError(f"{out}: folder {out.parent} does not exist")
    rows = iter_rows(store)
    count = 0
    partial = out.with_name(out.name + ".partial")  # a failed export never leaves half a file
    try:
        count = _write(rows, partial, fmt)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _write(rows: Iterator[dict[str, Any]], target: Path, fmt: str) -> int:
    count = 0
    with target.open("w", encoding="utf-8", newline="") as handle:
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


ProgressFn = Callable[[str, int, int], None]
_PROGRESS_EVERY = 20_000


def _tick(progress: ProgressFn | None, phase: str, done: int, total: int) -> None:
    if progress is not None and (done % _PROGRESS_EVERY == 0 or done == total):
        progress(phase, done, total)


def read_reviews(path: Path, *, now: datetime | None = None, allow_future: bool = False,
                 progress: ProgressFn | None = None) -> list[tuple[Review, str]]:
    """Parse and validate a CSV or JSON review export (by content): every row, or an error.

    Linear in the file size in both formats: JSON rows get their line number
    only when one of them is reported. A row repeated with the same contents
    is read once; repeated with *different* contents it is an error naming both.
    """
    return _read_checked(path, now=now, allow_future=allow_future, progress=progress)[0]


def _read_checked(path: Path, *, now: datetime | None, allow_future: bool,
                  progress: ProgressFn | None
                  ) -> tuple[list[tuple[Review, str]], Callable[[str], str]]:
    """:func:`read_reviews`, plus a function naming the place of a review id in the file."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ReviewFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReviewFileError(f"{path}: is a folder, not a review export") from None
    except UnicodeDecodeError as exc:
        raise ReviewFileError(f"{path}: not UTF-8 (byte {exc.start})") from None
    moment = now or now_utc()
    head = text.lstrip()
    if head.startswith("["):
        raise ReviewFileError(f"{path}:1: a JSON list is not a dlquiz review export (expected the "
                              "object `dlquiz export reviews --format json` writes)")
    if head.startswith("{"):
        rows, where = _json_rows(text, path)
    else:
        rows, where = _csv_rows(text, path)
    out: list[tuple[Review, str]] = []
    first: dict[str, tuple[int, int]] = {}  # id -> (row index in the file, index in out)
    total = len(rows)
    for i, raw in enumerate(rows):
        if not isinstance(raw, dict):
            raise ReviewFileError(f"{where(i)}: expected an object")
        try:
            pair = parse_row(raw, "", now=moment, allow_future=allow_future)
        except ReviewFileError as exc:  # the location is worked out only for the bad row
            raise ReviewFileError(where(i) + exc.message) from None
        seen = first.get(pair[0].id)
        if seen is None:
            first[pair[0].id] = (i, len(out))
            out.append(pair)
        elif row_values(*out[seen[1]]) != row_values(*pair):
            raise ReviewFileError(f"{where(i)}: review id {pair[0].id} appears twice with "
                                  f"different contents (first at {where(seen[0])})")
        _tick(progress, "checked", i + 1, total)
    return out, lambda review_id: where(first[review_id][0])


def _row_lines(text: str, upto: int) -> list[int]:
    """The line each object of the top-level ``"reviews"`` list starts on, up to row ``upto``.

    One pass with a running newline count: linear (the old per-row
    ``text.count`` from the start made a 53,500-row import take 12 minutes).
    """
    start = text.find('"reviews"')
    pos = text.find("[", start) + 1 if start >= 0 else 0
    if pos <= 0:
        return []
    decoder, separators = json.JSONDecoder(), re.compile(r"[\s,]*")
    lines: list[int] = []
    line, counted = 1, 0
    while len(lines) <= upto:
        match = separators.match(text, pos)
        pos = match.end() if match else pos
        if pos >= len(text) or text[pos] == "]":
            return lines
        line += text.count("\n", counted, pos)
        counted = pos
        lines.append(line)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            return lines
    return lines


def _json_rows(text: str, path: Path) -> tuple[list[Any], Callable[[int], str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReviewFileError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise ReviewFileError(f"{path}: not valid JSON: nested too deeply") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise ReviewFileError(f"{path}: not a dlquiz review export (format != {FORMAT_NAME!r})")
    if data.get("version") != FORMAT_VERSION:
        raise ReviewFileError(f"{path}: unsupported version {str(data.get('version'))[:20]!r}")
    rows = data.get("reviews")
    if not isinstance(rows, list):
        raise ReviewFileError(f"{path}: reviews: expected a list")

    def where(i: int) -> str:
        lines = _row_lines(text, i)
        return f"{path}:{lines[i]}: reviews[{i}]" if i < len(lines) else f"{path}: reviews[{i}]"

    return rows, where


def _csv_rows(text: str, path: Path) -> tuple[list[Any], Callable[[int], str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [f for f in ("id", "item_key", "reviewed_at", "quality") if f not in header]
    if missing:
        raise ReviewFileError(f"{path}:1: header lacks {', '.join(missing)} (is this a dlquiz "
                              "review export?)")
    rows: list[Any] = []
    lines: list[int] = []
    try:
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise ReviewFileError(f"{path}:{reader.line_num}: expected {len(header)} columns")
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise ReviewFileError(f"{path}:{reader.line_num}: {exc}") from None
    return rows, lambda i: f"{path}:{lines[i]}"


def import_reviews(store: Store, path: Path, *, allow_future: bool = False,
                   progress: ProgressFn | None = None) -> tuple[int, int]:
    """Merge ``path`` into ``store`` (all or nothing); returns (rows read, rows added).

    Every row is checked before anything is written; the rows and the rebuilt
    card states are then committed in one transaction
    (:func:`dlquiz.store.importing.merge_rows`).
    """
    pairs, locate = _read_checked(path, now=None, allow_future=allow_future, progress=progress)
    rows = (row_values(review, day) for review, day in pairs)
    added = merge_rows(store, rows, FIELDS, total=len(pairs), progress=progress, locate=locate)
    return len(pairs), added
