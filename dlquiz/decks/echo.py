"""Quoting what a deck held inside an error message, within a bound.

Messages say what they saw (``'Demo' is not a valid id``), but a value can be
arbitrarily long: a 200,000-character id must not become a 200,000-character
error line. Every message of :mod:`dlquiz.decks` quotes values through
:func:`clip`. No imports beyond the standard library: both the YAML layer and
the schema layer use it.
"""

from __future__ import annotations

from typing import Any

#: Most characters of a value any message echoes.
ECHO_LIMIT = 60


def clip(value: Any, limit: int = ECHO_LIMIT) -> str:
    """``repr(value)`` cut to about ``limit`` characters, saying how long the value was."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = len(value) if isinstance(value, str) else len(text)
    return f"{text[:limit - 3]}... ({size:,} characters)"
