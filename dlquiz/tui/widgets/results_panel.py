"""The grader's verdict for one run: verdict, N/M passed, first failing case, output.

The panel reads a ``GradeReport`` (see :mod:`dlquiz.grading.grader`) through
its documented attributes only; the order follows Exercism's result shape:
verdict first, then the first failure in full, then captured output (capped).
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import LoadingIndicator, Static

VERDICT_TEXT = {
    "pass": "✓ PASS",
    "wrong_answer": "✗ WRONG ANSWER",
    "time_limit": "⏱ TIME LIMIT EXCEEDED",
    "memory_limit": "✗ MEMORY LIMIT EXCEEDED",
    "runtime_error": "✗ RUNTIME ERROR",
    "invalid": "✗ INVALID SOLUTION",
}
#: Characters of captured output shown before a "truncated" note.
MAX_OUTPUT_CHARS = 2000


def _cap(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… (truncated, {len(text) - limit} more characters)"


def report_text(report: Any) -> str:
    """Rich markup for a report (pure, so tests can read it without a screen)."""
    verdict = str(report.verdict)
    style = "green" if verdict == "pass" else "red"
    headline = (f"[b {style}]{VERDICT_TEXT.get(verdict, verdict.upper())}[/]   "
                f"{report.passed}/{report.total} cases passed")
    lines = [headline]
    message = getattr(report, "message", "")
    if message:
        lines.append(escape(_cap(str(message))))
    failure = getattr(report, "first_failure", None)
    if failure is not None:
        lines.append("")
        lines.append(f"[b]First failing case:[/b] {escape(str(failure.name))} ({escape(str(failure.status))})")
        if failure.message:
            lines.append(escape(_cap(str(failure.message))))
        picture = getattr(failure, "picture", "")
        if picture:
            lines.append(escape(str(picture)))
        if getattr(failure, "output", ""):
            lines.append("[b]Output of that case:[/b]")
            lines.append(escape(_cap(str(failure.output))))
    output = getattr(report, "output", "")
    if output and (failure is None or output != getattr(failure, "output", "")):
        lines.append("")
        lines.append("[b]Captured output:[/b]")
        lines.append(escape(_cap(str(output))))
    return "\n".join(lines)


class ResultsPanel(VerticalScroll):
    """Shows "not run yet", a spinner while grading, then the report."""

    DEFAULT_CSS = """
    ResultsPanel {
        height: 1fr;
        border-top: solid $primary;
        padding: 0 1;
    }
    ResultsPanel LoadingIndicator {
        height: 3;
    }
    ResultsPanel.-stale #report {
        color: $text-muted;
    }
    ResultsPanel.-stale {
        border-title-color: $warning;
    }
    """

    def compose(self) -> ComposeResult:
        yield LoadingIndicator()
        yield Static("Not run yet: press ctrl+r to grade your code.", id="report")

    def on_mount(self) -> None:
        self.query_one(LoadingIndicator).display = False

    def show_running(self) -> None:
        self.remove_class("-stale")
        self.border_title = ""
        self.query_one(LoadingIndicator).display = True
        self.query_one("#report", Static).update("Grading in the sandbox…")

    def show_report(self, report: Any, *, repeat: bool = False) -> None:
        self.query_one(LoadingIndicator).display = False
        self.remove_class("-stale")
        text = report_text(report)
        if repeat:
            text += ("\n[yellow]Same code as an earlier pass: it counts as Hard, not as a "
                     "recall. Write it again from the starter to earn Good or Easy.[/]")
        seed = getattr(report, "seed", None)
        if seed is not None:
            text += f"\n[dim]random cases: seed {seed}[/]"
        self.query_one("#report", Static).update(text)
        self.scroll_home(animate=False)

    def mark_stale(self) -> None:
        """The code changed since this report: say so (once) and dim it."""
        if self.has_class("-stale"):
            return
        self.add_class("-stale")
        self.border_title = "stale: the code changed since this run (ctrl+r)"

    def show_try(self, result: Any) -> None:
        """The output of a "try example" run beside the reference's (no verdict)."""
        self.query_one(LoadingIndicator).display = False
        self.remove_class("-stale")
        self.border_title = ""
        same = {True: "[green]same as the reference[/]",
                False: "[red]differs from the reference[/]"}.get(result.same, "")
        lines = ["[b]Try on the example[/b] (no verdict; ctrl+r grades every case)",
                 f"[b]input:[/b] {escape(result.input)}",
                 f"[b]yours:[/b] {escape(result.yours)}",
                 f"[b]reference:[/b] {escape(result.reference)}"]
        if same:
            lines.append(same)
        if result.output:
            lines += ["[b]your output:[/b]", escape(_cap(result.output))]
        self.query_one("#report", Static).update("\n".join(lines))
        self.scroll_home(animate=False)

    def show_error(self, message: str) -> None:
        self.query_one(LoadingIndicator).display = False
        self.query_one("#report", Static).update(f"[b red]Could not grade:[/] {escape(message)}")
