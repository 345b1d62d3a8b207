"""An exercise's prompt, then its hints and worked solution, scrolled to what was just shown.

Why it follows the revealed section for a moment instead of scrolling once:
a ``Markdown`` widget mounts its blocks and a code fence is highlighted after
``update`` returns, and a section revealed from a dialog's callback (give-up
asks first) is laid out only once its screen is current again; what lies
above it can still change height then. A single scroll computed at that point
used stale positions and left the hint below the visible area, or the
solution to be scrolled to by hand. So for :data:`FOLLOW_S` the pane checks
on every tick where its target now is and scrolls there, and stops at once if
the learner scrolls away. A new hint scrolls to *that* hint, not to the first
one, since the pane may be only a few lines high at 80x24.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Markdown

#: How long a revealed section is kept in view while the layout settles, and how often
#: its place is checked meanwhile (seconds).
FOLLOW_S = 1.5
TICK_S = 0.05


class PromptPane(VerticalScroll):
    """``#prompt``, then ``#hints`` and ``#solution`` (hidden until revealed)."""

    def __init__(self, prompt: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.prompt = prompt
        #: (section, first source line of what was just revealed), while following it.
        self._target: tuple[Markdown, int] | None = None
        #: The scroll offset last set while following (another one: the learner scrolled).
        self._placed: float | None = None
        self._follow: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Markdown(self.prompt, id="prompt")
        yield Markdown("", id="hints")
        yield Markdown("", id="solution")

    def on_mount(self) -> None:
        for hidden in ("#hints", "#solution"):
            self.query_one(hidden).display = False

    async def reveal(self, selector: str, markdown: str, *, from_line: int = 0) -> None:
        """Show section ``selector`` with ``markdown`` and bring line ``from_line`` of it
        (a new hint: where that hint starts) to the top of the pane."""
        section = self.query_one(selector, Markdown)
        section.display = True
        await section.update(markdown)
        self._target = (section, from_line)
        self._placed = None
        if self._follow is not None:
            self._follow.stop()
        ticks = iter(range(int(FOLLOW_S / TICK_S)))
        self._follow = self.set_interval(TICK_S, lambda: self._tick(next(ticks, None)))
        self.call_after_refresh(self._scroll_to_target)

    def _tick(self, tick: int | None) -> None:
        if tick is None or self._target is None:
            self._stop_following()
        elif self._placed is not None and self.scroll_y != self._placed:
            self._stop_following()  # the learner scrolled: leave the pane where they put it
        else:
            self._scroll_to_target()

    def _stop_following(self) -> None:
        self._target = None
        if self._follow is not None:
            self._follow.stop()
            self._follow = None

    def target_widget(self) -> Widget | None:
        """The first block of the revealed text (the section itself before its blocks exist)."""
        if self._target is None:
            return None
        section, from_line = self._target
        for block in section.children:
            start = getattr(block, "source_range", (0, 0))[0]
            if start >= from_line:
                return block
        return section

    def _scroll_to_target(self) -> None:
        """Put the target's first line at the top of the pane (as far as the content allows).

        The offset is summed from layout positions (``virtual_region``, relative to
        each parent's content) rather than read from screen regions, which lag
        behind a scroll until the next layout.
        """
        target = self.target_widget()
        if target is None or not self.is_mounted or not target.virtual_region.height:
            return  # not laid out yet: the next tick tries again
        y, node = 0, target
        while node is not self and isinstance(node.parent, Widget):
            parent = node.parent
            y += node.virtual_region.y + (parent.gutter.top if parent is not self else 0)
            node = parent
        y = max(0, min(y, int(self.max_scroll_y)))
        if y != self.scroll_y:
            self.scroll_to(y=y, animate=False, immediate=True)
        self._placed = y
