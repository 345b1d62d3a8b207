"""``dlquiz decks``: list, validate, schema, new, trust.

Thin wrappers over :mod:`dlquiz.decks.catalog`: they load, print and choose an exit
code. ``validate`` prints each error on stderr in the ``path:line:col:
doc.path: message`` form editors and CI logs understand, and exits 1 when any
deck (or user exercise) is broken. Output is plain aligned text so it can be
piped, grepped and tested; ``list --json`` is there for scripts.

A user deck may carry Python (``reference: my_refs.py:fn``, custom cases and
checkers) that runs unsandboxed in dlquiz; ``list`` and ``validate`` say which
decks do and whether that code is trusted, ``trust`` records that it is
(:mod:`dlquiz.decks.trust`), and ``validate`` runs it only when trusted.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dlquiz.decks.cache import DeckCache
from dlquiz.decks.catalog import Catalog, discover, load_catalog, load_files
from dlquiz.decks.files import Skipped, safe_resolve
from dlquiz.decks.loader import default_context
from dlquiz.decks.overrides import overrides_dir
from dlquiz.decks.schema import published_schema
from dlquiz.decks.starter import starter_deck
from dlquiz.errors import UsageError
from dlquiz.model import ID_RE, BrokenDeck, Deck, DeckError
from dlquiz.paths import Paths, resolve_paths

SCHEMA_FILENAME = "deck-v1.schema.json"


def _paths(args: argparse.Namespace) -> Paths:
    return resolve_paths(getattr(args, "data_dir", None))


def schema_text() -> str:
    """The published deck schema as pretty JSON (with a trailing newline).

    It includes this installation's generators (with their params) and
    bundled exercise ids, so editors can complete them.
    """
    ctx = default_context()
    schema = published_schema(ctx.generators, ctx.exercise_ids or ())
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path) -> Path:
    """Write the schema to ``path`` (creating folders) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")
    return path


def _queue_counts(paths: Paths, catalog: Catalog) -> dict[str, tuple[int, int]]:
    """Due today / new available today per deck, with the user's daily limits."""
    from dlquiz.clock import today
    from dlquiz.config import load_settings
    from dlquiz.store.database import Store
    from dlquiz.study.session import queue_counts

    config = load_settings(paths).scheduling
    with Store.open(paths.database) as store:
        warn_orphans(store, catalog)
        return queue_counts(store, catalog.items(), today(config.day_start_hour), config)


def warn_orphans(store: Any, catalog: Catalog) -> None:
    """On stderr: history a renamed deck or a card's type change left behind, and the fix."""
    from dlquiz.store.orphans import orphan_advice

    for line in orphan_advice(store, (item.key for item in catalog.items()),
                              ignore_decks={b.deck_id for b in catalog.broken if b.deck_id}):
        print(f"warning: {line}", file=sys.stderr)


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def _list(args: argparse.Namespace) -> int:
    paths = _paths(args)
    catalog = load_catalog(paths, args.deck_paths)
    counts = _queue_counts(paths, catalog)
    records: list[dict[str, Any]] = []
    edited = _overrides_by_deck(catalog)
    for deck in catalog.decks:
        due, new = counts.get(deck.id, (0, 0))
        # One vocabulary with the app and `dlquiz stats`: a card is what is scheduled (a cloze
        # entry with c1..c3 is three cards), a note is one entry of the YAML file.
        records.append({"id": deck.id, "title": deck.title, "cards": len(deck.items()),
                        "notes": len(deck.cards),
                        "due": due, "new": new, "bundled": deck.bundled,
                        "path": deck.source.path, "broken": False, "error": "",
                        **_code_record(paths, deck),
                        **({"overrides": edited[deck.id]} if deck.id in edited else {})})
    for broken in catalog.broken:
        records.append({"id": broken.deck_id or Path(broken.path).stem, "title": "",
                        "cards": None, "notes": None, "due": None, "new": None, "bundled": False,
                        "path": broken.path, "broken": True,
                        "error": str(broken.errors[0]) if broken.errors else ""})
    warn_stale_overrides(catalog)
    if args.json:
        print(json.dumps(records, indent=2, ensure_ascii=False))
        return 0
    if not records:
        print("No decks found. Create one with: dlquiz decks new NAME")
        return 0

    def cell(value: Any) -> str:
        return "-" if value is None else str(value)

    rows = [("ID", "TITLE", "CARDS", "NOTES", "DUE", "NEW", "STATUS")]
    for r in records:
        status = f"BROKEN: {r['error']}" if r["broken"] else ("bundled" if r["bundled"] else "user")
        if r.get("code"):
            status += ", code trusted" if r["code_trusted"] else ", code NOT trusted"
        if r.get("overrides"):
            status += f", {len(r['overrides'])} note(s) edited by you"
        rows.append((r["id"], r["title"], cell(r["cards"]), cell(r["notes"]), cell(r["due"]),
                     cell(r["new"]), status))
    print(_table(rows))
    if catalog.overrides:
        print(f"Your edits of bundled cards ({len(catalog.overrides)}) are in "
              f"{overrides_dir(paths)}; delete a file to go back to the bundled card.")
    return 0


def _overrides_by_deck(catalog: Catalog) -> dict[str, list[str]]:
    """Bundled deck id -> ids of its cards replaced by the user's override files."""
    out: dict[str, list[str]] = {}
    for o in catalog.overrides:
        deck_id, _, card_id = o.key.partition("/")
        out.setdefault(deck_id, []).append(card_id)
    return out


def warn_stale_overrides(catalog: Catalog) -> None:
    """On stderr: override files whose bundled card is gone (reported, never an error)."""
    for error in catalog.stale_overrides:
        print(f"warning: {error}", file=sys.stderr)


_EXERCISE_PREFIX = re.compile(r"^(?:exercise '?[\w.-]+'? \([^)]*\): )+")


def _code_record(paths: Paths, deck: Deck) -> dict[str, Any]:
    """``code`` (the deck's Python files and modules) and ``code_trusted`` (None: no code)."""
    from dlquiz.decks.trust import code_of_deck, trust_store

    code = code_of_deck(deck)
    if code is None:
        return {"code": [], "code_trusted": None}
    return {"code": [*code.files, *code.modules],
            "code_trusted": trust_store(paths.data_dir).is_trusted(code)}


def _grading_errors(paths: Paths, decks: Sequence[Deck]) -> list[DeckError]:
    """User exercises: hints, reference vs its checker, starter fails, solution passes.

    Each problem is reported at the exercise's ``file:line:col``, like any deck error.
    A deck whose code is not trusted is asked about on a terminal and otherwise
    gets one error naming ``dlquiz decks trust``; none of its code runs.
    """
    from dlquiz.decks.trust import UntrustedDeckCode, install
    from dlquiz.grading.validate import validate_exercise

    gate = install(paths.data_dir, decks)
    out = []
    for deck in decks:
        try:
            for ex in deck.exercises:
                gate(ex)
        except UntrustedDeckCode as exc:
            src = deck.source
            out.append(DeckError(src.path, src.line, src.column, "exercises", exc.message))
            continue
        for index, ex in enumerate(deck.exercises):
            src = ex.source
            for problem in validate_exercise(ex):
                # The location is already in front: drop "exercise X (file:line:col): ".
                message = _EXERCISE_PREFIX.sub("", problem)
                message = "; ".join(line.strip() for line in message.splitlines() if line.strip())
                out.append(DeckError(src.path, src.line, src.column,
                                     f"exercises[{index}] ({ex.id})", message))
    return out


def _validate(args: argparse.Namespace) -> int:
    paths = _paths(args)
    ctx = default_context()
    cache = None if args.no_cache else DeckCache(paths.cache_dir, ctx.fingerprint())
    skipped: list[Skipped] = []
    if args.paths:
        # Bundled decks are loaded too, so a clashing deck id is caught, but only
        # the named files are reported.
        # Compare resolved paths: `decks/ml.yaml` names the same file as the bundled
        # deck found at its absolute path, which is the copy discover() keeps.
        named = discover(paths, args.paths, include_bundled=False, include_user=False,
                         skipped=skipped)
        wanted = {safe_resolve(f.path) for f in named}
        results = [r for r in load_files(discover(paths, args.paths, include_user=False),
                                         ctx, cache)
                   if safe_resolve(Path(r.path if isinstance(r, BrokenDeck) else r.source.path))
                   in wanted]
    else:
        catalog = load_catalog(paths, args.deck_paths, context=ctx, use_cache=not args.no_cache)
        results = [*catalog.decks, *catalog.broken]
        skipped = list(catalog.skipped)
        warn_stale_overrides(catalog)
        for applied in catalog.overrides:
            print(f"{applied.path}: your edit of bundled card {applied.key}, in use")
        if paths.database.exists():
            from dlquiz.store.database import Store

            with Store.open(paths.database) as store:
                warn_orphans(store, catalog)
    for folder in skipped:
        print(f"skipped {folder}", file=sys.stderr)
    valid = [r for r in results if isinstance(r, Deck)]
    errors = [e for r in results if isinstance(r, BrokenDeck) for e in r.errors]
    for deck in valid:
        code = _code_record(paths, deck)
        if code["code"]:
            print(f"{deck.source.path}: carries Python code ({', '.join(code['code'])}), "
                  + ("trusted" if code["code_trusted"] else
                     f"not trusted (dlquiz decks trust {deck.source.path})"))
    if not args.no_grade:
        errors += _grading_errors(paths, [d for d in valid if d.exercises])
    for error in errors:
        print(error, file=sys.stderr)
    graded_bad = {e.path for e in errors} & {d.source.path for d in valid}
    valid = [d for d in valid if d.source.path not in graded_bad]
    broken = len(results) - len(valid)
    print(f"{len(results)} deck file(s): {len(valid)} valid, {broken} broken, "
          f"{len(errors)} error(s)"
          + (f"; skipped {len(skipped)} folder(s) that hold no decks" if skipped else ""))
    return 1 if errors else 0


def _schema(args: argparse.Namespace) -> int:
    if args.output:
        path = write_schema(Path(args.output))
        print(f"Wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(schema_text())
    return 0


def refuse_taken_deck_id(paths: Paths, deck_paths: Sequence[str], deck_id: str,
                         target: Path) -> None:
    """A new deck may not reuse the id of a loaded deck (other than the file it replaces)."""
    existing = load_catalog(paths, deck_paths).deck(deck_id)
    if existing is not None and Path(existing.source.path).resolve() != target.resolve():
        raise UsageError(f"deck id {deck_id!r} is already used by {existing.source.path}; "
                         "choose another name")


def _new(args: argparse.Namespace) -> int:
    name = args.name.removesuffix(".yaml")
    if not ID_RE.match(name):
        raise UsageError(f"{name!r} is not a valid deck id: use lowercase letters, digits, "
                         "'.', '_' and '-', starting with a letter or digit")
    paths = _paths(args)
    folder = Path(args.dir) if args.dir else paths.user_decks_dir
    target = folder / f"{name}.yaml"
    if target.exists() and not args.force:
        raise UsageError(f"{target} already exists (use --force to overwrite)")
    refuse_taken_deck_id(paths, args.deck_paths, name, target)
    schema_path = write_schema(paths.data_dir / "schema" / SCHEMA_FILENAME)
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(starter_deck(name, str(schema_path.resolve()), str(target)),
                      encoding="utf-8")
    print(f"Wrote {target}")
    print(f"Schema for your editor: {schema_path}")
    print(f"Check it with: dlquiz decks validate {target}")
    return 0


def _trust(args: argparse.Namespace) -> int:
    from dlquiz.decks.trust import code_of_deck, trust_store

    paths = _paths(args)
    store = trust_store(paths.data_dir)
    files = discover(paths, args.paths, include_bundled=False, include_user=False)
    if not files:
        raise UsageError(f"no deck file found at {' '.join(args.paths)}")
    broken = 0
    for result in load_files(files, default_context(), None):
        if isinstance(result, BrokenDeck):
            broken += 1
            print(f"{result.path}: broken deck, nothing trusted: "
                  f"{result.errors[0] if result.errors else 'unreadable'}", file=sys.stderr)
            continue
        code = code_of_deck(result)
        where = f"deck {result.id!r} ({result.source.path})"
        if code is None:
            print(f"{where} carries no Python code: nothing to trust")
        elif args.revoke:
            known = store.revoke(code)
            print(f"{where}: {'no longer trusted' if known else 'was not trusted'}")
        else:
            store.trust(code)
            print(f"{where}: trusted {code.names()} (sha256 {code.digest[:16]}); "
                  "editing any of it asks again")
    return 1 if broken else 0


def register(subparsers: Any) -> None:
    """Add ``decks`` and its subcommands to the top-level parser."""
    decks = subparsers.add_parser(
        "decks", help="list, validate and create decks",
        description="List, validate and create decks (bundled, user decks dir, "
                    "$DLQUIZ_DECKS and --deck PATH).")
    decks.set_defaults(handler=lambda _args: (decks.print_help(), 0)[1])
    sub = decks.add_subparsers(dest="decks_command", metavar="SUBCOMMAND")

    p = sub.add_parser("list", help="every deck with cards, due today, new, broken",
                       description="List every deck with its cards (what is scheduled: a cloze "
                                   "note with c1 and c2 is two cards) and notes (entries in "
                                   "the YAML file), cards due today, "
                                   "new cards available today, and whether it is broken "
                                   "(with its first error).")
    p.add_argument("--json", action="store_true", help="print JSON records instead of a table")
    p.set_defaults(handler=_list)

    p = sub.add_parser("validate", help="check decks; errors as path:line:col on stderr",
                       description="Validate deck files. With no PATH: every deck dlquiz "
                                   "loads (bundled, user, $DLQUIZ_DECKS, --deck). Exit 0 when "
                                   "all are valid, 1 otherwise; errors go to stderr, one per "
                                   "line, as path:line:col: doc.path: message.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="deck file or folder")
    p.add_argument("--no-cache", action="store_true", help="re-parse every file")
    p.add_argument("--no-grade", action="store_true",
                   help="skip running user exercises' starter and solution through the grader")
    p.set_defaults(handler=_validate)

    p = sub.add_parser("schema", help="print the deck JSON Schema (draft 2020-12)",
                       description="Print the deck format's JSON Schema, or write it to FILE.")
    p.add_argument("--output", "-o", metavar="FILE", help="write the schema to FILE")
    p.set_defaults(handler=_schema)

    p = sub.add_parser("trust", help="let a deck's own Python code run (after reading it)",
                       description="Record that the Python code a user deck names (reference, "
                                   "cases or checker files beside it, or modules) may run: it "
                                   "runs inside dlquiz, outside the sandbox. Trust is keyed by "
                                   "the SHA-256 of that code: editing it asks again. Stored in "
                                   "<data dir>/trusted-decks.json.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="deck file or folder")
    p.add_argument("--revoke", action="store_true", help="forget the trust instead")
    p.set_defaults(handler=_trust)

    p = sub.add_parser("new", help="write a commented starter deck",
                       description="Write NAME.yaml: a commented starter deck with one card "
                                   "of each type, whose first line points editors at the "
                                   "deck schema.")
    p.add_argument("name", metavar="NAME", help="deck id (lowercase slug); the file is NAME.yaml")
    p.add_argument("--dir", metavar="DIR", help="folder to write to (default: the user decks dir)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=_new)
