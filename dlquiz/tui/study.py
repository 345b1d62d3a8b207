"""What a study sitting is made of, and the core calls that run on the database thread.

A :class:`StudyPlan` says *what* to study (some decks, some topics, or
everything due; review or cram). The functions taking ``store`` first are meant for
:meth:`AppContext.db`: they call :mod:`dlquiz.study.session` and return plain data
for the screens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlquiz.decks.catalog import Catalog
    from dlquiz.model import Card, Exercise, Item
    from dlquiz.numeric.problem import NumericProblem
    from dlquiz.store.database import Store
    from dlquiz.study.session import StudySession
    from dlquiz.tui.context import AppContext


@dataclass(frozen=True)
class StudyPlan:
    """Which items a sitting covers: some decks, some topics (prefix match), or everything.

    ``decks`` and ``topics`` combine like ``dlquiz study --only/--topic``: an
    item must be in one of the decks (when any are given) and have one of the
    topics or a finer one (when any are given).
    """

    decks: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    cram: bool = False
    #: Exactly these item keys (the card browser's results), instead of decks and topics.
    keys: tuple[str, ...] = ()
    #: How to name ``keys`` in the header (e.g. the browser's query).
    label: str = ""

    def describe(self) -> str:
        if self.keys:
            what = f"{len(self.keys)} cards" + (f" · {self.label}" if self.label else "")
            return f"{'cram · ' if self.cram else ''}{what}"
        parts = list(self.decks) + [f"topic {t}" for t in self.topics]
        what = ", ".join(parts) or "all decks"
        return f"{'cram · ' if self.cram else ''}{what}"


def topic_matches(topic: str, wanted: str) -> bool:
    """``detection`` matches ``detection.nms`` and ``detection`` itself, not ``detections``."""
    return topic == wanted or topic.startswith(wanted + ".")


def plan_items(catalog: Catalog, plan: StudyPlan) -> list[Item]:
    """The items a plan covers, in catalog order (``keys``: in their order, unknown ones skipped)."""
    if plan.keys:
        return [item for key in plan.keys if (item := catalog.item(key)) is not None]
    items: list[Item] = []
    if plan.decks:
        for deck_id in plan.decks:
            deck = catalog.deck(deck_id)
            if deck is not None:
                items.extend(deck.items())
    else:
        items = list(catalog.items())
    if plan.topics:
        items = [i for i in items
                 if any(topic_matches(t, w) for t in i.card.topics for w in plan.topics)]
    return items


def cram_choices(catalog: Catalog) -> list[tuple[str, str]]:
    """Picker rows: every deck, then every top-level topic area and topic in use."""
    rows = [(f"deck:{d.id}", f"deck   {d.title}") for d in sorted(catalog.decks, key=lambda d: d.title)]
    topics: set[str] = set()
    for item in catalog.items():
        for topic in item.card.topics:
            parts = topic.split(".")
            topics.update(".".join(parts[: n + 1]) for n in range(min(len(parts), 2)))
    rows += [(f"topic:{t}", f"topic  {t}") for t in sorted(topics)]
    return rows


def deck_counts(store: Store, ctx: AppContext) -> tuple[dict[str, tuple[int, int]], int, int]:
    """Per-deck (due, new) for today, how many reviews were logged today, and how many
    new cards are left today across all decks (the daily new-card limit is global, so
    the per-deck "new" numbers overlap and must not simply be added up)."""
    from dlquiz.study.session import queue_counts

    today = ctx.today()
    config = ctx.scheduling()
    counts = queue_counts(store, ctx.item_index(), today, config)
    done = store.reviewed_on(today.isoformat()) + store.introduced_on(today.isoformat())
    new_left = max(0, config.new_per_day - store.introduced_on(today.isoformat()))
    return counts, done, new_left


def leech_notice(suspended: bool) -> str:
    """What the review screen says when an answer makes the card a leech."""
    where = " and is suspended (`dlquiz cards unsuspend` brings it back)" if suspended else ""
    return f"Leech: this card keeps slipping{where}. Consider rewriting it (e)."


def summary_markdown(store: Store, ctx: AppContext, session: StudySession, plan: StudyPlan) -> str:
    """The end-of-session text; for an empty session, why it is empty (limits, keys, cram)."""
    summary = session.summary()
    if summary.answers == 0:
        from dlquiz.study.session import nothing_to_study

        if plan.cram:
            reason = "Nothing matches this cram: every card is suspended or buried. Cram (c) another deck."
        else:
            reason = nothing_to_study(store, plan_items(ctx.catalog, plan), ctx.today(), ctx.scheduling())
        return (f"## Nothing to study\n\n{reason}\n\nPress **escape** to go back to your decks "
                "(**c** there to cram).")  # fmt: skip
    minutes, seconds = divmod(round(summary.time_s), 60)
    return (
        "## Session complete\n\n"
        f"| | |\n|---|---|\n| Cards | {summary.cards} |\n| Answers | {summary.answers} |\n"
        f"| Correct | {summary.correct_pct:.0f}% |\n| Time | {minutes}m {seconds:02d}s |\n"
        f"| Next due | {summary.next_due or 'nothing scheduled'} |\n\n"
        "Press **escape** to go back to your decks."
    )


def build_session(store: Store, ctx: AppContext, plan: StudyPlan) -> StudySession:
    from dlquiz.study.session import StudySession

    items = plan_items(ctx.catalog, plan)
    return StudySession.build(
        items,
        store,
        config=ctx.scheduling(),
        mode="cram" if plan.cram else "review",
        seed=ctx.seed if ctx.seed is not None else int(ctx.now().timestamp()),
        now=ctx.now(),
    )


#: Key of the choice permutation in a review's ``drawn`` mapping.
CHOICE_ORDER_KEY = "choice_order"


@dataclass(frozen=True)
class CardView:
    """Everything the review screen needs to show the current card (built off the UI thread)."""

    item: Item
    kind: str
    done: int
    remaining: int
    redrills: int
    problem: NumericProblem | None = None
    exercise: Exercise | None = None
    error: str = ""
    #: Choice cards: card indices in the order shown (stored with the review).
    choice_order: tuple[int, ...] = ()
    #: Days until due again for each SM-2 quality the answer could get (grade buttons);
    #: None when the answer would not move the schedule (cram, re-drill).
    intervals: dict[int, int] | None = None
    #: The card's lapses reached the leech threshold.
    leech: bool = False
    #: A basic card whose answer is typed before the reveal (:func:`wants_typed`).
    typed: bool = False

    def drawn(self) -> dict[str, object] | None:
        """What to store with the review so it can be shown again exactly as it was."""
        if self.problem is not None:
            return dict(self.problem.drawn)
        if self.choice_order:
            return {CHOICE_ORDER_KEY: list(self.choice_order)}
        return None


def current_view(store: Store, ctx: AppContext, session: StudySession) -> CardView | None:
    """The current card with its numeric problem drawn or exercise resolved; None at the end.

    Runs on the database thread so the first NumPy import (numeric generators)
    and exercise loading never stall the UI.
    """
    item = session.current()
    if item is None:
        return None
    progress = session.progress
    redrills = sum(1 for e in session.queue[session.position:] if e.kind == "redrill")
    card = ctx.catalog.item(item.key)
    item = card or item
    problem = exercise = None
    error = ""
    order: tuple[int, ...] = ()
    # What is drawn for this queue position is kept on the session, so undo coming
    # back to the position shows the same shuffled choices and the same numbers.
    memo_key = (session.position, item.key)
    if item.card.type == "choice":
        from dlquiz.tui.cards import shuffled_order

        # Seeded per (run seed, item, answers so far) when the context has a seed, so a
        # re-drill gets a new order and tests are reproducible; otherwise fresh entropy.
        seed = None if ctx.seed is None else f"{ctx.seed}:{item.key}:{progress.done}"
        order = session.draws.setdefault(memo_key, shuffled_order(len(item.card.choices), seed))
    elif item.card.type == "numeric":
        try:
            problem = session.draws.get(memo_key) or draw_problem(ctx, item)
            session.draws[memo_key] = problem
        except Exception as exc:  # a generator bug must not end the session
            error = f"could not draw this problem: {exc}"
    elif item.card.type == "code":
        exercise = ctx.catalog.exercise(item.card.exercise)
        if exercise is None:
            error = f"exercise {item.card.exercise!r} is not available"
    threshold = ctx.scheduling().leech_threshold
    leech = threshold > 0 and store.state(item.key).lapses >= threshold
    typed = item.card.type == "basic" and wants_typed(item.card, ctx.config.typed_answers)
    return CardView(item, session.current_kind() or "", progress.done, progress.remaining,
                    redrills, problem, exercise, error, order, session.next_due_days(), leech,
                    typed)


def wants_typed(card: Card, setting: bool) -> bool:
    """Whether a card asks for its answer to be typed before the reveal.

    Basic cards only: the card's ``input:``, else its deck's (both resolved by the
    loader into ``card.input_mode``), else the ``typed_answers`` setting.
    """
    if card.type != "basic":
        return False
    return card.input_mode == "typed" or (card.input_mode == "" and setting)


def draw_problem(ctx: AppContext, item: Item) -> NumericProblem:
    """Fresh numbers for a numeric card (seeded by the context seed and the item, when set)."""
    import numpy as np

    from dlquiz.numeric.registry import get_generator

    generator = get_generator(item.card.generator)
    if ctx.seed is not None:
        rng = np.random.default_rng([ctx.seed, *item.key.encode()])
    else:
        rng = np.random.default_rng()
    drawn = generator.draw(rng, item.card.params)
    return generator.solve(drawn, item.card.params)
