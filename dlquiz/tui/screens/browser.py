"""Browse: search every card, see one with its history, act on it, cram the results.

Why the search runs in a thread worker: over 100,000 items one search costs
tens of milliseconds, which would make typing stutter on the UI thread. Each
keystroke starts a worker (``thread=True, exclusive=True``) and stamps it with a
sequence number; a result is shown only when it belongs to the newest query,
so a slow early search can never overwrite a later one. The index
(:class:`dlquiz.study.browse.BrowseIndex`) is built once per catalog and the
card states are read once when the screen opens (one query) and again for
one item after each action, both on the database thread; searching itself
never touches SQLite.

Keys: type to search; ``enter``/``down`` go to the results, ``/`` back to the
query; on a result ``s`` suspends/unsuspends, ``b`` buries/unburies (until
tomorrow), ``r`` resets (asks first; history kept), ``e`` edits (a bundled card
through its override file, :mod:`dlquiz.decks.overrides`), ``c`` crams every
result (the schedule is untouched). The query language is in ``docs/browser.md``.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import Key
from textual.message import Message
from textual.widgets import DataTable, Input, Static
from textual.worker import get_current_worker

from dlquiz.study.browse import (
    BURIED,
    SUSPENDED,
    BrowseIndex,
    Row,
    SearchResult,
    StateSnapshot,
    describe_state,
    history,
    history_lines,
    load_states,
)
from dlquiz.study.browse_query import QuerySyntaxError, parse
from dlquiz.tui.external_editor import open_in_editor
from dlquiz.tui.screens.base import BaseScreen
from dlquiz.tui.screens.browser_detail import detail_text, front_line, index_for
from dlquiz.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from dlquiz.model import Item
    from dlquiz.store.database import Store

COLUMNS = ("Card", "Type", "State", "Front")
#: Rows added to the table at a time: the first page, then one more each time the
#: cursor reaches the last row (the header says how many matched; cram takes them all).
SHOWN_ROWS = 100
PLACEHOLDER = "words  deck:  topic:  type:  tag:  is:new|due|suspended|buried|leech  -not  \"a phrase\""
class BrowserScreen(BaseScreen[None]):
    """A query bar, the matching items, and the highlighted one in full."""

    class ResultsShown(Message):
        """The table now shows the results of ``query`` (after the refresh that draws them)."""

        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    CSS_PATH = Path(__file__).with_name("browser.tcss")
    BINDINGS = [
        Binding("escape", "back", "Back", id="browser.back"),
        Binding("down", "results", "Results", show=False, id="browser.results"),
        Binding("slash", "focus_query", "Search", key_display="/", id="browser.search"),
        Binding("s", "suspend", "Suspend", id="browser.suspend"),
        Binding("b", "bury", "Bury", id="browser.bury"),
        Binding("r", "reset", "Reset", id="browser.reset"),
        Binding("e", "edit", "Edit", id="browser.edit"),
        Binding("c", "cram", "Cram", id="browser.cram"),
    ]
    ROW_ACTIONS = frozenset({"suspend", "bury", "reset", "edit"})

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.index: BrowseIndex | None = None
        self.states = StateSnapshot()
        self.result: SearchResult | None = None
        self.seq = 0  # the newest query's number; older results are dropped
        self.pending: str | None = None  # typed while a search runs
        self.states_version = 0  # bumped whenever a state changes (old results go stale)
        self.result_states = -1
        self.searching = False
        self.back_from_cram = False
        self.shown_query: str | None = None
        self.error = ""

    def compose(self) -> ComposeResult:
        yield Static("Browse · loading cards…", id="browse-header", classes="title-bar")
        yield Input(self.initial_query, placeholder=PLACEHOLDER, id="query", select_on_focus=False)
        yield Static("", id="query-status", classes="hint")
        yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="detail"):
            yield Static("", id="detail-text")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        card = 40 if self.app.size.width >= 110 else 24
        # Fixed widths: an automatic one follows the first rows shown and stays that narrow.
        self.front_width = max(20, self.app.size.width - card - 7 - 14 - 2 * len(COLUMNS) - 2)
        for label, width in zip(COLUMNS, (card, 7, 14, self.front_width)):
            table.add_column(Text(label), key=label.lower(), width=width)
        self.query_one("#query", Input).focus()
        self.prepare()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Row actions need a highlighted result; cram needs results."""
        if action in self.ROW_ACTIONS:
            return None if self.current_item() is None else True
        if action == "cram":
            return None if not (self.result and self.result.total) else True
        return True

    # -- loading and searching -----------------------------------------------------------

    @work(exclusive=True, group="browse-prepare")
    async def prepare(self) -> None:
        """Index the catalog and read every state (database thread), then run the query."""
        ctx = self.ctx

        def load(store: Store) -> tuple[BrowseIndex, StateSnapshot]:
            index = index_for(ctx.catalog)
            states = load_states(store, ctx.today().isoformat(), ctx.scheduling().leech_threshold)
            assert isinstance(states, StateSnapshot)
            return index, states

        self.index, self.states = await ctx.db(load)
        self.query_one("#browse-header", Static).update(f"Browse · {len(self.index):,} cards")
        self.searching = False
        self.search(self.query_one("#query", Input).value)

    async def reload_states(self) -> None:
        ctx = self.ctx
        states = await ctx.db(load_states, ctx.today().isoformat(), ctx.scheduling().leech_threshold)
        assert isinstance(states, StateSnapshot)
        self.states = states
        self.states_version += 1

    def on_key(self, event: Key) -> None:
        """A key typed before the query has the focus (right after ``b``) still goes to it."""
        if self.focused is None and event.is_printable and event.character:
            query = self.query_one("#query", Input)
            query.focus()
            query.insert_text_at_cursor(event.character)
            event.stop()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "query":
            self.search(event.value)

    def search(self, text: str) -> None:
        """Search for ``text`` off the UI thread; the newest query wins.

        One search runs at a time: keys typed meanwhile only replace the
        pending query, which starts when the running one ends, so fast typing
        never piles up threads competing for the interpreter.
        """
        self.seq += 1
        self.pending = text
        if self.index is not None and not self.searching:
            self._start_pending()  # else: prepare() or the running search starts it

    def _start_pending(self) -> None:
        text, self.pending = self.pending, None
        if text is None or self.index is None:
            return
        self.searching = True
        # The last result narrows the search while the states it was made with hold.
        previous = self.result if self.result_states == self.states_version else None
        self.run_worker(partial(self._search_in_thread, text, self.seq, self.index, self.states,
                                previous), thread=True, exclusive=True, group="browse-search")

    def _search_in_thread(self, text: str, seq: int, index: BrowseIndex,
                          states: StateSnapshot, previous: SearchResult | None) -> None:
        try:
            result: SearchResult | str = index.search(parse(text), states, limit=SHOWN_ROWS,
                                                      previous=previous)
        except QuerySyntaxError as exc:
            result = exc.message
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, text, seq, result)

    def _show(self, text: str, seq: int, result: SearchResult | str) -> None:
        self.searching = False
        if not self.is_mounted:
            return
        if seq != self.seq:
            self._start_pending()  # a newer query was typed meanwhile: run it now
            return
        status = self.query_one("#query-status", Static)
        if isinstance(result, str):
            self.error = result
            status.update(Text(f"✗ {result}", "bold red"))
            self.shown_query = text
            self.call_after_refresh(self.post_message, self.ResultsShown(text))
            return
        self.error = ""
        self.result = result
        self.result_states = self.states_version
        table = self.query_one(DataTable)
        highlighted = self.current_key()
        table.clear()
        self._add_rows(result.rows)
        if highlighted is not None and highlighted in table.rows:
            table.move_cursor(row=table.get_row_index(highlighted), animate=False)
        shown = len(result.rows)
        more = f" (listed {shown} at a time as you scroll)" if shown < result.total else ""
        status.update(f"{result.total:,} match{'es' if result.total != 1 else ''}{more}"
                      + ("" if text.strip() else " · every card")
                      + (" · enter: to the results (s b r e c act there)" if shown else ""))
        self.query_one("#browse-header", Static).update(
            f"Browse · {len(self.index or ()):,} cards · c crams the {result.total:,} results")
        self.refresh_bindings()
        self.show_detail()
        self.shown_query = text
        self.call_after_refresh(self.post_message, self.ResultsShown(text))

    # -- the highlighted item ------------------------------------------------------------

    def current_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    def current_item(self) -> Item | None:
        key = self.current_key() if self.is_mounted else None
        return self.ctx.catalog.item(key) if key is not None else None

    def _add_rows(self, rows: tuple[Row, ...]) -> None:
        table = self.query_one(DataTable)
        for row in rows:
            table.add_row(Text(row.key), Text(row.item.card.type), Text(row.state),
                          Text(front_line(row.item, self.front_width)), key=row.key)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        table, result = self.query_one(DataTable), self.result
        at_end = event.cursor_row >= table.row_count - 1
        if result is not None and at_end and table.row_count < result.total:
            self._add_rows(result.page(table.row_count, SHOWN_ROWS, self.states))  # next page
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.query_one("#detail").focus()

    @work(exclusive=True, group="browse-detail")
    async def show_detail(self) -> None:
        item = self.current_item()
        pane = self.query_one("#detail-text", Static)
        if item is None:
            pane.update("No card matches." if self.result is not None else "")
            return
        reviews = await self.db(history, item.key)
        if self.current_key() != item.key:
            return
        state = describe_state(self.states.of(item.key))
        pane.update(detail_text(item, state, history_lines(reviews), len(reviews)))

    async def refresh_item(self, key: str) -> None:
        """Re-read one item's state after an action; update its row and the detail pane."""
        ctx = self.ctx
        bits = await self.db(load_states, ctx.today().isoformat(), ctx.scheduling().leech_threshold,
                            [key])
        assert isinstance(bits, dict)
        self.states.bits[key] = bits[key]
        self.states_version += 1
        table = self.query_one(DataTable)
        if key in table.rows:
            table.update_cell(key, "state", Text(describe_state(bits[key])))
        self.show_detail()

    # -- focus ---------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_results()

    def action_results(self) -> None:
        if self.query_one(DataTable).row_count:
            self.query_one(DataTable).focus()

    def action_focus_query(self) -> None:
        self.query_one("#query", Input).focus()

    def action_back(self) -> None:
        """``escape`` goes from the results back to the query, then leaves the screen."""
        if not self.query_one("#query", Input).has_focus:
            self.action_focus_query()
            return
        super().action_back()

    def on_screen_resume(self) -> None:
        """Back from a cram or an edit elsewhere: states may have moved."""
        if self.index is not None:
            self.refresh_after_resume()

    @work(exclusive=True, group="browse-prepare")
    async def refresh_after_resume(self) -> None:
        if self.back_from_cram:  # typed letters search again, they do not act on a card
            self.back_from_cram = False
            self.action_focus_query()
        await self.reload_states()
        self.search(self.query_one("#query", Input).value)

    # -- actions -------------------------------------------------------------------------

    async def action_suspend(self) -> None:
        key = self.current_key()
        if key is None:
            return
        suspend = not self.states.of(key) & SUSPENDED
        await self.db(lambda store: store.set_suspended(key, suspend))
        self.notify(f"{'Suspended' if suspend else 'Unsuspended'} {key}.")
        await self.refresh_item(key)

    async def action_bury(self) -> None:
        key = self.current_key()
        if key is None:
            return
        bury = not self.states.of(key) & BURIED
        until = (self.ctx.today() + timedelta(days=1)).isoformat() if bury else None
        await self.db(lambda store: store.bury(key, until))
        self.notify(f"Buried {key} until tomorrow." if bury else f"Unburied {key}.")
        await self.refresh_item(key)

    def action_reset(self) -> None:
        from dlquiz.tui.screens.dialogs import ConfirmScreen

        key = self.current_key()
        if key is None:
            return

        async def answered(yes: bool | None) -> None:
            if not yes:
                return
            from dlquiz.store.resets import reset_item

            await self.db(reset_item, key, now=self.ctx.now())
            self.notify(f"Reset {key}: new again, its history kept.")
            await self.refresh_item(key)

        self.app.push_screen(ConfirmScreen(f"Reset {key}? Its schedule is forgotten (it is new "
                                           "again); its review history is kept.", yes="Reset",
                                           no="Keep"), answered)

    async def action_edit(self) -> None:
        """Open the card in ``$EDITOR`` (a bundled card: its override file), then reload."""
        from dlquiz.decks.overrides import edit_target, forget_unchanged

        item = self.current_item()
        if item is None:
            return
        catalog, paths = self.ctx.catalog, self.ctx.paths
        try:
            path, line = edit_target(catalog, item.card, paths)
        except OSError as exc:
            self.notify(f"Could not write the card's override file: {exc}", severity="error")
            return
        problem = open_in_editor(self.app, self.ctx.editor_command(path, line), path)
        forget_unchanged(path, item.card, catalog, paths)  # an abandoned edit pins nothing
        if problem:
            self.notify(problem, severity="error")
            return
        catalog = await self.db(lambda store: self.ctx.reload_catalog())
        broken = [b for b in catalog.broken if b.path == str(path)]
        if broken:
            self.notify(f"The card has errors now:\n{broken[0].errors[0]}", severity="error",
                        timeout=10)
        self.index = await self.db(lambda store: index_for(catalog))
        self.states_version += 1  # the old result belongs to the old index
        self.search(self.query_one("#query", Input).value)

    def action_cram(self) -> None:
        from dlquiz.tui.screens.review import ReviewScreen
        from dlquiz.tui.study import StudyPlan

        if self.result is None or not self.result.total:
            self.notify("No results to cram: change the query.", severity="warning")
            return
        text = self.query_one("#query", Input).value.strip()
        label = text if len(text) <= 40 else text[:39] + "…"
        self.back_from_cram = True
        self.app.push_screen(ReviewScreen(StudyPlan(keys=self.result.keys, cram=True,
                                                    label=label or "every card")))
