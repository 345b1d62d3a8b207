"""What the learner typed above the card's answer, the differences marked word by word.

Two rows, each in its own wording (:func:`dlquiz.study.answer_diff.side_by_side`):
``You typed`` with the words the answer does not have struck through in the
error colour, ``Answer`` with the words the learner left out underlined in the
success colour, and a count of the answer's words that were there. Strike and
underline as well as colour, so the marks survive a monochrome terminal and
colour-blind eyes. The comparison forgives case, spacing and punctuation, so
only real differences are marked; Markdown emphasis around a word of the
answer (``**Zero.**``) is shown without its asterisks.

One widget drawing a Rich table, like ``CardText``: shown and hidden on every
card, so no child widgets to mount. Used by the review screen's reveal and
reusable wherever a typed answer is judged (the mock interview).
"""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from dlquiz.study.answer_diff import mark_differences, matched_words, side_by_side

#: Markdown marks shown around a word in a deck answer but not worth showing here.
_MARKS = "*_`"


def plain_word(word: str) -> str:
    """``**Zero.**`` -> ``Zero.``; ``p_t`` keeps its underscore (only the ends are stripped)."""
    return word.strip(_MARKS) or word


class TypedAnswer(Widget):
    """Call :meth:`compare` with the typed text and the expected answer."""

    COMPONENT_CLASSES = {"typed-answer--label", "typed-answer--extra", "typed-answer--missing"}
    DEFAULT_CSS = """
    TypedAnswer {
        height: auto;
        padding: 0 1;
        .typed-answer--label { color: $text-muted; text-style: bold; }
        .typed-answer--extra { color: $text-error; text-style: strike; }
        .typed-answer--missing { color: $text-success; text-style: bold underline; }
    }
    """

    def __init__(self, typed: str = "", expected: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.typed = typed
        self.expected = expected

    def compare(self, typed: str, expected: str) -> None:
        """Show ``typed`` against ``expected`` (plain text or Markdown)."""
        self.typed, self.expected = typed, expected
        self.refresh(layout=True)

    @property
    def score(self) -> tuple[int, int]:
        """(answer words the typed text has, answer words in all)."""
        return matched_words(mark_differences(self.typed, self.expected))

    def _line(self, segments: list[tuple[str, str]], marked: str, mark: Style) -> Text:
        line = Text()
        for tag, words in segments:
            if line:
                line.append(" ")
            shown = " ".join(plain_word(w) for w in words.split())
            line.append(shown, mark if tag == marked else Style())
        return line

    def lines(self) -> tuple[Text, Text, Text | None]:
        """The typed row, the answer row (both marked) and the note under them (None: no answer)."""
        extra = self.get_component_rich_style("typed-answer--extra", partial=True)
        missing = self.get_component_rich_style("typed-answer--missing", partial=True)
        mine, theirs = side_by_side(self.typed, self.expected)
        typed_line = self._line(mine, "extra", extra) if mine else Text("(nothing typed)", "dim")
        have, total = self.score
        note = None
        if total:
            note = Text("every word of the answer is there" if have == total else
                        f"{have} of {total} words of the answer; underlined: left out, "
                        "struck: not in it", "dim")
        return typed_line, self._line(theirs, "missing", missing), note

    def render(self) -> Table:
        label = self.get_component_rich_style("typed-answer--label", partial=True)
        typed_line, answer_line, note = self.lines()
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(Text("You typed", label), typed_line)
        grid.add_row(Text("Answer", label), answer_line)
        if note is not None:
            grid.add_row(Text(""), note)
        return grid
