"""Merging checked review rows into the log: rows and rebuilt states in one transaction.

The old import committed the rows, then rebuilt the card states in a second
transaction; a ``kill -9`` in between (5 of 12 kills in the issue's test), or
a row that made the rebuild fail, left the log ahead of ``card_state`` for good.
Here, inside one ``BEGIN IMMEDIATE`` ... ``COMMIT``:

1. the rows go into a temporary table with one ``executemany`` (linear, in C);
2. a row whose id is already in the log with *different* contents is a
   :class:`ConflictingReviewError` naming the row, and nothing is written;
3. the new rows are copied into ``reviews`` (same id and same contents: skipped,
   so importing a file twice adds nothing);
4. the card states are rebuilt from the merged log (:meth:`Store.rebuild_in_transaction`).

Any failure rolls all of it back. ``progress(phase, done, total)`` is called
with ``"writing"`` and ``"rebuilding"`` (both inside the transaction).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from dlquiz.errors import StoreError
from dlquiz.model import Review

if TYPE_CHECKING:
    from dlquiz.store.database import Store

Progress = Callable[[str, int, int], None]
Row = tuple[Any, ...]


class ConflictingReviewError(StoreError):
    title = "Conflicting review"


def row_values(review: Review, day: str) -> Row:
    """A review as the ``reviews`` table stores it (column order of ``REVIEW_COLUMNS``)."""
    return (review.id, review.item_key, review.reviewed_at, day, review.grade, review.quality,
            review.interval_before, review.interval_after, review.easiness_before,
            review.easiness_after, review.repetitions_before, review.repetitions_after,
            review.due_before, review.due_after, review.duration_s, review.graded_by,
            int(review.scheduled),
            json.dumps(dict(review.drawn), sort_keys=True) if review.drawn else None)


def _conflict_query(columns: tuple[str, ...]) -> str:
    rest = [c for c in columns if c != "id"]
    mine = ", ".join(f"r.{c}" for c in rest)
    theirs = ", ".join(f"i.{c}" for c in rest)
    return (f"SELECT i.id, {mine}, {theirs} FROM temp.incoming i JOIN main.reviews r "
            f"ON r.id = i.id WHERE ({mine}) IS NOT ({theirs}) LIMIT 1")


def merge_rows(store: Store, rows: Iterable[Row], columns: tuple[str, ...], *, total: int = 0,
               progress: Progress | None = None,
               locate: Callable[[str], str] | None = None) -> int:
    """Add ``rows`` (tuples in ``columns`` order) to the log and rebuild; returns rows added."""
    con = store.connection
    report = progress or (lambda phase, done, count: None)
    with store.transaction():
        con.execute("CREATE TEMP TABLE IF NOT EXISTS incoming AS SELECT * FROM main.reviews "
                    "WHERE 0")
        con.execute("DELETE FROM temp.incoming")
        report("writing", 0, total)
        marks = ", ".join("?" * len(columns))
        con.executemany(f"INSERT INTO temp.incoming ({', '.join(columns)}) VALUES ({marks})",
                        rows)
        clash = con.execute(_conflict_query(columns)).fetchone()
        if clash is not None:
            rest = [c for c in columns if c != "id"]
            half = len(rest)
            diffs = [f"{name} {old!r} here, {new!r} in the file"
                     for name, old, new in zip(rest, clash[1:1 + half], clash[1 + half:])
                     if old != new]
            where = locate(clash[0]) if locate else f"review {clash[0]}"
            raise ConflictingReviewError(
                f"{where}: review id {clash[0]} is already in the database with different "
                f"contents ({'; '.join(diffs[:2])}); nothing was imported")
        added = con.execute(f"INSERT OR IGNORE INTO main.reviews ({', '.join(columns)}) "
                            f"SELECT {', '.join(columns)} FROM temp.incoming").rowcount
        report("writing", total, total)
        con.execute("DELETE FROM temp.incoming")
        report("rebuilding", 0, 1)
        try:
            store.rebuild_in_transaction()
        except (OverflowError, ValueError) as exc:  # a log no scheduler can replay
            raise StoreError(f"replaying the merged review log failed ({exc}); nothing was "
                             "imported") from exc
        report("rebuilding", 1, 1)
    return int(added)
