"""Merging checked review rows into the log: rows and rebuilt states in one transaction.

The old import committed the rows, then rebuilt the card states in a second
transaction; a ``kill -9`` in between (5 of 12 kills in the issue's test), or
a row that made the rebuild fail, left the log ahead of ``card_state`` for good.
Now in two steps, with memory bounded by one chunk of rows whatever the file:

1. :func:`stage`, *before* any write lock: the checked rows go into a
   temporary table (``temp.staged``, in SQLite's temp store, never the
   database) in chunks of :data:`CHUNK` rows (``executemany``, linear, in C),
   each with its place in the file. Rows repeated in the file are found there
   (:func:`first_repeat_conflict`), not in a Python dict of a million ids.
2. :func:`merge_staged`, inside one ``BEGIN IMMEDIATE`` ... ``COMMIT``:

   a. a staged row whose id is already in the log with *different* contents is
      a :class:`ConflictingReviewError` naming the row, and nothing is written;
   b. the new rows are copied into ``reviews`` in file order (same id and same
      contents: skipped, so importing a file twice adds nothing);
   c. the card states are rebuilt from the merged log
      (:meth:`Store.rebuild_in_transaction`).

Any failure rolls all of it back. ``progress(phase, done, total)`` is called
with ``"writing"`` and ``"rebuilding"`` (both inside the transaction).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from itertools import islice
from typing import TYPE_CHECKING, Any

from dlquiz.errors import StoreError
from dlquiz.model import Review

if TYPE_CHECKING:
    from dlquiz.store.database import Store

Progress = Callable[[str, int, int], None]
Row = tuple[Any, ...]
#: Rows per ``executemany`` into the staging table.
CHUNK = 10_000
#: The columns staged before the review's own: order in the file, and its place.
PLACE_COLUMNS = ("seq", "line", "entry")


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


def stage(store: Store, rows: Iterable[Row], columns: tuple[str, ...],
          on_chunk: Callable[[int], None] | None = None) -> int:
    """Put ``rows`` (``(seq, line, entry, *values in columns order)``) in ``temp.staged``.

    Replaces what an earlier import staged. Returns the number of rows staged.
    """
    con = store.connection
    con.execute("DROP TABLE IF EXISTS temp.staged")
    con.execute("CREATE TEMP TABLE staged AS SELECT 0 AS seq, 0 AS line, 0 AS entry, "
                f"{', '.join(columns)} FROM main.reviews WHERE 0")
    marks = ", ".join("?" * (len(columns) + len(PLACE_COLUMNS)))
    insert = f"INSERT INTO temp.staged VALUES ({marks})"
    staged = 0
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        con.execute("BEGIN")  # the temp store only: no lock on the database
        try:
            con.executemany(insert, chunk)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        staged += len(chunk)
        if on_chunk is not None:
            on_chunk(staged)
    con.execute("CREATE INDEX temp.staged_id ON staged (id, seq)")
    return staged


def first_repeat_conflict(store: Store, columns: tuple[str, ...]) -> tuple[Row, Row] | None:
    """``((line, entry, id) of the repeat, (line, entry) of the first)`` for the earliest row
    repeating an id of the file with other contents; None when every repeat is identical."""
    rest = [c for c in columns if c != "id"]
    mine, theirs = ", ".join(f"s.{c}" for c in rest), ", ".join(f"f.{c}" for c in rest)
    row = store.connection.execute(
        "WITH repeated AS (SELECT id, MIN(seq) AS first FROM temp.staged GROUP BY id "
        "HAVING COUNT(*) > 1) "
        "SELECT s.line, s.entry, s.id, f.line, f.entry FROM repeated d "
        "JOIN temp.staged f ON f.id = d.id AND f.seq = d.first "
        "JOIN temp.staged s ON s.id = d.id AND s.seq > d.first "
        f"WHERE ({mine}) IS NOT ({theirs}) ORDER BY s.seq LIMIT 1").fetchone()
    return None if row is None else (row[:3], row[3:])


def discard_staged(store: Store) -> None:
    """Drop what :func:`stage` put aside (after a failed check)."""
    store.connection.execute("DROP TABLE IF EXISTS temp.staged")


def distinct_staged(store: Store) -> int:
    """How many different review ids are staged (repeats of a row count once)."""
    return int(store.connection.execute("SELECT COUNT(DISTINCT id) FROM temp.staged")
               .fetchone()[0])


def _conflict_query(columns: tuple[str, ...]) -> str:
    rest = [c for c in columns if c != "id"]
    mine = ", ".join(f"r.{c}" for c in rest)
    theirs = ", ".join(f"i.{c}" for c in rest)
    return (f"SELECT i.line, i.entry, i.id, {mine}, {theirs} FROM temp.staged i JOIN "
            f"main.reviews r ON r.id = i.id WHERE ({mine}) IS NOT ({theirs}) "
            f"ORDER BY i.seq LIMIT 1")


def merge_staged(store: Store, columns: tuple[str, ...], *, total: int = 0,
                 progress: Progress | None = None,
                 locate: Callable[[int, int], str] | None = None) -> int:
    """Add the staged rows to the log and rebuild, in one transaction; returns rows added.

    ``locate(line, entry)`` names a staged row's place for the conflict message.
    """
    con = store.connection
    report = progress or (lambda phase, done, count: None)
    try:
        with store.transaction():
            report("writing", 0, total)
            clash = con.execute(_conflict_query(columns)).fetchone()
            if clash is not None:
                line, entry, review_id = clash[:3]
                rest = [c for c in columns if c != "id"]
                half = len(rest)
                diffs = [f"{name} {old!r} here, {new!r} in the file"
                         for name, old, new in zip(rest, clash[3:3 + half], clash[3 + half:])
                         if old != new]
                where = locate(line, entry) if locate else f"review {review_id}"
                raise ConflictingReviewError(
                    f"{where}: review id {review_id} is already in the database with different "
                    f"contents ({'; '.join(diffs[:2])}); nothing was imported")
            # In rowid order: the order the rows were staged in, the file's.
            added = con.execute(f"INSERT OR IGNORE INTO main.reviews ({', '.join(columns)}) "
                                f"SELECT {', '.join(columns)} FROM temp.staged ORDER BY rowid"
                                ).rowcount
            report("writing", total, total)
            report("rebuilding", 0, 1)
            try:
                store.rebuild_in_transaction()
            except (OverflowError, ValueError) as exc:  # a log no scheduler can replay
                raise StoreError(f"replaying the merged review log failed ({exc}); nothing was "
                                 "imported") from exc
            report("rebuilding", 1, 1)
    finally:
        discard_staged(store)
    return int(added)


def merge_rows(store: Store, rows: Iterable[Row], columns: tuple[str, ...], *, total: int = 0,
               progress: Progress | None = None) -> int:
    """Stage ``rows`` (tuples in ``columns`` order) and merge them; returns rows added.

    For rows already checked and free of repeats (``Store.import_reviews``).
    """
    stage(store, ((seq, 0, seq, *row) for seq, row in enumerate(rows)), columns)
    return merge_staged(store, columns, total=total, progress=progress)
