"""``python -m dlquiz`` is the same as the ``dlquiz`` command."""

from dlquiz.launch import run

run()
