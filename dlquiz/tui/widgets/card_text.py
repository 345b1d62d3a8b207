"""Card text: Markdown rendered in one widget, with highlighted code blocks.

Why not Textual's ``Markdown`` widget: it mounts a widget per block, which
costs ~20 ms per card, more than a whole frame. Rich's Markdown renderable
draws the same text (headings, lists, tables, fenced code highlighted with
Pygments) inside a single ``Static``, so the next card appears within a frame.
``source`` keeps the Markdown that is shown (tests and the help screen read it).

Line breaks: deck authors put formulas on lines of their own, one under the
other, and expect to see them that way; plain Markdown would join them into
one paragraph ("x̂⁻ = F·x̂ + B·u P⁻ = …"). Here a single newline after a short
line is a hard line break, while a newline after a long line (prose the
author's editor wrapped) is joined as usual, so paragraphs reflow to the
window; a blank line still starts a new paragraph and fenced code keeps its
lines anyway.

One ``MarkdownIt`` parser is built per process and shared: Rich builds a new
one for each text, which is about a millisecond of every card.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Markdown as RichMarkdown
from rich.measure import Measurement
from rich.segment import Segment
from textual._context import NoActiveAppError
from textual.widgets import Static

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore


#: A line at least this long before a newline is prose wrapped by the author's editor
#: (deck files are filled at ~90 columns): that newline is joined like Markdown does.
PROSE_LINE = 60


def hard_line_breaks(state: StateCore) -> None:
    """markdown-it core rule: a newline after a short line (a formula, a list of steps)
    breaks the line; after a long line (wrapped prose) it stays a space, so paragraphs
    reflow to the window instead of breaking raggedly where the YAML happened to wrap."""
    for token in state.tokens:
        if token.type == "inline" and token.children:
            line = 0
            for child in token.children:
                if child.type == "softbreak":
                    if line < PROSE_LINE:
                        child.type = "hardbreak"
                        child.tag = "br"
                    line = 0
                elif child.type == "hardbreak":
                    line = 0
                else:
                    line += len(child.content or "")


@lru_cache(maxsize=1)
def card_parser() -> MarkdownIt:
    """Rich's Markdown dialect (CommonMark + strikethrough + tables) plus hard line breaks."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt().enable("strikethrough").enable("table")
    parser.core.ruler.push("hard_line_breaks", hard_line_breaks)
    return parser


class CardMarkdown(RichMarkdown):
    """Rich's Markdown renderable, parsed with :func:`card_parser`.

    Sets the same attributes as ``rich.markdown.Markdown.__init__`` (which
    would build its own parser), so rendering is Rich's own.
    """

    def __init__(self, markup: str, *, code_theme: str) -> None:
        self.markup = markup
        self.parsed = card_parser().parse(markup)
        self.code_theme = code_theme
        self.justify = None
        self.style = "none"
        self.hyperlinks = False
        self.inline_code_lexer = None
        self.inline_code_theme = code_theme


class RenderedOnce:
    """A renderable that renders ``inner`` once per width and replays the lines.

    Textual measures an ``height: auto`` widget by rendering its content, then
    renders it again to draw it: for a card's Markdown that was two full Rich
    renders of the same text at the same width on every card. The second is
    now a copy of the first (key press to next card, bench/bench_tui.py).
    """

    def __init__(self, inner: RichMarkdown) -> None:
        self.inner = inner
        self._lines: dict[tuple[int, object], list[list[Segment]]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (options.max_width, options.height)
        lines = self._lines.get(key)
        if lines is None:
            lines = self._lines[key] = console.render_lines(self.inner, options, pad=False)
            if len(self._lines) > 4:  # a few widths (resizes); never grows without bound
                self._lines.pop(next(iter(self._lines)))
        new_line = Segment.line()
        for line in lines:
            yield from line
            yield new_line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.inner)


class CardText(Static):
    """A ``Static`` showing Markdown; call :meth:`show_markdown` to change it."""

    DEFAULT_CSS = """
    CardText {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, markdown: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = ""
        self._shown: tuple[str, str] | None = None
        self.show_markdown(markdown)

    def show_markdown(self, markdown: str) -> None:
        """Show ``markdown`` (not re-parsed when it is already shown in the same theme)."""
        try:
            dark = self.app.current_theme.dark
        except NoActiveAppError:  # built outside a running app: assume a dark theme
            dark = True
        theme = "monokai" if dark else "friendly"
        self.source = markdown
        if self._shown == (markdown, theme):
            return
        self._shown = (markdown, theme)
        self.update(RenderedOnce(CardMarkdown(markdown, code_theme=theme)))
