"""The TypedAnswer widget marks extra words struck and missing words underlined."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult

from dlquiz.tui.widgets.typed_answer import TypedAnswer, plain_word


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield TypedAnswer(id="diff")


def styled_words(text: Text) -> dict[str, set[str]]:
    """word -> {'strike', 'underline'} marks it carries in a rendered line."""
    out: dict[str, set[str]] = {}
    for span in text.spans:
        style = span.style if not isinstance(span.style, str) else None
        word = text.plain[span.start:span.end]
        marks = {m for m in ("strike", "underline") if style is not None and getattr(style, m)}
        if marks:
            out[word] = marks
    return out


async def test_differences_are_marked_in_each_wording() -> None:
    app = Host()
    async with app.run_test(size=(80, 12)) as pilot:
        widget = app.query_one(TypedAnswer)
        widget.compare("It returns ONE for negatives", "It returns **zero** for negative inputs.")
        await pilot.pause()
        typed_line, answer_line, note = widget.lines()
        assert typed_line.plain == "It returns ONE for negatives"  # the learner's own words
        assert answer_line.plain == "It returns zero for negative inputs."  # no Markdown stars
        assert styled_words(typed_line) == {"ONE": {"strike"}, "negatives": {"strike"}}
        assert styled_words(answer_line) == {"zero": {"underline"},
                                             "negative inputs.": {"underline"}}
        assert note is not None and "3 of 6 words" in note.plain
        console = Console(width=78, record=True, color_system=None)
        console.print(widget.render())
        rows = console.export_text().splitlines()
        assert rows[0].split() == ["You", "typed", "It", "returns", "ONE", "for", "negatives"]
        assert rows[1].split()[:2] == ["Answer", "It"]
        assert widget.size.height == 3  # laid out at the rows' height


async def test_an_exact_answer_and_an_empty_one() -> None:
    app = Host()
    async with app.run_test(size=(80, 12)) as pilot:
        widget = app.query_one(TypedAnswer)
        widget.compare("zero", "Zero.")
        await pilot.pause()
        assert widget.score == (1, 1)
        assert "every word of the answer is there" in widget.lines()[2].plain
        widget.compare("   ", "Zero.")
        assert widget.score == (0, 1)
        assert widget.lines()[0].plain == "(nothing typed)"


def test_plain_word_strips_markdown_only_at_the_ends() -> None:
    assert plain_word("**Zero.**") == "Zero."
    assert plain_word("`p_t`") == "p_t"
    assert plain_word("***") == "***"
