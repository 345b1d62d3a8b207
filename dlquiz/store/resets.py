"""Reset an item: forget its schedule, keep its history.

Why not delete the reviews: the log is the truth and history is worth keeping
(stats, the browser's history pane, exports). Why not only overwrite
``card_state``: a rebuild (``dlquiz db rebuild``, a scheduler switch, an
import, ``db check``) replays the log and would bring the old schedule back.

So a reset is recorded in the database beside the log, in the ``meta`` table
(migration 6) under ``reset:<item key>`` with the reset's time (UTC ISO, the
format of ``reviews.reviewed_at``), and every replay of the log skips the
item's scheduled reviews older than that (:data:`AFTER_RESET`, a condition
the store's replay queries include). No migration is needed; a later reset of
the same item replaces the earlier one (it hides a superset of the reviews).
Like suspend and bury, a reset is a local choice: review-log exports carry the
reviews, not the reset.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from dlquiz.clock import now_utc, utc_iso
from dlquiz.store.cardstate import CardState, state_values

if TYPE_CHECKING:
    from dlquiz.store.database import Store

RESET_PREFIX = "reset:"

#: SQL condition for a query over ``reviews`` (unaliased): the row is not hidden by a reset.
AFTER_RESET = (
    " AND reviewed_at >= coalesce((SELECT value FROM meta WHERE meta.key = 'reset:' ||"
    " reviews.item_key), '')"
)


def reset_item(store: Store, item_key: str, *, now: datetime | None = None) -> CardState:
    """Make ``item_key`` new again (suspended/buried flags kept); returns the new state."""
    with store.transaction():
        at = utc_iso(now or now_utc())
        store.connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                 (RESET_PREFIX + item_key, at))
        current = store.state(item_key)
        state = replace(CardState(item_key), suspended=current.suspended,
                        buried_until=current.buried_until)
        values = state_values(state)
        store.connection.execute(
            f"INSERT OR REPLACE INTO card_state VALUES ({', '.join('?' * len(values))})", values)
    # The new-card scan's memos assume answering only ever adds reviewed items: drop them.
    store._known = None
    store._reviewed_runs = set()
    return state


def reset_time(store: Store, item_key: str) -> str | None:
    """When the item was last reset (UTC ISO), or None."""
    rows = store.query("SELECT value FROM meta WHERE key = ?", (RESET_PREFIX + item_key,))
    return str(rows[0][0]) if rows else None
