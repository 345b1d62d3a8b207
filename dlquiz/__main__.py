"""``python -m dlquiz`` is the same as the ``dlquiz`` command."""

from dlquiz.cli import run

run()
