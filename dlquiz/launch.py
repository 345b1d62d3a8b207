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
from collections.abc import Callable

from dlquiz.argv import GRADES_ONCE, first_command, starts_runner

#: Set by :func:`run` for a command that leaves through :func:`leave_now`.
_leaves_now = False
#: Work handed to :func:`after_exit` while ``_leaves_now``, run by a detached child.
_after_exit: list[Callable[[], None]] = []


def after_exit(work: Callable[[], None]) -> None:
    """Run ``work`` once the command is done, off the time the learner waits for.

    Under the ``dlquiz`` command of a grading run (:func:`leave_now`) it runs in
    a detached child forked after the output is written and every thread has
    ended, so the command exits without it (on 2 cores the judge's own work,
    not the sandbox, was the last to finish a check); anywhere else
    (``main()`` called in-process, ``dlquiz watch``) it runs now. For work whose loss costs only
    speed: drawing the next check's cases (:func:`dlquiz.grading.drawn_ahead.draw_next`).
    """
    if _leaves_now:
        _after_exit.append(work)
    else:
        work()


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
    global _leaves_now
    _leaves_now = first_command(tokens) in GRADES_ONCE
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
    if _after_exit:
        _run_detached(_after_exit)
    os._exit(code)


def _run_detached(work: list[Callable[[], None]]) -> None:
    """Run ``work`` in a forked child that holds none of the command's pipes or terminal.

    Only the main thread is left by now (:func:`leave_now` joined the others),
    so the fork is safe. The child's stdio goes to ``/dev/null`` (a caller
    reading the command's output sees its end when the command exits) and it
    leaves the terminal's process group and session (no ``ctrl+c`` or hang-up
    meant for the shell's next job). If the fork fails, the work runs here.
    """
    try:
        pid = os.fork()
    except OSError:
        pid = -1
    if pid > 0:
        return
    try:
        if pid == 0:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.setsid()
        for item in work:
            try:
                item()
            except Exception:  # noqa: BLE001, S110 - only speed is lost (see after_exit)
                pass
    finally:
        if pid == 0:
            os._exit(0)

