"""Coding exercise: prompt beside an editor, graded in the sandbox on ctrl+r.

Grading runs in a thread worker (a real subprocess), so the UI stays live. Each
run is logged with ``Store.record_attempt`` (with the code's fingerprint). The
code lives in the exercise's workspace file, the one ``dlquiz practice``,
``check`` and ``watch`` use; it is autosaved (debounced, atomic, off the UI
thread) and flushed on leaving, on quit and before each run.

A *scheduled review* (``review=True``) opens the starter: spaced repetition of
code only works when the code is written again. The previous file is kept as
a backup and ``ctrl+l`` brings it back. A pass on code identical to an earlier
passing submission is recorded as ``pass_repeat``, at most Hard (3). Practice
from the exercise list keeps the file. What a visit is worth to SM-2 is decided
by the core (:func:`dlquiz.study.session.exercise_quality`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static, TextArea
from textual.worker import get_current_worker

from dlquiz.grading.workspace import (
    Autosaver,
    backup_code,
    code_fingerprint,
    last_attempt,
    opening_text,
    read_code,
    workspace_file,
    write_code,
)
from dlquiz.tui.external_editor import open_in_editor
from dlquiz.tui.screens.base import BaseScreen
from dlquiz.tui.widgets.code_editor import CodeEditor
from dlquiz.tui.widgets.key_bar import KeyBar
from dlquiz.tui.widgets.prompt_pane import PromptPane
from dlquiz.tui.widgets.results_panel import ResultsPanel

if TYPE_CHECKING:
    from dlquiz.model import Exercise

#: SM-2 quality ceiling of a pass on code that passed before.
REPEAT_QUALITY = 3


@dataclass(frozen=True)
class CodingResult:
    """How a visit ended: the verdict to log and the SM-2 quality (None: nothing to record)."""

    verdict: str
    quality: int | None
    passed: bool
    hints_used: int
    gave_up: bool


class CodingScreen(BaseScreen[CodingResult | None]):
    """One exercise. ``in_session``: the review screen records the result."""

    CSS_PATH = Path(__file__).with_name("coding.tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    #: Ids (``coding.*``) let the app's keymap (``[keys]`` in config.toml) rebind each one.
    BINDINGS = [
        Binding("ctrl+r", "run", "Run tests", priority=True, id="coding.run"),
        Binding("f5", "try_example", "Try example", priority=True, id="coding.try_example"),
        Binding("ctrl+t", "hint", "Hint", priority=True, id="coding.hint"),
        Binding("h", "hint", "Hint", show=False, id="coding.hint_outside_editor"),
        Binding("ctrl+g", "give_up", "Give up", priority=True, id="coding.give_up"),
        Binding("ctrl+n", "next_exercise", "Next exercise", priority=True, id="coding.next_exercise"),
        Binding("ctrl+l", "restore", "Last attempt", priority=True, id="coding.restore"),
        Binding("f7", "select_all", "Select all", priority=True, id="coding.select_all"),
        Binding("f2", "toggle_prompt_pane", "Hide prompt", priority=True, id="coding.hide_prompt"),
        Binding("ctrl+e", "external_edit", "$EDITOR", priority=True, id="coding.external_edit"),
        Binding("ctrl+o", "toggle_prompt", "Prompt/editor", priority=True, show=False,
                id="coding.prompt_or_editor"),
        # priority: the editor would take the first escape just to lose focus
        Binding("escape", "back", "Back", priority=True, id="coding.back"),
    ]

    def __init__(self, exercise: Exercise, *, in_session: bool = False, review: bool = False) -> None:
        super().__init__()
        self.exercise = exercise
        self.in_session = in_session
        self.review = review
        self.hints_shown = 0
        self.runs = 0
        self.failed_runs = 0
        self.passed = False
        self.repeat_only = False
        self.gave_up = False
        self.last_verdict = ""
        self.graded_text: str | None = None
        self.earlier_passes: set[str] = set()
        self.started = time.monotonic()
        self.autosaver: Autosaver | None = None

    def compose(self) -> ComposeResult:
        level = f" · {self.exercise.difficulty}" if self.exercise.difficulty else ""
        mode = " · review: from the starter" if self.review else ""
        yield Static(f"Exercise · {self.exercise.title}{level}{mode}", classes="title-bar",
                     id="exercise-title")
        with Horizontal(id="panes"):
            yield PromptPane(self.prompt_markdown(), id="prompt-pane")
            with Vertical(id="editor-pane"):
                yield CodeEditor(id="editor")
                yield ResultsPanel()
        yield KeyBar()

    def prompt_markdown(self) -> str:
        ex = self.exercise  # the title is in the title bar: the first line is the signature
        return f"`{ex.signature}`\n\n{ex.statement}"

    @property
    def workspace_dir(self) -> Path:
        return self.ctx.paths.workspace_dir

    def on_mount(self) -> None:
        paths = self.ctx.paths
        text, saved = opening_text(paths.workspace_dir, self.exercise, review=self.review,
                                   legacy_drafts_dir=paths.legacy_drafts_dir)
        (editor := self.query_one("#editor", TextArea)).load_text(text)
        self.autosaver = Autosaver(self.workspace_dir, self.exercise.id, saved=saved)
        if text != saved:
            self.autosaver.changed(text)
            self.autosaver.flush()
        self._place_cursor_at_code(editor)
        self.query_one(ResultsPanel).display = False
        if self.review and saved is not None and saved != text:
            self.notify("A review starts from the starter. ctrl+l restores your last attempt.",
                        timeout=5)
        elif not self.review and saved is not None:
            self.notify("Your workspace file (shared with `dlquiz check`).", timeout=3)
        editor.focus()
        from dlquiz.grading.readiness import NextRun  # NumPy: only once a coding screen opens

        self.next_run = NextRun(self.exercise, paths.cache_dir)
        self.get_ready()
        self.load_earlier_passes()

    def _place_cursor_at_code(self, editor: TextArea) -> None:
        """Put the cursor on the function's ``def`` line, below the prompt comments."""
        for row, line in enumerate(editor.text.splitlines()):
            if line.startswith(f"def {self.exercise.function}("):
                editor.move_cursor((row, 0))
                editor.scroll_cursor_visible(center=True)
                return

    @work(group="passes")
    async def load_earlier_passes(self) -> None:
        exercise_id = self.exercise.id
        self.earlier_passes = await self.db(lambda store: store.passing_fingerprints(exercise_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return (self.passed and not self.in_session) if action == "next_exercise" else True

    # -- the workspace file ---------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def editor_changed(self, event: TextArea.Changed) -> None:
        if self.autosaver is not None:
            self.autosaver.changed(event.text_area.text)
        if self.graded_text is not None and event.text_area.text != self.graded_text:
            self.query_one(ResultsPanel).mark_stale()

    def flush_draft(self) -> None:
        """Write any pending text now (called on leaving, on quit and before a run)."""
        if self.autosaver is not None:
            self.autosaver.changed(self.query_one("#editor", TextArea).text)
            self.autosaver.flush()

    def on_unmount(self) -> None:
        from dlquiz.grading.readiness import stand_down

        stand_down()
        if self.autosaver is not None:
            self.autosaver.flush()

    @work(thread=True, group="grading-ahead")
    def get_ready(self) -> None:
        self.next_run.get_ready()  # ctrl+r then finds a worker and its cases ready

    def action_restore(self) -> None:
        text = last_attempt(self.workspace_dir, self.exercise.id)
        if text is None:
            self.notify("No earlier attempt is saved for this exercise.")
            return
        editor = self.query_one("#editor", TextArea)
        backup_code(self.workspace_dir, self.exercise.id, editor.text)
        editor.load_text(text)
        self.notify("Your last attempt is back (what you had is kept as a backup).")

    def action_select_all(self) -> None:
        self.query_one("#editor", TextArea).select_all()

    # -- running --------------------------------------------------------------------------

    def action_run(self) -> None:
        self.flush_draft()
        panel = self.query_one(ResultsPanel)
        panel.display = True
        panel.show_running()
        self.grade_source(self.query_one("#editor", TextArea).text)

    @work(thread=True, exclusive=True, group="grading")
    def grade_source(self, source: str) -> None:
        from dlquiz.grading.grader import grade

        worker = get_current_worker()
        try:
            report = grade(self.exercise, source, seed=self.next_run.take_seed(),
                           cache_dir=self.ctx.paths.cache_dir)
        except Exception as exc:  # noqa: BLE001 - the grader's own failure is shown, never a traceback
            if not worker.is_cancelled:
                self.app.call_from_thread(self.query_one(ResultsPanel).show_error, str(exc))
            return
        fingerprint = code_fingerprint(source)
        self.ctx.db_sync(
            lambda store: store.record_attempt(
                self.exercise.id, report.verdict, report.passed, report.total,
                self.hints_shown, report.duration_s, code_sha256=fingerprint,
            )
        )
        if not worker.is_cancelled:
            self.app.call_from_thread(self.graded, report, source, fingerprint)
            self.next_run.get_ready()

    def graded(self, report: Any, source: str, fingerprint: str) -> None:
        self.runs += 1
        self.last_verdict = str(report.verdict)
        self.graded_text = source
        repeat = report.verdict == "pass" and fingerprint in self.earlier_passes
        self.query_one(ResultsPanel).show_report(report, repeat=repeat)
        if report.verdict == "pass":
            first = not self.passed
            self.repeat_only = repeat if first else (self.repeat_only and repeat)
            self.passed = True
            self.earlier_passes.add(fingerprint)
            self.refresh_bindings()
            if first:
                self.run_worker(self.show_solution("Passed! The worked solution, for comparison:"))
        else:
            self.failed_runs += 1

    def action_try_example(self) -> None:
        self.flush_draft()
        panel = self.query_one(ResultsPanel)
        panel.display = True
        panel.show_running()
        self.try_source(self.query_one("#editor", TextArea).text)

    @work(thread=True, exclusive=True, group="grading")
    def try_source(self, source: str) -> None:
        from dlquiz.grading.tryout import try_run

        worker = get_current_worker()
        try:
            result = try_run(self.exercise, source)
        except Exception as exc:  # noqa: BLE001 - shown in the panel, never a traceback
            if not worker.is_cancelled:
                self.app.call_from_thread(self.query_one(ResultsPanel).show_error, str(exc))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self.query_one(ResultsPanel).show_try, result)

    # -- hints, solution ------------------------------------------------------------------

    async def action_hint(self) -> None:
        hints = self.exercise.hints
        if self.hints_shown >= len(hints):
            self.notify("No more hints for this exercise.")
            return
        self.hints_shown += 1
        shown = [f"**Hint {i + 1}.** {h}" for i, h in enumerate(hints[: self.hints_shown])]
        earlier = "\n\n".join(shown[:-1])
        # the pane scrolls to where the newest hint starts (a line of the joined text)
        from_line = earlier.count("\n") + 2 if earlier else 0
        await self._reveal("#hints", "\n\n".join(shown), from_line)

    async def _reveal(self, selector: str, markdown: str, from_line: int = 0) -> None:
        """Show a prompt-pane section (the pane too, if hidden) and keep it in view."""
        pane = self.query_one(PromptPane)
        if not pane.display:
            self.action_toggle_prompt_pane()
        await pane.reveal(selector, markdown, from_line=from_line)

    def action_give_up(self) -> None:
        if self.passed or self.gave_up:
            self.run_worker(self.show_solution("Worked solution:"))
            return
        from dlquiz.tui.screens.dialogs import ConfirmScreen

        async def decided(yes: bool | None) -> None:
            if yes:
                self.gave_up = True
                await self.show_solution("You gave up, so this counts as a miss. The worked solution:")

        self.app.push_screen(
            ConfirmScreen("Give up and see the solution? This counts as a miss.", yes="Give up"),
            decided,
        )

    async def show_solution(self, lead: str) -> None:
        await self._reveal("#solution", f"### {lead}\n\n```python\n{self.exercise.solution.rstrip()}\n```")

    def action_toggle_prompt(self) -> None:
        """On narrow terminals the prompt and editor stack; this jumps between them."""
        editor = self.query_one("#editor", TextArea)
        if editor.has_focus:
            self.query_one("#prompt-pane").focus()
        else:
            editor.focus()

    def action_toggle_prompt_pane(self) -> None:
        """Collapse the prompt to give the editor the whole height (80x24 terminals)."""
        pane = self.query_one("#prompt-pane")
        pane.display = not pane.display
        if not pane.display:
            self.query_one("#editor", TextArea).focus()

    # -- $EDITOR --------------------------------------------------------------------------

    def action_external_edit(self) -> None:
        """Hand the workspace file to ``$EDITOR`` (App.suspend), then load what it saved."""
        editor = self.query_one("#editor", TextArea)
        self.flush_draft()
        write_code(self.workspace_dir, self.exercise.id, editor.text)
        path = workspace_file(self.workspace_dir, self.exercise.id)
        problem = open_in_editor(self.app, self.ctx.editor_command(path), path)
        if problem:
            self.notify(problem, severity="error")
            return
        text = read_code(self.workspace_dir, self.exercise.id)
        if text is not None and text != editor.text:
            editor.load_text(text)

    # -- leaving --------------------------------------------------------------------------

    def result(self) -> CodingResult | None:
        """What this visit means for SM-2 (None when the learner never ran or gave up)."""
        from dlquiz.study.session import exercise_quality

        if not (self.passed or self.gave_up or self.runs):
            return None
        quality = exercise_quality(
            passed=self.passed and not self.gave_up,
            first_try=self.failed_runs == 0,
            hints_used=self.hints_shown,
            gave_up=self.gave_up,
        )
        verdict = "gave_up" if self.gave_up else ("pass" if self.passed else self.last_verdict)
        if verdict == "pass" and self.repeat_only:
            verdict, quality = "pass_repeat", min(quality, REPEAT_QUALITY)
        return CodingResult(verdict, quality, self.passed, self.hints_shown, self.gave_up)

    async def action_back(self) -> None:  # type: ignore[override]  # Textual awaits async actions
        self.flush_draft()
        result = self.result()
        if not self.in_session and result is not None and result.quality is not None:
            await self.record_practice(result)
        self.dismiss(result)

    async def action_next_exercise(self) -> None:
        """After a pass (outside a session): on to the next unsolved exercise."""
        from dlquiz.grading.order import next_unsolved
        from dlquiz.grading.registry import bundled_exercises

        exercises = {**bundled_exercises(self.ctx.catalog.cache_dir), **self.ctx.catalog.user_exercises()}
        solved = await self.db(lambda store: store.solved_exercises())
        following = next_unsolved(exercises, solved | {self.exercise.id}, after=self.exercise.id)
        await self.action_back()
        if following is None:
            self.app.notify("Every exercise is solved.")
            return
        self.app.push_screen(CodingScreen(following))

    async def record_practice(self, result: CodingResult) -> None:
        """Outside a session: schedule every code card that points at this exercise."""
        cards = self.ctx.catalog.code_cards_for(self.exercise.id)
        duration = round(time.monotonic() - self.started, 3)
        now = self.ctx.now()
        day_start = self.ctx.config.day_start_hour
        quality = result.quality
        assert quality is not None

        def write(store: Any) -> None:
            for card in cards:
                store.answer(card.key, quality, grade=result.verdict, graded_by="exercise",
                             duration_s=duration, now=now, day_start_hour=day_start)

        if cards:
            await self.db(write)
