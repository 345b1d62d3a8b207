"""``dlquiz exercises | practice ID | check ID [FILE] [--json] | solution ID [--give-up]``.

Recording (``check`` and ``solution --give-up``): every graded run is an
attempt (``Store.record_attempt``); the review log gets one review per code
card that points at the exercise (key ``exercises/<id>`` when no card does),
graded ``exercise``. A pass scores 5 when no failed run or give-up preceded it
since the last pass, else 4; a give-up scores 1. A failed run is logged with
quality 2 but *unscheduled*: a one-shot CLI cannot tell "still working" from
"left without passing", so only the TUI moves the schedule on a failure.
The worked solution is shown only after a recorded pass or a give-up.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dlquiz.commands._core import load_catalog_for, open_store, paths_of, settings_of
from dlquiz.errors import UsageError
from dlquiz.model import Exercise

EXIT_PASS = 0
EXIT_FAIL = 1
GIVE_UP = "give_up"
VERDICT_STYLES = {"pass": "bold green", "wrong_answer": "bold red", "time_limit": "bold yellow",
                  "memory_limit": "bold yellow", "runtime_error": "bold red",
                  "invalid": "bold magenta", "not_run": "dim"}


def _catalog_and_exercise(args: argparse.Namespace) -> tuple[Any, Exercise]:
    from dlquiz.decks.trust import install

    catalog = load_catalog_for(args)
    install(paths_of(args).data_dir, catalog.decks)  # a deck's own code runs only once trusted
    exercise = catalog.exercise(args.id)
    if exercise is None:
        known = ", ".join(sorted(_all_exercises(catalog)))
        raise UsageError(f"unknown exercise {args.id!r}; known: {known}")
    return catalog, exercise


def _all_exercises(catalog: Any) -> dict[str, Exercise]:
    from dlquiz.grading.registry import bundled_exercises

    found = dict(bundled_exercises())
    found.update(catalog.user_exercises())
    return found


def workspace_file(args: argparse.Namespace, exercise_id: str) -> Path:
    return paths_of(args).workspace_dir / f"{exercise_id}.py"


def _list(args: argparse.Namespace) -> int:
    catalog = load_catalog_for(args)
    exercises = _all_exercises(catalog)
    with open_store(paths_of(args), backup=False) as store:
        solved = store.solved_exercises()
    rows: list[dict[str, Any]] = [{"id": e.id, "title": e.title, "topic": ", ".join(e.topics), "solved": e.id in solved}
            for e in sorted(exercises.values(), key=lambda e: (e.topics[:1], e.id))]
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} exercises ({sum(r['solved'] for r in rows)} solved)")
    for column in ("id", "title", "topic", "solved"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["id"], row["title"], row["topic"], "[green]yes[/]" if row["solved"] else "")
    Console().print(table)
    return 0


def _practice(args: argparse.Namespace) -> int:
    _, exercise = _catalog_and_exercise(args)
    target = workspace_file(args, exercise.id)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        header = "".join(f"# {line}\n".rstrip() + "\n" if line else "#\n"
                         for line in exercise.prompt.strip().splitlines())
        target.write_text(f"# {exercise.title} ({exercise.id})\n#\n{header}\n{exercise.starter}",
                          encoding="utf-8")
    print(target)
    return 0


def _record(args: argparse.Namespace, catalog: Any, exercise: Exercise, verdict: str,
            passed: int, total: int, duration_s: float) -> None:
    from dlquiz.clock import today

    day_start = settings_of(args).day_start_hour
    day = today(day_start).isoformat()
    with open_store(paths_of(args)) as store:
        history = store.query("SELECT verdict FROM exercise_attempts WHERE exercise_id = ? "
                              "ORDER BY at, rowid", (exercise.id,))
        since_pass: list[str] = []
        for (earlier,) in history:
            since_pass = [] if earlier == "pass" else [*since_pass, earlier]
        store.record_attempt(exercise.id, verdict, passed, total, 0, duration_s)
        if verdict == "pass":
            quality, scheduled = (5 if not since_pass else 4), True
        elif verdict == GIVE_UP:
            quality, scheduled = 1, True
        else:
            quality, scheduled = 2, False
        keys = [card.key for card in catalog.code_cards_for(exercise.id)] or [f"exercises/{exercise.id}"]
        for key in keys:
            # SM-2's same-day rule: once a card's schedule moved today, later checks of
            # the same exercise are logged but do not push it further out.
            moved_today = bool(store.query(
                "SELECT 1 FROM reviews WHERE item_key = ? AND study_day = ? AND scheduled = 1"
                " LIMIT 1", (key, day)))
            store.answer(key, quality, grade=verdict, graded_by="exercise",
                          duration_s=duration_s, scheduled=scheduled and not moved_today,
                          day_start_hour=day_start)


def _check(args: argparse.Namespace) -> int:
    from dlquiz.grading.sandbox import default_pool

    default_pool().prestart()  # the child imports NumPy while we load decks
    catalog, exercise = _catalog_and_exercise(args)
    path = Path(args.file) if args.file else workspace_file(args, exercise.id)
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give the solution file inside it")
    if not path.is_file():
        hint = "" if args.file else f" (run `dlquiz practice {exercise.id}` first)"
        raise UsageError(f"no such file: {path}{hint}")
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc
    from dlquiz.grading.grader import grade

    report = grade(exercise, source, seed=args.seed)
    _record(args, catalog, exercise, report.verdict, report.passed, report.total, report.duration_s)
    if args.json:
        data = report.to_json()
        print(json.dumps({k: data[k] for k in ("exercise", "verdict", "passed", "total", "cases",
                                               "duration_s", "message", "output")}, indent=1))
    else:
        _print_report(report, path)
    return EXIT_PASS if report.verdict == "pass" else EXIT_FAIL


def _print_report(report: Any, path: Path) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel

    console = Console(highlight=False)
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


def _solution(args: argparse.Namespace) -> int:
    catalog, exercise = _catalog_and_exercise(args)
    with open_store(paths_of(args), backup=False) as store:
        solved = exercise.id in store.solved_exercises()
        gave_up = bool(store.query("SELECT 1 FROM exercise_attempts WHERE exercise_id = ? AND "
                                   "verdict = ? LIMIT 1", (exercise.id, GIVE_UP)))
    if not (solved or gave_up or args.give_up):
        print(f"dlquiz: the solution of {exercise.id!r} is shown after you pass it "
              f"(`dlquiz check {exercise.id}`), or with --give-up (recorded as a give-up)",
              file=sys.stderr)
        return EXIT_FAIL
    if args.give_up and not solved:
        _record(args, catalog, exercise, GIVE_UP, 0, 0, 0.0)
    from rich.console import Console
    from rich.syntax import Syntax

    console = Console()
    console.print(f"[bold]{exercise.title}[/] ({exercise.id}): worked solution")
    if not console.is_terminal:  # piped or redirected: the exact source, never reflowed
        sys.stdout.write(exercise.solution)
        return 0
    # Long lines wrap (Syntax crops at the terminal width by default, hiding code).
    console.print(Syntax(exercise.solution, "python", line_numbers=False, word_wrap=True))
    return EXIT_PASS


def register(subparsers: Any) -> None:
    listing = subparsers.add_parser("exercises", help="list coding exercises (id, title, topic, solved?)",
                                    description="List bundled and user-defined coding exercises.")
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    listing.set_defaults(handler=_list)

    practice = subparsers.add_parser(
        "practice", help="write an exercise's starter file into the workspace",
        description="Write the starter code of exercise ID to <data dir>/workspace/ID.py "
        "(kept if it already exists) and print its path.")
    practice.add_argument("id", metavar="ID")
    practice.set_defaults(handler=_practice)

    check = subparsers.add_parser(
        "check", help="grade a solution in the sandbox",
        description="Grade FILE (default: the workspace file of ID). Exit 0 on pass, 1 on any "
        "other verdict, 2 on usage errors.")
    check.add_argument("id", metavar="ID")
    check.add_argument("file", metavar="FILE", nargs="?")
    check.add_argument("--json", action="store_true",
                       help="print one object: exercise, verdict, passed, total, cases, duration_s")
    check.add_argument("--seed", type=int, default=0, help="seed of the random cases (default 0)")
    check.set_defaults(handler=_check)

    solution = subparsers.add_parser(
        "solution", help="show the worked solution (after a pass, or --give-up)",
        description="Show the worked solution of ID once you passed it; --give-up shows it "
        "now and records a give-up (SM-2 quality 1).")
    solution.add_argument("id", metavar="ID")
    solution.add_argument("--give-up", action="store_true", help="show it now, recorded as a give-up")
    solution.set_defaults(handler=_solution)
