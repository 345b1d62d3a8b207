"""``?``: every key of the screen you came from, then the global keys."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown


def _describe(bindings: list[BindingType]) -> list[tuple[str, str]]:
    rows = []
    for item in bindings:
        if isinstance(item, Binding):
            keys = item.key_display or item.key
            rows.append((keys, item.description or item.action))
        elif isinstance(item, tuple) and len(item) >= 3:
            rows.append((item[0], item[2]))
    return rows


def keys_table(title: str, rows: list[tuple[str, str]]) -> str:
    lines = [f"## {title}", "", "| key | does |", "|---|---|"]
    lines += [f"| `{key.replace('|', '/')}` | {what} |" for key, what in rows]
    return "\n".join(lines) + "\n"


class HelpScreen(ModalScreen[None]):
    """The keys table, built from the ``BINDINGS`` themselves so it can never drift."""

    CSS_PATH = Path(__file__).with_name("help.tcss")
    BINDINGS = [Binding("escape,q,question_mark", "dismiss_help", "Close")]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        screen_rows = _describe(list(type(self.under).BINDINGS))
        text = keys_table(self.under.__class__.__name__.removesuffix("Screen") or "Screen", screen_rows)
        text += "\n" + keys_table(
            "Everywhere",
            _describe(list(type(self.app).BINDINGS))
            + [("ctrl+p", "Command palette: decks, exercises, actions"), ("escape", "Back one screen")],
        )
        with VerticalScroll(classes="dialog"):
            yield Markdown(text)

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
