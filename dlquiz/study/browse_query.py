"""The card browser's query language: text in, a :class:`Query` (or a clear error) out.

Why a small language of its own: the browser filters on every keystroke, so a
query must parse in microseconds and every mistake must say, in one line,
what to type instead (no regular expressions, no operator precedence).

Syntax (documented for users in ``docs/browser.md``):

* words are AND-ed; a word matches anywhere in the card's text (front, back,
  cloze text, choices, explanation, card id, exercise id), case-insensitively;
* ``"two words"`` is one phrase; a backslash escapes ``"`` or ``\\`` inside quotes;
* ``deck:ID`` the deck id; ``topic:ID`` that topic or a finer one
  (``topic:detection`` matches ``detection.nms``), as ``dlquiz study --topic``;
  ``type:basic|choice|cloze|numeric|code``; ``tag:NAME`` a card tag;
  ``deck:``, ``topic:`` and ``tag:`` take ``*`` wildcards (``deck:det*``);
* ``is:new|due|suspended|buried|leech`` the item's state;
* ``-`` before any term negates it (``-is:suspended``, ``-nms``).

A word that looks like ``name:value`` with an unknown ``name`` is an error
(with "did you mean"), so a typo never silently searches the text; quote it
(``"x:y"``) to search for it literally.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from dlquiz.model import CARD_TYPES

TEXT = "text"
#: Filters that take a free value (``*`` wildcards allowed).
PATTERN_FIELDS = ("deck", "topic", "tag")
FIELDS = (*PATTERN_FIELDS, "type", "is")
STATES = ("new", "due", "suspended", "buried", "leech")


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; ``message`` is one line for the user, ``position``
    the 0-based offset in the query text it is about."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Term:
    """One condition: ``field`` is ``text`` or one of :data:`FIELDS`; ``value`` is lowercase."""

    field: str
    value: str
    negated: bool = False

    def __str__(self) -> str:
        sign = "-" if self.negated else ""
        if self.field == TEXT:
            return f"{sign}{_quote_if_needed(self.value)}"
        return f"{sign}{self.field}:{_quote_if_needed(self.value)}"


@dataclass(frozen=True)
class Query:
    """Terms that must all hold. ``str(query)`` is canonical text that parses back to it."""

    terms: tuple[Term, ...] = ()

    def __str__(self) -> str:
        return " ".join(str(t) for t in self.terms)

    @property
    def empty(self) -> bool:
        return not self.terms

    def needs_states(self) -> bool:
        """True when an ``is:`` term needs the store's card states."""
        return any(t.field == "is" for t in self.terms)


def _quote_if_needed(value: str) -> str:
    plain = value and not any(c.isspace() or c in '":\\' for c in value) and value[0] != "-"
    if plain:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """The phrase starting at the ``"`` at ``start``, and the index after its closing quote."""
    out: list[str] = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in '"\\':
            out.append(text[i + 1])
            i += 2
            continue
        if c == '"':
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise QuerySyntaxError('unclosed quote: add a closing "', start)


def _check_value(field: str, value: str, at: int) -> str:
    if not value:
        hint = {"is": "is:" + "|".join(STATES), "type": "type:" + "|".join(CARD_TYPES)}
        raise QuerySyntaxError(f"{field}: needs a value, e.g. {hint.get(field, field + ':name')}", at)
    if field == "is" and value not in STATES:
        raise QuerySyntaxError(f"unknown state is:{value}{_suggest(value, STATES, 'is:')}; "
                               f"use one of {', '.join(STATES)}", at)
    if field == "type" and value not in CARD_TYPES:
        raise QuerySyntaxError(f"unknown card type type:{value}{_suggest(value, CARD_TYPES, 'type:')}"
                               f"; use one of {', '.join(CARD_TYPES)}", at)
    return value


def _suggest(word: str, options: tuple[str, ...], prefix: str = "") -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {prefix}{close[0]}?)" if close else ""


def parse(text: str) -> Query:
    """Parse a browser query; raises :class:`QuerySyntaxError` with a one-line message."""
    terms: list[Term] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = text[i] == "-"
        if negated:
            i += 1
            if i >= n or text[i].isspace():
                raise QuerySyntaxError("'-' must be followed by a word or a filter, e.g. -is:suspended",
                                       start)
        if text[i] == '"':
            value, i = _read_quoted(text, i)
            if value.strip():
                terms.append(Term(TEXT, value.lower(), negated))
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        word = text[i:j]
        name, colon, rest = word.partition(":")
        if colon and name.isalpha():
            field = name.lower()
            if field not in FIELDS:
                raise QuerySyntaxError(
                    f"unknown filter {name}:{_suggest(field + ':', tuple(f + ':' for f in FIELDS))}; "
                    "filters are "
                    f"{', '.join(f + ':' for f in FIELDS)} (quote it to search the text)", i)
            if not rest and j < n and text[j] == '"':
                rest, j = _read_quoted(text, j)
            value = _check_value(field, rest.strip().lower(), i)
            terms.append(Term(field, value, negated))
        else:
            terms.append(Term(TEXT, word.lower(), negated))
        i = j
    return Query(tuple(terms))
