"""Progress of a study session: a bar plus "done / left" with re-drills counted.

One widget drawing one line (a Rich bar and the label), rather than Textual's
``ProgressBar`` (three child widgets, re-laid out on each update): it changes
with every card, so it has to cost next to nothing.
"""

from __future__ import annotations

from rich.progress_bar import ProgressBar as RichBar
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class SessionProgress(Widget):
    """Shows ``done`` answers against ``done + left`` (``left`` includes queued re-drills)."""

    COMPONENT_CLASSES = {"session-progress--bar", "session-progress--complete"}
    DEFAULT_CSS = """
    SessionProgress {
        height: 1;
        width: 100%;
        padding: 0 1 0 0;
        .session-progress--bar {
            color: $surface-lighten-2;
        }
        .session-progress--complete {
            color: $primary;
        }
    }
    """

    #: (done, left, redrills)
    counts: reactive[tuple[int, int, int]] = reactive((0, 0, 0), layout=False)

    def update_progress(self, done: int, left: int, redrills: int = 0) -> None:
        """Redraw with ``done`` answered and ``left`` still queued (``redrills`` of them repeats)."""
        self.counts = (done, left, redrills)

    @property
    def label(self) -> str:
        done, left, redrills = self.counts
        extra = f" ({redrills} again)" if redrills else ""
        return f"{done} done · {left} left{extra}"

    def render(self) -> Table:
        done, left, _ = self.counts
        bar = RichBar(
            total=max(done + left, 1), completed=done,
            style=self.get_component_rich_style("session-progress--bar", partial=True),
            complete_style=self.get_component_rich_style("session-progress--complete",
                                                          partial=True),
            finished_style=self.get_component_rich_style("session-progress--complete",
                                                         partial=True),
        )
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(ratio=1)
        grid.add_column(no_wrap=True, justify="right")
        grid.add_row(bar, Text(self.label))
        return grid
