"""One error hierarchy for everything a person may need to act on.

Each error carries a short ``title`` and a ``message`` written for the learner
(what went wrong and what to do). The CLI and the TUI print these and never a
traceback.
"""

from __future__ import annotations


class DlquizError(Exception):
    """Base class: an error with a title and a message a person can act on."""

    title = "dlquiz error"

    def __init__(self, message: str, *, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message


class UsageError(DlquizError):
    """The command line or an argument was wrong (CLI exit code 2)."""

    title = "Usage error"


class DeckLoadError(DlquizError):
    """A deck could not be loaded; the message lists ``file:line:col: ...`` errors."""

    title = "Broken deck"


class UnknownExerciseError(DlquizError):
    title = "Unknown exercise"


class UnknownGeneratorError(DlquizError):
    title = "Unknown numeric generator"


class StoreError(DlquizError):
    """The database is missing, locked for too long, or corrupt."""

    title = "Database problem"


class CorruptDatabaseError(StoreError):
    title = "Database is corrupt"


class ConfigError(DlquizError):
    title = "Bad configuration"
