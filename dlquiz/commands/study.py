"""``dlquiz study``: today's session in the app; ``--plain`` runs it as a line-based prompt.

Without ``--plain`` the Textual app opens straight into the session
(``--only``, ``--topic`` and ``--cram`` apply), over the decks screen.

The plain mode is for dumb terminals, pipes and screen readers: one question
per block of lines, answers typed on stdin, no colours, no cursor movement. It
drives the same :class:`~dlquiz.study.session.StudySession` as the TUI. At any
prompt: ``u`` undoes, ``s`` suspends, ``b`` buries, ``q`` (or end of input) quits.
Self-graded cards take ``1`` Again, ``2`` Hard, ``3`` Good, ``4`` Easy (Anki's keys).
Code cards are graded by the grader, never by the learner
(:mod:`dlquiz.commands.plain_code`).

What is printed after a prompt always starts on a line of its own: when stdin
is not a terminal nothing echoes the typed line (and its newline), so the
plain UI echoes it. On a terminal, a paragraph with a line wider than the
terminal is reflowed at word boundaries (a hanging indent for list items and
choices) instead of being cut mid-word by the terminal; code is never
reflowed. Piped, the text is exactly the deck's.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlquiz.commands._core import load_catalog_for, open_store, paths_of, select_items, settings_of
from dlquiz.errors import UsageError
from dlquiz.model import Item, render_cloze
from dlquiz.store.dbfile import DiskFullError
from dlquiz.study.session import AUTO_CORRECT, AUTO_WRONG, SELF_GRADES, StudySession

#: Plain-mode keys for self grades, in Anki's order.
GRADE_KEYS = {"1": "again", "2": "hard", "3": "good", "4": "easy"}
ACTIONS = {"u": "undo", "s": "suspend", "b": "bury", "q": "quit"}


class _Action(Exception):
    """A control key typed at a prompt (undo, suspend, bury, quit)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class PlainUI:
    """Reads answers and prints questions; ``read`` raises _Action for control keys.

    ``echo``: write what was read (stdin is not a terminal, so nothing else
    ends the prompt's line). ``width``: wrap prose to this many columns (on a
    terminal); None writes text as it is.
    """

    def __init__(self, read: Callable[[str], str], write: Callable[[str], None], *,
                 echo: bool = False, width: int | None = None) -> None:
        self._read, self._write = read, write
        self.echo, self.width = echo, width

    def write(self, text: str) -> None:
        self._write(wrap_prose(text, self.width) if self.width else text)

    def write_code(self, text: str) -> None:
        """Source code: never wrapped (a wrapped line of Python is wrong Python)."""
        self._write(text)

    def ask(self, prompt: str) -> str:
        try:
            raw = self._read(prompt)
        except EOFError:
            if self.echo:
                self._write("")
            raise _Action("quit") from None
        if self.echo:
            self._write(raw.rstrip("\n"))
        text = raw.strip()
        if text.lower() in ACTIONS:
            raise _Action(ACTIONS[text.lower()])
        return text

    #: Days until due per quality for the current card (Anki's "next interval"), or None.
    intervals: dict[int, int] | None = None

    def self_grade(self) -> str:
        days = self.intervals or {}
        names = ", ".join(f"{key} {name.title()}" + (f" ({days[q]}d)" if q in days else "")
                          for (key, name), q in zip(GRADE_KEYS.items(), (1, 3, 4, 5)))  # fmt: skip
        while True:
            text = self.ask(f"Grade: {names}: ")
            if text in GRADE_KEYS:
                return GRADE_KEYS[text]
            if text.lower() in SELF_GRADES:
                return text.lower()
            self.write("Please type 1, 2, 3 or 4 (or u undo, s suspend, b bury, q quit).")


_LIST_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)")


def wrap_prose(text: str, width: int) -> str:
    """Reflow paragraphs that have a line over ``width`` (Markdown's soft line breaks).

    A paragraph (or a list item with its continuation lines) that fits is left
    as written. Fenced code, 4-space-indented code, tables and headings are
    never touched; list items wrap with a hanging indent under their text.
    """
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if block and max(map(len, block)) > width:
            match = _LIST_ITEM.match(block[0])
            hang = " " * (len(match.group(1)) if match else len(block[0]) - len(block[0].lstrip()))
            joined = " ".join(line.strip() for line in block)
            lead = block[0][: len(block[0]) - len(block[0].lstrip())]
            out.extend(textwrap.wrap(joined, width, initial_indent=lead, subsequent_indent=hang,
                                     break_long_words=False, break_on_hyphens=False) or block)
        else:
            out.extend(block)
        block.clear()

    fenced = False
    for line in text.split("\n"):
        fence = line.lstrip().startswith("```")
        if fence or fenced or not line.strip() or line.startswith(("    ", "\t")) \
                or line.lstrip().startswith(("|", "#")):
            flush()
            out.append(line)
            fenced = fenced != fence
            continue
        if _LIST_ITEM.match(line):
            flush()
        block.append(line)
    flush()
    return "\n".join(out)


def _ask_choices(ui: PlainUI, prompt: str, n_choices: int) -> set[int]:
    """0-based choice indices typed as 1-based numbers; asks again until they make sense."""
    typed = ui.ask(prompt)
    while True:
        try:
            picked = {int(part) - 1 for part in typed.replace(",", " ").split()}
        except ValueError:
            picked = set()
        if picked and all(0 <= i < n_choices for i in picked):
            return picked
        typed = ui.ask(f"Please type a choice number from 1 to {n_choices}: ")


@dataclass
class PlainCoding:
    """Where code cards find their workspace files and log their runs (see plain_code)."""

    store: Any
    workspace_dir: Path
    cache_dir: Path | None = None
    #: Set per card: a due card is a scheduled review, written again from the starter.
    review: bool = False


def _code_card(ui: PlainUI, item: Item, catalog: Any,
               code: PlainCoding | None) -> tuple[int, str, str, None]:
    """A code card goes through the grader (as in the app); never self-graded."""
    from dlquiz.commands.plain_code import study_code_card

    exercise = catalog.exercise(item.card.exercise) if catalog is not None else None
    if exercise is None or code is None:
        ui.write(f"The exercise {item.card.exercise!r} cannot be graded here; "
                 "the card is buried until tomorrow.")
        raise _Action("bury")
    quality, verdict = study_code_card(ui, exercise, code.store, workspace_dir=code.workspace_dir,
                                       cache_dir=code.cache_dir, review=code.review)
    return quality, verdict, "exercise", None


def _show_and_grade(ui: PlainUI, item: Item, catalog: Any, rng: random.Random,
                    code: PlainCoding | None) -> tuple[int, str, str, dict[str, Any] | None]:
    """Present one item; return (quality, grade, graded_by, drawn)."""
    card = item.card
    if card.type == "choice":
        ui.write(card.front)
        for n, choice in enumerate(card.choices, start=1):
            ui.write(f"  {n}. {choice}")
        several = len(card.answer) > 1
        prompt = "Your answer (numbers separated by commas): " if several else "Your answer: "
        picked = _ask_choices(ui, prompt, len(card.choices))
        correct = picked == set(card.answer)
        right = ", ".join(str(i + 1) for i in card.answer)
        ui.write("Correct." if correct else f"Wrong: the answer is {right}.")
        if (card.explanation or "").strip():  # its own paragraph: never reflowed into the verdict
            ui.write((card.explanation or "").rstrip())
        return (AUTO_CORRECT, "correct", "auto", None) if correct else (AUTO_WRONG, "wrong", "auto", None)
    if card.type == "numeric":
        from dlquiz.numeric import check_answer, get_generator, parse_numbers

        generator = get_generator(card.generator)
        drawn = generator.draw(__import__("numpy").random.default_rng(rng.randrange(2**32)), card.params)
        problem = generator.solve(drawn, card.params)
        if card.front:
            ui.write(card.front)
        ui.write(problem.question)
        typed = ui.ask("Your answer: ")
        while not parse_numbers(typed):  # empty or a typo is not an answer
            typed = ui.ask("Please type a number (units are optional): ")
        correct = check_answer(problem, typed)
        answer = ", ".join(f"{a:g}" for a in problem.answer) + (f" {problem.unit}" if problem.unit else "")
        ui.write(("Correct" if correct else "Wrong") + f": {answer}")
        if problem.explanation.strip():
            ui.write(problem.explanation.rstrip())
        grade = "correct" if correct else "wrong"
        return (AUTO_CORRECT if correct else AUTO_WRONG), grade, "auto", dict(drawn)
    if card.type == "cloze":
        ui.write(render_cloze(card.text, item.cloze, reveal=False))
        ui.ask("Press Enter to reveal. ")
        ui.write(render_cloze(card.text, item.cloze, reveal=True))
    elif card.type == "code":
        return _code_card(ui, item, catalog, code)
    else:
        ui.write(card.front)
        ui.ask("Press Enter to show the answer. ")
        ui.write(card.back)
    if card.explanation and card.type != "choice":
        ui.write(f"Why: {card.explanation}".rstrip())
    grade = ui.self_grade()
    return SELF_GRADES[grade], grade, "self", None


def run_plain(session: StudySession, ui: PlainUI, catalog: Any = None, seed: int = 0,
              workspace_dir: Path | None = None) -> int:
    """The plain loop; returns 0. Every answer is committed before the next question.

    ``workspace_dir``: where code cards' files live (needed to study code cards).
    """
    rng = random.Random(seed)
    code = None
    if workspace_dir is not None:
        code = PlainCoding(session.store, workspace_dir, getattr(catalog, "cache_dir", None))
    ui.write("At any prompt: u undo, s suspend, b bury, q quit.")
    while (item := session.current()) is not None:
        progress = session.progress
        ui.write(f"\n[{progress.done + 1}/{progress.done + progress.remaining}] {item.key} ({session.current_kind()})")
        started = time.monotonic()
        ui.intervals = session.next_due_days()
        if code is not None:
            code.review = session.current_kind() == "due"
        try:
            quality, grade, graded_by, drawn = _show_and_grade(ui, item, catalog, rng, code)
        except _Action as action:
            if action.name == "quit":
                break
            if action.name == "undo":
                ui.write("Undone." if session.undo() else "Nothing to undo.")
            elif action.name == "suspend":
                session.suspend()
                ui.write("Suspended.")
            else:
                session.bury()
                ui.write("Buried until tomorrow.")
            continue
        try:
            session.answer(quality, grade=grade, graded_by=graded_by, duration_s=time.monotonic() - started, drawn=drawn)
        except DiskFullError as exc:  # the session goes on read-only; earlier answers are saved
            ui.write(f"{exc.message} This answer was not saved; the session goes on read-only.")
    summary = session.summary()
    ui.write(
        f"\nDone: {summary.answers} answers on {summary.cards} cards, {summary.correct_pct:.0f}% correct, "
        f"{summary.time_s:.0f} s." + (f" Next due: {summary.next_due}." if summary.next_due else "")
    )
    return 0


def _run(args: argparse.Namespace) -> int:
    catalog = load_catalog_for(args)
    items = select_items(catalog.items(), args.only, args.topic)
    if (args.only or args.topic) and not items:
        raise UsageError("no cards match --only/--topic")
    if not args.plain:
        try:
            from dlquiz.commands.app import run_app, study_plan
        except ModuleNotFoundError:
            pass  # installed without the TUI: the plain session below still works
        else:
            # The app opens straight into this session; escape goes to the decks.
            return int(run_app(args, plan=study_plan(args)) or 0)
    settings = settings_of(args)
    with open_store(paths_of(args)) as store:
        session = StudySession.build(
            items, store, config=settings.scheduling, mode="cram" if args.cram else "review", seed=args.seed
        )
        if session.current() is None:
            from dlquiz.study.session import nothing_to_study

            why = nothing_to_study(store, items, session.today, settings.scheduling)
            why = why.replace("in settings (o)", "in config.toml").replace("(c)", "(dlquiz study --cram)")
            print(f"Nothing to study right now. {why}")
            return 0
        if any(entry.item.card.type == "code" for entry in session.queue):
            from dlquiz.decks.trust import install
            from dlquiz.grading.sandbox import default_pool

            install(paths_of(args).data_dir, catalog.decks)  # a deck's own code: trusted once
            default_pool().prestart()  # the sandbox child imports NumPy while the first card shows
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        ui = PlainUI(input, lambda text: print(text, flush=True), echo=not sys.stdin.isatty(),
                     width=width)
        return run_plain(session, ui, catalog, args.seed, workspace_dir=paths_of(args).workspace_dir)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "study", help="study today's cards (--plain: line-based, no TUI)",
        description="Study due and new cards. --plain reads answers from stdin, one per line.",
    )  # fmt: skip
    parser.add_argument("--plain", action="store_true", help="line-based session (no TUI needed)")
    parser.add_argument("--cram", action="store_true", help="practise ahead of schedule; the schedule is not changed")
    parser.add_argument("--only", action="append", default=[], metavar="DECK_ID", help="only this deck (repeatable)")
    parser.add_argument("--topic", action="append", default=[], metavar="TOPIC", help="only this topic or finer (repeatable)")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000, help="shuffle seed")
    parser.set_defaults(handler=_run)


