"""Review: one card at a time, answered, committed, next.

States of the current card: ``front`` (question shown), ``revealed``
(self-graded card flipped: the grade keys grade it) and ``graded`` (an
auto-graded card's verdict and explanation are shown: space/enter moves on);
``loading`` and ``done`` around them. Every answer goes through
:meth:`StudySession.answer` on the database thread and is committed before
the next card is drawn; the screen only renders.

Which key means what, on which card, is set out in
:mod:`dlquiz.tui.screens.review_keys` (digits pick choices, letters are card
keys, an answer field takes text and ``escape`` leaves it); undo, suspend,
bury, edit and coding exercises are in :mod:`dlquiz.tui.screens.review_actions`.

Choice cards are shown in a shuffled order drawn for each review
(:attr:`CardView.choice_order`); the digit pressed names a position on
screen, mapped back to the card's own index before grading, and the order is
stored with the review (``drawn``) so it can be shown again as it was.

Typed cards (``input: typed``, or the ``typed_answers`` setting) show a field
under the question; its text is compared word by word with the answer on the
reveal (:class:`TypedAnswer`), then graded by the learner as usual and stored
with the review.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.events import Key
from textual.message import Message
from textual.widgets import Input, Static

from dlquiz.store.dbfile import DiskFullError
from dlquiz.tui import cards
from dlquiz.tui.screens.base import BaseScreen
from dlquiz.tui.screens.review_actions import CardActions
from dlquiz.tui.screens.review_fields import FIELDS, AnswerFields
from dlquiz.tui.screens.review_keys import BINDINGS, GRADES, hint_text, key_names, summary_hint
from dlquiz.tui.study import CardView, StudyPlan, build_session, current_view, leech_notice
from dlquiz.tui.widgets.card_text import CardText
from dlquiz.tui.widgets.grade_bar import GradeBar
from dlquiz.tui.widgets.key_bar import KeyBar
from dlquiz.tui.widgets.session_progress import SessionProgress
from dlquiz.tui.widgets.typed_answer import TypedAnswer

if TYPE_CHECKING:
    from dlquiz.store.database import Store
    from dlquiz.study.session import StudySession

SELF_GRADED = ("basic", "cloze")


class ReviewScreen(CardActions, AnswerFields, BaseScreen[None]):
    """A study session over a :class:`StudyPlan`."""

    class CardShown(Message):
        """A card's front has been drawn on screen (after the refresh that shows it)."""

        def __init__(self, item_key: str) -> None:
            super().__init__()
            self.item_key = item_key

    CSS_PATH = Path(__file__).with_name("review.tcss")
    BINDINGS = BINDINGS

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
        """Hide keys that would do nothing: grades before a reveal (a choice card's digits
        pick choices then), space on auto-graded fronts, card keys after the last card."""
        if action == "grade":
            return self.state == "revealed"
        if action == "reveal":
            return self.state == "front" and self.card_type() in SELF_GRADED
        if action == "next_card":
            return self.state == "graded"
        if action in self.CARD_ACTIONS:
            return self.state not in ("done", "loading")
        return True

    def __init__(self, plan: StudyPlan) -> None:
        self._state = "loading"
        super().__init__()
        self.plan = plan
        self.session: StudySession | None = None
        self.view: CardView | None = None
        self.selected: list[int] = []
        #: What was typed on a typed card, fixed at the reveal (None: not a typed card).
        self.typed_text: str | None = None
        self.shown_at = time.monotonic()
        self.busy = False
        self._keys: dict[str, str] = {}
        self._early_keys: list[Key] = []
        self._keys_for: dict[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"Study · {self.plan.describe()}", id="card-header", classes="title-bar")
        yield SessionProgress()
        with VerticalScroll(id="card"):
            yield CardText("Loading…", id="front")
            yield TypedAnswer(id="typed-diff")
            yield CardText("", id="back")
        yield Static("", id="verdict")
        # no select-all on focus: a key typed from outside the field must add to its text
        yield Input(id="numeric", placeholder="the number (units optional), enter to check",
                    select_on_focus=False)
        yield Input(id="typed", placeholder="your answer, enter to compare", select_on_focus=False)
        yield GradeBar()
        yield Static("", id="keys-hint", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        for hidden in ("#back", "#typed-diff", *FIELDS):
            self.query_one(hidden).display = False
        self.query_one(GradeBar).visible = False
        self.start_session()

    @work(exclusive=True, group="review")
    async def start_session(self) -> None:
        self.session = await self.db(build_session, self.ctx, self.plan)
        await self.advance()

    # -- rendering -----------------------------------------------------------------------

    async def advance(self) -> None:
        """Fetch the session's current card (off-thread) and render it, or the summary."""
        assert self.session is not None
        view = await self.db(current_view, self.ctx, self.session)
        if view is None:
            await self.show_summary()
            return
        await self.show(view)

    def keys(self) -> dict[str, str]:
        """Binding id -> its key now (the keymap may have moved any); cached per keymap."""
        keymap = dict(getattr(self.app, "_keymap", None) or {})
        if self._keys_for != keymap:
            self._keys, self._keys_for = key_names(self.app, BINDINGS), keymap
        return self._keys

    async def show(self, view: CardView) -> None:
        self.view = view
        self.selected = []
        self.typed_text = None
        self.shown_at = time.monotonic()
        item = view.item
        self.query_one("#card-header", Static).update(
            f"{cards.header(item)}" + (" · again" if view.kind == "redrill" else "")
            + (" · cram" if self.plan.cram else "") + (" · leech" if view.leech else "")
        )
        bar = self.query_one(GradeBar)
        bar.visible = False
        bar.set_intervals(view.intervals)
        bar.set_keys({g: self.keys().get(f"review.grade_{g}", str(n))
                      for n, g in enumerate(GRADES, start=1)})
        self.query_one(SessionProgress).update_progress(view.done, view.remaining, view.redrills)
        front = cards.front(item, problem=view.problem, exercise=view.exercise,
                            order=view.choice_order)
        if view.error:
            front += f"\n\n> **Cannot show this card:** {view.error}. Press `b` to bury it."
        self.query_one("#back", CardText).display = False
        self.query_one("#typed-diff", TypedAnswer).display = False
        verdict = self.query_one("#verdict", Static)
        verdict.update("")
        verdict.set_classes("")
        field = None
        if item.card.type == "numeric" and view.problem is not None:
            field = "#numeric"
        elif view.typed:
            field = "#typed"
        for selector in FIELDS:
            widget = self.query_one(selector, Input)
            widget.display = selector == field
            if widget.display:
                widget.value = ""
                widget.disabled = False
        self.query_one("#front", CardText).show_markdown(front)
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)
        # Each new card puts the focus where typing goes: its answer field, else the card.
        self.set_focus(self.query_one(field or "#card"), scroll_visible=False)
        self.state = "front"
        self.set_hint()
        self.call_after_refresh(self.post_message, self.CardShown(item.key))
        self.replay_early_keys()

    def set_hint(self) -> None:
        card = self.view.item.card if self.view else None
        field = self.answer_field() if self.state == "front" else None
        self.query_one("#keys-hint", Static).update(hint_text(
            self.state, card, self.keys(), typed=bool(self.view and self.view.typed),
            in_field=field is not None and field.has_focus))

    async def show_back(self, verdict: str | None = None) -> None:
        assert self.view is not None
        back = self.query_one("#back", CardText)
        text = cards.back(self.view.item, problem=self.view.problem, selected=self.selected,
                          order=self.view.choice_order, typed=self.typed_text is not None)
        back.show_markdown(text)
        back.display = bool(text)
        if self.view.item.card.type == "choice":
            self.query_one("#front", CardText).show_markdown(self.view.item.card.front)
        if verdict is not None:
            label = self.query_one("#verdict", Static)
            label.update("✓ Correct" if verdict == "correct" else "✗ Wrong")
            label.set_classes("right" if verdict == "correct" else "wrong")

    async def show_summary(self) -> None:
        assert self.session is not None
        from dlquiz.tui.study import summary_markdown

        text = await self.db(summary_markdown, self.ctx, self.session, self.plan)
        self.view = None
        self.state = "done"
        self.query_one(SessionProgress).update_progress(self.session.progress.done, 0)
        self.query_one("#card-header", Static).update(f"Study · {self.plan.describe()} · done")
        for hidden in ("#back", "#typed-diff", *FIELDS):
            self.query_one(hidden).display = False
        self.query_one(GradeBar).visible = False
        self.query_one("#verdict", Static).update("")
        self.query_one("#front", CardText).show_markdown(text)
        self.set_focus(self.query_one("#card"), scroll_visible=False)
        self.query_one("#keys-hint", Static).update(summary_hint(self.keys()))
        self.replay_early_keys()

    # -- answering -----------------------------------------------------------------------

    def card_type(self) -> str:
        return self.view.item.card.type if self.view is not None else ""

    async def action_next_card(self) -> None:
        if self.state == "graded":
            await self.advance()

    async def action_reveal(self) -> None:
        if self.state == "front" and self.card_type() in SELF_GRADED and self.view is not None:
            self.state = "revealed"
            if self.view.typed:
                field = self.query_one("#typed", Input)
                self.typed_text = field.value
                field.disabled = True
                field.display = False  # "You typed" shows it, marked
                diff = self.query_one("#typed-diff", TypedAnswer)
                diff.compare(self.typed_text, self.view.item.card.back)
                diff.display = True
            await self.show_back()
            self.query_one(GradeBar).visible = True
            self.set_focus(self.query_one("#card"), scroll_visible=False)
            self.set_hint()

    async def action_proceed(self) -> None:
        if self.state == "graded":
            await self.advance()
        elif self.state == "front" and self.card_type() == "choice" and self.selected:
            await self.grade_choice()
        elif self.state == "front" and self.card_type() == "code" and self.view and self.view.exercise:
            self.open_exercise()
        elif self.state == "front" and self.card_type() in SELF_GRADED:
            await self.action_reveal()

    async def action_grade(self, grade: str) -> None:
        if self.state == "revealed":
            from dlquiz.study.session import SELF_GRADES

            await self.commit(SELF_GRADES[grade], grade=grade, graded_by="self",
                              typed_answer=self.typed_text)

    async def on_key(self, event: Key) -> None:
        """Digits pick choices before the grade bindings see them; typing outside an
        answer field goes into it (unless the key is bound to something here). Keys
        pressed before the first card is drawn wait for it (escape still leaves)."""
        if self.state == "loading":
            self.hold_early_key(event)
            return
        if self.state != "front" or self.view is None:
            return
        card = self.view.item.card
        if card.type == "choice":
            position = cards.choice_index(event.character or "", len(card.choices))
            if position is not None:
                event.stop()
                event.prevent_default()
                await self.pick(position)
            return
        self.type_into_field(event)

    async def pick(self, position: int) -> None:
        """The choice at ``position`` on screen: graded at once, or toggled (select all)."""
        assert self.view is not None
        card = self.view.item.card
        # The digit names a position on screen; grading works on the card's own indices.
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

    @on(Input.Submitted, "#typed")
    async def typed_submitted(self) -> None:
        if self.state == "front":
            await self.action_reveal()

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

    async def commit(self, quality: int, *, grade: str, graded_by: str, drawn: object = None,
                     then_show: str | None = None, typed_answer: str | None = None) -> None:
        """Write the answer (one transaction, database thread), then move on or show why."""
        if self.session is None or self.busy:
            return
        self.busy = True
        try:
            duration = round(time.monotonic() - self.shown_at, 3)
            now = self.ctx.now()

            def answer(store: Store, session: StudySession) -> CardView | None:
                session.answer(quality, grade=grade, graded_by=graded_by, duration_s=duration,
                               drawn=drawn, now=now, typed_answer=typed_answer)  # type: ignore[arg-type]
                # the next card is prepared in the same trip to the database thread
                return current_view(store, self.ctx, session) if then_show is None else None

            leeches = len(self.session.new_leeches)
            try:
                view = await self.db(answer, self.session)
            except DiskFullError as exc:  # read-only from here; every earlier answer is saved
                self.notify(f"{exc.message} This answer was not saved.", severity="error",
                            timeout=15)
                view = await self.db(lambda store, session: current_view(
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
                self.set_focus(self.query_one("#card"), scroll_visible=False)
                self.set_hint()
        finally:
            self.busy = False
