"""Which items are new: the first few never-reviewed items in study order, cheaply.

Why this module exists: a queue needs only ``new_per_day`` new items, but with
100,000 items of which 60,000 were reviewed, learning *which* are new used to
mean reading every reviewed key into a Python set -- the cost that dominated
building a queue. Here the items are cut into *runs* (consecutive items, in
study order, sharing the ``deck/`` prefix) and each run is checked with one
query on the primary-key index: the keys that have a state row in the run's
key range, joined by SQLite in key order. When that text equals the run's own
sorted keys and none of those rows is unreviewed, every item of the run has
been reviewed and the run is skipped without one Python object per key;
otherwise its keys are checked one by one against the returned rows. The scan
stops as soon as enough new items are found, so reviewed decks after the first
new items are never read.

Exactness: the shortcut needs the two texts to be *equal* (the same keys in
the same order), so anything unusual -- history of cards removed from a deck,
one deck split over several runs, keys without a ``/`` -- only sends a run down
the exact one-by-one path. "Reviewed" means what it always meant: a
``card_state`` row with ``last_reviewed`` set (a row that is not listed by
:meth:`Store.unreviewed_keys`).

Runs found all reviewed are remembered per connection
(:meth:`Store.reviewed_runs`): answering only adds reviewed items, so a second
queue in the same process skips them without a query.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import groupby, repeat

from dlquiz.store.database import Store

_MAX_CODE_POINT = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive items (study order) whose keys share ``prefix``.

    ``low``/``high`` bound exactly the strings that start with ``prefix``
    (``high`` None: no upper bound); ``sorted_text`` is the run's distinct keys,
    sorted (code-point order, which is SQLite's BINARY order for UTF-8) and
    newline-joined -- the text the store returns when the run's keys are
    exactly the rows in the range.
    """

    prefix: str
    high: str | None
    keys: tuple[str, ...]
    sorted_text: str

    @property
    def low(self) -> str:
        return self.prefix


def _prefix(key: str) -> str:
    """``deck/`` for ``deck/card`` (or ``deck/card#c2``); the whole key when it has no ``/``."""
    slash = key.find("/")
    return key if slash < 0 else key[: slash + 1]


def _successor(prefix: str) -> str | None:
    """The smallest string above every string that starts with ``prefix`` (None: none exists)."""
    while prefix:
        code = ord(prefix[-1]) + 1
        if code in _SURROGATES:
            code = _SURROGATES.stop
        if code <= _MAX_CODE_POINT:
            return prefix[:-1] + chr(code)
        prefix = prefix[:-1]
    return None


def make_runs(keys: Sequence[str], *, unique: bool = False) -> tuple[Run, ...]:
    """Cut ``keys`` (study order) into runs of one prefix each; duplicates stay in ``keys``.

    ``unique`` says the caller knows there are no duplicate keys (saves a set
    per run). Made once per item index: the usual case (every key has a
    ``/``) groups with C-level helpers, about 0.2 µs per key.
    """
    spans: list[tuple[str, int, int]] = []
    if keys and -1 not in map(str.find, keys, repeat("/")):
        start = 0
        for deck, group in groupby(key.partition("/")[0] for key in keys):
            end = start + sum(1 for _ in group)
            spans.append((deck + "/", start, end))
            start = end
    else:
        start = 0
        while start < len(keys):
            prefix = _prefix(keys[start])
            end = start + 1
            while end < len(keys) and _prefix(keys[end]) == prefix:
                end += 1
            spans.append((prefix, start, end))
            start = end
    runs = []
    for prefix, start, end in spans:
        chunk = tuple(keys[start:end])
        text = "\n".join(sorted(chunk if unique else set(chunk)))
        runs.append(Run(prefix, _successor(prefix), chunk, text))
    return tuple(runs)


def _any_between(ordered: Sequence[str], low: str, high: str | None) -> bool:
    at = bisect_left(ordered, low)
    return at < len(ordered) and (high is None or ordered[at] < high)


def _rows_unless_reviewed(
    store: Store, run: Run, memo: set[str], unreviewed_sorted: Sequence[str]
) -> set[str] | None:
    """None when every key of ``run`` is reviewed; otherwise the keys with a row in its range."""
    if run.sorted_text in memo:
        return None
    present = store.state_keys_between(run.low, run.high)
    if present == run.sorted_text and not _any_between(unreviewed_sorted, run.low, run.high):
        memo.add(run.sorted_text)
        return None
    return set(present.split("\n")) if present else set()


def first_new(store: Store, runs: Sequence[Run], limit: int, hidden: Collection[str]) -> list[str]:
    """The first ``limit`` keys of ``runs`` (study order) never reviewed and not in ``hidden``."""
    if limit <= 0:
        return []
    memo = store.reviewed_runs()
    unreviewed = store.unreviewed_keys()
    unreviewed_sorted = sorted(unreviewed)
    found: list[str] = []
    for run in runs:
        rows = _rows_unless_reviewed(store, run, memo, unreviewed_sorted)
        if rows is None:
            continue
        for key in run.keys:
            if (key not in rows or key in unreviewed) and key not in hidden:
                found.append(key)
                if len(found) >= limit:
                    return found
    return found


def new_counts(store: Store, runs: Sequence[Run], hidden: Collection[str]) -> list[int]:
    """Per run: how many of its keys (duplicates counted) are never reviewed and not ``hidden``.

    ``hidden`` are keys with a state row (suspended or buried). Decks never
    started cost one empty range query (no row, so nothing hidden either);
    decks all reviewed cost one query (none once remembered); only partly
    started decks are walked key by key.
    """
    memo = store.reviewed_runs()
    unreviewed = store.unreviewed_keys()
    unreviewed_sorted = sorted(unreviewed)
    counts: list[int] = []
    for run in runs:
        rows = _rows_unless_reviewed(store, run, memo, unreviewed_sorted)
        if rows is None:
            counts.append(0)
        elif not rows:
            counts.append(len(run.keys))
        else:
            counts.append(
                sum(
                    1
                    for key in run.keys
                    if (key not in rows or key in unreviewed) and key not in hidden
                )
            )
    return counts
