"""The Again / Hard / Good / Easy buttons under a revealed self-graded card.

Drawn as one line by one widget (four coloured labels, clickable), not four
``Button`` widgets: the bar is shown and hidden on every card, and a single
widget keeps that re-layout cheap. As in Anki, each label shows when the card
would come back if pressed (``3 Good · 6d``), from the scheduler in use
(:meth:`StudySession.next_due_days`); no figure when the answer would not move
the schedule (cram, a same-day re-drill).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

#: (label, grade name) in key order: key ``1`` is Again ... ``4`` is Easy (by default:
#: :meth:`GradeBar.set_keys` names the keys a keymap moved them to).
GRADE_BUTTONS: tuple[tuple[str, str], ...] = (
    ("Again", "again"),
    ("Hard", "hard"),
    ("Good", "good"),
    ("Easy", "easy"),
)
DEFAULT_KEYS = {"again": "1", "hard": "2", "good": "3", "easy": "4"}
#: Gap between two labels, and the narrowest label, in cells.
GAP = 2
MIN_WIDTH = 10
#: The SM-2 quality each grade stands for (dlquiz.study.session.SELF_GRADES).
GRADE_QUALITY = {"again": 1, "hard": 3, "good": 4, "easy": 5}


def short_days(days: int) -> str:
    """``0d`` .. ``29d``, then ``1.5mo`` .. ``11.9mo``, then ``1.2y``: Anki's compact form."""
    if days < 30:
        return f"{days}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


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

    #: Days until due per SM-2 quality, or None (set with :meth:`set_intervals`).
    intervals: dict[int, int] | None = None
    #: The key shown before each grade (set with :meth:`set_keys`).
    keys: dict[str, str] = DEFAULT_KEYS

    def set_intervals(self, intervals: dict[int, int] | None) -> None:
        """Days until due per SM-2 quality (None: show the grades alone)."""
        self.intervals = intervals
        self.refresh()

    def set_keys(self, keys: dict[str, str]) -> None:
        """The key of each grade, as shown (``{"again": "1", ...}``)."""
        if keys != self.keys:
            self.keys = {**DEFAULT_KEYS, **keys}
            self.refresh()

    def labels(self) -> list[str]:
        out = []
        for name, grade in GRADE_BUTTONS:
            label = f"{self.keys.get(grade, DEFAULT_KEYS[grade])} {name}"
            days = (self.intervals or {}).get(GRADE_QUALITY[grade])
            out.append(label if days is None else f"{label} · {short_days(days)}")
        return out

    class Graded(Message):
        """The learner chose a self-grade (``again``/``hard``/``good``/``easy``)."""

        def __init__(self, grade: str) -> None:
            super().__init__()
            self.grade = grade

    def _layout(self) -> tuple[int, list[tuple[int, int, str]]]:
        """Left margin and (start, end, grade) of each label, centred in the width."""
        widths = [max(len(label) + 2, MIN_WIDTH) for label in self.labels()]
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
        for n, (label, (start, end, grade)) in enumerate(zip(self.labels(), spans)):
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
