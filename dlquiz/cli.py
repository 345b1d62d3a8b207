"""The ``dlquiz`` command: parse arguments, call the core, print results.

Each group of subcommands lives in its own module under :mod:`dlquiz.commands`
and exposes ``register(subparsers)``; this module only wires them together and
turns :class:`~dlquiz.errors.DlquizError` into a clear message and an exit code
(2 for usage errors, 1 otherwise), so no traceback ever reaches the user.
With no subcommand, ``dlquiz`` opens the TUI.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from dlquiz import __version__
from dlquiz.argv import GLOBAL_VALUE_OPTIONS, first_command, starts_runner
from dlquiz.errors import DlquizError, UsageError

#: Modules under dlquiz.commands, each with ``register(subparsers)``. Order is
#: the order of ``dlquiz --help``.
COMMAND_MODULES = (
    "study",
    "decks",
    "exercises",
    "practice_loop",
    "stats",
    "plan",
    "mock",
    "scheduler",
    "cards",
    "db",
    "transfer",
    "serve",
)

#: Which module registers each subcommand, so ``dlquiz check`` imports only the
#: exercise commands (start-up is part of what a learner waits for). A command
#: missing here still works: then every module is loaded. A test checks that
#: this map matches what the modules register.
COMMAND_HOMES = {
    "study": "study",
    "decks": "decks",
    "exercises": "exercises", "practice": "exercises", "check": "exercises",
    "solution": "exercises",
    "watch": "practice_loop", "hint": "practice_loop", "next": "practice_loop",
    "reset": "practice_loop", "run": "practice_loop",
    "stats": "stats",
    "plan": "plan",
    "mock": "mock",
    "scheduler": "scheduler",
    "cards": "cards",
    "db": "db",
    "export": "transfer", "import": "transfer",
    "serve": "serve",
}


EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors through our exit code 2 and stderr."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser(*, with_commands: bool = True,
                 only: str | None = None) -> argparse.ArgumentParser:
    """The parser; ``only`` loads just the module of that subcommand (see COMMAND_HOMES)."""
    parser = _Parser(
        prog="dlquiz",
        description="Spaced-repetition interview prep for deep learning and computer vision. "
        "Run with no command to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"dlquiz {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the database, drafts and user decks live (default: $DLQUIZ_HOME, "
        "else the platform's user data dir)",
    )
    parser.add_argument(
        "--deck",
        dest="deck_paths",
        action="append",
        default=[],
        metavar="PATH",
        help="also load decks from this file or folder (repeatable; see also $DLQUIZ_DECKS)",
    )
    if not with_commands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in (only,) if only else COMMAND_MODULES:
        try:
            module = importlib.import_module(f"dlquiz.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"dlquiz.commands.{name}":
                continue
            raise
        module.register(sub)
    return parser


def opens_app(argv: Sequence[str]) -> bool:
    """True when ``argv`` holds only global options, i.e. ``dlquiz`` opens the app.

    Then no command module is imported: start-up time is the app's budget.
    """
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in GLOBAL_VALUE_OPTIONS:
            i += 2
        elif token.startswith(tuple(f"{o}=" for o in GLOBAL_VALUE_OPTIONS)):
            i += 1
        else:
            return False
    return True


#: BLAS thread pools, one thread each unless the user set them: dlquiz's own NumPy
#: work (references on test-sized inputs, numeric cards) gains nothing from more,
#: and OpenBLAS starting one thread per core costs every process that imports
#: NumPy while another does (``check``'s judge beside its sandbox, the app beside
#: its pre-started worker): on 2 cores, two ``import numpy`` at once took 1.65x
#: one alone with the default pool and 1.0x with one thread (bench/bench_grader.py).
#: The sandbox's runner gets the same (dlquiz.grading.spawn.sandbox_env), so a
#: perf case's reference and the learner's code run on equal terms.
BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """Default each of :data:`BLAS_THREAD_VARS` to 1 (before anything imports NumPy)."""
    for name in BLAS_THREAD_VARS:
        os.environ.setdefault(name, "1")


def main(argv: Sequence[str] | None = None) -> int:
    one_blas_thread()
    tokens = list(sys.argv[1:] if argv is None else argv)
    first = first_command(tokens)
    if starts_runner(tokens):  # already done by dlquiz.launch.run; main(argv) in-process too
        from dlquiz.grading.spawn import start_early

        start_early()  # its NumPy import overlaps all of ours (see dlquiz.grading.spawn)
    parser = build_parser(with_commands=not opens_app(tokens), only=COMMAND_HOMES.get(first or ""))
    args = parser.parse_args(tokens)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from dlquiz.commands.app import run_app

            return run_app(args)
        return int(handler(args) or 0)
    except UsageError as exc:
        print(f"dlquiz: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except DlquizError as exc:
        print(f"dlquiz: {exc.title}: {exc.message}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("dlquiz: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a directory given for a file, a full disk, no permission ...
        where = f": {exc.filename}" if exc.filename else ""
        reason = exc.strerror or type(exc).__name__
        print(f"dlquiz: {reason}{where}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:  # an SQLite error that escaped the store: still one clear line
        from dlquiz.store.dbfile import error_for

        mapped = error_for(exc)
        if mapped is None:
            raise
        print(f"dlquiz: {mapped.title}: {mapped.message}", file=sys.stderr)
        return EXIT_FAILURE

