"""Exercises: every coding exercise (bundled and from user decks), solved ones ticked.

Loading the exercise definitions and the solved set runs on the database
thread; Enter opens the exercise in :class:`CodingScreen`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from dlquiz.tui.screens.base import BaseScreen
from dlquiz.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from dlquiz.model import Exercise
    from dlquiz.tui.context import AppContext


def all_exercises(ctx: AppContext) -> dict[str, Exercise]:
    """Bundled exercises overlaid with user-deck ones (user ids win, as in the catalog)."""
    from dlquiz.grading.registry import bundled_exercises

    exercises = bundled_exercises(ctx.catalog.cache_dir)
    exercises.update(ctx.catalog.user_exercises())
    return exercises


def load_rows(store: Any, ctx: AppContext) -> tuple[dict[str, Exercise], set[str]]:
    return all_exercises(ctx), store.solved_exercises()


class ExercisesScreen(BaseScreen[None]):
    """The list of exercises; Enter practises the highlighted one."""

    CSS_PATH = Path(__file__).with_name("exercises.tcss")
    BINDINGS = [
        Binding("enter", "open", "Practise", priority=True, id="exercises.open"),
        Binding("escape", "back", "Back", id="exercises.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.exercises: dict[str, Exercise] = {}

    def compose(self) -> ComposeResult:
        yield Static("dlquiz · exercises", classes="title-bar", id="exercises-title")
        yield DataTable(id="exercise-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("", key="solved")
        table.add_column("Exercise", key="title")
        table.add_column("Id", key="id")
        table.add_column("Topics", key="topics")

    def on_screen_resume(self) -> None:
        self.reload()

    @work(exclusive=True, group="exercises")
    async def reload(self) -> None:
        exercises, solved = await self.db(load_rows, self.ctx)
        self.exercises = exercises
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for ex in sorted(exercises.values(), key=lambda e: (e.topics[:1], e.title.lower())):
            table.add_row("✓" if ex.id in solved else " ", ex.title, ex.id, ", ".join(ex.topics), key=ex.id)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        self.query_one("#exercises-title", Static).update(
            f"dlquiz · exercises · {len(solved & exercises.keys())}/{len(exercises)} solved"
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """A mouse click on a row (enter is the screen's own priority binding)."""
        event.stop()
        self.open(str(event.row_key.value))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            self.open(str(row_key.value))

    def open(self, exercise_id: str) -> None:
        from dlquiz.tui.screens.coding import CodingScreen

        exercise = self.exercises.get(exercise_id)
        if exercise is not None:
            self.app.push_screen(CodingScreen(exercise))
