"""``dlquiz exercises | practice ID | check ID [FILE] | solution ID [--give-up]``.

Recording (``check``, ``hint`` and ``solution --give-up``): every graded run is
an attempt (``Store.record_attempt``, with the code's fingerprint); the review
log gets one review per code card that points at the exercise (key
``exercises/<id>`` when no card does), graded ``exercise``:

* a pass scores 5 when no failed run, hint or give-up preceded it since the
  last pass, else 4;
* a pass on code identical to an earlier passing submission is a repeat, not a
  recall: logged as ``pass_repeat`` with quality 3 (Hard);
* a give-up scores 1;
* a failed run is logged with quality 2 but *unscheduled*: a one-shot CLI cannot
  tell "still working" from "left without passing", so only the app moves the
  schedule on a failure.

The worked solution is shown only after a recorded pass or a give-up. The
workspace file (``<data dir>/workspace/ID.py``) is the same file the app's
editor shows.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Self

# The store, settings and deck plumbing (dlquiz.commands._core) is imported where it is
# used: `check` hands the learner's code to the sandbox first and imports it while the
# code runs.
from dlquiz.errors import UsageError
from dlquiz.model import Exercise
from dlquiz.paths import paths_of

EXIT_PASS = 0
EXIT_FAIL = 1
GIVE_UP = "give_up"
HINT = "hint"
REPEAT = "pass_repeat"
#: SM-2 quality of a pass on code that passed before (see the module docstring).
REPEAT_QUALITY = 3
VERDICT_STYLES = {"pass": "bold green", "wrong_answer": "bold red", "time_limit": "bold yellow",
                  "memory_limit": "bold yellow", "runtime_error": "bold red",
                  "invalid": "bold magenta", "not_run": "dim"}


def all_exercises(catalog: Any) -> dict[str, Exercise]:
    """Bundled exercises overlaid with user-deck ones (user ids win, as in the catalog)."""
    from dlquiz.grading.registry import bundled_exercises

    found = bundled_exercises(catalog.cache_dir)
    found.update(catalog.user_exercises())
    return found


def find_exercise(catalog: Any, exercise_id: str) -> Exercise:
    """The exercise, or a usage error that suggests the closest ids."""
    exercise = catalog.exercise(exercise_id)
    if exercise is not None:
        return exercise
    import difflib  # only for a mistyped id: start-up is part of every check

    known = sorted(all_exercises(catalog))
    close = difflib.get_close_matches(exercise_id, known, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else \
        " (`dlquiz exercises` lists them)"
    raise UsageError(f"unknown exercise {exercise_id!r}{hint}")


def trusted_catalog(args: argparse.Namespace) -> Any:
    """The catalog, with the trust gate installed: a deck's own code runs only once trusted."""
    from dlquiz.commands._core import load_catalog_for
    from dlquiz.decks.trust import install

    catalog = load_catalog_for(args)
    install(paths_of(args).data_dir, catalog.decks)
    return catalog


def catalog_and_exercise(args: argparse.Namespace) -> tuple[Any, Exercise]:
    catalog = trusted_catalog(args)
    return catalog, find_exercise(catalog, args.id)


def workspace_dir(args: argparse.Namespace) -> Path:
    return paths_of(args).workspace_dir


def ensure_workspace_file(args: argparse.Namespace, exercise: Exercise) -> Path:
    """The exercise's workspace file, written from the starter when there is none yet."""
    from dlquiz.grading.workspace import read_code, starter_text, workspace_file, write_code

    paths = paths_of(args)
    target = workspace_file(paths.workspace_dir, exercise.id)
    if read_code(paths.workspace_dir, exercise.id, legacy_drafts_dir=paths.legacy_drafts_dir) is None:
        write_code(paths.workspace_dir, exercise.id, starter_text(exercise))
    return target


def _list(args: argparse.Namespace) -> int:
    from dlquiz.commands._core import load_catalog_for, open_store
    from dlquiz.grading.order import study_order

    catalog = load_catalog_for(args)
    exercises = study_order(all_exercises(catalog))
    with open_store(paths_of(args), backup=False) as store:
        solved = store.solved_exercises()
    rows: list[dict[str, Any]] = [
        {"id": e.id, "title": e.title, "topic": ", ".join(e.topics),
         "difficulty": e.difficulty or "", "solved": e.id in solved} for e in exercises]
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} exercises ({sum(r['solved'] for r in rows)} solved), "
                        "in `dlquiz next` order")
    for column in ("id", "title", "topic", "difficulty", "solved"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["id"], row["title"], row["topic"], row["difficulty"],
                      "[green]yes[/]" if row["solved"] else "")
    Console().print(table)
    return 0


def _practice(args: argparse.Namespace) -> int:
    _, exercise = catalog_and_exercise(args)
    print(ensure_workspace_file(args, exercise))
    return 0


def attempts_since_pass(store: Any, exercise_id: str) -> list[str]:
    """Verdicts (failed runs, hints, give-ups) logged since this exercise's last pass."""
    history = store.query("SELECT verdict FROM exercise_attempts WHERE exercise_id = ? "
                          "ORDER BY at, rowid", (exercise_id,))
    since: list[str] = []
    for (verdict,) in history:
        since = [] if verdict in ("pass", REPEAT) else [*since, verdict]
    return since


class RunLog:
    """The store side of one run, opened before its verdict is known.

    ``dlquiz check`` opens it while the learner's code runs in the sandbox (the
    store, the scheduler check, the daily backup and the queries below all
    overlap the run); :meth:`record` then logs the verdict (see the module
    docstring).
    """

    def __init__(self, args: argparse.Namespace, exercise: Exercise, card_keys: list[str]) -> None:
        """``card_keys``: the code cards the run schedules (``exercises/<id>`` when none)."""
        self.args, self.exercise = args, exercise
        self.keys = card_keys or [f"exercises/{exercise.id}"]
        from dlquiz.commands._core import open_store, settings_of

        self.store = open_store(paths_of(args))
        try:
            self.day_start = settings_of(args).day_start_hour
            self.since_pass = attempts_since_pass(self.store, exercise.id)
            self.passing = self.store.passing_fingerprints(exercise.id)
        except BaseException:
            self.store.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.store.close()

    def record(self, verdict: str, passed: int, total: int, duration_s: float,
               fingerprint: str | None = None) -> str:
        """Log one run; returns the verdict as recorded."""
        from dlquiz.clock import today

        store, exercise_id = self.store, self.exercise.id
        day = today(self.day_start).isoformat()
        if verdict == "pass" and fingerprint and fingerprint in self.passing:
            verdict = REPEAT
        hints = sum(v == HINT for v in self.since_pass)
        store.record_attempt(exercise_id, "pass" if verdict == REPEAT else verdict, passed, total,
                             hints, duration_s, code_sha256=fingerprint)
        if verdict == REPEAT:
            quality, scheduled = REPEAT_QUALITY, True
        elif verdict == "pass":
            quality, scheduled = (5 if not self.since_pass else 4), True
        elif verdict == GIVE_UP:
            quality, scheduled = 1, True
        else:
            quality, scheduled = 2, False
        for key in self.keys:
            # SM-2's same-day rule: once a card's schedule moved today, later checks of
            # the same exercise are logged but do not push it further out.
            moved_today = bool(store.query(
                "SELECT 1 FROM reviews WHERE item_key = ? AND study_day = ? AND scheduled = 1"
                " LIMIT 1", (key, day)))
            store.answer(key, quality, grade=verdict, graded_by="exercise",
                         duration_s=duration_s, scheduled=scheduled and not moved_today,
                         day_start_hour=self.day_start)
        return verdict


def card_keys(catalog: Any, exercise: Exercise) -> list[str]:
    """The keys of the code cards that point at ``exercise``."""
    return [card.key for card in catalog.code_cards_for(exercise.id)]


def lone_card_keys(args: argparse.Namespace, exercise: Exercise) -> list[str]:
    """:func:`card_keys` for a :func:`lone_bundled_exercise`: from the index, else the decks."""
    from dlquiz.decks import code_card_index

    cache_dir = paths_of(args).cache_dir
    keys = code_card_index.code_card_keys(cache_dir, exercise.id)
    if keys is None:
        from dlquiz.commands._core import load_catalog_for

        catalog = load_catalog_for(args)
        code_card_index.save(cache_dir, (c for d in catalog.decks if d.bundled for c in d.cards))
        keys = card_keys(catalog, exercise)
    return keys


def record_run(args: argparse.Namespace, catalog: Any, exercise: Exercise, verdict: str,
               passed: int, total: int, duration_s: float, fingerprint: str | None = None) -> str:
    """Log one run (see the module docstring); returns the verdict as recorded."""
    with RunLog(args, exercise, card_keys(catalog, exercise)) as log:
        return log.record(verdict, passed, total, duration_s, fingerprint)


def read_solution(path: Path) -> str:
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give the solution file inside it")
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc


def grade_file(args: argparse.Namespace, catalog: Any, exercise: Exercise, path: Path,
               seed: int | None) -> tuple[Any, str]:
    """Grade ``path`` with the random cases of ``seed`` (a fresh one when None) and record it.

    ``catalog`` may be ``None`` for a bundled exercise no user deck can shadow
    (:func:`lone_bundled_exercise`): its code cards then come from the index
    (:mod:`dlquiz.decks.code_card_index`). A fresh seed's cases are those the
    previous check drew ahead (:mod:`dlquiz.grading.drawn_ahead`); the rest overlaps
    the learner's run, and the next ones are drawn then too (:func:`dlquiz.launch.after_exit`).
    """
    from dlquiz.grading import drawn_ahead
    from dlquiz.grading.grader import start_grade
    from dlquiz.grading.seeds import fresh_seed
    from dlquiz.grading.workspace import code_fingerprint

    source = read_solution(path)
    cache_dir = paths_of(args).cache_dir
    drawn = drawn_ahead.take(cache_dir, exercise) if seed is None else None
    pending = start_grade(exercise, source, seed=fresh_seed() if seed is None else seed,
                          cache_dir=cache_dir, drawn=drawn)
    try:  # all of this overlaps the learner's run
        pending.prepared()  # NumPy now: the run's thread decodes results with it, mid-run
        keys = lone_card_keys(args, exercise) if catalog is None else card_keys(catalog, exercise)
        log = RunLog(args, exercise, keys)
    except BaseException:
        pending.cancel()
        raise
    with log:
        if seed is None:  # during the run, or (`dlquiz check`) by a child left after the exit
            from dlquiz.launch import after_exit
            after_exit(lambda: drawn_ahead.draw_next(cache_dir, exercise))
        report = pending.result()
        recorded = log.record(report.verdict, report.passed, report.total, report.duration_s,
                              code_fingerprint(source))
    return report, recorded


def lone_bundled_exercise(args: argparse.Namespace) -> Exercise | None:
    """The bundled exercise ``args.id`` when no user deck exists that could define or shadow it.

    Then ``check`` needs no deck before the run: the catalog (for the code cards
    the result schedules) loads while the learner's code runs. With any user
    deck, ``$DLQUIZ_DECKS`` or ``--deck``, this says ``None`` and the catalog
    is loaded first, as every other command does.
    """
    import os

    from dlquiz.decks.files import walk_decks
    from dlquiz.grading.registry import bundled_exercises
    from dlquiz.paths import ENV_DECKS

    paths = paths_of(args)
    if getattr(args, "deck_paths", None) or os.environ.get(ENV_DECKS, "").strip():
        return None
    if paths.user_decks_dir.is_dir() and walk_decks(paths.user_decks_dir):
        return None
    return bundled_exercises(paths.cache_dir).get(args.id)


def _check(args: argparse.Namespace) -> int:
    from dlquiz.grading.sandbox import default_pool

    default_pool().prestart()  # the child imports NumPy while we get ready
    exercise, catalog = lone_bundled_exercise(args), None
    if exercise is None:
        catalog, exercise = catalog_and_exercise(args)
    if args.file:
        path = Path(args.file)
    else:
        from dlquiz.grading.workspace import workspace_file

        path = workspace_file(workspace_dir(args), exercise.id)
        if not path.is_file():
            raise UsageError(f"no such file: {path} (run `dlquiz practice {exercise.id}` first)")
    report, recorded = grade_file(args, catalog, exercise, path, args.seed)
    if args.json:
        data = report.to_json()
        out = {k: data[k] for k in ("exercise", "verdict", "passed", "total", "cases",
                                    "duration_s", "message", "output", "seed")}
        out["recorded_as"] = recorded
        print(json.dumps(out, indent=1))
    else:
        from dlquiz.commands.report_view import print_report

        print_report(report, path, exercise, repeat=recorded == REPEAT)
    return EXIT_PASS if report.verdict == "pass" else EXIT_FAIL


def _solution(args: argparse.Namespace) -> int:
    from dlquiz.commands._core import open_store

    catalog, exercise = catalog_and_exercise(args)
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
        record_run(args, catalog, exercise, GIVE_UP, 0, 0, 0.0)
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


def add_seed_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=None, metavar="N",
                        help="replay the random cases of seed N (printed by every run); "
                             "default: a fresh seed per run (edge and perf cases never change)")


def register(subparsers: Any) -> None:
    listing = subparsers.add_parser(
        "exercises", help="list coding exercises (id, title, topic, difficulty, solved?)",
        description="List bundled and user-defined coding exercises, in `dlquiz next` order "
        "(easy to hard, topic by topic).")
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    listing.set_defaults(handler=_list)

    practice = subparsers.add_parser(
        "practice", help="write an exercise's starter file into the workspace",
        description="Write the starter code of exercise ID to <data dir>/workspace/ID.py "
        "(kept if it already exists; the app's editor shows the same file) and print its path.")
    practice.add_argument("id", metavar="ID")
    practice.set_defaults(handler=_practice)

    check = subparsers.add_parser(
        "check", help="grade a solution in the sandbox",
        description="Grade FILE (default: the workspace file of ID). Exit 0 on pass, 1 on any "
        "other verdict, 2 on usage errors.")
    check.add_argument("id", metavar="ID")
    check.add_argument("file", metavar="FILE", nargs="?")
    check.add_argument("--json", action="store_true",
                       help="print one object: exercise, verdict, passed, total, cases, seed, ...")
    add_seed_option(check)
    check.set_defaults(handler=_check)

    solution = subparsers.add_parser(
        "solution", help="show the worked solution (after a pass, or --give-up)",
        description="Show the worked solution of ID once you passed it; --give-up shows it "
        "now and records a give-up (SM-2 quality 1).")
    solution.add_argument("id", metavar="ID")
    solution.add_argument("--give-up", action="store_true", help="show it now, recorded as a give-up")
    solution.set_defaults(handler=_solution)
