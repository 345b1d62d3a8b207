"""What the mock question screen needs before it shows a question, and how it lays one out.

:func:`prepare` runs on the database thread (:meth:`AppContext.db`): it resolves
the slot's card, draws a numeric card's numbers fresh (as a review does:
:func:`dlquiz.tui.study.draw_problem`) or finds the coding card's exercise, so
the first NumPy import never stalls the UI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dlquiz.store.database import Store
    from dlquiz.study.mock import Slot

KIND_LABELS = {"concept": "concept", "followup": "follow-up", "numeric": "numeric", "coding": "coding"}


def needs_layout(markdown: str) -> bool:
    """An answer whose code block or table would be lost in the word-by-word comparison."""
    return "```" in markdown or any(line.lstrip().startswith("|") for line in markdown.splitlines())


def prepare(store: Store, ctx: Any, slot: Slot) -> tuple[Any, Any, Any, str]:
    """The slot's item, its numeric problem drawn or its exercise resolved (database thread)."""
    from dlquiz.tui.study import draw_problem

    item = ctx.catalog.item(slot.item_key)
    if item is None:
        return None, None, None, f"card {slot.item_key} is no longer in your decks"
    problem = exercise = None
    error = ""
    if item.card.type == "numeric":
        try:
            problem = draw_problem(ctx, item)
        except Exception as exc:  # noqa: BLE001 - a generator bug must not end the interview
            error = f"could not draw this problem: {exc}"
    elif item.card.type == "code":
        exercise = ctx.catalog.exercise(item.card.exercise)
        if exercise is None:
            error = f"exercise {item.card.exercise!r} is not available"
    return item, problem, exercise, error
