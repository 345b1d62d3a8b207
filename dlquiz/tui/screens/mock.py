"""Mock interview setup (length, topics or the weakest) and the history of past interviews.

The setup screen shows the plan it would start (built on the database thread
with the same seed the start uses), so what is previewed is what is asked,
with the fallbacks the plan had to take (:meth:`MockPlan.notes`). The
interview itself is :mod:`dlquiz.tui.screens.mock_question`, its report
:mod:`dlquiz.tui.screens.mock_report`.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, RadioButton, RadioSet, SelectionList, Static
from textual.widgets.selection_list import Selection

from dlquiz.study.mock import DEFAULT_LENGTH, LENGTHS, MockPlan, MockPlanError
from dlquiz.study.mock_score import TREND_SESSIONS, format_seconds, trend
from dlquiz.tui.screens.base import BaseScreen
from dlquiz.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from dlquiz.store.database import Store

#: How many past sessions the history screen lists.
HISTORY_ROWS = 200
#: The topic list's first row: no topics picked means the weakest ones.
WEAKEST = "@weakest"


def plan_summary(plan: MockPlan) -> str:
    """Two or three lines: the shape, the topics, the fallbacks taken."""
    counts = {k: sum(1 for s in plan.slots if s.kind == k)
              for k in ("concept", "followup", "numeric", "coding")}
    coding = next((s for s in plan.slots if s.kind == "coding"), None)
    shape = (f"{plan.minutes} min · {len(plan.slots)} questions: {counts['concept']} concept, "
             f"{counts['followup']} follow-up, {counts['numeric']} numeric, {counts['coding']} coding"
             + (f" ({format_seconds(coding.budget_s)})" if coding else ""))
    topics = ("weakest: " if plan.weakest else "topics: ") + ", ".join(plan.topics)
    notes = plan.notes()
    more = f"\n{len(notes)} fallback(s): {notes[0]}" + (" …" if len(notes) > 1 else "") if notes else ""
    return f"{shape}\n{topics}{more}"


class MockSetupScreen(BaseScreen[None]):
    """Pick a length and topics, see the plan, start with enter."""

    CSS_PATH = Path(__file__).with_name("mock.tcss")
    BINDINGS = [
        Binding("enter", "start", "Start", priority=True, id="mock.start"),
        Binding("h", "history", "History", id="mock.history"),
        Binding("escape", "back", "Back", id="mock.setup_back"),
        Binding("3", "length(30)", "30 minutes", show=False, id="mock.length_30"),
        Binding("4", "length(45)", "45 minutes", show=False, id="mock.length_45"),
        Binding("6", "length(60)", "60 minutes", show=False, id="mock.length_60"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.minutes = DEFAULT_LENGTH
        self.plan: MockPlan | None = None
        self.seed = 0
        self._syncing = False

    def compose(self) -> ComposeResult:
        yield Static("Mock interview · set up", classes="title-bar")
        with Horizontal(id="mock-setup"):
            with Vertical(id="mock-length-pane"):
                yield Label("Length")
                with RadioSet(id="mock-length"):
                    for minutes in LENGTHS:
                        yield RadioButton(f"{minutes} min", value=minutes == DEFAULT_LENGTH,
                                          id=f"len-{minutes}")
                yield Static("keys 3/4/6: 30/45/60 min\nTimed like an interview: concept "
                             "questions, a why/when follow-up on each, numeric, one coding "
                             "exercise.", classes="hint")
            with Vertical(id="mock-topics-pane"):
                yield Label("Topics (space picks; none picked = the weakest)")
                yield SelectionList[str](id="mock-topics")
        yield Static("Planning…", id="mock-plan")
        yield KeyBar()

    def on_mount(self) -> None:
        self.seed = self.ctx.seed if self.ctx.seed is not None else random.SystemRandom().randrange(2**31)
        self.fill_topics()

    @work(exclusive=True, group="mock-setup")
    async def fill_topics(self) -> None:
        from dlquiz.study.mock_report import topic_choices

        rows = await self.db(lambda store: topic_choices(list(self.ctx.catalog.items())))
        topics = self.query_one("#mock-topics", SelectionList)
        topics.add_option(Selection(Text("★ weakest topics (lowest readiness)"), WEAKEST, True))
        topics.add_options([Selection(Text(f"{label}  ({n})"), value) for value, label, n in rows])
        topics.focus()
        self.replan()

    def chosen_topics(self) -> list[str]:
        selected = self.query_one("#mock-topics", SelectionList).selected
        return [v for v in selected if v != WEAKEST]

    @on(SelectionList.SelectedChanged, "#mock-topics")
    def topics_changed(self, event: SelectionList.SelectedChanged) -> None:
        """Picking a topic drops "weakest"; picking "weakest" (or nothing) drops the topics."""
        if self._syncing:
            return
        topics = event.selection_list
        self._syncing = True
        try:
            highlighted = topics.highlighted
            picked_weakest = (highlighted is not None and topics.get_option_at_index(highlighted).value
                              == WEAKEST and WEAKEST in topics.selected)
            if picked_weakest or not topics.selected:
                topics.deselect_all()
                topics.select(WEAKEST)
            elif WEAKEST in topics.selected and len(topics.selected) > 1:
                topics.deselect(WEAKEST)
        finally:
            self._syncing = False
        self.replan()

    @on(RadioSet.Changed, "#mock-length")
    def length_changed(self, event: RadioSet.Changed) -> None:
        self.minutes = int(str(event.pressed.id).removeprefix("len-"))
        self.replan()

    @work(exclusive=True, group="mock-plan")
    async def replan(self) -> None:
        from dlquiz.study.mock_report import plan_for_today

        ctx = self.ctx
        items = list(ctx.catalog.items())
        topics = self.chosen_topics()
        minutes, seed = self.minutes, self.seed
        today, date = ctx.today().isoformat(), ctx.config.interview_date

        def build(store: Store) -> MockPlan | str:
            try:
                return plan_for_today(store, items, minutes, topics, seed=seed, today=today,
                                      interview_date=date or None)
            except MockPlanError as exc:
                return str(exc)

        result = await ctx.db(build)
        label = self.query_one("#mock-plan", Static)
        if isinstance(result, str):
            self.plan = None
            label.update(Text(f"Cannot plan this: {result}", "bold red"))
        else:
            self.plan = result
            label.update(Text(plan_summary(result)))  # enter / h are in the footer

    def action_length(self, minutes: int) -> None:
        """Press the length's radio button (its Changed message replans)."""
        self.query_one(f"#len-{minutes}", RadioButton).value = True

    def action_start(self) -> None:
        if self.plan is None:
            self.notify("Nothing to start: pick other topics.", severity="warning")
            return
        from dlquiz.tui.screens.mock_question import MockInterviewScreen

        self.app.switch_screen(MockInterviewScreen(self.plan))

    def action_history(self) -> None:
        self.app.push_screen(MockHistoryScreen())


class MockHistoryScreen(BaseScreen[None]):
    """Past mock interviews, newest first, with the trend; enter opens one's report."""

    CSS_PATH = Path(__file__).with_name("mock.tcss")
    BINDINGS = [
        Binding("enter", "open", "Open report", priority=True, id="mock.open_report"),
        Binding("escape", "back", "Back", id="mock.history_back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("Mock interviews · history", classes="title-bar")
        yield Static("Loading…", id="mock-trend")
        yield DataTable(id="mock-history", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in ("When", "Length", "Topics", "Answered", "Score"):
            table.add_column(Text(label), key=label.lower())
        self.load()

    @work(exclusive=True, group="mock-history")
    async def load(self) -> None:
        from dlquiz.study.mock_report import history_with_trend

        rows, _ = await self.db(lambda store: history_with_trend(store, limit=HISTORY_ROWS))
        table = self.query_one(DataTable)
        for row in reversed(rows):
            topics = ("weakest: " if row.weakest else "") + ", ".join(row.topics)
            left = "" if row.ended_at else " (left)"
            table.add_row(Text(row.started_at[:16].replace("T", " ")), Text(f"{row.minutes} min"),
                          Text(topics[:40]), Text(f"{row.answered}/{row.questions}{left}"),
                          Text(f"{row.score:.0f}%"), key=row.id)
        # trend() covers the last TREND_SESSIONS of these, like the report's
        self.query_one("#mock-trend", Static).update(Text(
            f"Trend (last {TREND_SESSIONS}): {trend([r.score for r in rows]).describe()}" if rows
            else "No mock interviews yet: press escape, then start one."))
        table.focus()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        from dlquiz.tui.screens.mock_report import MockReportScreen

        self.app.push_screen(MockReportScreen(str(row_key.value)))
