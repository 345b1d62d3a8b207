"""Settings: new cards/day, reviews/day, day start hour, theme; saved to ``config.toml``.

Validation and the file format belong to :mod:`dlquiz.config`; a bad value
comes back as a ``ConfigError`` whose message is shown under the form.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from dlquiz.errors import ConfigError
from dlquiz.tui.screens.base import BaseScreen
from dlquiz.tui.themes import THEMES
from dlquiz.tui.widgets.key_bar import KeyBar

NUMBER_FIELDS = (
    ("new_per_day", "New cards per day"),
    ("reviews_per_day", "Reviews per day (most due cards shown)"),
    ("day_start_hour", "Hour the study day starts (0-23, local)"),
)


class SettingsScreen(BaseScreen[None]):
    """A small form; ctrl+s or the Save button writes the file."""

    CSS_PATH = Path(__file__).with_name("settings.tcss")
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        settings = self.ctx.config
        themes = list(dict.fromkeys([*THEMES, settings.theme]))
        yield Static("dlquiz · settings", classes="title-bar")
        with VerticalScroll(id="form"):
            for key, label in NUMBER_FIELDS:
                with Horizontal(classes="row"):
                    yield Label(label)
                    yield Input(str(getattr(settings, key)), id=key, type="integer")
            with Horizontal(classes="row"):
                yield Label("Theme")
                yield Select([(t, t) for t in themes], value=settings.theme, allow_blank=False, id="theme")
            yield Static(f"Saved to {self.ctx.paths.config_file} (also editable by hand).", classes="hint")
            yield Static("", id="settings-error")
            yield Button("Save (ctrl+s)", id="save", variant="primary")
        yield KeyBar()

    def on_screen_resume(self) -> None:
        """Coming back shows what is saved: edits left without ctrl+s are dropped."""
        settings = self.ctx.config
        for key, _ in NUMBER_FIELDS:
            self.query_one(f"#{key}", Input).value = str(getattr(settings, key))
        self.query_one("#settings-error", Static).update("")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value in self.app.available_themes:
            self.app.theme = str(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()

    def action_save(self) -> None:
        error = self.query_one("#settings-error", Static)
        try:
            values = {key: int(self.query_one(f"#{key}", Input).value) for key, _ in NUMBER_FIELDS}
        except ValueError:
            error.update("[red]Every number must be a whole number.[/red]")
            return
        theme = str(self.query_one("#theme", Select).value)
        new = replace(self.ctx.config, theme=theme, **values)
        try:
            self.ctx.save_config(new)
        except (ConfigError, OSError) as exc:
            # The form's values are checked as a would-be file; name the field, not a line.
            message = re.sub(r"^<new settings>:\d+: ", "", str(exc))
            error.update(Text(message, style="red"))
            return
        error.update("")
        self.notify("Settings saved.")
