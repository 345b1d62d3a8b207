"""Review: one card at a time, answered, committed, next.

This screen must be one file for now: its key routing (choice letters, grade keys,
numeric input, card keys) and its card state machine are one piece; splitting the
card actions (undo, suspend, bury, edit) into their own module is the next step.

States of the current card: ``front`` (question shown), ``revealed``
(self-graded card flipped: keys 1-4 grade it) and ``graded`` (an auto-graded
card's verdict and explanation are shown: space/enter moves on). Every answer
goes through :meth:`StudySession.answer` on the database thread and is
committed before the next card is drawn; the screen only renders.

Choice cards are shown in a shuffled order drawn for each review
(:attr:`CardView.choice_order`); the letter pressed names a position on
screen, mapped back to the card's own index before grading, and the order is
stored with the review (``drawn``) so it can be shown again as it was.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import Key
from textual.message import Message
from textual.widgets import Input, Static

from dlquiz.store.dbfile import DiskFullError
from dlquiz.tui import cards
from dlquiz.tui.screens.base import BaseScreen
from dlquiz.tui.study import CardView, StudyPlan, build_session, current_view
from dlquiz.tui.study import key_hint, leech_notice
from dlquiz.tui.widgets.card_text import CardText
from dlquiz.tui.widgets.grade_bar import GradeBar
from dlquiz.tui.widgets.key_bar import KeyBar
from dlquiz.tui.widgets.session_progress import SessionProgress

if TYPE_CHECKING:
    from dlquiz.store.database import Store
    from dlquiz.study.session import StudySession
    from dlquiz.tui.screens.coding import CodingResult

SELF_GRADED = ("basic", "cloze")
GRADE_KEYS = {"1": "again", "2": "hard", "3": "good", "4": "easy"}


class ReviewScreen(BaseScreen[None]):
    """A study session over a :class:`StudyPlan`."""

    class CardShown(Message):
        """A card's front has been drawn on screen (after the refresh that shows it)."""

        def __init__(self, item_key: str) -> None:
            super().__init__()
            self.item_key = item_key

    CSS_PATH = Path(__file__).with_name("review.tcss")
    BINDINGS = [
        Binding("space", "reveal", "Show answer"),
        Binding("1", "grade('again')", "Again"),
        Binding("2", "grade('hard')", "Hard"),
        Binding("3", "grade('good')", "Good"),
        Binding("4", "grade('easy')", "Easy"),
        Binding("enter", "proceed", "Next/Open", show=False),
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("s", "suspend", "Suspend"),
        Binding("b", "bury", "Bury"),
        Binding("e", "edit", "Edit card"),
    ]

    #: Actions about the current card: meaningless once the session is over.
    CARD_ACTIONS = frozenset({"reveal", "grade", "suspend", "bury", "edit"})

    @property
    def state(self) -> str:
        """front / revealed / graded / done / loading: which keys mean something now."""
        return self._state

    @state.setter
    def state(self, value: str) -> None:
        self._state = value
        if self.is_mounted:
            self.refresh_bindings()  # the key bar shows only keys that do something here

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys that would do nothing: 1-4 before a reveal (on a choice card they pick
        choices), space on auto-graded fronts, card keys after the last card."""
        if action == "grade":
            return self.state == "revealed"
        if action == "reveal":
            return self.state == "graded" or (
                self.state == "front" and self.card_type() in SELF_GRADED)
        if action in self.CARD_ACTIONS:
            return self.state not in ("done", "loading")
        return True

    def __init__(self, plan: StudyPlan) -> None:
        self._state = "loading"
        super().__init__()
        self.plan = plan
        self.session: StudySession | None = None
        self.view: CardView | None = None
        self.state = "loading"
        self.selected: list[int] = []
        self.shown_at = time.monotonic()
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static(f"Study · {self.plan.describe()}", id="card-header", classes="title-bar")
        yield SessionProgress()
        with VerticalScroll(id="card"):
            yield CardText("Loading…", id="front")
            yield CardText("", id="back")
        yield Static("", id="verdict")
        yield Input(id="numeric")
        yield GradeBar()
        yield Static("", id="keys-hint", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#back").display = False
        self.query_one("#numeric").display = False
        self.query_one(GradeBar).visible = False
        self.start_session()

    @work(exclusive=True, group="review")
    async def start_session(self) -> None:
        self.session = await self.ctx.db(build_session, self.ctx, self.plan)
        await self.advance()

    # -- rendering -----------------------------------------------------------------------

    async def advance(self) -> None:
        """Fetch the session's current card (off-thread) and render it, or the summary."""
        assert self.session is not None
        view = await self.ctx.db(current_view, self.ctx, self.session)
        if view is None:
            await self.show_summary()
            return
        await self.show(view)

    async def show(self, view: CardView) -> None:
        self.view = view
        self.state = "front"
        self.selected = []
        self.shown_at = time.monotonic()
        item = view.item
        self.query_one("#card-header", Static).update(
            f"{cards.header(item)}" + (" · again" if view.kind == "redrill" else "")
            + (" · cram" if self.plan.cram else "") + (" · leech" if view.leech else "")
        )
        self.query_one(GradeBar).set_intervals(view.intervals)
        self.query_one(SessionProgress).update_progress(view.done, view.remaining, view.redrills)
        front = cards.front(item, problem=view.problem, exercise=view.exercise,
                            order=view.choice_order)
        if view.error:
            front += f"\n\n> **Cannot show this card:** {view.error}. Press `b` to bury it."
        back = self.query_one("#back", CardText)
        back.display = False
        verdict = self.query_one("#verdict", Static)
        verdict.update("")
        verdict.set_classes("")
        self.query_one(GradeBar).visible = False
        numeric = self.query_one("#numeric", Input)
        numeric.display = item.card.type == "numeric" and view.problem is not None
        numeric.value = ""
        numeric.disabled = False
        self.query_one("#front", CardText).show_markdown(front)
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)
        target = numeric if numeric.display else self.query_one("#card")
        if not target.has_focus:
            target.focus()
        self.set_hint()
        self.call_after_refresh(self.post_message, self.CardShown(item.key))

    def set_hint(self) -> None:
        card = self.view.item.card if self.view else None
        self.query_one("#keys-hint", Static).update(key_hint(self.state, card))

    async def show_back(self, verdict: str | None = None) -> None:
        assert self.view is not None
        back = self.query_one("#back", CardText)
        back.show_markdown(cards.back(self.view.item, problem=self.view.problem,
                                      selected=self.selected, order=self.view.choice_order))
        back.display = True
        if self.view.item.card.type == "choice":
            self.query_one("#front", CardText).show_markdown(self.view.item.card.front)
        if verdict is not None:
            label = self.query_one("#verdict", Static)
            label.update("✓ Correct" if verdict == "correct" else "✗ Wrong")
            label.set_classes("right" if verdict == "correct" else "wrong")

    async def show_summary(self) -> None:
        assert self.session is not None
        from dlquiz.tui.study import summary_markdown

        text = await self.ctx.db(summary_markdown, self.ctx, self.session, self.plan)
        self.view = None
        self.state = "done"
        self.query_one(SessionProgress).update_progress(self.session.progress.done, 0)
        self.query_one("#card-header", Static).update(f"Study · {self.plan.describe()} · done")
        self.query_one("#numeric").display = False
        self.query_one(GradeBar).visible = False
        self.query_one("#back").display = False
        self.query_one("#verdict", Static).update("")
        self.query_one("#front", CardText).show_markdown(text)
        self.query_one("#keys-hint", Static).update("escape: back · u: undo the last answer")

    # -- answering -----------------------------------------------------------------------

    def card_type(self) -> str:
        return self.view.item.card.type if self.view is not None else ""

    async def action_reveal(self) -> None:
        if self.state == "graded":
            await self.next_card()
        elif self.state == "front" and self.card_type() in SELF_GRADED:
            self.state = "revealed"
            await self.show_back()
            self.query_one(GradeBar).visible = True
            self.set_hint()

    async def action_proceed(self) -> None:
        if self.state == "graded":
            await self.next_card()
        elif self.state == "front" and self.card_type() == "choice" and self.selected:
            await self.grade_choice()
        elif self.state == "front" and self.card_type() == "code" and self.view and self.view.exercise:
            self.open_exercise()
        elif self.state == "front" and self.card_type() in SELF_GRADED:
            await self.action_reveal()

    async def action_grade(self, grade: str) -> None:
        if self.state == "revealed":
            from dlquiz.study.session import SELF_GRADES

            await self.commit(SELF_GRADES[grade], grade=grade, graded_by="self")

    async def on_key(self, event: Key) -> None:
        """Choice cards take letters and numbers before the grade bindings see them."""
        if self.state != "front" or self.card_type() != "choice" or self.view is None:
            return
        position = cards.choice_index(event.character or "", len(self.view.item.card.choices))
        if position is None:
            return
        event.stop()
        event.prevent_default()
        card = self.view.item.card
        # The letter names a position on screen; grading works on the card's own indices.
        index = cards.display_order(card, self.view.choice_order)[position]
        if len(card.answer) > 1:
            if index in self.selected:
                self.selected.remove(index)
            else:
                self.selected.append(index)
            self.query_one("#front", CardText).show_markdown(
                cards.front(self.view.item, selected=self.selected, order=self.view.choice_order))
            return
        self.selected = [index]
        await self.grade_choice()

    async def grade_choice(self) -> None:
        assert self.view is not None
        from dlquiz.study.session import AUTO_GRADES

        correct = sorted(self.selected) == sorted(self.view.item.card.answer)
        verdict = "correct" if correct else "wrong"
        await self.commit(AUTO_GRADES[verdict], grade=verdict, graded_by="auto",
                          drawn=self.view.drawn(), then_show=verdict)

    @on(GradeBar.Graded)
    async def graded_by_click(self, event: GradeBar.Graded) -> None:
        await self.action_grade(event.grade)

    @on(Input.Submitted, "#numeric")
    async def numeric_submitted(self, event: Input.Submitted) -> None:
        if self.state != "front" or self.view is None or self.view.problem is None:
            return
        from dlquiz.numeric.problem import check_answer, parse_numbers

        if not parse_numbers(event.value):  # empty or a typo: ask again, record nothing
            self.notify("Type a number first (units are optional).", severity="warning")
            return
        from dlquiz.study.session import AUTO_GRADES

        verdict = "correct" if check_answer(self.view.problem, event.value) else "wrong"
        event.input.disabled = True
        await self.commit(AUTO_GRADES[verdict], grade=verdict, graded_by="auto",
                          drawn=self.view.drawn(), then_show=verdict)
        self.query_one("#card").focus()

    async def commit(self, quality: int, *, grade: str, graded_by: str,
                     drawn: object = None, then_show: str | None = None) -> None:
        """Write the answer (one transaction, database thread), then move on or show why."""
        if self.session is None or self.busy:
            return
        self.busy = True
        try:
            duration = round(time.monotonic() - self.shown_at, 3)
            now = self.ctx.now()

            def answer(store: Store, session: StudySession) -> CardView | None:
                session.answer(quality, grade=grade, graded_by=graded_by, duration_s=duration,
                               drawn=drawn, now=now)  # type: ignore[arg-type]
                # the next card is prepared in the same trip to the database thread
                return current_view(store, self.ctx, session) if then_show is None else None

            leeches = len(self.session.new_leeches)
            try:
                view = await self.ctx.db(answer, self.session)
            except DiskFullError as exc:  # read-only from here; every earlier answer is saved
                self.notify(f"{exc.message} This answer was not saved.", severity="error",
                            timeout=15)
                view = await self.ctx.db(lambda store, session: current_view(
                    store, self.ctx, session), self.session)
                then_show = None
            if len(self.session.new_leeches) > leeches:
                self.notify(leech_notice(self.ctx.scheduling().leech_suspend), severity="warning")
            if then_show is None:
                if view is None:
                    await self.show_summary()
                else:
                    await self.show(view)
            else:
                self.state = "graded"
                await self.show_back(then_show)
                self.set_hint()
        finally:
            self.busy = False

    async def next_card(self) -> None:
        await self.advance()

    # -- coding cards --------------------------------------------------------------------

    def open_exercise(self) -> None:
        from dlquiz.tui.screens.coding import CodingScreen

        assert self.view is not None and self.view.exercise is not None

        async def finished(result: CodingResult | None) -> None:
            if result is None or result.quality is None:
                return
            await self.commit(result.quality, grade=result.verdict, graded_by="exercise")

        # A due card is a scheduled review: write it again from the starter. New cards,
        # re-drills and cram keep the workspace file.
        review = self.view.kind == "due"
        self.app.push_screen(CodingScreen(self.view.exercise, in_session=True, review=review),
                             finished)

    def action_back(self) -> None:
        """``escape`` first leaves the answer field (so u/s/b/e work), then leaves the screen."""
        numeric = self.query_one("#numeric", Input)
        if numeric.has_focus:
            self.query_one("#card").focus()
            return
        super().action_back()

    # -- undo, suspend, bury, edit -------------------------------------------------------

    async def action_undo(self) -> None:
        if self.session is None or self.busy:
            return
        undone = await self.ctx.db(lambda store, s: s.undo(), self.session)
        if not undone:
            self.notify("Nothing to undo in this session.")
            return
        self.notify("Undone.")
        await self.advance()

    async def action_suspend(self) -> None:
        await self._drop("suspend", "Suspended: `dlquiz cards unsuspend` brings it back.")

    async def action_bury(self) -> None:
        await self._drop("bury", "Buried until tomorrow.")

    async def _drop(self, how: str, message: str) -> None:
        if self.session is None or self.view is None or self.busy or self.state == "done":
            return
        await self.ctx.db(lambda store, s: getattr(s, how)(), self.session)
        self.notify(message)
        await self.advance()

    async def action_edit(self) -> None:
        """Open the card's YAML at its line in ``$EDITOR``, then reload the decks."""
        if self.view is None:
            return
        import subprocess

        source = self.view.item.card.source
        command = self.ctx.editor_command(Path(source.path), source.line)
        try:
            with self.app.suspend():
                subprocess.run(command, check=False)
        except OSError as exc:
            self.notify(f"Could not start the editor: {exc}", severity="error")
            return
        catalog = self.ctx.reload_catalog()
        broken = [b for b in catalog.broken if b.path == source.path]
        if broken:
            self.notify(f"The deck has errors now:\n{broken[0].errors[0]}", severity="error", timeout=10)
        await self.advance()
