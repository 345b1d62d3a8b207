"""The SQLite store: review log, card states, exercise attempts.

Why SQLite in WAL mode with ``BEGIN IMMEDIATE`` for every write: readers never block the
writer, two processes answering at once queue on the write lock (up to :data:`BUSY_TIMEOUT_S`)
instead of failing with "database is locked", and a process killed mid-answer leaves the
whole answer (log row, state, typed text) or none. ``synchronous=NORMAL``: only a power cut
loses answers.

The log is the truth; ``card_state`` is derived from it by replaying every scheduled review
through the store's scheduler (:attr:`Store.scheduler`: SM-2 or FSRS, recorded in the
database, see :mod:`dlquiz.store.scheduling`). Undo replays one item the same way, so undo
and rebuild agree by construction. Rows for cards that are not loaded are kept and wait for
the card. Nothing happens at import: :meth:`Store.open` creates the file and its folder.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, Self

from dlquiz.clock import DEFAULT_DAY_START_HOUR, now_utc, utc_iso, utc_now_iso
from dlquiz.clock import study_day as day_of
from dlquiz.errors import StoreError
from dlquiz.model import Review
from dlquiz.store.cardstate import STATE_INSERT, CardState, state_from_row, state_values, step
from dlquiz.store.cardstate import LEGACY_SCHEDULER
from dlquiz.store.dbfile import check_file_size, rollback_quietly, store_error
from dlquiz.store.migrations import MIGRATIONS
from dlquiz.store.queue_queries import QueueQueries
from dlquiz.store.resets import AFTER_RESET
from dlquiz.store.scheduling import recorded_scheduler
from dlquiz.store.typed_answers import write_typed_answer
from dlquiz.study import sm2
from dlquiz.study.scheduler import Scheduler

BUSY_TIMEOUT_S = 10.0

REVIEW_COLUMNS = (
    "id", "item_key", "reviewed_at", "study_day", "grade", "quality",
    "interval_before", "interval_after", "easiness_before", "easiness_after",
    "repetitions_before", "repetitions_after", "due_before", "due_after",
    "duration_s", "graded_by", "scheduled", "drawn",
)  # fmt: skip
_SELECT_REVIEWS = f"SELECT {', '.join(REVIEW_COLUMNS)} FROM reviews"
def _review_from_row(row: tuple[Any, ...]) -> Review:
    values = dict(zip(REVIEW_COLUMNS, row))
    values.pop("study_day")
    values["scheduled"] = bool(values["scheduled"])
    values["drawn"] = json.loads(values["drawn"]) if values["drawn"] else None
    return Review(**values)


class Store(QueueQueries):
    """One open database. Use :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.connection = connection
        self._known: set[str] | None = None
        self._known_version = -1
        self._reviewed_runs: set[str] = set()
        self._reviewed_runs_version = -1
        self.scheduler: Scheduler = LEGACY_SCHEDULER  # replaced by the recorded one in open()

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open (creating if needed) and migrate the database at ``path``.

        Raises CorruptDatabaseError when the file is not a readable SQLite
        database (never starts afresh over it), StoreError when it stays locked.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        check_file_size(path)
        try:
            con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path}: {exc}") from exc
        store = cls(path, con)
        try:
            con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("PRAGMA synchronous = NORMAL")
            con.execute("PRAGMA foreign_keys = ON")
            store._migrate()
            store.scheduler = recorded_scheduler(store)
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            con.close()
            store._raise(exc)
        return store

    def _migrate(self) -> None:
        con = self.connection
        if con.execute("PRAGMA user_version").fetchone()[0] >= len(MIGRATIONS):
            return
        with self.transaction():
            version = con.execute("PRAGMA user_version").fetchone()[0]
            for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in statements:
                    con.execute(statement)
                con.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _raise(self, exc: sqlite3.Error) -> NoReturn:
        raise store_error(exc, self.path) from exc  # damaged (restore hint), disk full, other

    def transaction(self) -> _Transaction:
        """``with store.transaction():`` -- BEGIN IMMEDIATE ... COMMIT (rollback on error)."""
        return _Transaction(self)

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a read query, turning SQLite errors into StoreError/CorruptDatabaseError."""
        try:
            return self.connection.execute(sql, tuple(params)).fetchall()
        except sqlite3.DatabaseError as exc:
            self._raise(exc)
            raise

    # -- card states -----------------------------------------------------------------

    def state(self, item_key: str) -> CardState:
        """The item's state (a fresh new-card state when it has no row)."""
        rows = self.query("SELECT * FROM card_state WHERE item_key = ?", (item_key,))
        return state_from_row(rows[0]) if rows else CardState(item_key)

    def states(self) -> Iterator[CardState]:
        for row in self.query("SELECT * FROM card_state ORDER BY item_key"):
            yield state_from_row(row)

    def _write_state(self, state: CardState) -> None:
        self.connection.execute(STATE_INSERT, state_values(state))

    def set_suspended(self, item_key: str, suspended: bool) -> None:
        with self.transaction():
            self._write_state(replace(self.state(item_key), suspended=suspended))

    def bury(self, item_key: str, until_day: str | None) -> None:
        """Hide the item until study day ``until_day`` (None un-buries)."""
        with self.transaction():
            self._write_state(replace(self.state(item_key), buried_until=until_day))

    # -- answering -------------------------------------------------------------------

    def answer(
        self,
        item_key: str,
        quality: int,
        *,
        grade: str,
        graded_by: str,
        duration_s: float,
        now: datetime | None = None,
        day_start_hour: int = DEFAULT_DAY_START_HOUR,
        drawn: Mapping[str, Any] | None = None,
        scheduled: bool = True,
        typed_answer: str | None = None,
    ) -> Review:
        """Log one answer and (when ``scheduled``) move the item's state, atomically.

        The state is read inside the write transaction, so two processes answering one item
        never overwrite each other's step. Without an explicit ``now`` the time is taken inside
        it too: time order is commit order, so a rebuild (replaying in time order) reproduces
        what the live path computed. ``typed_answer`` is stored beside the row, same commit.
        """
        sm2.review(sm2.SM2State(), quality)  # validate before touching the database
        with self.transaction():
            moment = now or now_utc()
            reviewed_at = utc_iso(moment)
            study_day = day_of(moment, day_start_hour).isoformat()
            before = self.state(item_key)
            after = step(before, quality, study_day, reviewed_at, self.scheduler) if scheduled else before
            review = Review(
                id=uuid.uuid4().hex, item_key=item_key, reviewed_at=reviewed_at, grade=grade,
                quality=quality, interval_before=before.interval, interval_after=after.interval,
                easiness_before=before.easiness, easiness_after=after.easiness,
                repetitions_before=before.repetitions, repetitions_after=after.repetitions,
                due_before=before.due, due_after=after.due, duration_s=float(duration_s),
                graded_by=graded_by, scheduled=scheduled, drawn=dict(drawn) if drawn else None,
            )  # fmt: skip
            self._insert_review(review, study_day)
            if typed_answer is not None:
                write_typed_answer(self.connection, review.id, typed_answer)
            if scheduled:
                self._write_state(after)
        if scheduled and self._known is not None:
            self._known.add(item_key)
        return review

    def _insert_review(self, review: Review, study_day: str, *, ignore: bool = False) -> bool:
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        cursor = self.connection.execute(
            f"{verb} INTO reviews VALUES ({', '.join('?' * len(REVIEW_COLUMNS))})",
            (
                review.id, review.item_key, review.reviewed_at, study_day, review.grade,
                review.quality, review.interval_before, review.interval_after,
                review.easiness_before, review.easiness_after, review.repetitions_before,
                review.repetitions_after, review.due_before, review.due_after,
                review.duration_s, review.graded_by, int(review.scheduled),
                json.dumps(dict(review.drawn), sort_keys=True) if review.drawn else None,
            ),
        )  # fmt: skip
        return cursor.rowcount > 0

    def last_review(self) -> Review | None:
        rows = self.query(f"{_SELECT_REVIEWS} ORDER BY rowid DESC LIMIT 1")
        return _review_from_row(rows[0]) if rows else None

    def undo_last(self) -> Review | None:
        """Remove the most recently written review and restore its item's state."""
        last = self.last_review()
        return self.undo_review(last.id) if last else None

    def undo_review(self, review_id: str) -> Review | None:
        """Remove review ``review_id`` and re-derive its item's state from the rest.

        Returns the removed review, or None when it is not in the log (already
        undone). The state is replayed from the item's remaining scheduled rows,
        which equals the row's before-values for a log written on one machine
        and stays right after merged imports too.
        """
        with self.transaction():
            rows = self.connection.execute(
                f"{_SELECT_REVIEWS} WHERE id = ?", (review_id,)
            ).fetchall()
            if not rows:
                return None
            review = _review_from_row(rows[0])
            self.connection.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            if review.scheduled:
                self._replay_item(review.item_key)
        self._known = None
        self._reviewed_runs = set()
        return review

    def _replay_item(self, item_key: str) -> None:
        current = self.state(item_key)
        state = CardState(item_key, suspended=current.suspended, buried_until=current.buried_until)
        for quality, day, at in self.connection.execute(
            "SELECT quality, study_day, reviewed_at FROM reviews WHERE item_key = ?"
            f" AND scheduled = 1{AFTER_RESET} ORDER BY reviewed_at, rowid",
            (item_key,),
        ):
            state = step(state, quality, day, at, self.scheduler)
        self._write_state(state)

    def rebuild(self) -> int:
        """Recompute every card state from the log; returns the number of states.

        Suspended and buried flags are kept: they are choices, not answers.
        """
        with self.transaction():
            return self.rebuild_in_transaction()

    def rebuild_in_transaction(self) -> int:
        """:meth:`rebuild` inside the caller's write transaction (import, remap: one commit)."""
        con = self.connection
        flags = {
            key: (bool(s), b)
            for key, s, b in con.execute(
                "SELECT item_key, suspended, buried_until FROM card_state"
                " WHERE suspended = 1 OR buried_until IS NOT NULL"
            )
        }
        states: dict[str, CardState] = {}
        for key, quality, day, at in con.execute(
            "SELECT item_key, quality, study_day, reviewed_at FROM reviews"
            f" WHERE scheduled = 1{AFTER_RESET} ORDER BY reviewed_at, rowid"
        ):
            prev = states.get(key) or CardState(key)
            states[key] = step(prev, quality, day, at, self.scheduler)
        for key, (suspended, buried) in flags.items():
            prev = states.get(key) or CardState(key)
            states[key] = replace(prev, suspended=suspended, buried_until=buried)
        con.execute("DELETE FROM card_state")
        con.executemany(STATE_INSERT, map(state_values, states.values()))  # 1M reviews: 200k
        self._known = None
        self._reviewed_runs = set()
        return len(states)

    # -- log access, import ----------------------------------------------------------

    def reviews(self, item_key: str | None = None) -> Iterator[Review]:
        """Reviews in the order they happened (``reviewed_at``, then write order)."""
        where, params = ("WHERE item_key = ?", (item_key,)) if item_key else ("", ())
        try:
            cursor = self.connection.execute(
                f"{_SELECT_REVIEWS} {where} ORDER BY reviewed_at, rowid", params
            )
            for row in cursor:
                yield _review_from_row(row)
        except sqlite3.DatabaseError as exc:
            self._raise(exc)

    def review_days(self) -> Iterator[tuple[str, str]]:
        """``(review id, study day)`` for every review, for exports."""
        yield from self.query("SELECT id, study_day FROM reviews")

    def import_reviews(self, reviews: Iterable[tuple[Review, str]]) -> int:
        """Merge ``(review, study_day)`` pairs by review id, then rebuild.

        Idempotent: a review already present (same id) is skipped, so importing
        the same file twice adds nothing; rows and states are one transaction
        (:func:`dlquiz.store.importing.merge_rows`). Returns how many rows were added.
        """
        from dlquiz.store.importing import merge_rows, row_values

        return merge_rows(self, (row_values(r, d) for r, d in reviews), REVIEW_COLUMNS)

    def review_count(self) -> int:
        return int(self.query("SELECT count(*) FROM reviews")[0][0])

    # -- exercises -------------------------------------------------------------------

    def record_attempt(
        self,
        exercise_id: str,
        verdict: str,
        passed: int,
        total: int,
        hints_used: int = 0,
        duration_s: float = 0.0,
        *,
        at: str | None = None,
        code_sha256: str | None = None,
    ) -> str:
        """Log one graded run of an exercise (with its code's fingerprint); returns its id."""
        attempt_id = uuid.uuid4().hex
        with self.transaction():
            self.connection.execute(
                "INSERT INTO exercise_attempts (id, exercise_id, at, verdict, passed, total,"
                " hints_used, duration_s, code_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (attempt_id, exercise_id, at or utc_now_iso(), verdict, int(passed), int(total),
                 int(hints_used), float(duration_s), code_sha256),
            )  # fmt: skip
        return attempt_id

    def passing_fingerprints(self, exercise_id: str) -> set[str]:
        """Fingerprints of every code that passed this exercise (runs logged with one)."""
        rows = self.query("SELECT DISTINCT code_sha256 FROM exercise_attempts WHERE exercise_id = ?"
                          " AND verdict = 'pass' AND code_sha256 IS NOT NULL", (exercise_id,))
        return {fp for (fp,) in rows}

    def solved_exercises(self) -> set[str]:
        """Exercises with at least one passing run."""
        rows = self.query("SELECT DISTINCT exercise_id FROM exercise_attempts WHERE verdict = 'pass'")
        return {exercise_id for (exercise_id,) in rows}

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` messages; ``[]`` when the database is healthy."""
        try:
            rows = self.connection.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        messages = [str(message) for (message,) in rows]
        return [] if messages == ["ok"] else messages


class _Transaction:
    """BEGIN IMMEDIATE / COMMIT / ROLLBACK with SQLite errors made human."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> None:
        try:
            self.store.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            self.store._raise(exc)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        con = self.store.connection
        if exc_type is None:
            try:
                con.execute("COMMIT")
                return
            except sqlite3.Error as commit_exc:
                rollback_quietly(con)  # SQLITE_FULL may have rolled back already
                self.store._raise(commit_exc)
        rollback_quietly(con)
        if isinstance(exc, sqlite3.Error):
            self.store._raise(exc)
