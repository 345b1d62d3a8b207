"""History that no loaded card claims any more, and the mapping that would bring it back.

Review history hangs on item keys (``deck/card``, ``deck/card#cN``), so two
edits silently orphan it: changing a card's type between cloze and the others
changes its keys (``deck/card`` <-> ``deck/card#c1``), and renaming a deck's
id changes every key of the deck. Removed cards are orphans too, and those
are fine: their history waits for them to come back. This module finds the
orphans that look like one of the two edits and proposes the mapping; the
``dlquiz db remap OLD NEW`` command applies it (:func:`remap`), in one
transaction with the card states rebuilt from the log.

Conventions: a *deck rename* is proposed when at least half (and at least
one) of an unknown deck's reviewed card ids exist in exactly one loaded deck
that has no history of its own for them; a *type change* when a card's old
key is unknown but the same ``deck/card`` is loaded with the other key form.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from dlquiz.store.database import Store


@dataclass(frozen=True)
class Mapping:
    """``old`` -> ``new``: a deck id or an item key; ``why`` says which edit it undoes."""

    old: str
    new: str
    why: str
    items: int

    def advice(self) -> str:
        return (f"history of {self.items} item(s) under {self.old!r} is not on any loaded card: "
                f"{self.why}; keep it with: dlquiz db remap {self.old} {self.new}")


def _split(key: str) -> tuple[str, str, str]:
    deck, _, rest = key.partition("/")
    card, _, cloze = rest.partition("#")
    return deck, card, cloze


def find_mappings(history: Iterable[str], loaded: Iterable[str]) -> list[Mapping]:
    """Mappings for orphaned ``history`` keys, given the keys of the loaded items."""
    loaded_set = set(loaded)
    orphans = sorted(set(history) - loaded_set)
    if not orphans:
        return []
    by_base: dict[str, list[str]] = defaultdict(list)
    cards_of: dict[str, set[str]] = defaultdict(set)
    for key in loaded_set:
        deck, card, _ = _split(key)
        by_base[f"{deck}/{card}"].append(key)
        cards_of[deck].add(card)
    history_set = set(history)
    out: list[Mapping] = []
    orphan_decks: dict[str, set[str]] = defaultdict(set)
    for key in orphans:
        deck, card, _ = _split(key)
        base = f"{deck}/{card}"
        if deck in cards_of:
            now = sorted(by_base.get(base, ()))
            if now and not any(k in history_set for k in now):
                target = now[0]
                kind = "cloze" if "#" in target else "single-item"
                out.append(Mapping(key, target, f"card {base} is now a {kind} card "
                                                f"(its key changed with its type)", 1))
        else:
            orphan_decks[deck].add(card)
    for deck, cards in sorted(orphan_decks.items()):
        hits = {other: len(cards & mine) for other, mine in cards_of.items()}
        best = sorted((n, other) for other, n in hits.items() if n)[-2:]
        if not best:
            continue
        count, other = best[-1]
        unique = len(best) == 1 or best[0][0] < count
        fresh = not any(k.startswith(f"{other}/") for k in history_set)
        if unique and fresh and count * 2 >= len(cards):
            out.append(Mapping(deck, other, f"{count} of its {len(cards)} card ids are in deck "
                                            f"{other!r} (was the deck renamed?)", len(cards)))
    return out


def orphan_advice(store: Store, loaded: Iterable[str],
                  ignore_decks: Iterable[str] = ()) -> list[str]:
    """One warning line per proposed mapping (empty when history is where the cards are).

    ``ignore_decks``: broken decks, whose cards are not loaded but not gone either.
    """
    skip = tuple(f"{deck}/" for deck in ignore_decks)
    history = [k for k in store.known_keys() if not k.startswith(skip)] if skip else \
        store.known_keys()
    return [m.advice() for m in find_mappings(history, loaded)]


def remap(store: Store, old: str, new: str) -> int:
    """Move history from ``old`` to ``new`` (two deck ids, or two item keys); returns rows moved.

    The one deliberate rewrite of the log: the review rows change their
    ``item_key``, flags (suspended, buried) follow, and the card states are
    rebuilt from the log in the same transaction, so a crash leaves either
    the old keys or the new ones with matching states.
    """
    con = store.connection
    is_deck = "/" not in old
    if is_deck != ("/" not in new):
        from dlquiz.errors import UsageError

        raise UsageError("remap a deck id to a deck id (old new) or an item key to an item key "
                         "(deck/card deck/card#c1)")
    with store.transaction():
        if is_deck:
            moved = con.execute(
                "UPDATE reviews SET item_key = ? || substr(item_key, ?) WHERE item_key LIKE ?"
                " ESCAPE '\\'", (new, len(old) + 1, _like(old) + "/%")).rowcount
            con.execute("UPDATE OR IGNORE card_state SET item_key = ? || substr(item_key, ?)"
                        " WHERE item_key LIKE ? ESCAPE '\\'", (new, len(old) + 1, _like(old) + "/%"))
        else:
            moved = con.execute("UPDATE reviews SET item_key = ? WHERE item_key = ?",
                                (new, old)).rowcount
            con.execute("UPDATE OR IGNORE card_state SET item_key = ? WHERE item_key = ?",
                        (new, old))
        store.rebuild_in_transaction()
    return moved


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
