"""Code cards in ``dlquiz study --plain``: write the file, grade it in the sandbox, log as the app.

A code card is never self-graded: it shows the exercise's prompt and the path
of its workspace file (``<data dir>/workspace/ID.py``, the file ``dlquiz
practice/check`` and the app's editor use), the learner edits it in any
editor and presses Enter, and the real grader runs it, exactly as ``dlquiz
check`` does (same report). The answer is logged as the app's coding screen
logs a visit in a session:

* a due card is a scheduled review, so the file starts again from the starter
  (what was there is kept in ``workspace/.backups/``); new cards, re-drills and
  cram keep the file;
* every run is an exercise attempt (``Store.record_attempt``, with the code's
  fingerprint and the hints shown so far);
* the quality is :func:`dlquiz.study.session.exercise_quality`: a first-try
  pass without hints 5, a pass after a failed run or a hint 4, leaving after
  failed runs 2 (graded with the last verdict), giving up 1 (``gave_up``);
* a pass on code identical to an earlier passing submission is ``pass_repeat``,
  at most Hard (3): a repeat, not a recall.

Keys at the prompt: Enter grades, ``h`` shows the next hint, ``g`` gives up
(after a confirmation) and shows the worked solution, ``n`` moves on after at
least one run; ``u``/``s``/``b``/``q`` work as at every plain prompt.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from dlquiz.commands.exercises import REPEAT, REPEAT_QUALITY
from dlquiz.errors import DlquizError
from dlquiz.grading.workspace import (
    backup_code,
    code_fingerprint,
    read_code,
    starter_text,
    workspace_file,
    write_code,
)
from dlquiz.model import Exercise
from dlquiz.store.dbfile import DiskFullError
from dlquiz.study.session import exercise_quality

GAVE_UP = "gave_up"  # the verdict the app logs for a give-up


class Asker(Protocol):
    """What this module needs of the plain UI (``PlainUI``)."""

    def ask(self, prompt: str) -> str: ...

    def write(self, text: str) -> None: ...

    def write_code(self, text: str) -> None: ...


@dataclass
class CodeVisit:
    """One code card's visit: what the app's coding screen counts to grade it."""

    exercise: Exercise
    earlier_passes: set[str] = field(default_factory=set)
    hints_shown: int = 0
    runs: int = 0
    failed_runs: int = 0
    last_verdict: str = ""

    def result(self, *, passed: bool = False, gave_up: bool = False,
               repeat: bool = False) -> tuple[int, str]:
        """(quality, verdict to log), as ``CodingScreen.result`` decides them."""
        quality = exercise_quality(passed=passed and not gave_up, first_try=self.failed_runs == 0,
                                   hints_used=self.hints_shown, gave_up=gave_up)
        verdict = GAVE_UP if gave_up else ("pass" if passed else self.last_verdict)
        if verdict == "pass" and repeat:
            verdict, quality = REPEAT, min(quality, REPEAT_QUALITY)
        return quality, verdict


def prepare_file(workspace_dir: Path, exercise: Exercise, *, review: bool) -> tuple[Path, str]:
    """The workspace file to edit, and a note on where it came from.

    A review starts from the starter (the previous code is backed up first);
    otherwise the file is kept, and written from the starter when missing.
    """
    saved = read_code(workspace_dir, exercise.id)
    fresh = starter_text(exercise)
    if review and saved not in (None, fresh):
        backup_code(workspace_dir, exercise.id, saved)
        write_code(workspace_dir, exercise.id, fresh)
        return (workspace_file(workspace_dir, exercise.id),
                "A review starts from the starter; your last attempt is kept in "
                f"{workspace_dir / '.backups'}.")
    if saved is None:
        write_code(workspace_dir, exercise.id, fresh)
        return workspace_file(workspace_dir, exercise.id), "The file holds the starter code."
    return workspace_file(workspace_dir, exercise.id), "The file keeps your code from last time."


def report_text(report: Any, path: Path, exercise: Exercise, *, repeat: bool) -> str:
    """``dlquiz check``'s report as plain text (no colour), at the terminal's width."""
    from dlquiz.commands.report_view import print_report

    buffer = io.StringIO()
    print_report(report, path, exercise, repeat=repeat, stream=buffer, colour=False,
                 width=shutil.get_terminal_size((80, 24)).columns)
    return buffer.getvalue().rstrip()


def study_code_card(ui: Asker, exercise: Exercise, store: Any, *, workspace_dir: Path,
                    cache_dir: Path | None, review: bool) -> tuple[int, str]:
    """Show, grade until a pass, a give-up or ``n``; returns (quality, verdict to log)."""
    from dlquiz.grading.grader import grade
    from dlquiz.grading.preparation import fresh_seed

    visit = CodeVisit(exercise, earlier_passes=set(store.passing_fingerprints(exercise.id)))
    ui.write(f"Coding exercise: {exercise.title} ({exercise.id})")
    ui.write(f"Write: {exercise.signature}")
    ui.write(exercise.statement.rstrip())
    path, note = prepare_file(workspace_dir, exercise, review=review)
    ui.write(f"Your file: {path}\n{note}")
    while True:
        more = ", n next card" if visit.runs else ""
        typed = ui.ask(f"Save the file, then press Enter to grade it (h hint, g give up{more}): ")
        if typed.lower() == "h":
            if visit.hints_shown >= len(exercise.hints):
                ui.write("No more hints for this exercise.")
            else:
                visit.hints_shown += 1
                ui.write(f"Hint {visit.hints_shown}. {exercise.hints[visit.hints_shown - 1]}")
            continue
        if typed.lower() == "g":
            if ui.ask("Give up and see the solution? This counts as a miss. (y/N) ").lower() in ("y", "yes"):
                ui.write("You gave up, so this counts as a miss. The worked solution:")
                ui.write_code(exercise.solution.rstrip())
                return visit.result(gave_up=True)
            continue
        if typed.lower() == "n" and visit.runs:
            return visit.result()
        if typed:
            ui.write("Press Enter to grade, or type h, g" + (" or n." if visit.runs else "."))
            continue
        source = read_code(workspace_dir, exercise.id)
        if source is None:
            ui.write(f"Cannot read {path}: save it as UTF-8 text, then press Enter again.")
            continue
        ui.write("Grading…")
        try:
            report = grade(exercise, source, seed=fresh_seed(), cache_dir=cache_dir)
        except DlquizError as exc:
            ui.write(f"The grader could not run: {exc.message}")
            continue
        fingerprint = code_fingerprint(source)
        try:
            store.record_attempt(exercise.id, report.verdict, report.passed, report.total,
                                 visit.hints_shown, report.duration_s, code_sha256=fingerprint)
        except DiskFullError as exc:  # the verdict still counts for this visit's answer
            ui.write(f"{exc.message} This run was not recorded.")
        visit.runs += 1
        visit.last_verdict = str(report.verdict)
        repeat = report.verdict == "pass" and fingerprint in visit.earlier_passes
        ui.write_code(report_text(report, path, exercise, repeat=repeat))
        if report.verdict == "pass":
            ui.write("Passed! The worked solution, for comparison:")
            ui.write_code(exercise.solution.rstrip())
            return visit.result(passed=True, repeat=repeat)
        visit.failed_runs += 1
