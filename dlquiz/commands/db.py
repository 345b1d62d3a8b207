"""``dlquiz db check|rebuild|backup|backups|restore``: look after the database."""

from __future__ import annotations

import argparse
from typing import Any

from dlquiz.commands._core import open_store, paths_of
from dlquiz.store.backup import (
    create_backup,
    is_future,
    list_backups,
    prune_backups,
    resolve_backup,
    restore_backup,
)
from dlquiz.store.database import Store
from dlquiz.store.dbfile import RESTORE_HINT, check_missing_or_empty
from dlquiz.store.orphans import remap
from dlquiz.store.verify import check_replay


def _check(args: argparse.Namespace) -> int:
    """File checks, ``PRAGMA integrity_check``, then card states against a replay of the log."""
    paths = paths_of(args)
    check_missing_or_empty(paths.database)  # a lost file with its -wal left is not "no database"
    if not paths.database.exists():
        print(f"no database yet at {paths.database} (nothing to check)")
        return 0
    with Store.open(paths.database) as store:
        problems = store.integrity_check()
        if problems:
            for line in problems[:5]:
                print(line)
            print(f"{paths.database} is damaged. {RESTORE_HINT}")
            return 1
        report = check_replay(store)
    scope = f"a sample of {report.compared} items" if report.sampled else f"{report.compared} items"
    if not report.ok:
        for line in report.examples:
            print(line)
        print(f"card states of {report.differing} of {scope} differ from a replay of the review "
              "log (the log is the truth). Run `dlquiz db rebuild` to recompute them.")
        return 1
    print(f"ok: {paths.database} (card states match a replay of the log: {scope})")
    return 0


def _rebuild(args: argparse.Namespace) -> int:
    with open_store(paths_of(args)) as store:
        count = store.rebuild()
        reviews = store.review_count()
    print(f"rebuilt {count} card states from {reviews} reviews")
    return 0


def _backup(args: argparse.Namespace) -> int:
    paths = paths_of(args)
    with Store.open(paths.database) as store:
        path = create_backup(store, paths.backups_dir)
    prune_backups(paths.backups_dir)
    print(f"backup written: {path}")
    return 0


def _backups(args: argparse.Namespace) -> int:
    found = list_backups(paths_of(args).backups_dir)
    if not found:
        print("no backups yet")
    for path in found:
        note = "  (dated in the future: ignored)" if is_future(path) else ""
        print(f"{path.name}  {path.stat().st_size} bytes{note}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    paths = paths_of(args)
    backup = resolve_backup(paths.backups_dir, args.backup)
    aside = restore_backup(paths.database, backup)
    print(f"restored {paths.database} from {backup.name}")
    if aside is not None:
        print(f"the previous file was kept as {aside}")
    return 0


def _remap(args: argparse.Namespace) -> int:
    paths = paths_of(args)
    with open_store(paths) as store:  # the daily backup first, if one is due
        create_backup(store, paths.backups_dir)  # and one now: a remap rewrites keys
        moved = remap(store, args.old, args.new)
    if moved == 0:
        print(f"no reviews under {args.old!r}: nothing moved")
        return 1
    print(f"moved {moved} reviews from {args.old} to {args.new}; card states rebuilt")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "db", help="check, back up, restore or rebuild the review database",
        description="Look after the SQLite database that holds your review history.",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    p = sub.add_parser("check", help="integrity check, and card states against a replay of the "
                       "log (exit 1 on problems)")
    p.set_defaults(handler=_check)
    p = sub.add_parser("rebuild", help="recompute every card state from the review log")
    p.set_defaults(handler=_rebuild)
    p = sub.add_parser("backup", help="write a backup now (kept: 7 daily, 4 weekly)")
    p.set_defaults(handler=_backup)
    p = sub.add_parser("backups", help="list backups, newest first")
    p.set_defaults(handler=_backups)
    p = sub.add_parser(
        "restore", help="replace the database with a backup (the old file is kept aside)"
    )
    p.add_argument("backup", nargs="?", help="backup file or name (default: the newest)")
    p.set_defaults(handler=_restore)
    p = sub.add_parser(
        "remap", help="move history to a renamed deck or a card whose type changed",
        description="Move review history from OLD to NEW: two deck ids (the deck was renamed) "
                    "or two item keys (a card changed type: deck/card -> deck/card#c1). "
                    "`dlquiz decks list` and `decks validate` propose these. A backup is "
                    "taken first; the card states are rebuilt in the same transaction.")
    p.add_argument("old", metavar="OLD", help="old deck id or item key")
    p.add_argument("new", metavar="NEW", help="new deck id or item key")
    p.set_defaults(handler=_remap)
