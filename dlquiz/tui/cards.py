"""How each card type reads on screen: pure functions from model objects to Markdown.

No Textual here, so the rendering of every card type is testable on its own
and the review screen only decides *when* to show what.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dlquiz.model import render_cloze

if TYPE_CHECKING:
    from dlquiz.model import Card, Exercise, Item
    from dlquiz.numeric.problem import NumericProblem



#: Same rule as ``dlquiz.tui.widgets.card_text.PROSE_LINE`` (which imports Textual).
PROSE_LINE = 60


def header(item: Item) -> str:
    """``deck · topic, topic · type`` (plus the cloze number) for the title bar."""
    card = item.card
    kind = f"cloze c{item.cloze}" if item.cloze else card.type
    return f"{card.deck_id} · {', '.join(card.topics)} · {kind}"


def choice_index(key: str, count: int) -> int | None:
    """The position a key picks: ``1`` → 0, ... ``9`` → 8; None for other keys or out of range.

    Digits only: letters are the card keys (bury, edit, ...), and a choice
    labelled B that ``b`` picks would make ``b`` mean bury on one card and a
    choice on the next (see :mod:`dlquiz.tui.screens.review_keys`).
    """
    if len(key) != 1 or key not in "123456789":
        return None
    index = int(key) - 1
    return index if index < count else None


def display_order(card: Card, order: Sequence[int] = ()) -> list[int]:
    """The choice indices in the order shown: ``order`` when it is a permutation, else file order."""
    n = len(card.choices)
    return list(order) if sorted(order) == list(range(n)) and n else list(range(n))


def shuffled_order(count: int, seed: str | None) -> tuple[int, ...]:
    """A random display order for ``count`` choices (``seed`` None: fresh entropy).

    Authors tend to put the right answer in the same place; shuffling per review
    keeps "it's usually B" from being learnt instead of the material.
    """
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return tuple(order)


def choice_lines(card: Card, selected: Sequence[int], *, revealed: bool,
                 order: Sequence[int] = ()) -> str:
    """The choices as a Markdown list, in display ``order`` (labels follow the display).

    ``selected`` holds *card* indices (``card.choices[i]``); after grading, ✓ marks
    the right ones and ✗ the wrong picks.
    """
    lines = []
    for position, i in enumerate(display_order(card, order)):
        mark = "  "
        if revealed and i in card.answer:
            mark = "✓ "
        elif revealed and i in selected:
            mark = "✗ "
        elif i in selected:
            mark = "● "
        lines.append(f"- {mark}**{position + 1}** {card.choices[i]}")
    return "\n".join(lines)


def front(item: Item, *, problem: NumericProblem | None = None,
          exercise: Exercise | None = None, selected: Sequence[int] = (),
          order: Sequence[int] = ()) -> str:
    """What the learner sees before answering."""
    card = item.card
    if card.type == "cloze":
        return render_cloze(card.text, item.cloze, reveal=False)
    if card.type == "choice":
        many = " *(select all that apply, then enter)*" if len(card.answer) > 1 else ""
        return f"{card.front}{many}\n\n{choice_lines(card, selected, revealed=False, order=order)}"
    if card.type == "numeric":
        lead = f"{card.front}\n\n" if card.front else ""
        question = problem.question if problem is not None else "(problem unavailable)"
        unit = f" *(in {problem.unit}; units optional)*" if problem is not None and problem.unit else ""
        return f"{lead}{question}{unit}"
    if card.type == "code":
        if exercise is None:
            return f"Coding exercise `{card.exercise}` is not available."
        return (f"### Coding exercise: {exercise.title}\n\nImplement `{exercise.signature}`.\n\n"
                "Press **enter** to open the editor and grader.")
    return card.front


def back(item: Item, *, problem: NumericProblem | None = None,
         selected: Sequence[int] = (), order: Sequence[int] = (), typed: bool = False) -> str:
    """What is shown after reveal or grading: the answer and the *why*.

    ``typed``: the answer is already on screen as the marked row of the typed
    comparison, so it is left out here unless its layout carries meaning
    (:func:`reads_as_words`).
    """
    card = item.card
    parts: list[str] = []
    if card.type == "cloze":
        parts.append(render_cloze(card.text, item.cloze, reveal=True))
    elif card.type == "choice":
        parts.append(choice_lines(card, selected, revealed=True, order=order))
    elif card.type == "numeric" and problem is not None:
        parts.append(f"**Answer:** {format_answer(problem)}")
        parts.append(problem.explanation)
    elif card.back and not (typed and reads_as_words(card.back)):
        parts.append(card.back)
    if card.explanation:
        parts.append(card.explanation)
    if card.refs:
        parts.append("*" + "; ".join(card.refs) + "*")
    return "\n\n---\n\n".join(p for p in parts if p.strip()) if card.type != "choice" else (
        "\n\n".join(p for p in parts if p.strip())
    )


def reads_as_words(markdown: str) -> bool:
    """An answer that loses nothing as one row of words: no code, table, list or line breaks.

    A newline after a line shorter than :data:`PROSE_LINE` is a line break the
    author meant (``CardText`` keeps it: formulas one per line); after a longer
    one it is prose their editor wrapped.
    """
    lines = [line.strip() for line in markdown.strip().splitlines()]
    return all(len(line) >= PROSE_LINE for line in lines[:-1]) and not any(
        line.startswith(("```", "|", "- ", "* ", "1.", "$$", "#", ">")) for line in lines)


def format_answer(problem: NumericProblem) -> str:
    """The expected answer as text: ``problem.answer_format`` when given, else the numbers."""
    if problem.answer_format:
        return problem.answer_format
    numbers = ", ".join(f"{x:g}" for x in problem.answer)
    return f"{numbers} {problem.unit}".strip()
