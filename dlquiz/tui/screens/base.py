"""What every dlquiz screen shares: a typed handle on the app context and "escape = back"."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from dlquiz.tui.context import AppContext

ResultT = TypeVar("ResultT")


class BaseScreen(Screen[ResultT]):
    """A screen with ``ctx`` and an ``escape`` binding that goes back one screen."""

    BINDINGS = [Binding("escape", "back", "Back", id="screen.back")]

    @property
    def ctx(self) -> AppContext:
        return self.app.ctx  # type: ignore[attr-defined, no-any-return]

    def action_back(self) -> None:
        """Pop this screen, or return to the decks when it is the root of a mode."""
        if len(self.app.screen_stack) > 1:
            self.dismiss()
        elif self.app.current_mode != "home":
            self.app.switch_mode("home")
