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
    #: every match, as positions in the index (keys are made only when asked for)
    matches: Sequence[int] = ()
    index: BrowseIndex | None = field(default=None, compare=False, repr=False)
    query: Query | None = None

    def page(self, start: int, count: int, states: StateSnapshot | None = None) -> tuple[Row, ...]:
        """Rows ``start`` to ``start + count`` of every match (the browser shows a page at
        a time and adds the next one as the cursor reaches the end)."""
        if self.index is None:
            return self.rows[start:start + count]
        snapshot = states or StateSnapshot()
        items, keys = self.index.items, self.index.keys
        return tuple(Row(items[i], describe_state(snapshot.of(keys[i])))
                     for i in self.matches[start:start + count])

    @property
    def keys(self) -> tuple[str, ...]:
        """Every matching item key, in catalog order (a cram of the results takes them all)."""
        if self.index is None:
            return tuple(r.key for r in self.rows)
        keys = self.index.keys
        return tuple(keys[i] for i in self.matches)


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
        self.decks = tuple(i.card.deck_id.lower() for i in items)
        self.types = tuple(i.card.type for i in items)
        self.topics = tuple(tuple(t.lower() for t in i.card.topics) for i in items)
        self.tags = tuple(tuple(t.lower() for t in i.card.tags) for i in items)

    @classmethod
    def build(cls, items: Iterable[Item]) -> BrowseIndex:
        return cls(list(items))

    def __len__(self) -> int:
        return len(self.items)

    def search(self, query: Query | str, states: StateSnapshot | None = None,
               *, limit: int = DEFAULT_LIMIT, previous: SearchResult | None = None) -> SearchResult:
        """Items matching every term, in catalog order; ``states`` needed for ``is:``.

        Text words run first (one ``in`` per haystack: the cheapest and most
        selective test), negations last, each term only over the survivors.
        ``previous``: the result of an earlier query with the same states; when
        this query only narrows it (:func:`refines`, as typing one more letter
        does), only its matches are searched.
        """
        if isinstance(query, str):
            query = parse(query)
        if query.needs_states() and states is None:
            raise ValueError("an is: filter needs the card states (load_states)")
        terms = sorted(query.terms, key=lambda t: (t.field != TEXT, t.negated))
        matches: list[int] | None = None
        if previous is not None and previous.query is not None and previous.index is self \
                and refines(query, previous.query):
            matches = list(previous.matches)
            terms = [t for t in terms if t not in previous.query.terms]
        for term in terms:
            matches = self._narrow(term, matches, states)
        found = list(range(len(self.items))) if matches is None else matches
        snapshot = states or StateSnapshot()
        rows = tuple(Row(self.items[i], describe_state(snapshot.of(self.keys[i])))
                     for i in found[:limit])
        return SearchResult(rows, len(found), found, self, query)

    def _narrow(self, term: Term, among: list[int] | None,
                states: StateSnapshot | None) -> list[int]:
        """Positions (of ``among``, or of every item) that satisfy ``term``."""
        value, neg = term.value, term.negated
        if term.field == TEXT:
            hay = self.haystacks
            if among is None:
                if neg:
                    return [i for i, h in enumerate(hay) if value not in h]
                return [i for i, h in enumerate(hay) if value in h]
            if neg:
                return [i for i in among if value not in hay[i]]
            return [i for i in among if value in hay[i]]
        cands: Iterable[int] = range(len(self.items)) if among is None else among
        if term.field in ("deck", "type") and not _is_glob(value):
            column = self.decks if term.field == "deck" else self.types
            if neg:
                return [i for i in cands if column[i] != value]
            return [i for i in cands if column[i] == value]
        if term.field == "is":
            assert states is not None
            bits, keys, bit = states.bits, self.keys, STATE_BITS[value]
            if neg:
                return [i for i in cands if not bits.get(keys[i], NEW) & bit]
            return [i for i in cands if bits.get(keys[i], NEW) & bit]
        test = _test(term, self)
        if neg:
            return [i for i in cands if not test(i)]
        return [i for i in cands if test(i)]


def refines(new: Query, old: Query) -> bool:
    """True when every match of ``new`` is a match of ``old`` (so ``old``'s matches suffice).

    Each term of ``old`` must be implied by a term of ``new``: the same term, or a
    word that contains it (``grad`` implies ``gra``).
    """
    def implies(a: Term, b: Term) -> bool:
        return a == b or (a.field == b.field == TEXT and not a.negated and not b.negated
                          and b.value in a.value)

    return all(any(implies(a, b) for a in new.terms) for b in old.terms)


def _is_glob(value: str) -> bool:
    return "*" in value or "?" in value or "[" in value


def _pattern(value: str) -> Callable[[str], bool]:
    if _is_glob(value):
        return lambda s: fnmatchcase(s, value)
    return lambda s: s == value


def _test(term: Term, index: BrowseIndex) -> Callable[[int], bool]:
    """A predicate on an item position for a ``deck:``/``type:`` glob, ``topic:`` or ``tag:``."""
    value = term.value
    if term.field in ("deck", "type"):
        match = _pattern(value)
        column = index.decks if term.field == "deck" else index.types
        return lambda i: match(column[i])
    if term.field == "tag":
        match = _pattern(value)
        tags = index.tags
        return lambda i: any(match(t) for t in tags[i])
    topics = index.topics
    if _is_glob(value):
        match = _pattern(value)
        return lambda i: any(match(t) for t in topics[i])
    prefix = value + "."
    return lambda i: any(t == value or t.startswith(prefix) for t in topics[i])


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
