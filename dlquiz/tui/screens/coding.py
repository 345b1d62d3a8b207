"""Coding exercise: prompt beside an editor, graded in the sandbox on ctrl+r.

Grading runs in a Textual thread worker (a real subprocess, seconds at worst),
so the UI stays live and shows a spinner. Each run is logged with
``Store.record_attempt`` on the database thread. The draft is autosaved
(debounced, atomic, off the UI thread) and flushed on leaving, on quit and
before each run, so typed code survives anything.

What the visit is worth to SM-2 is decided by the core
(:func:`dlquiz.study.session.exercise_quality`) from what happened here: passed or
not, first try or not, hints used, gave up. In a study session the review
screen records it through the session; from the exercise list it is recorded
for every ``code`` card that points at the exercise.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Markdown, Static, TextArea
from textual.worker import get_current_worker

from dlquiz.grading.drafts import DraftAutosaver, draft_path, load_draft, save_draft
from dlquiz.tui.screens.base import BaseScreen
from dlquiz.tui.widgets.key_bar import KeyBar
from dlquiz.tui.widgets.results_panel import ResultsPanel

if TYPE_CHECKING:
    from dlquiz.model import Exercise


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
    BINDINGS = [
        Binding("ctrl+r", "run", "Run tests", priority=True),
        Binding("ctrl+t", "hint", "Hint", priority=True),
        Binding("h", "hint", "Hint", show=False),
        Binding("ctrl+g", "give_up", "Give up", priority=True),
        Binding("ctrl+e", "external_edit", "$EDITOR", priority=True),
        Binding("ctrl+o", "toggle_prompt", "Prompt/editor", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, exercise: Exercise, *, in_session: bool = False) -> None:
        super().__init__()
        self.exercise = exercise
        self.in_session = in_session
        self.hints_shown = 0
        self.runs = 0
        self.failed_runs = 0
        self.passed = False
        self.gave_up = False
        self.last_verdict = ""
        self.started = time.monotonic()
        self.autosaver: DraftAutosaver | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"Exercise · {self.exercise.title}", classes="title-bar", id="exercise-title")
        with Horizontal(id="panes"):
            with VerticalScroll(id="prompt-pane"):
                yield Markdown(self.prompt_markdown(), id="prompt")
                yield Markdown("", id="hints")
                yield Markdown("", id="solution")
            with Vertical(id="editor-pane"):
                yield TextArea.code_editor("", language="python", id="editor")
                yield ResultsPanel()
        yield KeyBar()

    def prompt_markdown(self) -> str:
        ex = self.exercise  # the title is in the title bar: the first line is the signature
        return f"`{ex.signature}`\n\n{ex.prompt}"

    def on_mount(self) -> None:
        drafts_dir = self.ctx.paths.drafts_dir
        draft = load_draft(drafts_dir, self.exercise.id)
        editor = self.query_one("#editor", TextArea)
        editor.load_text(draft if draft is not None else self.exercise.starter)
        self.autosaver = DraftAutosaver(drafts_dir, self.exercise.id)
        self.query_one("#solution").display = False
        self.query_one("#hints").display = False
        if draft is not None:
            self.notify("Restored your last draft.", timeout=3)
        editor.focus()

    # -- drafts ---------------------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def editor_changed(self, event: TextArea.Changed) -> None:
        if self.autosaver is not None:
            self.autosaver.changed(event.text_area.text)

    def flush_draft(self) -> None:
        """Write any pending draft now (called on leaving, on quit and before a run)."""
        if self.autosaver is not None:
            self.autosaver.changed(self.query_one("#editor", TextArea).text)
            self.autosaver.flush()

    def on_unmount(self) -> None:
        if self.autosaver is not None:
            self.autosaver.flush()

    # -- running --------------------------------------------------------------------------

    def action_run(self) -> None:
        self.flush_draft()
        self.query_one(ResultsPanel).show_running()
        self.grade_source(self.query_one("#editor", TextArea).text)

    @work(thread=True, exclusive=True, group="grading")
    def grade_source(self, source: str) -> None:
        from dlquiz.grading.grader import grade

        worker = get_current_worker()
        try:
            report = grade(self.exercise, source)
        except Exception as exc:  # the grader's own failure is shown, never a traceback
            if not worker.is_cancelled:
                self.app.call_from_thread(self.query_one(ResultsPanel).show_error, str(exc))
            return
        self.ctx.db_sync(
            lambda store: store.record_attempt(
                self.exercise.id, report.verdict, report.passed, report.total,
                self.hints_shown, report.duration_s,
            )
        )
        if not worker.is_cancelled:
            self.app.call_from_thread(self.graded, report)

    def graded(self, report: Any) -> None:
        self.runs += 1
        self.last_verdict = str(report.verdict)
        self.query_one(ResultsPanel).show_report(report)
        if report.verdict == "pass":
            first = not self.passed
            self.passed = True
            if first:
                self.show_solution("Passed! The worked solution, for comparison:")
        else:
            self.failed_runs += 1

    # -- hints, solution ------------------------------------------------------------------

    def action_hint(self) -> None:
        hints = self.exercise.hints
        if self.hints_shown >= len(hints):
            self.notify("No more hints for this exercise.")
            return
        self.hints_shown += 1
        text = "\n\n".join(f"**Hint {i + 1}.** {h}" for i, h in enumerate(hints[: self.hints_shown]))
        widget = self.query_one("#hints", Markdown)
        widget.update(text)
        widget.display = True
        self.call_after_refresh(self.query_one("#prompt-pane").scroll_end, animate=False)

    def action_give_up(self) -> None:
        if self.passed or self.gave_up:
            self.show_solution("Worked solution:")
            return
        from dlquiz.tui.screens.dialogs import ConfirmScreen

        def decided(yes: bool | None) -> None:
            if yes:
                self.gave_up = True
                self.show_solution("You gave up, so this counts as a miss. The worked solution:")

        self.app.push_screen(
            ConfirmScreen("Give up and see the solution? This counts as a miss.", yes="Give up"),
            decided,
        )

    def show_solution(self, lead: str) -> None:
        widget = self.query_one("#solution", Markdown)
        widget.update(f"### {lead}\n\n```python\n{self.exercise.solution.rstrip()}\n```")
        widget.display = True
        self.call_after_refresh(self.query_one("#prompt-pane").scroll_end, animate=False)

    def action_toggle_prompt(self) -> None:
        """On narrow terminals the prompt and editor stack; this jumps between them."""
        editor = self.query_one("#editor", TextArea)
        if editor.has_focus:
            self.query_one("#prompt-pane").focus()
        else:
            editor.focus()

    # -- $EDITOR --------------------------------------------------------------------------

    def action_external_edit(self) -> None:
        """Hand the draft file to ``$EDITOR`` (App.suspend), then load what it saved."""
        editor = self.query_one("#editor", TextArea)
        drafts_dir = self.ctx.paths.drafts_dir
        self.flush_draft()
        save_draft(drafts_dir, self.exercise.id, editor.text)
        path = draft_path(drafts_dir, self.exercise.id)
        try:
            with self.app.suspend():
                subprocess.run(self.ctx.editor_command(path), check=False)
        except OSError as exc:
            self.notify(f"Could not start the editor: {exc}", severity="error")
            return
        text = load_draft(drafts_dir, self.exercise.id)
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
        return CodingResult(verdict, quality, self.passed, self.hints_shown, self.gave_up)

    async def action_back(self) -> None:  # type: ignore[override]  # Textual awaits async actions
        self.flush_draft()
        result = self.result()
        if not self.in_session and result is not None and result.quality is not None:
            await self.record_practice(result)
        self.dismiss(result)

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
            await self.ctx.db(write)
