"""After a mock interview: the score per topic, time per question, what to drill, the trend.

The report is built on the database thread from what the store holds
(:func:`dlquiz.study.mock_report.build_report`), so it reads the same for a
session just taken and one opened from the history. ``d`` crams the topic to
drill next through the app's ordinary cram path (a :class:`StudyPlan` with
``cram=True`` on the review screen: schedule untouched). The same Markdown
builders serve the history screen (:mod:`dlquiz.tui.screens.mock`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from dlquiz.study.mock_score import MAX_POINTS, RUBRIC_NAMES, Trend, format_seconds
from dlquiz.tui.screens.base import BaseScreen
from dlquiz.tui.widgets.card_text import CardText
from dlquiz.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from dlquiz.store.mock_log import SessionRow
    from dlquiz.study.mock_report import MockReport

KIND_SHORT = {"concept": "concept", "followup": "follow-up", "numeric": "numeric", "coding": "coding"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _points(points: int | None, kind: str) -> str:
    if points is None:
        return "—"
    name = f" {RUBRIC_NAMES[points]}" if kind in ("concept", "followup") else ""
    return f"{points}/{MAX_POINTS}{name}"


def history_markdown(rows: Sequence[SessionRow], tr: Trend, *, current: str = "") -> str:
    """The trend line and one row per past session, newest first."""
    if not rows:
        return "### History\n\nNo mock interviews yet."
    lines = ["### History", "", f"Trend: {tr.describe()}", "",
             "| When | Length | Topics | Answered | Score |", "|---|---|---|---|---|"]
    for row in reversed(rows):
        topics = "weakest: " if row.weakest else ""
        topics += ", ".join(row.topics[:3]) + (" …" if len(row.topics) > 3 else "")
        mark = " ◀" if row.id == current else ""
        state = "" if row.ended_at else " (left)"
        lines.append(f"| {row.started_at[:16].replace('T', ' ')} | {row.minutes} min | "
                     f"{_cell(topics)} | {row.answered}/{row.questions}{state} | "
                     f"{row.score:.0f}%{mark} |")
    return "\n".join(lines)


def report_markdown(report: MockReport) -> str:
    session = report.session
    spent = format_seconds(sum(q.seconds or 0 for q in report.questions))
    budget = format_seconds(sum(q.budget_s for q in report.questions))
    parts = [f"## Score {session.score:.0f}%  ·  {session.answered}/{session.questions} answered  "
             f"·  {spent} of {budget}"]
    if report.drill:
        parts.append(f"**Drill next:** `{report.drill}`. Press **d** to cram it "
                     "(schedule untouched).")
    else:
        parts.append("Full marks on every topic: nothing to drill from this one.")
    topic_rows = ["| Topic | Questions | Points | Score | Time |", "|---|---|---|---|---|"]
    for t in report.topics:
        topic_rows.append(f"| {_cell(t.topic)} | {t.questions} | {t.points}/{MAX_POINTS * t.questions}"
                          f" | {t.score:.0f}% | {format_seconds(t.seconds)} |")
    parts.append("### Per topic\n\n" + "\n".join(topic_rows))
    q_rows = ["| # | Kind | Question | Time / budget | Points |", "|---|---|---|---|---|"]
    for q in report.questions:
        time = "—" if q.seconds is None else format_seconds(q.seconds)
        over = " ⏱" if q.timed_out else ""
        q_rows.append(f"| {q.number} | {KIND_SHORT.get(q.kind, q.kind)} | {_cell(q.title)} | "
                      f"{time} / {format_seconds(q.budget_s)}{over} | {_points(q.points, q.kind)} |")
    legend = "\n\n⏱ the time ran out" if any(q.timed_out for q in report.questions) else ""
    parts.append("### Per question\n\n" + "\n".join(q_rows) + legend)
    parts.append(history_markdown(report.history, report.trend, current=session.id))
    return "\n\n".join(parts)


class MockReportScreen(BaseScreen[None]):
    """One session's report; ``d`` crams the topic to drill next."""

    CSS_PATH = Path(__file__).with_name("mock.tcss")
    BINDINGS = [
        Binding("d", "drill", "Drill topic", id="mock.drill"),
        Binding("n", "new_mock", "New mock", id="mock.new"),
        Binding("escape", "back", "Back", id="mock.report_back"),
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.report: MockReport | None = None

    def compose(self) -> ComposeResult:
        yield Static("Mock interview · report", id="mock-header", classes="title-bar")
        with VerticalScroll(id="mock-report"):
            yield CardText("Loading the report…", id="mock-report-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#mock-report").focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "drill":
            return self.report is not None and self.report.drill is not None
        return True

    @work(exclusive=True, group="mock-report")
    async def load(self) -> None:
        from dlquiz.study.mock_report import build_report

        catalog = self.ctx.catalog
        self.report = await self.db(build_report, self.session_id, catalog.item)
        text = report_markdown(self.report) if self.report else "This mock interview is not in the store."
        self.query_one("#mock-report-text", CardText).show_markdown(text)
        if self.report is not None:
            self.query_one("#mock-header", Static).update(
                f"Mock interview · report · {self.report.session.score:.0f}%")
        self.refresh_bindings()

    def action_drill(self) -> None:
        if self.report is None or self.report.drill is None:
            return
        from dlquiz.tui.screens.review import ReviewScreen
        from dlquiz.tui.study import StudyPlan

        self.app.push_screen(ReviewScreen(StudyPlan(topics=(self.report.drill,), cram=True)))

    async def action_new_mock(self) -> None:
        """Back to where the mock was started from, then a fresh setup (the app's ``mock``)."""
        self.app.pop_screen()
        await self.app.run_action("mock")
