"""Other formats in and out: Anki packages and text, review-log export/import (sync).

Add an export format as a module here and a subcommand in ``dlquiz/commands/``.
"""
