"""Stats: reviews heatmap, 30-day due forecast, retention, per-topic mastery, exercises.

All numbers come from :func:`dlquiz.study.stats.compute_stats` (run on the database
thread each time the screen is shown); this screen only lays them out.
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


def load_stats(store: Any, ctx: AppContext) -> Stats:
    from dlquiz.study.stats import compute_stats

    titles = {deck.id: deck.title for deck in ctx.catalog.decks}
    return compute_stats(store, ctx.item_index(), ctx.today(), ctx.scheduling(), titles)


class StatsScreen(BaseScreen[None]):
    """Read-only overview of progress."""

    CSS_PATH = Path(__file__).with_name("stats.tcss")
    BINDINGS = [
        Binding("s", "cycle_sort", "Sort topics"),
        Binding("r", "refresh_stats", "Refresh"),
        Binding("escape", "back", "Back"),
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

    def on_screen_resume(self) -> None:
        self.action_refresh_stats()

    def action_refresh_stats(self) -> None:
        self.refresh_stats()

    @work(exclusive=True, group="stats")
    async def refresh_stats(self) -> None:
        stats = await self.ctx.db(load_stats, self.ctx)
        await self.show_stats(stats)

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
        table = self.query_one("#topics", DataTable)
        table.clear()
        for topic in stats.topics:
            table.add_row(topic.topic, topic.items, topic.reviewed, topic.mature,
                          f"{topic.mastery * 100:5.1f}%", key=topic.topic)
        self.sort_table()

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
