"""How a grading report reads in the terminal (``check`` and ``watch``).

A verdict line, one line per case in a stable order, the first failure in
full (with a picture when the case is about boxes or curves, see
:mod:`dlquiz.grading.pictures`), what the code printed, and the seed that
replays the random cases. Rich styles it on a terminal; piped, it is the same
text without colour.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dlquiz.model import Exercise

VERDICT_STYLES = {"pass": "bold green", "wrong_answer": "bold red", "time_limit": "bold yellow",
                  "memory_limit": "bold yellow", "runtime_error": "bold red",
                  "invalid": "bold magenta", "not_run": "dim"}


def print_report(report: Any, path: Path, exercise: Exercise, *, repeat: bool = False,
                 console: Any = None) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel

    console = console or Console(highlight=False)
    style = VERDICT_STYLES.get(report.verdict, "bold")
    console.print(f"[{style}]{report.verdict}[/]  {report.summary}  "
                  f"[dim]({path}, {report.duration_s:.2f} s)[/]")
    if report.message:
        console.print(Panel(escape(report.message), title="why", border_style="red", expand=False))
    for case in report.cases:
        mark = VERDICT_STYLES.get(case.status, "")
        console.print(f"  [{mark}]{case.status:<13}[/] {escape(case.name)}")
    first = report.first_failure
    if first is not None:
        console.print(Panel(escape(first.message), title=f"first failure: {escape(first.name)}",
                            border_style="red", expand=False))
        picture = getattr(first, "picture", "")
        if picture:
            console.print(Panel(escape(picture), title="picture", expand=False))
        if first.output:
            console.print(Panel(escape(first.output), title="your output", expand=False))
    else:
        printed = [case for case in report.cases if case.output]
        if printed:  # a pass still shows what the code printed (the first case that did)
            more = f" (and {len(printed) - 1} more cases)" if len(printed) > 1 else ""
            console.print(Panel(escape(printed[0].output), expand=False,
                                title=f"your output: {escape(printed[0].name)}{more}"))
    if report.output:
        console.print(Panel(escape(report.output), title="output", expand=False))
    if repeat:
        console.print("[yellow]same code as an earlier pass: logged, but it counts as Hard, "
                      "not as a recall (write it again from the starter to earn Good/Easy)[/]")
    console.print(f"[dim]random cases: seed {report.seed} (replay: --seed {report.seed})[/]")
