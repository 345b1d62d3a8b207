"""``dlquiz export anki`` and ``dlquiz import anki-text`` (plugged into commands.transfer)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dlquiz.commands._core import load_catalog_for, paths_of
from dlquiz.errors import UsageError
from dlquiz.model import ID_RE


def _export_anki(args: argparse.Namespace) -> int:
    from dlquiz.interop.anki import export_apkg

    catalog = load_catalog_for(args)
    wanted = list(args.deck_ids or [])
    unknown = [d for d in wanted if catalog.deck(d) is None]
    if unknown:
        known = ", ".join(d.id for d in catalog.decks)
        raise UsageError(f"unknown deck id(s): {', '.join(unknown)}; known: {known}")
    decks = [catalog.deck(d) for d in wanted] if wanted else list(catalog.decks)
    out = Path(args.out)
    count = export_apkg(decks, out)
    print(f"exported {count} notes from {len(decks)} deck(s) to {out}")
    return 0


def _import_anki_text(args: argparse.Namespace) -> int:
    from dlquiz.interop.anki import dump_deck_yaml, read_anki_text

    if not ID_RE.match(args.deck_id):
        raise UsageError(f"--deck-id {args.deck_id!r} must be a lowercase slug "
                         "(letters, digits, '-', '_', '.')")
    deck = read_anki_text(Path(args.file), args.deck_id, title=args.title, topic=args.topic)
    out = Path(args.output) if args.output else paths_of(args).user_decks_dir / f"{args.deck_id}.yaml"
    if out.exists() and not args.force:
        raise UsageError(f"{out} exists; pass --force to overwrite it")
    from dlquiz.commands.decks import refuse_taken_deck_id

    refuse_taken_deck_id(paths_of(args), args.deck_paths, args.deck_id, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump_deck_yaml(deck), encoding="utf-8")
    print(f"wrote {len(deck['cards'])} cards to {out}")
    return 0


def add_subcommands(export_sub: Any, import_sub: Any) -> None:
    p = export_sub.add_parser("anki", help="decks as an Anki package (.apkg), re-exportable "
                              "without duplicates")
    p.add_argument("out", metavar="OUT.apkg", help="file to write")
    p.add_argument("--deck", dest="deck_ids", action="append", metavar="ID",
                   help="deck id to export (repeatable; default: every deck)")
    p.set_defaults(handler=_export_anki)

    p = import_sub.add_parser("anki-text", help="Anki's 'Notes in Plain Text' export → a "
                              "dlquiz YAML deck")
    p.add_argument("file", metavar="FILE.txt", help="the exported text file")
    p.add_argument("--deck-id", required=True, metavar="ID", help="id of the new deck")
    p.add_argument("--title", help="deck title (default: from the file name)")
    p.add_argument("--topic", default="user.anki",
                   help="topic id given to every imported card (default: user.anki)")
    p.add_argument("--output", "-o", metavar="FILE",
                   help="where to write the deck (default: the user decks dir)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=_import_anki_text)
