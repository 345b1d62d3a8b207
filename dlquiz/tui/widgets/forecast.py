"""Due forecast as vertical bars, one per day, with the day-of-month underneath."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from rich.text import Text
from textual.widget import Widget

BLOCKS = " ▁▂▃▄▅▆▇█"
#: Rows of bar height (each row holds 8 block steps).
BAR_ROWS = 5


class ForecastBars(Widget):
    """``counts[i]`` cards due on ``start + i`` days, drawn as bars two cells wide."""

    DEFAULT_CSS = """
    ForecastBars {
        height: 8;
        width: auto;
    }
    """

    def __init__(self, counts: Sequence[int], start: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.counts = list(counts)
        self.start = start

    def render(self) -> Text:
        peak = max(self.counts, default=0)
        steps = BAR_ROWS * 8
        heights = [0 if peak == 0 else round(c * steps / peak) for c in self.counts]
        heights = [max(h, 1) if c > 0 else 0 for h, c in zip(heights, self.counts)]
        text = Text()
        text.append(f"peak {peak}/day, total {sum(self.counts)}\n", style="dim")
        for row in range(BAR_ROWS - 1, -1, -1):
            for height in heights:
                fill = min(max(height - row * 8, 0), 8)
                text.append(BLOCKS[fill] * 2, style="cyan")
            text.append("\n")
        labels = ""
        for i in range(len(self.counts)):
            day = self.start + timedelta(days=i)
            labels += f"{day.day:<2}" if i % 5 == 0 else "  "
        text.append(labels.rstrip() + "\n", style="dim")
        return text
