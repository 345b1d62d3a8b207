"""The review screen's keys: its bindings (with ids the keymap rebinds) and the hint line.

Who owns which key, so that no key ever means two things on one card:

* ``1``-``9`` pick a choice on a choice card's front; ``1``-``4`` grade a
  revealed self-graded card. The two never overlap in time: a choice card is
  graded by the pick, so it has no self-grade step. Choices are therefore
  numbered, not lettered: letters are the card keys (``u`` undo, ``s``
  suspend, ``b`` bury, ``e`` edit), on every card.
* In an answer field (numeric, typed) every printable key is text; ``enter``
  submits, ``ctrl+z`` still undoes, and ``escape`` leaves the field so the
  card keys work; a second ``escape`` leaves the screen. Typing a character no
  key is bound to while the field is not focused puts it back in the field.

The hint under the card names the keys as they are bound now (the app's
keymap, ``[keys]`` in config.toml, may move any binding by its id), so it
stays true after a rebinding; so do the footer and ``?``, which read the
bindings themselves.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.binding import Binding

if TYPE_CHECKING:
    from textual.app import App

    from dlquiz.model import Card

#: Grade names in key order (``1`` is Again ... ``4`` is Easy), as in the grade bar.
GRADES = ("again", "hard", "good", "easy")

BINDINGS = [
    Binding("space", "reveal", "Show answer", id="review.reveal"),
    # the same key once an auto-graded card shows its verdict: the footer says what it does
    Binding("space", "next_card", "Next card", id="review.next"),
    *(Binding(str(n), f"grade('{grade}')", grade.title(), id=f"review.grade_{grade}")
      for n, grade in enumerate(GRADES, start=1)),
    Binding("enter", "proceed", "Next/Open", show=False, id="review.proceed"),
    Binding("u,ctrl+z", "undo", "Undo", id="review.undo"),
    Binding("s", "suspend", "Suspend", id="review.suspend"),
    Binding("b", "bury", "Bury", id="review.bury"),
    Binding("e", "edit", "Edit card", id="review.edit"),
    Binding("escape", "back", "Back; in an answer field, leave the field first (then s/b/e/u work)",
            show=False, id="review.back"),
]


def key_names(app: App[object], bindings: list[Binding]) -> dict[str, str]:
    """Binding id -> the key that triggers it now, as shown to people (``space``, ``u``).

    The keymap (:meth:`App.set_keymap`, by binding id) wins over the default
    key; of several keys the first is named.
    """
    keymap: dict[str, str] = getattr(app, "_keymap", {}) or {}
    names = {}
    for binding in bindings:
        if binding.id is None:
            continue
        first = keymap.get(binding.id, binding.key).split(",")[0].strip()
        names[binding.id] = app.get_key_display(replace(binding, key=first, key_display=None))
    return names


def hint_text(state: str, card: Card | None, keys: dict[str, str], *, typed: bool = False,
              in_field: bool = False) -> str:
    """The line under the card: what the keys do in this state, for this card.

    ``typed``: the card wants its answer typed; ``in_field``: an answer field
    has the focus (letters are text there, so the card keys are named as
    reachable after ``escape``).
    """
    kind = card.type if card is not None else ""
    reveal, proceed = keys.get("review.reveal", "space"), keys.get("review.proceed", "enter")
    text = ""
    if state == "front":
        if kind == "choice":
            count = len(card.choices) if card is not None else 0
            text = f"1-{count}: pick"
            if card is not None and len(card.answer) > 1:
                text += " (several), then enter"
        elif kind == "numeric":
            text = f"type the number, {proceed}: check"
        elif typed:
            text = f"type your answer, {proceed}: compare"
            if not in_field:
                text += f" · {reveal}: show it untyped"
        elif kind == "code":
            text = f"{proceed}: open the exercise"
        elif kind in ("basic", "cloze"):
            text = f"{reveal}: show answer"
    elif state == "revealed":
        text = " · ".join(f"{keys.get(f'review.grade_{g}', str(n))} {g}"
                          for n, g in enumerate(GRADES, start=1))
    elif state == "graded":
        text = f"{keys.get('review.next', 'space')}/{proceed}: next card"
    undo = keys.get("review.undo", "u")
    if in_field:  # short: with the answer hint it must fit 80 columns on one line
        return f"{text}   escape: leave the field for {undo} " \
               f"{keys.get('review.suspend', 's')} {keys.get('review.bury', 'b')} " \
               f"{keys.get('review.edit', 'e')}"
    return (f"{text}   {undo}: undo · {keys.get('review.suspend', 's')}: suspend · "
            f"{keys.get('review.bury', 'b')}: bury · ?: keys")


def summary_hint(keys: dict[str, str]) -> str:
    """The hint once the session is over."""
    return f"escape: back · {keys.get('review.undo', 'u')}: undo the last answer"
