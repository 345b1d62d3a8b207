"""Siblings: the items of one note (a cloze card's deletions c1, c2, ...).

Anki never shows two cards of one note back to back: the second would be
answered from the first one's answer still on screen. Here the *note* of an
item key is the key without its ``#cN`` suffix (``deck/card#c2`` -> ``deck/card``),
so every deletion of a cloze card is a sibling of the others.

:func:`spread` reorders a queue so no two neighbours share a note, moving an
entry only as far as needed (the first later entry of another note is pulled
forward); when the rest is all one note it stays as it is -- there is nothing
else to put in between.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def note_of(key: str) -> str:
    """``deck/card`` for ``deck/card#c2`` (and for ``deck/card`` itself)."""
    return key.partition("#")[0]


def spread(entries: Sequence[T], key: Callable[[T], str], start: int = 0) -> list[T]:
    """``entries`` with siblings never adjacent from position ``start`` on (where possible)."""
    out = list(entries)
    for i in range(max(1, start), len(out)):
        previous = note_of(key(out[i - 1]))
        if note_of(key(out[i])) != previous:
            continue
        for j in range(i + 1, len(out)):
            if note_of(key(out[j])) != previous:
                out.insert(i, out.pop(j))
                break
    return out


def insert_apart(entries: list[T], at: int, entry: T, key: Callable[[T], str]) -> int:
    """Insert ``entry`` at ``at`` or the first later place with no sibling beside it.

    Returns where it went (the end when no place is free of siblings).
    """
    note = note_of(key(entry))
    for position in range(at, len(entries) + 1):
        before = entries[position - 1] if position > 0 else None
        after = entries[position] if position < len(entries) else None
        if (before is None or note_of(key(before)) != note) and (
            after is None or note_of(key(after)) != note
        ):
            entries.insert(position, entry)
            return position
    entries.append(entry)
    return len(entries) - 1
