"""Today's limits and queue material: the item index, due keys, counts per deck.

Split from :mod:`dlquiz.study.session` (which re-exports these names) so the
session stays about one sitting. Order rules (review mode): due items by due
date, ties in a seeded shuffle, capped by the global review limit and each
deck's own (:mod:`dlquiz.study.limits`); new items in deck order up to the
new-card limits. With an interview date the due part is ordered by
:mod:`dlquiz.study.plan` instead.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from dlquiz.clock import DEFAULT_DAY_START_HOUR
from dlquiz.model import Item
from dlquiz.store.database import Store
from dlquiz.study.limits import (
    DeckLimit,
    Quotas,
    deck_of,
    deck_quotas,
    nothing_to_study_reason,
    take_within,
)
from dlquiz.study.newcards import Run, first_new, make_runs, new_counts

DEFAULT_NEW_PER_DAY = 20
DEFAULT_REVIEWS_PER_DAY = 200
#: Lapses (failed answers after a success) that make a card a leech, as in Anki.
DEFAULT_LEECH_THRESHOLD = 8


@dataclass(frozen=True)
class SchedulingConfig:
    """Daily limits, day start (local hour, 0-23), leeches, siblings, interview date."""

    new_per_day: int = DEFAULT_NEW_PER_DAY
    reviews_per_day: int = DEFAULT_REVIEWS_PER_DAY
    day_start_hour: int = DEFAULT_DAY_START_HOUR
    deck_limits: tuple[DeckLimit, ...] = ()
    #: 0 = leeches are never flagged.
    leech_threshold: int = DEFAULT_LEECH_THRESHOLD
    leech_suspend: bool = False
    bury_siblings: bool = False
    #: ``YYYY-MM-DD``: aim the queue at this day until it has passed (see dlquiz.study.plan).
    interview_date: str | None = None


class ItemIndex:
    """Items in study order with their keys computed once.

    Building the index is part of loading decks; a session over 100k items
    then never recomputes 100k keys. Pass one to :class:`StudySession` and
    :func:`queue_counts` to share it.
    """

    def __init__(self, items: Sequence[Item]) -> None:
        self.keys: list[str] = [item.key for item in items]
        self.by_key: dict[str, Item] = dict(zip(self.keys, items))

    @classmethod
    def from_mapping(cls, by_key: Mapping[str, Item]) -> ItemIndex:
        """An index over an existing ``{key: item}`` map (e.g. the catalog's), in its order."""
        index = cls.__new__(cls)
        index.by_key = dict(by_key)
        index.keys = list(index.by_key)
        return index

    def __len__(self) -> int:
        return len(self.keys)

    @cached_property
    def runs(self) -> tuple[Run, ...]:
        """The keys cut into per-deck runs for :func:`dlquiz.study.newcards.first_new` (made once)."""
        return make_runs(self.keys, unique=len(self.by_key) == len(self.keys))


def as_index(items: Sequence[Item] | ItemIndex) -> ItemIndex:
    return items if isinstance(items, ItemIndex) else ItemIndex(items)


def limits_left(store: Store, today: str, config: SchedulingConfig) -> tuple[int, int]:
    """(reviews left today, new items left today) under the global limits."""
    reviews_left = max(0, config.reviews_per_day - store.reviewed_on(today))
    new_left = max(0, config.new_per_day - store.introduced_on(today))
    return reviews_left, new_left


def _due_keys(
    store: Store, index: ItemIndex, day: str, limit: int, rng: random.Random,
    quota: Mapping[str, int] | None = None,
) -> list[str]:  # fmt: skip
    """The first ``limit`` loaded due items by due date, each date's items in a seeded shuffle.

    Rows stream in due order and reading stops at the end of the due date that
    fills the limit, so a large backlog costs only what the queue shows. With a
    per-deck ``quota`` every due row is read (a deck's cap may skip many) and
    the cut is made per deck after the shuffle.
    """
    if limit <= 0:
        return []
    groups: dict[str, list[str]] = {}
    taken = 0
    boundary: str | None = None
    for key, due in store.iter_due(day):
        if boundary is not None and due != boundary:
            break
        if key in index.by_key:
            groups.setdefault(due, []).append(key)
            taken += 1
            if boundary is None and taken >= limit and not quota:
                boundary = due
    ordered: list[str] = []
    for due in sorted(groups):
        group = sorted(groups[due])
        rng.shuffle(group)
        ordered += group
    return take_within(ordered, quota, limit) if quota else ordered[:limit]


def new_keys_within(
    store: Store, index: ItemIndex, limit: int, hidden: set[str], quota: Mapping[str, int]
) -> list[str]:
    """The first ``limit`` new keys in study order that fit each deck's new-card quota."""
    if not quota:
        return first_new(store, index.runs, limit, hidden)
    left = dict(quota)
    found: list[str] = []
    for run in index.runs:
        if len(found) >= limit:
            break
        deck = run.prefix.removesuffix("/")
        room = limit - len(found) if deck not in left else min(left[deck], limit - len(found))
        if room <= 0:
            continue
        keys = first_new(store, (run,), room, hidden)
        if deck in left:
            left[deck] -= len(keys)
        found += keys
    return found


def queue_counts(
    store: Store, items: Sequence[Item] | ItemIndex, today: date, config: SchedulingConfig
) -> dict[str, tuple[int, int]]:
    """Per deck: (due today, new available today), each capped by the day's limits.

    A deck is the part of a key before its first ``/``; items listed twice
    count twice. Due items are counted from today's due rows (a few thousand
    at most), new ones per deck run (see :func:`dlquiz.study.newcards.new_counts`),
    so no step reads every reviewed key or walks every item in Python. A deck
    with its own limits is capped by them too.
    """
    index = as_index(items)
    day = today.isoformat()
    reviews_left, new_left = limits_left(store, day, config)
    counts = uncapped_counts(store, index, day)
    quotas = deck_quotas(store, day, config.deck_limits)
    return {
        deck: (min(d, reviews_left, quotas.reviews.get(deck, d)), min(n, new_left, quotas.new.get(deck, n)))
        for deck, (d, n) in counts.items()
    }


def uncapped_counts(store: Store, index: ItemIndex, day: str) -> dict[str, tuple[int, int]]:
    """Per deck: (due, new) that would be shown today without any limit."""
    counts: dict[str, list[int]] = {}
    runs = index.runs
    for run, new in zip(runs, new_counts(store, runs, store.hidden_keys(day))):
        counts.setdefault(run.prefix.removesuffix("/"), [0, 0])[1] += new
    repeats = None if len(index.by_key) == len(index.keys) else Counter(index.keys)
    unreviewed = store.unreviewed_keys()
    by_key = index.by_key
    for key in store.due_key_list(day):
        if key in by_key:
            times = repeats[key] if repeats else 1
            pair = counts[deck_of(key)]
            pair[0] += times
            if key in unreviewed:  # a due date without a review (edited outside dlquiz): due only
                pair[1] -= times
    return {deck: (d, n) for deck, (d, n) in counts.items()}


def nothing_to_study(
    store: Store, items: Sequence[Item] | ItemIndex, today: date, config: SchedulingConfig
) -> str:
    """Why today's queue over ``items`` is empty: the limit reached (and the key that changes it),
    everything hidden, or nothing due -- and that cram is one key away."""
    index = as_index(items)
    day = today.isoformat()
    reviews_left, new_left = limits_left(store, day, config)
    counts = uncapped_counts(store, index, day)
    due_waiting = sum(d for d, _ in counts.values())
    new_waiting = sum(n for _, n in counts.values())
    quotas: Quotas = deck_quotas(store, day, config.deck_limits)
    capped = [deck for deck, left in {**quotas.reviews, **quotas.new}.items() if left == 0 and deck in counts]
    next_due = store.query(
        "SELECT min(due) FROM card_state WHERE due > ? AND suspended = 0", (day,)
    )[0][0]
    return nothing_to_study_reason(
        due_waiting=due_waiting, new_waiting=new_waiting,
        reviews_per_day=config.reviews_per_day, reviews_left=reviews_left,
        new_per_day=config.new_per_day, new_left=new_left, capped_decks=capped, next_due=next_due,
    )  # fmt: skip
