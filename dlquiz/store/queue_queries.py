"""The read-only queries the study queue runs on every session start.

They live apart from :mod:`dlquiz.store.database` (which owns writes, the log and
its replay) because they are tuned for one job: deciding what is due and what
is new over 100k items without making a Python object per row. ``Store``
inherits them; they use only its connection and ``query``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

#: ``(item_key, due)`` of visible items due on or before ``?`` (twice), by due date.
#: Answered from the index ``card_state_due_visible`` alone (a test checks the plan).
DUE_QUERY = (
    "SELECT item_key, due FROM card_state WHERE due <= ? AND suspended = 0"
    " AND (buried_until IS NULL OR buried_until <= ?) ORDER BY due"
)
#: The same items' keys as one newline-joined string (no order), for counting.
DUE_JOINED_QUERY = (
    "SELECT group_concat(item_key, '\n') FROM card_state WHERE due <= ? AND suspended = 0"
    " AND (buried_until IS NULL OR buried_until <= ?)"
)
#: Keys with a state row in ``[?, ?)``, newline-joined; the primary-key index alone.
#: The separator is a literal newline: ``char(10)`` would be called once per row
#: (a third of the query's time over 60,000 keys).
KEYS_BETWEEN_QUERY = (
    "SELECT group_concat(item_key, '\n') FROM card_state WHERE item_key >= ? AND item_key < ?"
)




class QueueQueries:
    """Queue reads over ``card_state`` and ``reviews`` (mixed into ``Store``)."""

    connection: sqlite3.Connection
    _known: set[str] | None
    _known_version: int
    _reviewed_runs: set[str]
    _reviewed_runs_version: int

    if TYPE_CHECKING:  # provided by Store
        def query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]: ...

        def _raise(self, exc: sqlite3.DatabaseError) -> NoReturn: ...

    def iter_due(self, today: str) -> Iterator[tuple[str, str]]:
        """Like :meth:`due_keys` but streamed, so a caller can stop after what it needs."""
        try:
            cursor = self.connection.execute(DUE_QUERY, (today, today))
            while rows := cursor.fetchmany(256):
                yield from rows
        except sqlite3.DatabaseError as exc:
            self._raise(exc)

    def due_keys(self, today: str) -> list[tuple[str, str]]:
        """``(item_key, due)`` of reviewed, visible items due on or before ``today``."""
        return self.query(DUE_QUERY, (today, today))

    def due_key_list(self, today: str) -> list[str]:
        """The keys of :meth:`due_keys` in no particular order, for counting.

        SQLite joins them into one string (from the covering due index), so a
        backlog of 20,000 due items costs one split rather than 20,000 rows.
        """
        text = self.query(DUE_JOINED_QUERY, (today, today))[0][0]
        return text.split("\n") if text else []

    def hidden_keys(self, today: str) -> set[str]:
        """Items suspended or buried as of ``today`` (new ones included)."""
        rows = self.query(  # the first term matches the partial index card_state_hidden
            "SELECT item_key FROM card_state WHERE (suspended = 1 OR buried_until IS NOT NULL)"
            " AND (suspended = 1 OR buried_until > ?)",
            (today,),
        )
        return {key for (key,) in rows}

    def known_keys(self) -> set[str]:
        """Keys that have been reviewed (i.e. are not new). Cached per data version.

        ``PRAGMA data_version`` changes when another connection commits; our own
        writes update the cache directly. One ``group_concat`` keeps the scan in
        C: it is the cost that dominates building a queue over 100k items.
        """
        version = self.query("PRAGMA data_version")[0][0]
        if self._known is None or version != self._known_version:
            text = self.query(
                "SELECT group_concat(item_key, '\n') FROM card_state"
                " WHERE last_reviewed IS NOT NULL"
            )[0][0]
            self._known = set(text.split("\n")) if text else set()
            self._known_version = version
        return self._known

    def state_keys_between(self, low: str, high: str | None) -> str:
        """Keys with a state row and ``low <= key < high`` (no upper bound when None).

        Newline-joined in the order SQLite walks the primary-key index (key
        order), ``""`` when there are none. Only the index is read, never a
        table row, and no Python object is made per key: this is the cheap way
        to learn that a whole deck of items has been seen (see
        :mod:`dlquiz.study.newcards`).
        """
        params: tuple[str, ...] = (low,) if high is None else (low, high)
        sql = KEYS_BETWEEN_QUERY if high is not None else KEYS_BETWEEN_QUERY.replace(" AND item_key < ?", "")
        return self.query(sql, params)[0][0] or ""

    def unreviewed_keys(self) -> set[str]:
        """Keys with a state row but no scheduled review (suspended or buried while new, undone).

        Together with :meth:`state_keys_between` this says which items are
        reviewed: a row that is not listed here. Few rows, read through the
        partial index ``card_state_unreviewed``.
        """
        rows = self.query("SELECT item_key FROM card_state WHERE last_reviewed IS NULL")
        return {key for (key,) in rows}

    def reviewed_runs(self) -> set[str]:
        """Memo for :mod:`dlquiz.study.newcards`: runs of keys found all reviewed, per data version.

        Answering only ever adds reviewed items, so an entry stays true across
        this connection's answers; undo, rebuild and import clear the memo, and
        a commit by another connection (``PRAGMA data_version``) drops it.
        """
        version = self.query("PRAGMA data_version")[0][0]
        if version != self._reviewed_runs_version:
            self._reviewed_runs = set()
            self._reviewed_runs_version = version
        return self._reviewed_runs

    def introduced_on(self, day: str) -> int:
        """How many items had their first scheduled review on study day ``day``."""
        return int(self.query("SELECT count(*) FROM card_state WHERE introduced_on = ?", (day,))[0][0])

    def reviewed_on(self, day: str) -> int:
        """Items reviewed (scheduled, not introduced that day) on study day ``day``."""
        return int(
            self.query(
                "SELECT count(DISTINCT r.item_key) FROM reviews r JOIN card_state c"
                " ON c.item_key = r.item_key WHERE r.study_day = ? AND r.scheduled = 1"
                " AND (c.introduced_on IS NULL OR c.introduced_on <> ?)",
                (day, day),
            )[0][0]
        )
