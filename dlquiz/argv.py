"""The command line read before argparse: which command is this, and does it grade once?

Both :mod:`dlquiz.launch` (before anything else loads) and :mod:`dlquiz.cli`
ask; argparse is ~9 ms of imports that a grading command's sandbox runner
should not wait for.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Commands that grade exactly once, so they start their sandbox runner first thing.
GRADES_ONCE = frozenset({"check"})
#: Global options that take a value (the token after them is not the command).
GLOBAL_VALUE_OPTIONS = ("--data-dir", "--deck")


def first_command(argv: Sequence[str]) -> str | None:
    """The subcommand token of ``argv`` (after the global options), if any."""
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in GLOBAL_VALUE_OPTIONS:
            i += 2
        elif token.startswith("-"):
            i += 1
        else:
            return token
    return None


def starts_runner(argv: Sequence[str]) -> bool:
    """Whether ``argv`` is a grading command that should start its runner at once."""
    return first_command(argv) in GRADES_ONCE and not {"-h", "--help"} & set(argv)
