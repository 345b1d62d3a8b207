"""Leeches: cards failed so often that repeating them is wasted time (Anki's name).

Convention: a *lapse* is a failed answer (quality < 3) on a card that had been
recalled at least once (``card_state.lapses``, derived from the log). A card is
a leech while its lapses are at least ``leech_threshold`` (default 8, 0 = off);
being a leech is therefore a tag read from the state, never stored apart, so a
rebuild or an import cannot lose or invent one. As in Anki, the answer whose
lapse reaches the threshold, and every half-threshold lapse after it (8, 12,
16, ...), *flags* the card: the session says so and, with ``leech_suspend``,
suspends it (undo takes that back).
"""

from __future__ import annotations

from dataclasses import dataclass

from dlquiz.store.database import Store
from dlquiz.study.sm2 import PASS_QUALITY


def is_new_leech(lapses_after: int, repetitions_before: int, quality: int, threshold: int) -> bool:
    """True when this answer's lapse brought the card to ``threshold`` (or a half-step past it)."""
    lapsed = quality < PASS_QUALITY and repetitions_before > 0
    if threshold <= 0 or not lapsed or lapses_after < threshold:
        return False
    return (lapses_after - threshold) % max(1, threshold // 2) == 0


@dataclass(frozen=True)
class Leech:
    item_key: str
    lapses: int
    suspended: bool


def leeches(store: Store, threshold: int) -> list[Leech]:
    """Every leech (lapses >= threshold), most lapses first, then by key; [] when off."""
    if threshold <= 0:
        return []
    rows = store.query(
        "SELECT item_key, lapses, suspended FROM card_state WHERE lapses >= ?"
        " ORDER BY lapses DESC, item_key",
        (threshold,),
    )
    return [Leech(key, int(lapses), bool(suspended)) for key, lapses, suspended in rows]
