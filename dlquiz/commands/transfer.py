"""``dlquiz export ...`` and ``dlquiz import ...``: move history and decks between tools.

This module owns the ``export`` and ``import`` groups and their ``reviews``
subcommands (the logic is in :mod:`dlquiz.interop.reviews`). Other formats plug in
without editing this file: if :mod:`dlquiz.commands.anki` exists, its
``add_subcommands(export_sub, import_sub)`` is called with the two subparser
collections (it adds ``export anki`` and ``import anki-text``).
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from typing import Any

from dlquiz.commands._core import open_store, paths_of
from dlquiz.interop.reviews import export_reviews, import_reviews

#: Modules that may add subcommands to ``export``/``import`` (optional).
PLUGIN_MODULES = ("dlquiz.commands.anki",)


def _export_reviews(args: argparse.Namespace) -> int:
    out = Path(args.out)
    fmt = args.format or ("json" if out.suffix.lower() == ".json" else "csv")
    with open_store(paths_of(args)) as store:
        count = export_reviews(store, out, fmt)
    print(f"exported {count} reviews to {out} ({fmt})")
    return 0


def _import_reviews(args: argparse.Namespace) -> int:
    with open_store(paths_of(args)) as store:
        read, added = import_reviews(store, Path(args.file))
    print(f"read {read} reviews from {args.file}: {added} new, {read - added} already here")
    return 0


def register(subparsers: Any) -> None:
    export = subparsers.add_parser("export", help="export reviews (or decks) to a file")
    export_sub = export.add_subparsers(dest="export_what", metavar="WHAT", required=True)
    p = export_sub.add_parser(
        "reviews", help="every review as CSV or JSON (for backups or another machine)"
    )
    p.add_argument("out", metavar="OUT", help="file to write")
    p.add_argument("--format", choices=("csv", "json"), help="default: from OUT's suffix, else csv")
    p.set_defaults(handler=_export_reviews)

    imp = subparsers.add_parser("import", help="import reviews (or decks) from a file")
    import_sub = imp.add_subparsers(dest="import_what", metavar="WHAT", required=True)
    p = import_sub.add_parser(
        "reviews", help="merge a review export by review id (idempotent) and rebuild states"
    )
    p.add_argument("file", metavar="FILE", help="a CSV or JSON file from `dlquiz export reviews`")
    p.set_defaults(handler=_import_reviews)

    for name in PLUGIN_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.add_subcommands(export_sub, import_sub)
