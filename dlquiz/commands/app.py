"""``dlquiz`` with no subcommand (or ``dlquiz study`` without ``--plain``): the Textual app.

The store is opened (and migrated) before the first frame, on the app's
database thread, so a damaged database is reported here as a plain message
with the way out (``dlquiz db restore``) instead of inside a half-drawn UI.
That thread then loads the decks while this one imports Textual
(:meth:`AppContext.preload_catalog`), so the first frame lists the decks.

Start-up and the garbage collector: importing Textual and building the first
screen allocates a few hundred thousand objects that live as long as the
app. Left alone, the cyclic collector walks them again and again while the
first frame is being built (and once more at interpreter exit), about a third
of a cold start, finding nothing to free. So the collector is paused from the
import of the TUI until just before the app runs, everything alive then is
moved to the permanent generation (:func:`gc.freeze`), and the collector runs
normally, over the objects created after that, for the rest of the session.
Reference counting frees temporaries all along; only cyclic garbage made
during start-up (a few kilobytes) is kept.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from dlquiz.errors import ConfigError, CorruptDatabaseError, StoreError
from dlquiz.paths import resolve_paths

if TYPE_CHECKING:
    from dlquiz.tui.app import DlquizApp
    from dlquiz.tui.study import StudyPlan

EXIT_FAILURE = 1


def study_plan(args: argparse.Namespace) -> StudyPlan:
    """The session ``dlquiz study`` asks for: ``--only`` decks, ``--topic``s, ``--cram``."""
    from dlquiz.tui.study import StudyPlan

    return StudyPlan(decks=tuple(getattr(args, "only", ()) or ()),
                     topics=tuple(getattr(args, "topic", ()) or ()),
                     cram=bool(getattr(args, "cram", False)))


def run_app(args: argparse.Namespace, *, plan: StudyPlan | None = None,
            configure: Callable[[DlquizApp], None] | None = None) -> int:
    """Resolve paths, load settings, open the store, run the TUI; the exit code.

    ``plan``: open straight into that study session (``dlquiz study``);
    otherwise the app opens on the decks screen. ``configure`` is called with
    the app just before it runs (the start-up benchmark uses it to stop the
    app once the home screen shows its counts).
    """
    from dlquiz.decks.catalog import gc_paused  # the catalog is loaded first thing anyway

    with gc_paused():
        from dlquiz.tui.context import AppContext

        paths = resolve_paths(getattr(args, "data_dir", None))
        ctx = AppContext(paths=paths, deck_paths=tuple(getattr(args, "deck_paths", ()) or ()))
        try:
            ctx.config  # noqa: B018  (a bad config.toml is reported before the UI starts)
        except ConfigError as exc:
            print(f"dlquiz: {exc.title}: {exc.message}", file=sys.stderr)
            return EXIT_FAILURE
        # Open the store, then load the decks, on the database thread while this one
        # imports Textual: the first frame then lists the decks.
        opened = ctx.db_submit(lambda store: None)
        ctx.preload_catalog()
        from dlquiz.decks.trust import install
        from dlquiz.tui.app import DlquizApp

        install(paths.data_dir, lambda: ctx.catalog.decks, interactive=False)  # deck code: trusted once
        try:
            opened.result()
        except CorruptDatabaseError as exc:
            ctx.close()
            print(f"dlquiz: {exc.title}: {exc.message}", file=sys.stderr)
            if "db restore" not in exc.message:
                print("dlquiz: run `dlquiz db restore` to restore the newest backup.",
                      file=sys.stderr)
            return EXIT_FAILURE
        except (StoreError, ConfigError) as exc:
            ctx.close()
            print(f"dlquiz: {exc.title}: {exc.message}", file=sys.stderr)
            return EXIT_FAILURE
        ctx.start_daily_backup()
        app = DlquizApp(ctx, plan=plan)
        if configure is not None:
            configure(app)
        gc.freeze()
    fatal = plain_errors(app)
    try:
        app.run()
    finally:
        ctx.close()
        gc.freeze()  # nothing left to free: spare the interpreter's exit a full collection
    for message in fatal[:1]:
        print(message, file=sys.stderr)
    return int(app.return_code or 0)


def plain_errors(app: DlquizApp) -> list[str]:
    """Make a database or dlquiz error that escapes a screen end the app with one line.

    Textual's default is a Rich traceback with every frame's locals (the
    database path, the session, the card); for an error a person must act on
    (a damaged database, a full disk) that hides the one thing to do. The
    returned list receives ``dlquiz: <title>: <message>`` for the caller to
    print after the terminal is restored; any other exception keeps Textual's
    handling (it is a bug, and the traceback is for the developer).
    """
    from dlquiz.errors import DlquizError
    from dlquiz.store.dbfile import error_for

    messages: list[str] = []
    original = app._handle_exception

    def handle(error: Exception) -> None:
        mapped = error if isinstance(error, DlquizError) else error_for(error)
        if mapped is None:
            original(error)
            return
        messages.append(f"dlquiz: {mapped.title}: {mapped.message}")
        app._return_code = 1
        app.exit(return_code=1)

    app._handle_exception = handle  # type: ignore[method-assign]
    return messages
