"""Rustlings-style practice from the shell: ``watch``, ``hint``, ``next``, ``reset``, ``run``.

* ``dlquiz watch [ID]`` grades the workspace file on every save (polling its
  stamp and content every :data:`POLL_S`, so it works on every file system and
  editor, including those that replace the file on save), shows the verdict,
  and after a pass offers the next unsolved exercise (``n`` + enter on a
  terminal; the command to run otherwise). Without ID it starts at ``next``.
* ``dlquiz hint ID`` shows the next hint; it is counted like the app's (a pass
  after a hint scores 4, not 5).
* ``dlquiz next`` prints the next unsolved exercise in the documented order
  (easy to hard; within a difficulty, topic by topic in checklist order; the
  order of ``dlquiz exercises``) and writes its workspace file.
* ``dlquiz reset ID`` puts the starter back, keeping the old file in
  ``workspace/.backups/``.
* ``dlquiz run ID [FILE] [--input LITERAL]`` runs the function on the example
  (or the typed input) beside the reference, without a verdict.
"""

from __future__ import annotations

import argparse
import hashlib
import select
import sys
import time
from pathlib import Path
from typing import Any

from dlquiz.commands._core import open_store, paths_of
from dlquiz.commands.exercises import (
    HINT,
    add_seed_option,
    all_exercises,
    attempts_since_pass,
    catalog_and_exercise,
    ensure_workspace_file,
    find_exercise,
    grade_file,
    trusted_catalog,
)
from dlquiz.model import Exercise

#: Seconds between two looks at the watched file.
POLL_S = 0.25
#: A changed file is graded once it has stayed the same this long (an editor that
#: truncates and then writes is mid-save in between) ...
SETTLE_S = 0.1
#: ... or after this long, if it never settles.
SETTLE_MAX_S = 2.0


def next_unsolved(catalog: Any, args: argparse.Namespace, after: str | None = None) -> Exercise | None:
    """The first unsolved exercise in study order (after ``after`` when given)."""
    from dlquiz.grading.order import next_unsolved as first_unsolved

    with open_store(paths_of(args), backup=False) as store:
        solved = store.solved_exercises()
    return first_unsolved(all_exercises(catalog), solved, after)


def _next(args: argparse.Namespace) -> int:
    catalog = trusted_catalog(args)
    exercise = next_unsolved(catalog, args)
    if exercise is None:
        print("Every exercise is solved. `dlquiz exercises` lists them; `dlquiz reset ID` "
              "starts one again.")
        return 0
    path = ensure_workspace_file(args, exercise)
    level = f", {exercise.difficulty}" if exercise.difficulty else ""
    print(f"{exercise.id}: {exercise.title} ({', '.join(exercise.topics)}{level})")
    print(path)
    print(f"grade it with `dlquiz check {exercise.id}`, or `dlquiz watch {exercise.id}` to grade "
          "on every save")
    return 0


def _hint(args: argparse.Namespace) -> int:
    _, exercise = catalog_and_exercise(args)
    with open_store(paths_of(args)) as store:
        shown = sum(v == HINT for v in attempts_since_pass(store, exercise.id))
        if shown >= len(exercise.hints):
            print(f"No more hints for {exercise.id} ({len(exercise.hints)} shown). "
                  f"`dlquiz solution {exercise.id} --give-up` shows the worked solution.")
            for i, text in enumerate(exercise.hints, 1):
                print(f"Hint {i}/{len(exercise.hints)}: {text}")
            return 0
        store.record_attempt(exercise.id, HINT, 0, 0, shown + 1, 0.0)
    for i, text in enumerate(exercise.hints[: shown + 1], 1):
        print(f"Hint {i}/{len(exercise.hints)}: {text}")
    return 0


def _reset(args: argparse.Namespace) -> int:
    from dlquiz.grading.workspace import reset_to_starter

    _, exercise = catalog_and_exercise(args)
    path, backup = reset_to_starter(paths_of(args).workspace_dir, exercise)
    print(path)
    if backup is not None:
        print(f"your previous file is kept as {backup}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from dlquiz.grading.sandbox import default_pool
    from dlquiz.grading.tryout import source_of, try_run

    default_pool().prestart()
    _, exercise = catalog_and_exercise(args)
    path = Path(args.file) if args.file else ensure_workspace_file(args, exercise)
    result = try_run(exercise, source_of(path), input_text=args.input)
    print(f"input:     {result.input}")
    print(f"yours:     {result.yours}")
    print(f"reference: {result.reference}")
    if result.same is not None:
        print("same as the reference" if result.same else
              "differs from the reference (by the exercise's own comparison)")
    if result.output:
        print("your output:\n" + result.output.rstrip())
    print(f"(no verdict: `dlquiz check {exercise.id}` grades every case)")
    return 0


def _fingerprint(path: Path) -> tuple[Any, ...] | None:
    try:
        st = path.stat()
        return (st.st_mtime_ns, st.st_size, hashlib.sha256(path.read_bytes()).hexdigest())
    except OSError:
        return None


def _settled(path: Path, stamp: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """``path``'s fingerprint once it stopped changing for :data:`SETTLE_S`.

    Without this, a save seen between the editor's truncate and its write is
    graded as an empty or half-written file: one spurious ``invalid``.
    """
    deadline = time.monotonic() + SETTLE_MAX_S
    current: tuple[Any, ...] | None = stamp
    while time.monotonic() < deadline:
        time.sleep(SETTLE_S)
        again = _fingerprint(path)
        if again == current:
            break
        current = again
    return current


def _wants_next(timeout: float) -> bool:
    """True when the learner typed ``n`` + enter on a terminal within ``timeout`` seconds."""
    if not sys.stdin.isatty():
        time.sleep(timeout)
        return False
    ready, _, _ = select.select([sys.stdin], [], [], timeout)
    if not ready:
        return False
    return sys.stdin.readline().strip().lower() in ("n", "next")


def _watch(args: argparse.Namespace) -> int:
    from dlquiz.commands.report_view import print_report
    from dlquiz.grading.sandbox import default_pool

    default_pool().prestart()
    catalog = trusted_catalog(args)
    exercise = find_exercise(catalog, args.id) if args.id else next_unsolved(catalog, args)
    if exercise is None:
        print("Every exercise is solved; give an ID to watch one again.")
        return 0
    from dlquiz.grading.readiness import NextRun

    graded = 0
    while True:
        # between saves a worker waits and the next run's cases are drawn: a save is
        # graded in about the app's in-editor time, not a fresh sandbox's
        ahead = NextRun(exercise, catalog.cache_dir)
        path = ensure_workspace_file(args, exercise)
        print(f"watching {path} ({exercise.id}: {exercise.title}); save it to grade, "
              "ctrl+c to stop", flush=True)
        seen: tuple[Any, ...] | None = None
        passed = False
        while not passed:
            stamp = _fingerprint(path)
            if stamp is not None and stamp != seen:
                stamp = _settled(path, stamp)
                if stamp is None:  # removed mid-save: wait for it to come back
                    continue
                seen = stamp
                seed = ahead.take_seed() if args.seed is None else args.seed
                report, recorded = grade_file(args, catalog, exercise, path, seed)
                print_report(report, path, exercise, repeat=recorded == "pass_repeat")
                sys.stdout.flush()
                ahead.get_ready()
                graded += 1
                passed = report.verdict == "pass"
                if args.stop_after and graded >= args.stop_after:
                    return 0
            elif _wants_next(POLL_S):
                passed = True
        following = next_unsolved(catalog, args, after=exercise.id)
        if following is None:
            print("Passed, and every exercise is solved.")
            return 0
        print(f"Passed! Next unsolved: {following.id} ({following.title}). Type n + enter to "
              f"move on, or keep editing; from another shell: `dlquiz watch {following.id}`",
              flush=True)
        while True:
            if _wants_next(POLL_S):
                exercise = following
                break
            stamp = _fingerprint(path)
            if stamp is not None and stamp != seen:  # edited again after the pass: regrade
                break


def register(subparsers: Any) -> None:
    watch = subparsers.add_parser(
        "watch", help="grade the workspace file on every save",
        description="Grade <data dir>/workspace/ID.py every time it is saved; after a pass, "
        "offer the next unsolved exercise. Without ID: the next unsolved one.")
    watch.add_argument("id", metavar="ID", nargs="?")
    add_seed_option(watch)
    watch.add_argument("--stop-after", type=int, default=0, metavar="N",
                       help="stop after N graded runs (for scripts; default: run until ctrl+c)")
    watch.set_defaults(handler=_watch)

    hint = subparsers.add_parser("hint", help="show the next hint of an exercise",
                                 description="Show the next hint of ID (counted: a pass after a "
                                 "hint scores Good, not Easy).")
    hint.add_argument("id", metavar="ID")
    hint.set_defaults(handler=_hint)

    nxt = subparsers.add_parser("next", help="the next unsolved exercise (easy to hard, topic by topic)",
                                description="Print the next unsolved exercise (easy to hard; within "
                                "a difficulty, topic by topic) and write its workspace file.")
    nxt.set_defaults(handler=_next)

    reset = subparsers.add_parser("reset", help="put an exercise's starter back (old file kept)",
                                  description="Write the starter to the workspace file of ID; the "
                                  "old file is kept in workspace/.backups/.")
    reset.add_argument("id", metavar="ID")
    reset.set_defaults(handler=_reset)

    run = subparsers.add_parser(
        "run", help="run your function on the example or your own input (no verdict)",
        description="Run the function of FILE (default: the workspace file) on the exercise's "
        "example, or on --input, a Python literal: a dict of arguments or a tuple of them in "
        "signature order; prints your output beside the reference's.")
    run.add_argument("id", metavar="ID")
    run.add_argument("file", metavar="FILE", nargs="?")
    run.add_argument("--input", metavar="LITERAL", help="e.g. \"{'x': [1.0, -2.0]}\"")
    run.set_defaults(handler=_run)

