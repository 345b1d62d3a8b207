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
import sys
from pathlib import Path
from typing import Any, TextIO

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


class ProgressBar:
    """A one-line bar on stderr, redrawn in place; silent unless stderr is a terminal.

    Plain text (no Rich: the core stays free of UI toolkits), at most one
    redraw per 20,000 rows. ``checked`` counts bytes of the file (the rows are
    streamed, their number is known only at the end), the other phases rows.
    """

    WIDTH = 30

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.active = bool(getattr(self.stream, "isatty", lambda: False)())
        self.drawn = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.active or total <= 0:
            return
        filled = self.WIDTH * done // total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        amount = (f"{done / 1e6:,.1f}/{total / 1e6:,.1f} MB" if phase == "checked"
                  else f"{done:,}/{total:,}")
        self.stream.write(f"\r{phase:>10} [{bar}] {amount}   ")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def _import_reviews(args: argparse.Namespace) -> int:
    path = Path(args.file)
    bar = ProgressBar()
    try:
        with open_store(paths_of(args)) as store:
            read, added = import_reviews(store, path, allow_future=args.allow_future,
                                         progress=bar)
    finally:
        bar.close()
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
        "reviews", help="merge a review export by review id (idempotent) and rebuild states",
        description="Merge a review export by review id (idempotent), all or nothing: every "
                    "row is checked first, and the rows and the rebuilt card states are "
                    "committed together. A bad row is reported as FILE:LINE and nothing is "
                    "written (exit 1).",
    )
    p.add_argument("file", metavar="FILE", help="a CSV or JSON file from `dlquiz export reviews`")
    p.add_argument("--allow-future", action="store_true",
                   help="import reviews dated after this machine's clock (normally refused)")
    p.set_defaults(handler=_import_reviews)

    for name in PLUGIN_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.add_subcommands(export_sub, import_sub)
