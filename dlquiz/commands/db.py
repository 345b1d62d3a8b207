"""``dlquiz db check|rebuild|backup|backups|restore``: look after the database."""

from __future__ import annotations

import argparse
from typing import Any

from dlquiz.store.backup import create_backup, list_backups, prune_backups, resolve_backup, restore_backup
from dlquiz.commands._core import open_store, paths_of
from dlquiz.store.database import Store


def _check(args: argparse.Namespace) -> int:
    paths = paths_of(args)
    if not paths.database.exists():
        print(f"no database yet at {paths.database} (nothing to check)")
        return 0
    with Store.open(paths.database) as store:
        problems = store.integrity_check()
    if problems:
        for line in problems:
            print(line)
        print(f"{paths.database} is damaged. Run `dlquiz db restore` to restore the newest backup.")
        return 1
    print(f"ok: {paths.database}")
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
        print(f"{path.name}  {path.stat().st_size} bytes")
    return 0


def _restore(args: argparse.Namespace) -> int:
    paths = paths_of(args)
    backup = resolve_backup(paths.backups_dir, args.backup)
    aside = restore_backup(paths.database, backup)
    print(f"restored {paths.database} from {backup.name}")
    if aside is not None:
        print(f"the previous file was kept as {aside}")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "db", help="check, back up, restore or rebuild the review database",
        description="Look after the SQLite database that holds your review history.",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    p = sub.add_parser("check", help="run PRAGMA integrity_check (exit 1 on problems)")
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
