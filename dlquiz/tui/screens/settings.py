"""Settings: limits, day start, theme, scheduler, interview date, leeches; saved to ``config.toml``.

Validation and the file format belong to :mod:`dlquiz.config`; a bad value
comes back as a ``ConfigError`` whose message is shown under the form. A change
of scheduler (or of its retention) is applied on the database thread right
after saving: the card states are replayed from the review log under it
(:mod:`dlquiz.store.scheduling`).
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
    ("leech_threshold", "Lapses that make a leech (0 = off)"),
)
#: (key, label, [(shown, value)]) for the choice fields; values are the config's.
CHOICE_FIELDS = (
    ("scheduler", "Scheduler", [("SM-2 (default)", "sm2"), ("FSRS-6", "fsrs")]),
    ("leech_suspend", "When a card becomes a leech", [("tag it", False), ("tag and suspend", True)]),
    ("bury_siblings", "Siblings of an answered card", [("keep apart", False), ("bury until tomorrow", True)]),
)
TEXT_FIELDS = (
    ("desired_retention", "FSRS desired retention (0.70-0.99)"),
    ("interview_date", "Interview date (YYYY-MM-DD, empty: none)"),
)


class SettingsScreen(BaseScreen[None]):
    """A small form; ctrl+s or the Save button writes the file."""

    CSS_PATH = Path(__file__).with_name("settings.tcss")
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="settings.save"),
        Binding("escape", "back", "Back", id="settings.back"),
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
            for key, label in TEXT_FIELDS:
                with Horizontal(classes="row"):
                    yield Label(label)
                    yield Input(self._text(key), id=key)
            for key, label, options in CHOICE_FIELDS:
                with Horizontal(classes="row"):
                    yield Label(label)
                    yield Select(options, value=getattr(settings, key), allow_blank=False, id=key)
            with Horizontal(classes="row"):
                yield Label("Theme")
                yield Select([(t, t) for t in themes], value=settings.theme, allow_blank=False, id="theme")
            yield Static(f"Saved to {self.ctx.paths.config_file} (also editable by hand).", classes="hint")
            yield Static("", id="settings-error")
            yield Button("Save (ctrl+s)", id="save", variant="primary")
        yield KeyBar()

    def _text(self, key: str) -> str:
        value = getattr(self.ctx.config, key)
        return f"{value:.2f}" if isinstance(value, float) else str(value)

    def on_mount(self) -> None:
        self._focus_first_field()

    def _focus_first_field(self) -> None:
        """Keyboard first: the first field has the cursor, tab walks the form, escape leaves."""
        self.query_one(f"#{NUMBER_FIELDS[0][0]}", Input).focus()

    def on_screen_resume(self) -> None:
        """Coming back shows what is saved: edits left without ctrl+s are dropped."""
        self._focus_first_field()
        settings = self.ctx.config
        for key, _ in NUMBER_FIELDS:
            self.query_one(f"#{key}", Input).value = str(getattr(settings, key))
        for key, _ in TEXT_FIELDS:
            self.query_one(f"#{key}", Input).value = self._text(key)
        for key, _, _ in CHOICE_FIELDS:
            self.query_one(f"#{key}", Select).value = getattr(settings, key)
        self.query_one("#settings-error", Static).update("")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "theme" and event.value in self.app.available_themes:
            self.app.theme = str(event.value)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            await self.action_save()

    async def action_save(self) -> None:
        error = self.query_one("#settings-error", Static)
        try:
            values: dict[str, object] = {
                key: int(self.query_one(f"#{key}", Input).value) for key, _ in NUMBER_FIELDS}
        except ValueError:
            error.update("[red]Every number must be a whole number.[/red]")
            return
        try:
            values["desired_retention"] = float(self.query_one("#desired_retention", Input).value)
        except ValueError:
            error.update("[red]Desired retention must be a number such as 0.90.[/red]")
            return
        values["interview_date"] = self.query_one("#interview_date", Input).value.strip()
        for key, _, _ in CHOICE_FIELDS:
            values[key] = self.query_one(f"#{key}", Select).value
        theme = str(self.query_one("#theme", Select).value)
        old_spec = self.ctx.config.scheduler_spec
        new = replace(self.ctx.config, theme=theme, **values)  # type: ignore[arg-type]
        try:
            self.ctx.save_config(new)
        except (ConfigError, OSError) as exc:
            # The form's values are checked as a would-be file; name the field, not a line.
            message = re.sub(r"^<new settings>:\d+: ", "", str(exc))
            error.update(Text(message, style="red"))
            return
        error.update("")
        if new.scheduler_spec != old_spec:
            self.notify("Settings saved. Replaying your reviews under the new scheduler…")
            await self.db(lambda store: None)  # the store applies the new scheduler on use
            self.notify(f"Card states replayed under {new.scheduler.upper()}.")
        else:
            self.notify("Settings saved.")
