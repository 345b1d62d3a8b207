"""Progress of a study session: a bar plus "done / left" with re-drills counted."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static


class SessionProgress(Horizontal):
    """Shows ``done`` answers against ``done + left`` (``left`` includes queued re-drills)."""

    DEFAULT_CSS = """
    SessionProgress {
        height: 1;
        width: 100%;
    }
    SessionProgress ProgressBar {
        width: 1fr;
    }
    SessionProgress #progress-label {
        width: auto;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=1, show_eta=False, show_percentage=False)
        yield Static("", id="progress-label")

    def update_progress(self, done: int, left: int, redrills: int = 0) -> None:
        """Redraw with ``done`` answered and ``left`` still queued (``redrills`` of them repeats)."""
        total = max(done + left, 1)
        self.query_one(ProgressBar).update(total=total, progress=done)
        extra = f" ({redrills} again)" if redrills else ""
        self.query_one("#progress-label", Static).update(f"{done} done · {left} left{extra}")
