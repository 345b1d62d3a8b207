"""Per-deck daily limits beside the global ones, and why there is nothing to study.

Anki users expect both a global cap and one per deck. Convention: a deck is the
part of an item key before its first ``/``; a deck's quota for today is its
limit minus what was already done in that deck today (reviews of items not
introduced today; items introduced today), never below 0. The global limits
still apply on top: an item needs room in both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dlquiz.store.database import Store


@dataclass(frozen=True)
class DeckLimit:
    """``[deck_limits.<deck_id>]`` in config.toml; None = only the global limit applies."""

    deck_id: str
    new_per_day: int | None = None
    reviews_per_day: int | None = None


def deck_of(key: str) -> str:
    return key.partition("/")[0]


def _per_deck(keys: Iterable[str]) -> Counter[str]:
    return Counter(deck_of(key) for key in keys)


def done_today(store: Store, day: str) -> tuple[Counter[str], Counter[str]]:
    """Per deck: (items reviewed today that were not introduced today, items introduced today)."""
    introduced = [k for (k,) in store.query("SELECT item_key FROM card_state WHERE introduced_on = ?", (day,))]
    reviewed = [
        k
        for (k,) in store.query(
            "SELECT DISTINCT r.item_key FROM reviews r JOIN card_state c ON c.item_key = r.item_key"
            " WHERE r.study_day = ? AND r.scheduled = 1"
            " AND (c.introduced_on IS NULL OR c.introduced_on <> ?)",
            (day, day),
        )
    ]
    return _per_deck(reviewed), _per_deck(introduced)


@dataclass(frozen=True)
class Quotas:
    """What each limited deck may still take today (decks without a limit are absent)."""

    reviews: Mapping[str, int]
    new: Mapping[str, int]

    @property
    def empty(self) -> bool:
        return not self.reviews and not self.new


def deck_quotas(store: Store, day: str, limits: Iterable[DeckLimit]) -> Quotas:
    limits = tuple(limits)
    if not limits:
        return Quotas({}, {})
    reviewed, introduced = done_today(store, day)
    reviews = {lim.deck_id: max(0, lim.reviews_per_day - reviewed[lim.deck_id])
               for lim in limits if lim.reviews_per_day is not None}  # fmt: skip
    new = {lim.deck_id: max(0, lim.new_per_day - introduced[lim.deck_id])
           for lim in limits if lim.new_per_day is not None}  # fmt: skip
    return Quotas(reviews, new)


def take_within(keys: Iterable[str], quota: Mapping[str, int], limit: int) -> list[str]:
    """The first keys (in order) that fit their deck's quota, at most ``limit`` of them."""
    left = dict(quota)
    taken: list[str] = []
    for key in keys:
        if len(taken) >= limit:
            break
        deck = deck_of(key)
        if deck in left:
            if left[deck] <= 0:
                continue
            left[deck] -= 1
        taken.append(key)
    return taken


def nothing_to_study_reason(
    *,
    due_waiting: int,
    new_waiting: int,
    reviews_per_day: int,
    reviews_left: int,
    new_per_day: int,
    new_left: int,
    capped_decks: Iterable[str] = (),
    next_due: str | None = None,
) -> str:
    """One or two sentences: why the queue is empty, which setting changes it, and cram.

    ``due_waiting`` / ``new_waiting``: cards that would be shown without any limit.
    """
    parts: list[str] = []
    if due_waiting and reviews_left == 0:
        parts.append(f"Today's review limit ({reviews_per_day}) is reached; {due_waiting} more "
                     "cards are due. Raise 'Reviews per day' in settings (o) to see them.")  # fmt: skip
    if new_waiting and new_left == 0:
        parts.append(f"Today's new-card limit ({new_per_day}) is reached; {new_waiting} new "
                     "cards wait. Raise 'New cards per day' in settings (o) for more.")  # fmt: skip
    capped = sorted(set(capped_decks))
    if capped and (due_waiting or new_waiting) and not parts:
        parts.append(f"The daily limit of deck {', '.join(capped)} is reached "
                     "([deck_limits] in config.toml).")  # fmt: skip
    if not parts:
        if due_waiting or new_waiting:
            parts.append("The cards that are left are suspended or buried until tomorrow.")
        else:
            when = f" The next card is due on {next_due}." if next_due else ""
            parts.append(f"No card is due and every card has been started.{when}")
    parts.append("Cram (c) practises ahead without touching the schedule.")
    return " ".join(parts)
