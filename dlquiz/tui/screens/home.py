"""Home: every deck with due / new / total counts, broken decks with their error.

The decks are loaded on the database thread, started before Textual is
imported (:meth:`AppContext.preload_catalog`), so on a warm start the first
frame already lists them, and today's counts (which read the store) follow
right after it. When the decks are not ready yet (a cold start parses every
YAML file) the first frame says "Loading decks…" and the app holds the keys
pressed meanwhile, then replays them once the table is filled.
Cells are ``Text``, not strings: a deck title is shown as written (a ``[`` in it
is not Rich markup), and no markup parser runs on the first frame.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from dlquiz.tui.screens.base import BaseScreen
from dlquiz.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from dlquiz.tui.study import StudyPlan

BROKEN = "broken"
ALL_DUE = "all"
COLUMNS = ("Deck", "Due", "New", "Cards", "Status")
#: How often the deck files are checked for edits (one stat per file).
WATCH_INTERVAL_S = 2.0
#: Columns other than the title, with their padding, plus the scrollbar: what a title leaves.
TITLE_SLACK = 32
PENDING = Text("…")
#: Refreshes the decks screen waits for its rows before giving up saving the launch frame.
FRAME_TRIES = 5
NONE = Text("-")


def interview_header(today: date, interview_date: str) -> str:
    """`` · interview in 12 days`` while an interview date is set and not past (else "")."""
    from dlquiz.study.plan import days_until

    left = days_until(today, interview_date or None)
    if left is None:
        return ""
    return " · interview today" if left == 0 else f" · interview in {left} day{'s' if left != 1 else ''}"


class HomeScreen(BaseScreen[None]):
    """The deck list; Enter studies the highlighted deck."""

    # Its rules (home.tcss) are loaded with the app's stylesheet: see DlquizApp.CSS_PATH.
    #: The width the deck titles were cut for (see on_resize).
    _titles_fit = 0
    BINDINGS = [
        Binding("enter", "study", "Study deck", priority=True, id="home.study"),
        # An enter typed before dlquiz set up the terminal (in the first ~40 ms, before
        # even the splash) was turned into a newline by the terminal: it arrives as ctrl+j.
        Binding("ctrl+j", "study", "Study deck", show=False, priority=True, id="home.study_early"),
        Binding("a", "study_all", "All due", id="home.study_all"),
        Binding("c", "cram", "Cram", id="home.cram"),
        Binding("m", "app.mock", "Mock", id="home.mock"),
        Binding("b", "app.browse", "Browse", id="home.browse", priority=True),
        Binding("x", "app.go('exercises')", "Exercises", id="home.exercises"),
        Binding("t", "app.go('stats')", "Stats", id="home.stats"),
        Binding("o", "app.go('settings')", "Settings", id="home.settings"),
        Binding("r", "reload", "Reload decks", id="home.reload"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
        Binding("escape", "back", "Back", show=False, id="home.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("dlquiz · decks", id="totals", classes="title-bar")
        yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in COLUMNS:
            table.add_column(Text(label), key=label.lower())
        self.ctx.preload_catalog()  # already running when `dlquiz` started it before importing Textual
        if self.ctx.catalog_ready():  # the usual warm start: the first frame lists the decks
            self.fill_table(counts_after_paint=True)
            self._after_load()
        else:
            self.app.hold_keys()  # type: ignore[attr-defined]
            self.load_decks()
        self.set_interval(WATCH_INTERVAL_S, self.watch_deck_files)

    @work(exclusive=True, group="home-load")
    async def load_decks(self) -> None:
        """Wait for the decks off the UI thread, list them, then replay the keys pressed meanwhile.

        The first frame never waits for YAML; a key pressed before the decks are
        listed (``enter`` on the first deck) is held by the app, not dropped.
        """
        self.query_one("#detail", Static).update("Loading decks…")
        try:
            await self.ctx.loaded_catalog()
            self.fill_table(counts_after_paint=True)
        finally:
            self.app.release_keys()  # type: ignore[attr-defined]
        self._after_load()

    def _after_load(self) -> None:
        if self.ctx.backup_error:  # the start-up backup ran before this on the db thread
            self.notify(f"Daily backup failed: {self.ctx.backup_error}", severity="warning")
            self.ctx.backup_error = ""

    @work(exclusive=True, group="home-watch")
    async def watch_deck_files(self) -> None:
        """Reload the decks when a deck file was edited, added or removed on disk.

        The check is a stat per file (``Catalog.changed``); it and the reload run
        on the database thread, and only while this screen is showing.
        """
        if not self.is_current or self.query_one(DataTable).row_count == 0:
            return
        changed = await self.db(lambda store: self.ctx.catalog.changed())
        if not changed:
            return
        await self.db(lambda store: self.ctx.reload_catalog())
        self.fill_table()
        names = ", ".join(Path(p).name for p in changed[:3])
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        self.notify(f"Reloaded decks: {names}{more}")

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.query_one(DataTable).row_count:
            self.refresh_counts()

    # -- data ------------------------------------------------------------------------

    def fill_table(self, *, counts_after_paint: bool = False) -> None:
        """(Re)list decks from the catalog, then ask the store for today's counts.

        ``counts_after_paint``: count once the first frame is drawn, so the
        queries (and the modules they import) do not delay the first deck row.
        """
        table = self.query_one(DataTable)
        table.clear()
        self._titles_fit = self._title_room()
        catalog = self.ctx.catalog
        for deck in sorted(catalog.decks, key=lambda d: d.title.lower()):
            table.add_row(self._title(deck.title), PENDING, PENDING, Text(str(len(deck.items()))), Text(),
                          key=deck.id)
        for broken in catalog.broken:
            name = broken.deck_id or Path(broken.path).name
            table.add_row(Text(name), NONE, NONE, NONE, Text(f"✗ {BROKEN}"),
                          key=f"{BROKEN}:{broken.path}")
        if counts_after_paint:
            self.call_after_refresh(self._after_first_paint)
        else:
            self.refresh_counts()
        self.show_detail()

    def _after_first_paint(self, tries: int = 0) -> None:
        """The decks are on screen: save the launch frame if one is wanted, then count.

        The frame is saved before the counts arrive so that it shows them
        pending (see :mod:`dlquiz.tui.launch_frame`); it waits a refresh or two
        when the table has not drawn its rows yet.
        """
        from dlquiz import splash

        if splash.wanted() is not None and tries < FRAME_TRIES:
            from dlquiz.tui.launch_frame import save_first_frame

            decks = sorted(self.ctx.catalog.decks, key=lambda d: d.title.lower())
            first_row = self._title(decks[0].title).plain if decks else ""
            if save_first_frame(self.app, self, first_row, self.ctx.paths, self.ctx.catalog) is False:
                self.call_after_refresh(self._after_first_paint, tries + 1)
                return
        self.refresh_counts()

    def _title(self, title: str) -> Text:
        """The deck title, cut with "…" so the count columns stay on screen (80 columns)."""
        cell = Text(title, no_wrap=True)
        cell.truncate(self._title_room(), overflow="ellipsis")
        return cell

    def _title_room(self) -> int:
        return max(16, self.app.size.width - TITLE_SLACK)

    def on_resize(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count or self._title_room() == self._titles_fit:
            return  # not listed yet, or the titles already fit this width (the first resize)
        self._titles_fit = self._title_room()
        for deck in self.ctx.catalog.decks:
            if deck.id in table.rows:
                table.update_cell(deck.id, "deck", self._title(deck.title), update_width=True)

    @work(exclusive=True, group="home-counts")
    async def refresh_counts(self) -> None:
        from dlquiz.tui import study

        # self.db stops here when the app closed while the store counted (BaseScreen.db)
        per_deck, today_done, new_left = await self.db(study.deck_counts, self.ctx)
        table = self.query_one(DataTable)
        due_total = new_total = 0
        for deck_id, (due, new) in per_deck.items():
            if deck_id in table.rows:
                table.update_cell(deck_id, "due", Text(str(due)))
                table.update_cell(deck_id, "new", Text(str(new)))
                due_total += due
                new_total += new
        new_total = min(new_total, new_left)
        self.query_one("#totals", Static).update(
            f"dlquiz · today: {due_total} due · {new_total} new · {today_done} reviewed"
            + interview_header(self.ctx.today(), self.ctx.config.interview_date)
        )

    def show_detail(self) -> None:
        detail = self.query_one("#detail", Static)
        key = self._highlighted_key()
        if key is None:
            detail.update("No decks found. Add YAML decks to the decks folder or pass --deck PATH.")
            return
        if key.startswith(f"{BROKEN}:"):
            path = key.removeprefix(f"{BROKEN}:")
            broken = next(b for b in self.ctx.catalog.broken if b.path == path)
            errors = "\n".join(str(e) for e in broken.errors[:4]) or "could not be loaded"
            detail.update(Text.assemble(("Broken deck", "bold"), f" {path}\n{errors}"))
            detail.add_class("broken")
            return
        detail.remove_class("broken")
        deck = self.ctx.catalog.deck(key)
        if deck is None:  # reloaded from disk since the table was filled
            detail.update("")
            return
        detail.update(Text.assemble((deck.title, "bold"), f" — {deck.description}".rstrip(" —")))

    def _highlighted_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """A mouse click on a row (enter is the screen's own priority binding)."""
        event.stop()
        self.action_study()

    # -- actions ---------------------------------------------------------------------

    def start(self, plan: StudyPlan) -> None:
        from dlquiz.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(plan))

    def action_study(self) -> None:
        """Study the highlighted deck, once the keys typed before ``enter`` have acted.

        ``enter`` is a priority binding: the app runs it at once, while a ``down``
        typed just before it is still on its way. A non-priority key travels
        table -> screen -> app (where the table's binding finally runs), so the
        study step takes the same three queues and comes after it.
        """
        table = self.query_one(DataTable)
        table.call_later(self.call_later, self.app.call_later, self._study_highlighted)

    def _study_highlighted(self) -> None:
        from dlquiz.tui.study import StudyPlan

        key = self._highlighted_key()
        if key is None or key.startswith(f"{BROKEN}:"):
            self.notify("That deck is broken: fix the error shown below it.", severity="warning")
            return
        self.start(StudyPlan(decks=(key,)))

    def action_study_all(self) -> None:
        from dlquiz.tui.study import StudyPlan

        self.start(StudyPlan())

    def action_cram(self) -> None:
        from dlquiz.tui.screens.dialogs import PickerScreen
        from dlquiz.tui.study import StudyPlan, cram_choices

        def chosen(value: str | None) -> None:
            if value:
                kind, _, name = value.partition(":")
                if kind == "deck":
                    self.start(StudyPlan(decks=(name,), cram=True))
                else:
                    self.start(StudyPlan(topics=(name,), cram=True))

        self.app.push_screen(PickerScreen("Cram (schedule untouched): pick a deck or topic",
                                          cram_choices(self.ctx.catalog)), chosen)

    def action_reload(self) -> None:
        self.ctx.reload_catalog()
        self.fill_table()
        self.notify("Decks reloaded.")
