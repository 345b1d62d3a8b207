"""The keys of the current screen at the bottom, every one of them visible, in a single widget.

Why not Textual's ``Footer``: it mounts one widget per binding and recomposes
all of them every time the bindings change (each focus change, each screen
switch). On the home screen that cost about 60 ms of a ~300 ms cold start and
a few milliseconds on every card. ``KeyBar`` draws the same keys (key in the
theme's footer-key colour, then its description, the command-palette key at
the right end, disabled keys dimmed) as one ``Text`` and only repaints when
the screen says its bindings changed. A click on a key presses it, as in Footer.

Why it may take two rows: a footer cut at the terminal's edge hides keys the
learner needs (at 80 columns the home screen has more keys than fit). The bar
picks the first layout in which every key is whole: one row with full
descriptions, one row with compact ones (:data:`COMPACT`, else the first
word), two rows with full, two rows with compact, then as many rows as it
takes. Keys keep their order; a key is never split across rows. The keys
shown are the effective ones, so a key rebound in ``config.toml`` appears here.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

#: Shorter descriptions for when the full ones do not fit (others: their first word).
COMPACT = {
    "Give up": "Give up",
    "Last attempt": "Last",
    "Try example": "Example",
    "Hide prompt": "Prompt",
    "Show prompt": "Prompt",
    "Next exercise": "Next",
    "Reload decks": "Reload",
    "Mock interview": "Mock",
    "Study deck": "Study",
    "All due": "All due",
    "Edit card": "Edit",
    "Show answer": "Answer",
    "Sort topics": "Sort",
    "Cram topic": "Cram",
}

#: (key, shown key, description, enabled) of one binding.
Item = tuple[str, str, str, bool]


def compact(description: str) -> str:
    return COMPACT.get(description, description.split(" ", 1)[0])


def item_width(shown: str, description: str) -> int:
    """Cells of `` key description `` as :meth:`KeyBar.render` draws it."""
    return Text(f" {shown} ").cell_len + (Text(f"{description} ").cell_len if description else 0)


def layout(items: list[Item], palette: Item | None, width: int) -> tuple[list[list[Item]], bool]:
    """Rows of items (the palette last, drawn at the right end) and whether labels are compact.

    The first of: 1 row full, 1 row compact, 2 rows full, 2 rows compact, then
    full descriptions wrapped over as many rows as they need.
    """
    everything = [*items, *([palette] if palette is not None else [])]
    palette_extra = 1 if palette is not None else 0  # the thin rule before it

    def wrap(short: bool) -> list[list[Item]]:
        rows: list[list[Item]] = [[]]
        used = 0
        for i, item in enumerate(everything):
            description = compact(item[2]) if short and item is not palette else item[2]
            need = item_width(item[1], description) + (palette_extra if i == len(items) else 0)
            if rows[-1] and used + need > width:
                rows.append([])
                used = 0
            rows[-1].append(item)
            used += need
        return rows

    for limit in (1, 2):
        for short in (False, True):
            rows = wrap(short)
            if len(rows) <= limit:
                return rows, short
    return wrap(False), False


class KeyBar(Widget, can_focus=False):
    """Docked at the bottom; shows ``key description`` for every binding with ``show``."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
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
        #: (row, first column, end column, key) of each key drawn, for clicks.
        self._spans: list[tuple[int, int, int, str]] = []
        #: (width, rows, compact, palette) from the layout pass, reused by the paint after it.
        self._cached: tuple[int, list[list[Item]], bool, Item | None] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self._cached = None
            self.refresh(layout=True)  # the number of rows may change

    def _items(self) -> tuple[list[Item], Item | None]:
        """(key, shown key, description, enabled) of each binding, and the palette's."""
        app = self.app
        items: list[Item] = []
        palette = None
        seen_actions: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if app.ENABLE_COMMAND_PALETTE and binding.action in {"command_palette", "app.command_palette"}:
                palette = (binding.key, app.get_key_display(binding), binding.description, enabled)
                continue
            action = binding.action.removeprefix("app.")  # home's `q` and the app's ctrl+q: one Quit
            if not binding.show or action in seen_actions:
                continue
            seen_actions.add(action)
            items.append((binding.key, app.get_key_display(binding), binding.description, enabled))
        return items, palette

    def _layout(self, width: int) -> tuple[list[list[Item]], bool, Item | None]:
        """Rows for ``width``, computed once per bindings change and width (layout asks, then render)."""
        if self._cached is None or self._cached[0] != width:
            items, palette = self._items()
            rows, short = layout(items, palette, width)
            self._cached = (width, rows, short, palette)
        return self._cached[1], self._cached[2], self._cached[3]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._layout(width)[0])

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        text_style = self.get_component_rich_style("key-bar--description", partial=True)
        width = self.size.width
        rows, short, palette = self._layout(width)
        self._cached = None  # the next paint looks at the bindings again
        spans: list[tuple[int, int, int, str]] = []
        lines: list[Text] = []
        for row_number, row in enumerate(rows):
            line = Text(no_wrap=True, overflow="crop", end="")
            right: Text | None = None
            for key, shown, description, enabled in row:
                if (key, shown, description, enabled) == palette:
                    right = Text(no_wrap=True, end="")
                    right.append("▏", self.rich_style + Style(dim=True))
                    right.append(f"{shown} ", key_style)
                    right.append(f"{description} ", text_style)
                    continue
                dim = Style(dim=not enabled)
                start = line.cell_len
                line.append(f" {shown} ", key_style + dim)
                label = compact(description) if short else description
                if label:
                    line.append(f"{label} ", text_style + dim)
                spans.append((row_number, start, line.cell_len, key))
            if right is not None and palette is not None:
                room = max(0, width - right.cell_len)
                line.truncate(room, pad=True)
                spans.append((row_number, room, room + right.cell_len, palette[0]))
                line.append_text(right)
            lines.append(line)
        self._spans = spans
        return Text("\n", no_wrap=True, end="").join(lines)

    def shown_keys(self) -> list[str]:
        """The text of every key drawn, row by row (what a test checks is fully visible)."""
        return [key for *_rest, key in self._spans]

    def on_click(self, event: events.Click) -> None:
        """Press the key under the pointer (what Footer does on a click)."""
        for row, start, end, key in self._spans:
            if row == event.y and start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
