"""``dlquiz cards``: list and unsuspend suspended (or buried) cards.

Suspending is a one-key action in the app and in ``study --plain``; bringing a
card back is rarer, so it lives here: ``dlquiz cards suspended`` lists them with
their deck and front, ``dlquiz cards unsuspend KEY... | --all`` returns them to
the queues (buried cards come back by themselves the next day, or with
``--unbury``).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from dlquiz.commands._core import load_catalog_for, open_store, paths_of
from dlquiz.errors import UsageError

_HIDDEN_SQL = {
    "suspended": "SELECT item_key FROM card_state WHERE suspended = 1 ORDER BY item_key",
    "buried": "SELECT item_key FROM card_state WHERE buried_until IS NOT NULL ORDER BY item_key",
}


def _hidden_keys(store: Any, kind: str) -> list[str]:
    return [str(row[0]) for row in store.query(_HIDDEN_SQL[kind])]


def _list(args: argparse.Namespace) -> int:
    kind = "buried" if args.buried else "suspended"
    catalog = load_catalog_for(args)
    with open_store(paths_of(args), backup=False) as store:
        keys = _hidden_keys(store, kind)
    rows = []
    for key in keys:
        item = catalog.item(key)
        front = (item.card.front or item.card.text or item.card.exercise) if item else ""
        rows.append({"key": key, "front": " ".join(front.split())[:70],
                     "in_decks": item is not None})
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return 0
    if not rows:
        print(f"no {kind} cards")
        return 0
    for row in rows:
        missing = "" if row["in_decks"] else "  (not in any loaded deck)"
        print(f"{row['key']}  {row['front']}{missing}")
    return 0


def _unsuspend(args: argparse.Namespace) -> int:
    if not args.keys and not args.all:
        raise UsageError("name the cards (deck/card keys from `dlquiz cards suspended`) or --all")
    with open_store(paths_of(args)) as store:
        hidden = set(_hidden_keys(store, "suspended")) | set(_hidden_keys(store, "buried"))
        keys = sorted(hidden) if args.all else list(args.keys)
        unknown = [k for k in keys if k not in hidden]
        if unknown:
            raise UsageError(f"not suspended or buried: {', '.join(unknown)}")
        for key in keys:
            store.set_suspended(key, False)
            store.bury(key, None)
    print(f"{len(keys)} card(s) back in the queues")
    return 0


def register(subparsers: Any) -> None:
    cards = subparsers.add_parser("cards", help="list or unsuspend suspended and buried cards",
                                  description=__doc__.split("\n\n")[1] if __doc__ else None)
    sub = cards.add_subparsers(dest="cards_command", metavar="COMMAND", required=True)
    p = sub.add_parser("suspended", help="list suspended (or, with --buried, buried) cards")
    p.add_argument("--buried", action="store_true", help="list buried cards instead")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=_list)
    p = sub.add_parser("unsuspend", help="put suspended or buried cards back in the queues")
    p.add_argument("keys", nargs="*", metavar="KEY", help="deck/card keys (cloze: deck/card#c2)")
    p.add_argument("--all", action="store_true", help="every suspended and buried card")
    p.set_defaults(handler=_unsuspend)
