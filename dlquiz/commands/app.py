"""``dlquiz`` with no subcommand: open the Textual app over the user's data.

The store is opened (and migrated) before the first frame, on the app's
database thread, so a damaged database is reported here as a plain message
with the way out (``dlquiz db restore``) instead of inside a half-drawn UI.
"""

from __future__ import annotations

import argparse
import sys

from dlquiz.errors import ConfigError, CorruptDatabaseError, StoreError
from dlquiz.paths import resolve_paths

EXIT_FAILURE = 1


def run_app(args: argparse.Namespace) -> int:
    """Resolve paths, load settings and decks, open the store, run the TUI; exit code."""
    from dlquiz.tui.app import DlquizApp
    from dlquiz.tui.context import AppContext

    paths = resolve_paths(getattr(args, "data_dir", None))
    ctx = AppContext(paths=paths, deck_paths=tuple(getattr(args, "deck_paths", ()) or ()))
    try:
        ctx.config  # noqa: B018  (a bad config.toml is reported before the UI starts)
        ctx.db_sync(lambda store: None)
    except CorruptDatabaseError as exc:
        ctx.close()
        print(f"dlquiz: {exc.title}: {exc.message}", file=sys.stderr)
        print("dlquiz: run `dlquiz db restore` to restore the newest backup.", file=sys.stderr)
        return EXIT_FAILURE
    except (StoreError, ConfigError) as exc:
        ctx.close()
        print(f"dlquiz: {exc.title}: {exc.message}", file=sys.stderr)
        return EXIT_FAILURE
    app = DlquizApp(ctx)
    try:
        app.run()
    finally:
        ctx.close()
    return int(app.return_code or 0)
