"""Shared plumbing for the core commands (study, stats, db, transfer).

``open_store`` is where the daily rolling backup happens: after the database
opened cleanly (a damaged one raises CorruptDatabaseError first, so it is
never copied over good backups).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from dlquiz.clock import DEFAULT_DAY_START_HOUR
from dlquiz.config import Settings, load_settings
from dlquiz.errors import ConfigError, StoreError
from dlquiz.model import Item
from dlquiz.paths import Paths, paths_of
from dlquiz.store.backup import backup_if_due
from dlquiz.store.database import Store


def settings_of(args: argparse.Namespace) -> Settings:
    return load_settings(paths_of(args))


def open_store(paths: Paths, *, backup: bool = True) -> Store:
    """Open the database, set the configured scheduler, take the daily backup when due.

    Setting the scheduler replays the card states from the log when it (or its
    parameters) changed since the last run (:mod:`dlquiz.store.scheduling`).
    """
    from dlquiz.store.scheduling import use_scheduler

    store = Store.open(paths.database)
    try:
        use_scheduler(store, load_settings(paths).scheduler_spec)
    except BaseException:
        store.close()
        raise
    if backup:
        try:
            hour = load_settings(paths).day_start_hour  # backups are per study day
        except ConfigError:
            hour = DEFAULT_DAY_START_HOUR  # a bad config.toml is reported where it is used
        try:
            backup_if_due(store, paths.backups_dir, day_start_hour=hour)
        except (StoreError, OSError) as exc:
            print(f"dlquiz: warning: daily backup skipped: {exc}", file=sys.stderr)
    return store


def load_catalog_for(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The deck catalog for this run (bundled, user, $DLQUIZ_DECKS, --deck)."""
    from dlquiz.decks.catalog import load_catalog

    return load_catalog(paths_of(args), getattr(args, "deck_paths", ()) or ())


def select_items(
    items: Sequence[Item], deck_ids: Sequence[str] = (), topics: Sequence[str] = ()
) -> list[Item]:
    """Items of the given decks and/or topics (a topic matches itself and finer ids under it)."""

    def topic_ok(item: Item) -> bool:
        return any(t == want or t.startswith(want + ".") for t in item.card.topics for want in topics)

    return [
        item
        for item in items
        if (not deck_ids or item.card.deck_id in deck_ids) and (not topics or topic_ok(item))
    ]
