"""The Again / Hard / Good / Easy buttons under a revealed self-graded card.

Drawn as one line by one widget (four coloured labels, clickable), not four
``Button`` widgets: the bar is shown and hidden on every card, and a single
widget keeps that re-layout cheap.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

#: (label, grade name) in key order: key ``1`` is Again ... ``4`` is Easy.
GRADE_BUTTONS: tuple[tuple[str, str], ...] = (
    ("1 Again", "again"),
    ("2 Hard", "hard"),
    ("3 Good", "good"),
    ("4 Easy", "easy"),
)
#: Gap between two labels, and the narrowest label, in cells.
GAP = 2
MIN_WIDTH = 10


class GradeBar(Widget):
    """Four labels that post :class:`GradeBar.Graded` when clicked; keys 1-4 are the screen's."""

    COMPONENT_CLASSES = {"grade-bar--again", "grade-bar--hard", "grade-bar--good",
                         "grade-bar--easy"}
    DEFAULT_CSS = """
    GradeBar {
        height: 1;
        width: 100%;
        .grade-bar--again { background: $error; color: $text; text-style: bold; }
        .grade-bar--hard { background: $warning; color: $text; text-style: bold; }
        .grade-bar--good { background: $success; color: $text; text-style: bold; }
        .grade-bar--easy { background: $primary; color: $text; text-style: bold; }
    }
    """

    class Graded(Message):
        """The learner chose a self-grade (``again``/``hard``/``good``/``easy``)."""

        def __init__(self, grade: str) -> None:
            super().__init__()
            self.grade = grade

    def _layout(self) -> tuple[int, list[tuple[int, int, str]]]:
        """Left margin and (start, end, grade) of each label, centred in the width."""
        widths = [max(len(label) + 2, MIN_WIDTH) for label, _ in GRADE_BUTTONS]
        total = sum(widths) + GAP * (len(widths) - 1)
        left = max(0, (self.size.width - total) // 2)
        spans, x = [], left
        for width, (_, grade) in zip(widths, GRADE_BUTTONS):
            spans.append((x, x + width, grade))
            x += width + GAP
        return left, spans

    def render(self) -> Text:
        left, spans = self._layout()
        line = Text(" " * left, no_wrap=True, overflow="crop", end="")
        for n, ((label, grade), (start, end, _)) in enumerate(zip(GRADE_BUTTONS, spans)):
            if n:
                line.append(" " * GAP)
            line.append(label.center(end - start),
                        self.get_component_rich_style(f"grade-bar--{grade}"))
        return line

    def on_click(self, event: events.Click) -> None:
        _, spans = self._layout()
        for start, end, grade in spans:
            if start <= event.x < end:
                event.stop()
                self.post_message(self.Graded(grade))
                return
