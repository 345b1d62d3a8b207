"""What every dlquiz screen shares: a typed handle on the app context and "escape = back"."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from dlquiz.tui.context import AppContext

ResultT = TypeVar("ResultT")
T = TypeVar("T")


class BaseScreen(Screen[ResultT]):
    """A screen with ``ctx`` and an ``escape`` binding that goes back one screen."""

    BINDINGS = [Binding("escape", "back", "Back", id="screen.back")]

    @property
    def ctx(self) -> AppContext:
        return self.app.ctx  # type: ignore[attr-defined, no-any-return]

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """:meth:`AppContext.db` for this screen: the store's answer, or a quiet stop.

        Why: the store answers on its own thread, and the app may close (or this
        screen be dismissed) meanwhile; the caller would then query widgets that
        are gone (``NoMatches`` at shutdown). The work ``fn`` did is kept (an answer
        is committed either way); only what the screen would have shown next is
        skipped, by cancelling the worker or handler that was waiting.
        """
        result = await self.ctx.db(fn, *args, **kwargs)
        if not self.is_attached:
            raise asyncio.CancelledError("the screen closed while the store answered")
        return result

    def action_back(self) -> None:
        """Pop this screen, or return to the decks when it is the root of a mode."""
        if len(self.app.screen_stack) > 1:
            self.dismiss()
        elif self.app.current_mode != "home":
            self.app.switch_mode("home")
