"""A GitHub-style reviews-per-day heatmap: 7 rows (Mon-Sun) by one column per week.

Intensity is drawn with shade characters (`` ·░▒▓█``) as well as colour, so the
chart still reads under ``NO_COLOR`` and in monochrome terminals.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from rich.text import Text
from textual.widget import Widget

#: Shades from "no reviews" to "busiest day"; index 0 is an empty day.
SHADES = "·░▒▓█"
WEEKDAY_LABELS = ("Mon", "   ", "Wed", "   ", "Fri", "   ", "Sun")
#: How many weeks the chart covers (a year).
WEEKS = 53


def shade_level(count: int, busiest: int) -> int:
    """Index into :data:`SHADES` for ``count`` reviews when the busiest day had ``busiest``."""
    if count <= 0 or busiest <= 0:
        return 0
    steps = len(SHADES) - 1
    return min(steps, 1 + (count * steps - 1) // busiest)


class Heatmap(Widget):
    """Renders ``counts`` (day -> reviews) for the :data:`WEEKS` weeks ending at ``end``."""

    DEFAULT_CSS = """
    Heatmap {
        height: 9;
        width: auto;
    }
    """

    def __init__(
        self, counts: Mapping[date, int], end: date, *, weeks: int = WEEKS, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.counts = dict(counts)
        self.end = end
        self.weeks = weeks

    def render(self) -> Text:
        last_monday = self.end - timedelta(days=self.end.weekday())
        first_monday = last_monday - timedelta(weeks=self.weeks - 1)
        busiest = max(self.counts.values(), default=0)
        styles = ("dim", "green", "green", "bold green", "bold bright_green")
        text = Text()
        months = [" "] * self.weeks
        for week in range(self.weeks):
            monday = first_monday + timedelta(weeks=week)
            if monday.day <= 7:
                label = monday.strftime("%b")
                if week + len(label) <= self.weeks and all(c == " " for c in months[week : week + len(label)]):
                    months[week : week + len(label)] = list(label)
        text.append("    " + "".join(months).rstrip() + "\n", style="dim")
        for weekday in range(7):
            text.append(WEEKDAY_LABELS[weekday] + " ", style="dim")
            for week in range(self.weeks):
                day = first_monday + timedelta(weeks=week, days=weekday)
                if day > self.end:
                    text.append(" ")
                    continue
                level = shade_level(self.counts.get(day, 0), busiest)
                text.append(SHADES[level], style=styles[level])
            text.append("\n")
        text.append(f"    less {' '.join(SHADES)} more   busiest day: {busiest}", style="dim")
        return text
