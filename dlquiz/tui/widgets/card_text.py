"""Card text: Markdown rendered in one widget, with highlighted code blocks.

Why not Textual's ``Markdown`` widget: it mounts a widget per block, which
costs ~20 ms per card, more than a whole frame. Rich's Markdown renderable
draws the same text (headings, lists, tables, fenced code highlighted with
Pygments) inside a single ``Static``, so the next card appears within a frame.
``source`` keeps the Markdown that is shown (tests and the help screen read it).
"""

from __future__ import annotations

from rich.markdown import Markdown as RichMarkdown
from textual._context import NoActiveAppError
from textual.widgets import Static


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
        self.show_markdown(markdown)

    def show_markdown(self, markdown: str) -> None:
        self.source = markdown
        try:
            dark = self.app.current_theme.dark
        except NoActiveAppError:  # built outside a running app: assume a dark theme
            dark = True
        theme = "monokai" if dark else "friendly"
        self.update(RichMarkdown(markdown, code_theme=theme, hyperlinks=False))
