"""The keys of the current screen on one line at the bottom, in a single widget.

Why not Textual's ``Footer``: it mounts one widget per binding and recomposes
all of them every time the bindings change (each focus change, each screen
switch). On the home screen that cost about 60 ms of a ~300 ms cold start and
a few milliseconds on every card. ``KeyBar`` draws the same line (key in the
theme's footer-key colour, then its description, the command-palette key on
the right, disabled keys dimmed) as one ``Text`` and only repaints when the
screen says its bindings changed. A click on a key presses it, as in Footer.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget, can_focus=False):
    """Docked at the bottom; shows ``key description`` for every binding with ``show``."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: (first column, end column, key) of each key drawn, for clicks.
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def _items(self) -> tuple[list[tuple[str, str, str, bool]], tuple[str, str, str, bool] | None]:
        """(key, shown key, description, enabled) of each binding, and the palette's."""
        app = self.app
        items: list[tuple[str, str, str, bool]] = []
        palette = None
        seen_actions: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if app.ENABLE_COMMAND_PALETTE and binding.key == app.COMMAND_PALETTE_BINDING:
                palette = (binding.key, app.get_key_display(binding), binding.description, enabled)
                continue
            if not binding.show or binding.action in seen_actions:
                continue
            seen_actions.add(binding.action)
            items.append((binding.key, app.get_key_display(binding), binding.description, enabled))
        return items, palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        text_style = self.get_component_rich_style("key-bar--description", partial=True)
        items, palette = self._items()
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str]] = []

        def add(key: str, shown: str, description: str, enabled: bool) -> None:
            dim = Style(dim=not enabled)
            start = line.cell_len
            line.append(f" {shown} ", key_style + dim)
            if description:
                line.append(f"{description} ", text_style + dim)
            spans.append((start, line.cell_len, key))

        for item in items:
            add(*item)
        if palette is not None:
            # Docked right over whatever does not fit, behind a thin rule (as Footer does).
            key, shown, description, _enabled = palette
            right = Text(no_wrap=True, end="")
            right.append("▏", self.rich_style + Style(dim=True))
            right.append(f"{shown} ", key_style)
            right.append(f"{description} ", text_style)
            room = max(0, self.size.width - right.cell_len)
            line.truncate(room, pad=True)
            spans = [(a, min(b, room), k) for a, b, k in spans if a < room]
            spans.append((room, room + right.cell_len, key))
            line.append_text(right)
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        """Press the key under the pointer (what Footer does on a click)."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
