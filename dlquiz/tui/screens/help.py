"""``?``: every key of the screen you came from, then the global keys.

Keys are shown as they are after the user's ``[keys]`` in config.toml, with
each binding's id, which is what a ``[keys]`` line names.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown


def _describe(bindings: list[BindingType], app: App[object]) -> list[tuple[str, str, str]]:
    """(effective keys, description, binding id) per binding: a key rebound in config.toml shows."""
    keymap: dict[str, str] = app._keymap  # Textual keeps the applied keymap only here
    rows = []
    for item in bindings:
        if isinstance(item, Binding):
            if item.id and item.id in keymap:
                keys = ",".join(app.get_key_display(item.with_key(k, key_display=None))
                                for k in keymap[item.id].split(","))
            else:
                keys = item.key_display or item.key
            rows.append((keys, item.description or item.action, item.id or ""))
        elif isinstance(item, tuple) and len(item) >= 3:
            rows.append((item[0], item[2], ""))
    return rows


def keys_table(title: str, rows: list[tuple[str, str, str]]) -> str:
    lines = [f"## {title}", "", "| key | does | id (for [keys] in config.toml) |", "|---|---|---|"]
    lines += [f"| `{key.replace('|', '/')}` | {what} | {f'`{ident}`' if ident else ''} |"
              for key, what, ident in rows]
    return "\n".join(lines) + "\n"


class HelpScreen(ModalScreen[None]):
    """The keys table, built from the ``BINDINGS`` themselves so it can never drift."""

    CSS_PATH = Path(__file__).with_name("help.tcss")
    BINDINGS = [Binding("escape,q,question_mark", "dismiss_help", "Close", id="help.close")]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        # The screen's keys, after those of its own widgets (the decks table's enter, say).
        widget_bindings = [b for w in self.under.query("*") if type(w).__module__.startswith("dlquiz.")
                           for b in vars(type(w)).get("BINDINGS", ())]
        screen_rows = _describe([*widget_bindings, *type(self.under).BINDINGS], self.app)
        text = keys_table(self.under.__class__.__name__.removesuffix("Screen") or "Screen", screen_rows)
        text += "\n" + keys_table(
            "Everywhere",
            _describe(list(type(self.app).BINDINGS), self.app)
            + [("ctrl+p", "Command palette: decks, exercises, actions", ""),
               ("escape", "Back one screen", "")],
        )
        with VerticalScroll(classes="dialog"):
            yield Markdown(text)

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
