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
transaction (:mod:`dlquiz.store.importing`). Reading is streamed
(:mod:`dlquiz.interop.review_stream`): linear in the file and bounded in memory
in both formats; a progress callback is told ``checked`` (bytes of the file),
``writing`` and ``rebuilding`` (rows). Exports are written beside the target and
renamed into place.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from dlquiz.clock import now_utc
from dlquiz.interop import review_stream
from dlquiz.interop.review_rows import FIELDS, ReviewFileError, check_row, review_of
from dlquiz.model import Review
from dlquiz.store.database import Store
from dlquiz.store.dbfile import store_error
from dlquiz.store.importing import (
    discard_staged,
    distinct_staged,
    first_repeat_conflict,
    merge_staged,
    row_values,
    stage,
)

FORMAT_NAME = review_stream.FORMAT_NAME
FORMAT_VERSION = review_stream.FORMAT_VERSION
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


def _checked(path: Path, *, now: datetime | None, allow_future: bool,
             progress: ProgressFn | None) -> Iterator[tuple[int, int | None, tuple[Any, ...]]]:
    """``(line, index, row)`` of every row in file order, streamed (``row`` as the
    ``reviews`` table stores it, see :func:`check_row`); the first bad row raises,
    named ``file:line`` (JSON: ``file:line: reviews[i]``).

    ``progress("checked", bytes read, file size)`` every 20,000 rows.
    """
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise ReviewFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReviewFileError(f"{path}: is a folder, not a review export") from None
    moment = now or now_utc()
    with handle:
        size = os.fstat(handle.fileno()).st_size
        tell = None if progress is None else (lambda done: progress("checked", done, size))
        for line, index, raw in review_stream.rows(path, handle, tell):
            if not isinstance(raw, dict):
                raise ReviewFileError(f"{_place(path, line, index)}: expected an object")
            try:
                row = check_row(raw, "", now=moment, allow_future=allow_future)
            except ReviewFileError as exc:  # the place is added to the row's own message
                raise ReviewFileError(_place(path, line, index) + exc.message) from None
            yield line, index, row
        if progress is not None:
            progress("checked", size, size)


def _place(path: Path, line: int, index: int | None) -> str:
    return f"{path}:{line}" if index is None or index < 0 else f"{path}:{line}: reviews[{index}]"


def read_reviews(path: Path, *, now: datetime | None = None, allow_future: bool = False,
                 progress: ProgressFn | None = None) -> list[tuple[Review, str]]:
    """Parse and validate a CSV or JSON review export (by content): every row, or an error.

    The rows in a list, for callers that want them (tests, small files); the
    import itself never holds them all (:func:`import_reviews`). A row repeated
    with the same contents is read once; repeated with *different* contents it
    is an error naming both places.
    """
    out: list[tuple[Review, str]] = []
    first: dict[str, tuple[str, tuple[Any, ...]]] = {}  # id -> (place, row)
    for line, index, row in _checked(path, now=now, allow_future=allow_future,
                                     progress=progress):
        place = _place(path, line, index)
        seen = first.get(row[0])
        if seen is None:
            first[row[0]] = (place, row)
            out.append(review_of(row))
        elif seen[1] != row:
            raise ReviewFileError(f"{place}: review id {row[0]} appears twice with "
                                  f"different contents (first at {seen[0]})")
    return out


def import_reviews(store: Store, path: Path, *, allow_future: bool = False,
                   progress: ProgressFn | None = None) -> tuple[int, int]:
    """Merge ``path`` into ``store`` (all or nothing); returns (rows read, rows added).

    Linear and bounded in memory: one streaming pass checks every row and
    stages it (a temporary table, no lock on the database, nothing written to
    it); a bad row stops the pass with its place. Rows repeated with other
    contents are then looked for among the staged ones, and only then are the
    rows and the rebuilt card states committed in one transaction
    (:func:`dlquiz.store.importing.merge_staged`).
    """
    rows = ((seq, line, -1 if index is None else index, *row)
            for seq, (line, index, row) in enumerate(
                _checked(path, now=None, allow_future=allow_future, progress=progress)))
    try:
        stage(store, rows, FIELDS)
        clash = first_repeat_conflict(store, FIELDS)
        if clash is not None:
            (line, entry, review_id), (first_line, first_entry) = clash
            raise ReviewFileError(f"{_place(path, line, entry)}: review id {review_id} appears "
                                  f"twice with different contents (first at "
                                  f"{_place(path, first_line, first_entry)})")
        read = distinct_staged(store)
    except BaseException:
        discard_staged(store)
        raise
    added = merge_staged(store, FIELDS, total=read, progress=progress,
                         locate=lambda line, entry: _place(path, line, entry))
    return read, added
