"""Which scheduler the card states were derived with, and switching it by a replay.

The ``meta`` table (migration 6) records the active scheduler's spec as
canonical JSON under the key ``scheduler`` (see :mod:`dlquiz.study.schedulers`).
:meth:`Store.open` reads it, so every write path (answer, undo, rebuild,
import) uses the scheduler the states were made with; a database that has
none recorded was made by SM-2 without fuzz (:data:`LEGACY_SCHEDULER`).

:func:`use_scheduler` is how settings reach the store: when the wanted spec
differs from the recorded one, every state is replayed from the append-only
log under the new scheduler (``Store.rebuild``) and the spec recorded.
Replaying is exact, so SM-2 -> FSRS -> SM-2 gives back every SM-2 state. The
rebuild and the record are two transactions: if the process dies between
them, the next :func:`use_scheduler` sees the old record and replays again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dlquiz.store.cardstate import LEGACY_SCHEDULER
from dlquiz.study.scheduler import Scheduler
from dlquiz.study.schedulers import make_scheduler, spec_text

if TYPE_CHECKING:
    from dlquiz.store.database import Store

META_KEY = "scheduler"


def recorded_spec(store: Store) -> dict[str, Any] | None:
    """The spec recorded in the database (None: never recorded, i.e. legacy SM-2)."""
    rows = store.query("SELECT value FROM meta WHERE key = ?", (META_KEY,))
    return json.loads(rows[0][0]) if rows else None


def recorded_scheduler(store: Store) -> Scheduler:
    spec = recorded_spec(store)
    return make_scheduler(spec) if spec is not None else LEGACY_SCHEDULER


def use_scheduler(store: Store, spec: Mapping[str, Any]) -> bool:
    """Make ``spec`` the store's scheduler; True when the states were replayed for it."""
    wanted = make_scheduler(spec)
    recorded = recorded_spec(store)
    if recorded is not None and spec_text(recorded) == spec_text(wanted.spec()):
        store.scheduler = wanted
        return False
    store.scheduler = wanted
    store.rebuild()
    with store.transaction():
        store.connection.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (META_KEY, spec_text(wanted.spec()))
        )
    return True
