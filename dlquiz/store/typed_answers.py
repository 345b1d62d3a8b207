"""What the learner typed before a card was revealed, kept beside its review (migration 7).

The text hangs on the review's id in a table of its own (see ``_V7`` in
:mod:`dlquiz.store.migrations` for why not a column). It is written by
:meth:`Store.answer` in the answer's own transaction, so a review and its text
are committed together or not at all, and deleted with the review (undo).
Review-log exports carry the review rows only: a typed text stays on the
machine where it was typed.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlquiz.store.database import Store


def write_typed_answer(connection: sqlite3.Connection, review_id: str, text: str) -> None:
    """Store ``text`` for review ``review_id`` (inside the caller's transaction)."""
    connection.execute("INSERT INTO typed_answers (review_id, text) VALUES (?, ?)",
                       (review_id, text))


def typed_answer(store: Store, review_id: str) -> str | None:
    """The text typed for one review, or None when the card was answered without typing."""
    rows = store.query("SELECT text FROM typed_answers WHERE review_id = ?", (review_id,))
    return str(rows[0][0]) if rows else None


def typed_answers(store: Store, item_key: str) -> dict[str, str]:
    """Review id -> typed text for every review of ``item_key`` that has one."""
    rows = store.query(
        "SELECT t.review_id, t.text FROM typed_answers t JOIN reviews r ON r.id = t.review_id"
        " WHERE r.item_key = ?", (item_key,))
    return {review_id: text for review_id, text in rows}
