"""The card browser's core: an index over every item, its states, search and history.

Why an index built once per catalog: the browser searches on every keystroke
over up to 100,000 items, so per-item work that does not depend on the query
(joining and lowercasing the card's text, splitting its topics) is done once
by :meth:`BrowseIndex.build`; a search is then one pass of ``in`` tests over
plain strings. Cloze deletions of one card share one haystack string.

States (new, due, suspended, buried, leech) come from ``card_state`` in one
query (:func:`load_states`) into a :class:`StateSnapshot`, taken when the
browser opens and refreshed for an item after an action on it; a search never
touches the database, so it can run on any thread. Results are capped
(:data:`DEFAULT_LIMIT`); :attr:`SearchResult.total` still counts every match.

Definitions (relative to the study day ``today``): *new* = never reviewed (or
reset); *due* = reviewed and due on or before today (suspended or buried ones
too: combine with ``-is:suspended``); *suspended* = suspended flag; *buried* =
hidden until a later day; *leech* = lapses at least the leech threshold
(:mod:`dlquiz.study.leeches`; never with threshold 0).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from dlquiz.model import Card, Item, Review
from dlquiz.store.database import Store
from dlquiz.study.browse_query import TEXT, Query, Term, parse

#: Rows a search returns at most (the table shows them; cram takes every match).
DEFAULT_LIMIT = 500

NEW, DUE, SUSPENDED, BURIED, LEECH = 1, 2, 4, 8, 16
STATE_BITS = {"new": NEW, "due": DUE, "suspended": SUSPENDED, "buried": BURIED, "leech": LEECH}


def card_haystack(card: Card) -> str:
    """Everything a free-text word may match, lowercased, joined by newlines."""
    parts = (card.id, card.front, card.back, card.text, *card.choices, card.explanation,
             card.exercise, *card.tags)
    return "\n".join(p for p in parts if p).lower()


@dataclass(frozen=True)
class Row:
    """One result: the item and what the table shows of it."""

    item: Item
    state: str

    @property
    def key(self) -> str:
        return self.item.key


@dataclass(frozen=True)
class SearchResult:
    """The first ``limit`` matches (in catalog order) and how many matched in all."""

    rows: tuple[Row, ...]
    total: int
    keys: tuple[str, ...] = ()  # every matching item key (for a cram of the results)


@dataclass
class StateSnapshot:
    """Each item's state bits (items without a ``card_state`` row are new)."""

    bits: dict[str, int] = field(default_factory=dict)

    def of(self, key: str) -> int:
        return self.bits.get(key, NEW)


def state_bits(last_reviewed: str | None, due: str | None, suspended: int | bool,
               buried_until: str | None, lapses: int, today: str, leech_threshold: int) -> int:
    """The state bits of one ``card_state`` row (see the module docstring)."""
    bits = NEW if last_reviewed is None else 0
    if last_reviewed is not None and due is not None and due <= today:
        bits |= DUE
    if suspended:
        bits |= SUSPENDED
    if buried_until is not None and buried_until > today:
        bits |= BURIED
    if leech_threshold > 0 and lapses >= leech_threshold:
        bits |= LEECH
    return bits


_STATE_SQL = "SELECT item_key, last_reviewed, due, suspended, buried_until, lapses FROM card_state"


def load_states(store: Store, today: str, leech_threshold: int,
                keys: Iterable[str] | None = None) -> StateSnapshot | dict[str, int]:
    """Every item's state in one query; with ``keys``, just those items (a dict of bits)."""
    if keys is None:
        rows = store.query(_STATE_SQL)
        return StateSnapshot({r[0]: state_bits(*r[1:], today, leech_threshold) for r in rows})
    wanted = list(keys)
    out = {k: NEW for k in wanted}
    marks = ", ".join("?" * len(wanted))
    for r in store.query(f"{_STATE_SQL} WHERE item_key IN ({marks})", wanted) if wanted else ():
        out[r[0]] = state_bits(*r[1:], today, leech_threshold)
    return out


def describe_state(bits: int) -> str:
    """The state column: ``new``, ``due``, ``review`` (scheduled, not due) plus flags."""
    words = ["new" if bits & NEW else "due" if bits & DUE else "review"]
    words += [name for name in ("suspended", "buried", "leech") if bits & STATE_BITS[name]]
    return " ".join(words)


class BrowseIndex:
    """Every item of a catalog with its precomputed haystack, deck, type, topics and tags."""

    def __init__(self, items: Sequence[Item]) -> None:
        self.items = tuple(items)
        hay: dict[int, str] = {}
        self.haystacks = tuple(hay.setdefault(id(i.card), card_haystack(i.card)) for i in items)
        self.keys = tuple(i.key for i in items)

    @classmethod
    def build(cls, items: Iterable[Item]) -> BrowseIndex:
        return cls(list(items))

    def __len__(self) -> int:
        return len(self.items)

    def search(self, query: Query | str, states: StateSnapshot | None = None,
               *, limit: int = DEFAULT_LIMIT) -> SearchResult:
        """Items matching every term, in catalog order; ``states`` needed for ``is:``."""
        if isinstance(query, str):
            query = parse(query)
        if query.needs_states() and states is None:
            raise ValueError("an is: filter needs the card states (load_states)")
        candidates: Iterable[int] = range(len(self.items))
        # Text words first: one ``in`` per haystack, the cheapest and most selective test.
        text = [t for t in query.terms if t.field == TEXT]
        other = [t for t in query.terms if t.field != TEXT]
        hay = self.haystacks
        for t in text:
            word = t.value
            if t.negated:
                candidates = [i for i in candidates if word not in hay[i]]
            else:
                candidates = [i for i in candidates if word in hay[i]]
        items = self.items
        for t in other:
            test = _test(t, states)
            candidates = [i for i in candidates if test(items[i])]
        matches = list(candidates)
        snapshot = states or StateSnapshot()
        rows = tuple(Row(items[i], describe_state(snapshot.of(items[i].key)))
                     for i in matches[:limit])
        return SearchResult(rows, len(matches), tuple(self.keys[i] for i in matches))


def _pattern(value: str) -> Callable[[str], bool]:
    if "*" in value or "?" in value:
        return lambda s: fnmatchcase(s.lower(), value)
    return lambda s: s.lower() == value


def _test(term: Term, states: StateSnapshot | None) -> Callable[[Item], bool]:
    """A predicate on an item for a non-text term (negation applied)."""
    value = term.value
    test: Callable[[Item], bool]
    if term.field == "deck":
        match = _pattern(value)
        test = lambda item: match(item.card.deck_id)  # noqa: E731
    elif term.field == "type":
        test = lambda item: item.card.type == value  # noqa: E731
    elif term.field == "tag":
        match = _pattern(value)
        test = lambda item: any(match(t) for t in item.card.tags)  # noqa: E731
    elif term.field == "topic":
        if "*" in value or "?" in value:
            match = _pattern(value)
            test = lambda item: any(match(t) for t in item.card.topics)  # noqa: E731
        else:
            prefix = value + "."
            test = lambda item: any(  # noqa: E731
                t.lower() == value or t.lower().startswith(prefix) for t in item.card.topics)
    else:  # is:
        assert states is not None
        bit = STATE_BITS[value]
        test = lambda item: bool(states.of(item.key) & bit)  # noqa: E731
    if term.negated:
        return lambda item: not test(item)
    return test


def history(store: Store, item_key: str) -> list[Review]:
    """Every logged review of one item, oldest first (cram and re-drills included)."""
    return list(store.reviews(item_key))


def history_lines(reviews: Sequence[Review], limit: int = 50) -> list[str]:
    """One line per review, newest first: when, grade, interval change, how it was graded."""
    lines = []
    for r in reversed(reviews[-limit:]):
        when = r.reviewed_at[:16].replace("T", " ")
        moved = (f"{r.interval_before}d → {r.interval_after}d, due {r.due_after or '-'}"
                 if r.scheduled else "not scheduled (cram or re-drill)")
        lines.append(f"{when}  {r.grade:<7} q{r.quality}  {moved}  · {r.graded_by}, "
                     f"{r.duration_s:.0f}s")
    return lines
