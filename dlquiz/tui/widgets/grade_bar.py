"""The Again / Hard / Good / Easy buttons under a revealed self-graded card."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button

#: (label, grade name) in key order: key ``1`` is Again ... ``4`` is Easy.
GRADE_BUTTONS: tuple[tuple[str, str], ...] = (
    ("1 Again", "again"),
    ("2 Hard", "hard"),
    ("3 Good", "good"),
    ("4 Easy", "easy"),
)


class GradeBar(Horizontal):
    """Four buttons that post :class:`GradeBar.Graded`; keys 1-4 are bound by the screen."""

    DEFAULT_CSS = """
    GradeBar {
        height: auto;
        width: 100%;
        align-horizontal: center;
    }
    GradeBar Button {
        margin: 0 1;
        min-width: 10;
    }
    """

    class Graded(Message):
        """The learner chose a self-grade (``again``/``hard``/``good``/``easy``)."""

        def __init__(self, grade: str) -> None:
            super().__init__()
            self.grade = grade

    def compose(self) -> ComposeResult:
        variants = ("error", "warning", "success", "primary")
        for (label, grade), variant in zip(GRADE_BUTTONS, variants):
            yield Button(label, id=f"grade-{grade}", variant=variant, compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id and event.button.id.startswith("grade-"):
            self.post_message(self.Graded(event.button.id.removeprefix("grade-")))
