"""Stats: heatmap, forecast, retention, mastery, readiness, and the evidence panel.

All numbers come from the core, run on the database thread each time the screen
is shown: :func:`dlquiz.study.stats.compute_stats` (readiness per topic today and
on the interview day included) and :func:`dlquiz.study.evaluate.evaluate` (log
loss and RMSE of SM-2 and FSRS on the learner's own log, without refitting:
``dlquiz scheduler evaluate`` fits on the training part). The readiness table
lists the weakest topics first; ``c`` crams the highlighted one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from dlquiz.tui.screens.base import BaseScreen
from dlquiz.tui.widgets.forecast import ForecastBars
from dlquiz.tui.widgets.heatmap import Heatmap
from dlquiz.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from dlquiz.study.stats import Stats
    from dlquiz.tui.context import AppContext

#: Sortable columns of the mastery table, cycled by ``s``: (column key, label).
SORT_COLUMNS = (("mastery", "mastery"), ("topic", "topic"), ("items", "cards"), ("reviewed", "seen"))


def load_evidence(store: Any, ctx: AppContext) -> str:
    """The evidence panel's text: one line per model (the saved fitted parameters, if any)."""
    from dlquiz.study.evaluate import LOG_QUERY, evaluate

    settings = ctx.config
    result = evaluate(store.query(LOG_QUERY), fitted=settings.fsrs_parameters or None,
                      desired_retention=settings.desired_retention)  # fmt: skip
    if not result.scored_reviews:
        return ("Not enough reviews yet: a review counts once its card was seen on an earlier day. "
                f"({result.reviews_total} reviews so far.)")  # fmt: skip
    lines = [(f"{result.scored_reviews} later reviews predicted from earlier ones "
              f"(split at {result.split_day}); lower is better. SM-2 curve: R = 0.9^(t/I).")]
    for m in result.models:
        figures = (f"log loss {m.log_loss:.3f} · RMSE {m.rmse_bins:.3f}" if m.log_loss is not None
                   else "no fitted parameters (`dlquiz scheduler optimize`)")  # fmt: skip
        lines.append(f"  {m.model:<13} {figures}")
    return "\n".join(lines)


def load_stats(store: Any, ctx: AppContext) -> Stats:
    from dlquiz.study.stats import compute_stats

    titles = {deck.id: deck.title for deck in ctx.catalog.decks}
    return compute_stats(store, ctx.item_index(), ctx.today(), ctx.scheduling(), titles)


class StatsScreen(BaseScreen[None]):
    """Read-only overview of progress."""

    CSS_PATH = Path(__file__).with_name("stats.tcss")
    BINDINGS = [
        Binding("s", "cycle_sort", "Sort topics", id="stats.sort"),
        Binding("c", "cram_topic", "Cram topic", id="stats.cram_topic"),
        Binding("r", "refresh_stats", "Refresh", id="stats.refresh"),
        Binding("escape", "back", "Back", id="stats.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort_index = 0
        self.sort_reverse = True

    def compose(self) -> ComposeResult:
        yield Static("dlquiz · stats", classes="title-bar")
        with VerticalScroll(id="stats-body"):
            yield Static("Loading…", id="totals")
            yield Static("[b]Reviews per day, last year[/b]", classes="section")
            yield Vertical(id="heatmap-slot")
            yield Static("[b]Due in the next 30 days[/b]", classes="section")
            yield Vertical(id="forecast-slot")
            yield Static("[b]Readiness[/b]: predicted recall, weakest first (c: cram it)",
                         id="readiness-title", classes="section")
            yield DataTable(id="readiness", cursor_type="row", zebra_stripes=True)
            yield Static("[b]Evidence[/b]: which scheduler predicts your answers", classes="section")
            yield Static("Computing…", id="evidence")
            yield Static("[b]Mastery by topic[/b] (s: sort)", classes="section")
            yield DataTable(id="topics", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#topics", DataTable)
        table.add_column("Topic", key="topic")
        table.add_column("Cards", key="items")
        table.add_column("Seen", key="reviewed")
        table.add_column("Mature", key="mature")
        table.add_column("Mastery", key="mastery")
        readiness = self.query_one("#readiness", DataTable)
        for label in ("Topic", "Cards", "Today", "On the day"):
            readiness.add_column(label, key=label.lower())

    def on_screen_resume(self) -> None:
        self.action_refresh_stats()

    def action_refresh_stats(self) -> None:
        self.refresh_stats()

    @work(exclusive=True, group="stats")
    async def refresh_stats(self) -> None:
        stats = await self.db(load_stats, self.ctx)
        await self.show_stats(stats)
        self.query_one("#evidence", Static).update(await self.db(load_evidence, self.ctx))

    async def show_stats(self, stats: Stats) -> None:
        t = stats.totals
        retention = f"{t.retention * 100:.0f}% of {t.mature_reviews}" if t.retention is not None else "no mature reviews yet"
        self.query_one("#totals", Static).update(
            f"Cards [b]{t.cards}[/b] · new {t.new} · due today [b]{t.due_today}[/b] · "
            f"reviews {t.reviews_total} ({t.reviews_today} today)\n"
            f"Retention on mature cards (interval ≥ 21 d): [b]{retention}[/b] · "
            f"exercises solved [b]{t.exercises_solved}[/b]"
        )
        counts = {date.fromisoformat(d): n for d, n in stats.reviews_per_day}
        today = date.fromisoformat(stats.today)
        slot = self.query_one("#heatmap-slot")
        await slot.remove_children()
        await slot.mount(Heatmap(counts, today))
        forecast = [n for _, n in stats.forecast]
        slot = self.query_one("#forecast-slot")
        await slot.remove_children()
        await slot.mount(ForecastBars(forecast, today))
        self.show_readiness(stats)
        table = self.query_one("#topics", DataTable)
        table.clear()
        for topic in stats.topics:
            table.add_row(topic.topic, topic.items, topic.reviewed, topic.mature,
                          f"{topic.mastery * 100:5.1f}%", key=topic.topic)
        self.sort_table()

    def show_readiness(self, stats: Stats) -> None:
        table = self.query_one("#readiness", DataTable)
        table.clear()
        readiness = stats.readiness
        if readiness is None:
            return
        when = f" · interview {readiness.interview_date}" if readiness.interview_date else ""
        self.query_one("#readiness-title", Static).update(
            f"[b]Readiness[/b]: predicted recall, weakest first{when} (c: cram it)")
        for group in readiness.weakest(len(readiness.topics)):
            on_date = f"{group.on_date * 100:3.0f}%" if group.on_date is not None else "-"
            table.add_row(group.name, group.items, f"{group.today * 100:3.0f}%", on_date, key=group.name)

    def action_cram_topic(self) -> None:
        """Cram the highlighted readiness topic (the weakest when nothing is highlighted)."""
        from dlquiz.tui.screens.review import ReviewScreen
        from dlquiz.tui.study import StudyPlan

        table = self.query_one("#readiness", DataTable)
        if not table.row_count:
            self.notify("No topics yet.")
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        self.app.push_screen(ReviewScreen(StudyPlan(topics=(str(row_key.value),), cram=True)))

    def sort_table(self) -> None:
        column, _ = SORT_COLUMNS[self.sort_index]
        table = self.query_one("#topics", DataTable)
        if column == "mastery":
            table.sort("mastery", key=lambda value: float(str(value).rstrip("%")), reverse=self.sort_reverse)
        else:
            table.sort(column, reverse=column != "topic")

    def action_cycle_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORT_COLUMNS)
        self.sort_table()
        self.notify(f"Topics sorted by {SORT_COLUMNS[self.sort_index][1]}.", timeout=2)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        keys = [key for key, _ in SORT_COLUMNS]
        if event.column_key.value in keys:
            self.sort_index = keys.index(str(event.column_key.value))
            self.sort_table()
