"""The mock interview history: one row per session, one per planned question (migration 8).

Why every planned question gets its row when the session starts (points
NULL until answered): a session left half-way (escape, a crash, the window
closed) still says what was asked and what was not, and its score counts the
unanswered questions as 0, as the report does (:mod:`dlquiz.study.mock_score`).
The answers themselves are ordinary review rows (``scheduled = 0``, the cram
rule); ``review_id`` links a question to its row. A session's score is
computed from its questions when read, so it can never disagree with them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dlquiz.study.mock_score import MAX_POINTS

if TYPE_CHECKING:
    from dlquiz.store.database import Store


@dataclass(frozen=True)
class PlannedQuestion:
    """What :func:`start_session` writes for one question of the plan."""

    item_key: str
    kind: str
    topic: str
    budget_s: float


@dataclass(frozen=True)
class QuestionRow:
    session_id: str
    position: int
    item_key: str
    kind: str
    topic: str
    budget_s: float
    seconds: float | None
    points: int | None
    review_id: str | None
    timed_out: bool


@dataclass(frozen=True)
class SessionRow:
    """One past session; ``score`` in percent over every planned question."""

    id: str
    started_at: str
    ended_at: str | None
    minutes: int
    requested: tuple[str, ...]
    topics: tuple[str, ...]
    seed: int
    questions: int
    answered: int
    score: float
    seconds: float

    @property
    def weakest(self) -> bool:
        return not self.requested

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "started_at": self.started_at, "ended_at": self.ended_at,
            "minutes": self.minutes, "requested": list(self.requested), "weakest": self.weakest,
            "topics": list(self.topics), "seed": self.seed, "questions": self.questions,
            "answered": self.answered, "score": round(self.score, 1),
            "seconds": round(self.seconds, 1),
        }  # fmt: skip


def start_session(store: Store, *, started_at: str, minutes: int, requested: Sequence[str],
                  topics: Sequence[str], seed: int, questions: Sequence[PlannedQuestion]) -> str:
    """Write the session and its planned questions in one transaction; returns its id."""
    session_id = uuid.uuid4().hex
    with store.transaction():
        con = store.connection
        con.execute(
            "INSERT INTO mock_sessions (id, started_at, minutes, requested, topics, seed)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, started_at, int(minutes), json.dumps(list(requested)),
             json.dumps(list(topics)), int(seed)),
        )
        con.executemany(
            "INSERT INTO mock_questions (session_id, position, item_key, kind, topic, budget_s)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(session_id, n, q.item_key, q.kind, q.topic, float(q.budget_s))
             for n, q in enumerate(questions)],
        )
    return session_id


def record_answer(store: Store, session_id: str, position: int, *, seconds: float,
                  points: int, review_id: str | None, timed_out: bool = False) -> None:
    """Score question ``position`` of the session (answering it twice keeps the last)."""
    if not 0 <= points <= MAX_POINTS:
        raise ValueError(f"points are 0-{MAX_POINTS}, got {points}")
    with store.transaction():
        cursor = store.connection.execute(
            "UPDATE mock_questions SET seconds = ?, points = ?, review_id = ?, timed_out = ?"
            " WHERE session_id = ? AND position = ?",
            (float(seconds), int(points), review_id, int(timed_out), session_id, int(position)),
        )
        if cursor.rowcount != 1:
            raise ValueError(f"mock session {session_id} has no question {position}")


def finish_session(store: Store, session_id: str, *, ended_at: str) -> None:
    with store.transaction():
        store.connection.execute("UPDATE mock_sessions SET ended_at = ? WHERE id = ?",
                                 (ended_at, session_id))


_SESSION_SQL = f"""
    SELECT s.id, s.started_at, s.ended_at, s.minutes, s.requested, s.topics, s.seed,
           count(q.position), count(q.points),
           100.0 * coalesce(sum(q.points), 0) / max(1, {MAX_POINTS} * count(q.position)),
           coalesce(sum(q.seconds), 0)
    FROM mock_sessions s LEFT JOIN mock_questions q ON q.session_id = s.id
"""


def _session(row: tuple[Any, ...]) -> SessionRow:
    (sid, started, ended, minutes, requested, topics, seed, n, answered, score, seconds) = row
    return SessionRow(str(sid), str(started), None if ended is None else str(ended), int(minutes),
                      tuple(json.loads(requested)), tuple(json.loads(topics)),
                      int(seed), int(n), int(answered), float(score), float(seconds))


def history(store: Store, limit: int | None = None) -> list[SessionRow]:
    """Past sessions, oldest first (the last ``limit`` when given)."""
    rows = store.query(f"{_SESSION_SQL} GROUP BY s.id ORDER BY s.started_at DESC, s.rowid DESC"
                       + (" LIMIT ?" if limit is not None else ""),
                       (int(limit),) if limit is not None else ())
    return [_session(r) for r in reversed(rows)]


def session(store: Store, session_id: str) -> SessionRow | None:
    rows = store.query(f"{_SESSION_SQL} WHERE s.id = ? GROUP BY s.id", (session_id,))
    return _session(rows[0]) if rows else None


def questions(store: Store, session_id: str) -> list[QuestionRow]:
    """The session's questions in the order they were asked."""
    rows = store.query(
        "SELECT session_id, position, item_key, kind, topic, budget_s, seconds, points,"
        " review_id, timed_out FROM mock_questions WHERE session_id = ? ORDER BY position",
        (session_id,),
    )
    return [QuestionRow(str(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), float(r[5]),
                        None if r[6] is None else float(r[6]), None if r[7] is None else int(r[7]),
                        None if r[8] is None else str(r[8]), bool(r[9])) for r in rows]
