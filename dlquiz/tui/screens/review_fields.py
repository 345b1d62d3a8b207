"""Where typing goes on the review screen: the answer fields and ``escape``.

A numeric card has a field for the number, a typed card one for the answer
(``#numeric``, ``#typed``). The rules, the same on every card:

* a new card focuses its field, so typing starts at once;
* in a field every printable key is text; ``escape`` leaves the field (the
  card keys ``u``/``s``/``b``/``e`` work then) and a second ``escape`` leaves
  the screen;
* out of the field, a printable key that no binding claims (a digit, most
  letters) goes back into the field with the focus, so "I pressed escape and
  now typing does nothing" cannot happen; keys that are bound act.

The hint line says which of the two holds right now (it is redrawn on every
focus change). Keys pressed before the first card is drawn (the session is
built off the UI thread) wait for it and then act on it, in order; ``escape``
still leaves at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.events import Key
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.binding import ActiveBinding
    from textual.widget import Widget

    from dlquiz.tui.study import CardView

#: The answer fields: a numeric card's number, a typed card's text.
FIELDS = ("#numeric", "#typed")


class AnswerFields:
    """Mixin for :class:`~dlquiz.tui.screens.review.ReviewScreen` (a Textual ``Screen``)."""

    if TYPE_CHECKING:  # provided by ReviewScreen / Screen
        view: CardView | None
        _early_keys: list[Key]
        app: Any
        active_bindings: dict[str, ActiveBinding]

        def query_one(self, selector: str, expect_type: type[Input] = ...) -> Input: ...
        def set_focus(self, widget: Widget | None, scroll_visible: bool = ...) -> None: ...
        def set_hint(self) -> None: ...

    def answer_field(self) -> Input | None:
        """The current card's answer field while it takes an answer (numeric or typed)."""
        for selector in FIELDS:
            widget = self.query_one(selector, Input)
            if widget.display and not widget.disabled:
                return widget
        return None

    def type_into_field(self, event: Key) -> None:
        """Out of the field, a printable key no binding claims goes into the field."""
        field = self.answer_field()
        if field is None or field.has_focus or not event.is_printable or not event.character:
            return
        bound = self.active_bindings.get(event.key)
        if bound is not None and bound.enabled:
            return  # a card key (s, b, e, u, space ...): it acts, as the hint says
        event.stop()
        event.prevent_default()
        self.set_focus(field)
        field.insert_text_at_cursor(event.character)

    def hold_early_key(self, event: Key) -> None:
        """While loading: keep the key for the first card (escape goes through: leave)."""
        if event.key != "escape":
            event.stop()
            event.prevent_default()
            self._early_keys.append(event)

    def replay_early_keys(self) -> None:
        """Once a card (or the summary) is drawn: the held keys, in order, as if pressed now."""
        early, self._early_keys = self._early_keys, []
        for key in early:
            self.app.post_message(Key(key.key, key.character))

    def on_descendant_focus(self) -> None:
        if self.view is not None:
            self.set_hint()  # "escape: leave the field" only while a field has the focus

    def on_descendant_blur(self) -> None:
        if self.view is not None:
            self.set_hint()

    def action_back(self) -> None:
        """``escape`` first leaves an answer field (so the card keys work), then the screen."""
        field = self.answer_field()
        if field is not None and field.has_focus:
            self.set_focus(self.query_one("#card"), scroll_visible=False)
            return
        super().action_back()  # type: ignore[misc]  # BaseScreen's: back one screen
