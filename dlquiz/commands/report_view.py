"""How a grading report reads in the terminal (``check``, ``watch`` and ``study --plain``).

A verdict line, one line per case in a stable order, the first failure in
full (with a picture when the case is about boxes or curves, see
:mod:`dlquiz.grading.pictures`), what the code printed, and the seed that
replays the random cases. Boxes are drawn around the long parts; colours on a
terminal only (not when piped, nor with ``NO_COLOR`` set or ``TERM=dumb``).

Why not Rich, as elsewhere in the CLI: importing it is ~30 ms, a third of the
whole start-up budget of ``dlquiz check`` (<= 2x ``python -c "import numpy"``,
issue #10), for a report that needs only colours and framed text. The frames
are Rich's rounded ``Panel`` (title in the top border, the box as wide as its
widest line, wrapped at the terminal width), so the report looks the same.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
import unicodedata
from pathlib import Path
from typing import Any, TextIO

from dlquiz.model import Exercise

VERDICT_STYLES = {"pass": "bold green", "wrong_answer": "bold red", "time_limit": "bold yellow",
                  "memory_limit": "bold yellow", "runtime_error": "bold red",
                  "invalid": "bold magenta", "not_run": "dim"}
#: SGR codes of the few styles the report uses.
_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "magenta": "35"}
#: Narrowest frame drawn, whatever the terminal says.
MIN_WIDTH = 20


def use_colour(stream: TextIO) -> bool:
    """Colours only on a terminal, and never with ``NO_COLOR`` or ``TERM=dumb``."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def cell_width(text: str) -> int:
    """Terminal columns of ``text``: wide (CJK, emoji) characters take two, combining none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def printable(text: str) -> str:
    """Learner output made safe to frame: tabs expanded, other control characters shown as ``?``."""
    lines = text.expandtabs(4).replace("\r\n", "\n").split("\n")
    return "\n".join("".join(ch if ch.isprintable() else "?" for ch in line) for line in lines)


def _wrap(line: str, width: int) -> list[str]:
    if cell_width(line) <= width:
        return [line]
    chunks = textwrap.wrap(line, width, break_long_words=True, break_on_hyphens=False,
                           drop_whitespace=True)
    out: list[str] = []
    for chunk in chunks or [""]:
        while cell_width(chunk) > width:  # wide characters: cut by columns
            cut, used = 0, 0
            while cut < len(chunk) and used + cell_width(chunk[cut]) <= width:
                used += cell_width(chunk[cut])
                cut += 1
            out.append(chunk[: max(cut, 1)])
            chunk = chunk[max(cut, 1):]
        out.append(chunk)
    return out


class Report:
    """Writes the report's lines to ``stream``, styled when ``colour``."""

    def __init__(self, stream: TextIO, *, colour: bool, width: int) -> None:
        self.stream, self.colour, self.width = stream, colour, max(width, MIN_WIDTH)

    def style(self, text: str, style: str) -> str:
        codes = [_SGR[word] for word in style.split() if word in _SGR]
        if not (self.colour and codes):
            return text
        return f"\x1b[{';'.join(codes)}m{text}\x1b[0m"

    def line(self, text: str = "") -> None:
        self.stream.write(text + "\n")

    def panel(self, body: str, title: str = "", border: str = "") -> None:
        """Rich's rounded ``Panel(expand=False)``: as wide as the widest line, at most the terminal."""
        inner_max = self.width - 4
        raw_lines = printable(body.rstrip("\n")).split("\n")
        lines = [w for raw in raw_lines for w in _wrap(raw, inner_max)]
        title = printable(title).replace("\n", " ")
        if title and cell_width(title) > inner_max - 2:
            title = _wrap(title, inner_max - 2)[0]
        # As Rich measures: the widest line before wrapping (so a wrapped body fills the width).
        inner = max([cell_width(x) for x in raw_lines] + [cell_width(title) + 2 if title else 0])
        inner = min(max(inner, 1), inner_max)
        side = self.style("│", border)
        if title:
            label = f" {title} "
            fill = inner + 2 - cell_width(label)
            left = fill // 2
            top = "╭" + "─" * left + label + "─" * (fill - left) + "╮"
        else:
            top = "╭" + "─" * (inner + 2) + "╮"
        self.line(self.style(top, border))
        for text in lines:
            self.line(f"{side} {text}{' ' * (inner - cell_width(text))} {side}")
        self.line(self.style("╰" + "─" * (inner + 2) + "╯", border))


def print_report(report: Any, path: Path, exercise: Exercise, *, repeat: bool = False,
                 stream: TextIO | None = None, width: int | None = None,
                 colour: bool | None = None) -> None:
    """Write ``report`` to ``stream`` (stdout); width and colour default to the terminal's."""
    out = stream if stream is not None else sys.stdout
    view = Report(out, colour=use_colour(out) if colour is None else colour,
                  width=width or shutil.get_terminal_size((80, 24)).columns)
    style = VERDICT_STYLES.get(report.verdict, "bold")
    view.line(f"{view.style(report.verdict, style)}  {report.summary}  "
              f"{view.style(f'({path}, {report.duration_s:.2f} s)', 'dim')}")
    if report.message:
        view.panel(report.message, "why", "red")
    for case in report.cases:
        mark = VERDICT_STYLES.get(case.status, "")
        view.line(f"  {view.style(f'{case.status:<13}', mark)} {printable(case.name)}")
    first = report.first_failure
    if first is not None:
        view.panel(first.message, f"first failure: {first.name}", "red")
        picture = getattr(first, "picture", "")
        if picture:
            view.panel(picture, "picture")
        if first.output:
            view.panel(first.output, "your output")
    else:
        printed = [case for case in report.cases if case.output]
        if printed:  # a pass still shows what the code printed (the first case that did)
            more = f" (and {len(printed) - 1} more cases)" if len(printed) > 1 else ""
            view.panel(printed[0].output, f"your output: {printed[0].name}{more}")
    if report.output:
        view.panel(report.output, "output")
    if repeat:
        view.line(view.style("same code as an earlier pass: logged, but it counts as Hard, not "
                             "as a recall (write it again from the starter to earn Good/Easy)",
                             "yellow"))
    view.line(view.style(f"random cases: seed {report.seed} (replay: --seed {report.seed})", "dim"))
    out.flush()
