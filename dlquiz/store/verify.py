"""``db check``'s second half: does ``card_state`` equal a replay of the log?

``PRAGMA integrity_check`` finds damaged pages, not a stale derivation: an
import killed between writing rows and rebuilding states, or a bug, leaves a
sound file whose states disagree with the log that is the truth. This module
replays the log *with the store's own* :meth:`Store.rebuild` on an in-memory
copy of the database (SQLite's backup API), so the check can never disagree
with what ``db rebuild`` would write, whichever scheduler is recorded, and
never writes to the real file.

On a large log (more than :data:`SAMPLE_ABOVE` reviews) a random sample of
:data:`SAMPLE_ITEMS` items is checked: the copy keeps only their reviews and
states before the replay, which costs time in proportion to the sample.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass

from dlquiz.store.database import Store

SAMPLE_ABOVE = 200_000
SAMPLE_ITEMS = 2_000
_SHOWN = 3


@dataclass(frozen=True)
class ReplayReport:
    """What the replay found: items compared, differing items (a few shown), sampled or not."""

    compared: int
    differing: int
    examples: tuple[str, ...]
    sampled: bool

    @property
    def ok(self) -> bool:
        return self.differing == 0


def _rows(con: sqlite3.Connection, keys: list[str] | None) -> dict[str, tuple[object, ...]]:
    rows = con.execute("SELECT * FROM card_state ORDER BY item_key").fetchall()
    names = [d[0] for d in con.execute("SELECT * FROM card_state LIMIT 0").description]
    wanted = set(keys) if keys is not None else None
    out = {}
    for row in rows:
        if wanted is not None and row[0] not in wanted:
            continue
        fields = dict(zip(names, row))
        if _blank(fields):
            continue  # e.g. a new card suspended and unsuspended: no schedule to derive
        out[row[0]] = tuple(fields.items())
    return out


def _blank(fields: dict[str, object]) -> bool:
    return (fields.get("last_reviewed") is None and not fields.get("suspended")
            and fields.get("buried_until") is None and not fields.get("repetitions")
            and not fields.get("lapses"))


def _describe(key: str, live: tuple[object, ...] | None, replay: tuple[object, ...] | None) -> str:
    if live is None:
        return f"{key}: no state row, but the log has scheduled reviews"
    if replay is None:
        return f"{key}: a state row the log does not explain"
    diffs = [f"{name} {a!r} != {b!r}" for (name, a), (_, b) in zip(live, replay) if a != b]
    return f"{key}: {', '.join(diffs[:3])} (stored != replayed)"


def check_replay(store: Store, *, sample_above: int = SAMPLE_ABOVE,
                 sample_items: int = SAMPLE_ITEMS, seed: int | None = None) -> ReplayReport:
    """Compare ``card_state`` with a replay of the log (all items, or a sample on large logs)."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        store.connection.backup(memory)
        copy = Store(store.path, memory)
        copy.scheduler = store.scheduler  # the replay the states were made with
        total = memory.execute("SELECT count(*) FROM reviews").fetchone()[0]
        keys: list[str] | None = None
        if total > sample_above:
            every = [k for (k,) in memory.execute(
                "SELECT item_key FROM reviews UNION SELECT item_key FROM card_state")]
            keys = random.Random(seed).sample(every, min(sample_items, len(every)))
            memory.execute("CREATE TEMP TABLE keep (k TEXT PRIMARY KEY)")
            memory.executemany("INSERT INTO keep VALUES (?)", [(k,) for k in keys])
            memory.execute("DELETE FROM reviews WHERE item_key NOT IN (SELECT k FROM keep)")
            memory.execute("DELETE FROM card_state WHERE item_key NOT IN (SELECT k FROM keep)")
        live = _rows(memory, keys)
        copy.rebuild()
        replay = _rows(memory, keys)
    finally:
        memory.close()
    differing = sorted(k for k in live.keys() | replay.keys() if live.get(k) != replay.get(k))
    return ReplayReport(
        compared=len(live.keys() | replay.keys()), differing=len(differing),
        examples=tuple(_describe(k, live.get(k), replay.get(k)) for k in differing[:_SHOWN]),
        sampled=keys is not None,
    )
