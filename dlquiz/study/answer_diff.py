"""A typed answer against the card's answer: which words match, which are missing or extra.

Why words and not characters: a learner who types "sets negatives to zero" for
"Zero for negative inputs" wants to see which *ideas* are there, and a
character diff of two phrasings is noise. Why tolerant tokens: nobody should
lose a match to a capital letter, a trailing full stop, Markdown emphasis or
the line breaks of a YAML block, so words are compared by a key that is
case-folded with punctuation removed (``"**Zero.**"`` matches ``"zero"``). A
token of punctuation alone (a dash, a lone slash) is not a word and is left
out of the comparison and of the segments.

The alignment is :class:`difflib.SequenceMatcher` over the keys (``autojunk``
off: short answers repeat words legitimately). Pure: no Textual, no Rich; the
review screen's ``TypedAnswer`` widget and the mock interview render the
segments.
"""

from __future__ import annotations

import difflib
import unicodedata
from typing import Literal

Tag = Literal["same", "missing", "extra"]

#: Markdown markers that decorate words in deck answers (removed from a token's key).
_MARKUP = "*_`~"


def word_key(token: str) -> str:
    """The comparison key of one token: case-folded, punctuation and Markdown marks removed."""
    kept = [ch for ch in token.casefold()
            if ch not in _MARKUP and not unicodedata.category(ch).startswith("P")]
    return "".join(kept)


def tokens(text: str) -> list[str]:
    """The words of ``text`` as written (split on any whitespace), punctuation-only ones dropped."""
    return [t for t in text.split() if word_key(t)]


def _opcodes(typed: list[str], expected: list[str]) -> list[tuple[str, int, int, int, int]]:
    matcher = difflib.SequenceMatcher(
        None, [word_key(t) for t in typed], [word_key(t) for t in expected], autojunk=False)
    return matcher.get_opcodes()


def _append(segments: list[tuple[str, str]], tag: Tag, words: list[str]) -> None:
    """Add ``words`` as one run, merged into the previous segment when it has the same tag."""
    if not words:
        return
    text = " ".join(words)
    if segments and segments[-1][0] == tag:
        segments[-1] = (tag, f"{segments[-1][1]} {text}")
    else:
        segments.append((tag, text))


def mark_differences(typed: str, expected: str) -> list[tuple[str, str]]:
    """One merged line: runs tagged ``same`` | ``missing`` | ``extra``, in reading order.

    ``same`` and ``missing`` runs carry the expected answer's own words (so
    joining them gives the answer's tokens exactly); ``extra`` runs carry the
    learner's words. Where a stretch was replaced, the extra words come first,
    then the missing ones (as a diff shows a deletion before an insertion).
    Words inside a run are joined by one space.
    """
    mine, answer = tokens(typed), tokens(expected)
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in _opcodes(mine, answer):
        if op == "equal":
            _append(segments, "same", answer[j1:j2])
        else:  # replace, delete, insert
            _append(segments, "extra", mine[i1:i2])
            _append(segments, "missing", answer[j1:j2])
    return segments


def side_by_side(typed: str, expected: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The same alignment as two lines, each in its own wording.

    The first holds the learner's words (``same`` / ``extra``), the second the
    answer's (``same`` / ``missing``): what the reveal shows, one above the other.
    """
    mine, answer = tokens(typed), tokens(expected)
    typed_line: list[tuple[str, str]] = []
    expected_line: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in _opcodes(mine, answer):
        if op == "equal":
            _append(typed_line, "same", mine[i1:i2])
            _append(expected_line, "same", answer[j1:j2])
        else:
            _append(typed_line, "extra", mine[i1:i2])
            _append(expected_line, "missing", answer[j1:j2])
    return typed_line, expected_line


def matched_words(segments: list[tuple[str, str]]) -> tuple[int, int]:
    """(answer words matched, answer words in all) of :func:`mark_differences` segments."""
    same = sum(len(text.split()) for tag, text in segments if tag == "same")
    missing = sum(len(text.split()) for tag, text in segments if tag == "missing")
    return same, same + missing
