"""The ``dlquiz`` command's first lines (console script and ``python -m dlquiz``).

Why a module of its own: a grading command's sandbox runner spends most of
its start-up importing NumPy, and everything else ``check`` waits for follows
it. This module imports nothing but :mod:`dlquiz.argv` before it starts that
runner (:func:`dlquiz.grading.spawn.start_early`), so the child is on its way
~15 ms after the interpreter is, before argparse and the rest of dlquiz load;
then :func:`dlquiz.cli.main` does the work. The bare ``dlquiz`` draws the
decks screen saved by an earlier launch here, for the same reason
(:mod:`dlquiz.splash`).
"""

from __future__ import annotations

import os
import sys

from dlquiz.argv import GRADES_ONCE, first_command, starts_runner


def run() -> None:
    """The ``dlquiz`` command (console script and ``python -m dlquiz``): :func:`main`.

    A command that grades once then leaves at once (:func:`leave_now`): by then
    its review is committed, its store closed and its output written, and the
    interpreter's own teardown of NumPy and the rest (about 20 ms measured) is
    time the learner waits for nothing. Everything else exits normally.
    """
    tokens = sys.argv[1:]
    shown = None
    if starts_runner(tokens):
        from dlquiz.grading.spawn import start_early

        start_early()
    elif first_command(tokens) is None:
        from dlquiz.splash import draw

        shown = draw(tokens)  # the decks screen, before Textual loads (dlquiz.splash)
    try:
        from dlquiz.cli import main

        code = main()
    except KeyboardInterrupt:  # ctrl+c before the app (cli.main reports its own)
        if shown is None:
            raise
        shown.withdraw()
        print("dlquiz: interrupted", file=sys.stderr)
        code = 130
    finally:
        if shown is not None:
            shown.withdraw()  # the app never took over (an error): undo it before exiting
    if first_command(tokens) in GRADES_ONCE:
        leave_now(code)
    raise SystemExit(code)


def leave_now(code: int) -> None:
    """Exit with ``code`` after what a normal exit must do, skipping the module teardown.

    Non-daemon threads are joined (a sandbox's teardown runs in one), ``atexit``
    handlers run (the pool's shutdown among them), stdout and stderr are
    flushed; only then ``os._exit``. A flush that fails (a closed pipe) exits
    120, as the interpreter itself does.
    """
    import atexit
    import threading

    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        code = 120
    os._exit(code)

