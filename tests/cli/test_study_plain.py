"""``dlquiz study --plain`` as a learner pipes it: lines on their own, code through the grader.

The sessions run through ``dlquiz.cli.main`` with a scripted stdin (not a
terminal, as in a pipe). For code cards the script edits the workspace file
between two Enter presses, as the learner does in an editor; the grader is
the real sandbox. What is logged is read back from the store.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from core_decks import DECK, NUMERIC, write_deck

from dlquiz.cli import main
from dlquiz.commands.plain_code import prepare_file
from dlquiz.commands.study import wrap_prose
from dlquiz.grading.registry import bundled_exercises
from dlquiz.grading.workspace import backups, starter_text
from dlquiz.paths import resolve_paths
from dlquiz.store.database import Store

CODE_DECK = """\
id: cdeck
title: Code deck
description: One code card.
cards:
  - id: hsig
    type: code
    topics: [arch.conv-variants]
    exercise: h-sigmoid
"""

Step = str | Callable[[], str]


class ScriptedStdin(io.StringIO):
    """stdin for ``input()``: each line is a string, or a function run when it is read."""

    def __init__(self, steps: list[Step]) -> None:
        super().__init__()
        self.steps = iter(steps)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        step = next(self.steps, None)
        if step is None:
            return ""  # end of input
        return (step() if callable(step) else step) + "\n"


def study(monkeypatch: pytest.MonkeyPatch, decks: Path, only: str, steps: list[Step],
          *extra: str) -> str:
    monkeypatch.setattr("sys.stdin", ScriptedStdin(steps))
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    code = main(["--deck", str(decks), "study", "--plain", "--only", only, "--seed", "0", *extra])
    assert code == 0
    return out.getvalue()


def follows(lines: list[str], first: str, then: str) -> bool:
    """Some line equal to ``first`` is directly followed by one starting with ``then``."""
    return any(a == first and b.startswith(then) for a, b in zip(lines, lines[1:]))


def test_piped_every_answer_starts_on_its_own_line(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    decks = tmp_path / "decks"
    write_deck(decks)
    # basic: Enter, Good | choice: 2 (right) | cloze c1: Enter, Good | cloze c2: Enter, Good
    lines = study(monkeypatch, decks, "tdeck", ["", "3", "2", "", "3", "", "3"]).splitlines()
    assert follows(lines, "Press Enter to show the answer. ", "A sliding dot product.")
    assert follows(lines, "A sliding dot product.", "Grade: 1 Again")
    assert follows(lines, "Your answer: 2", "Correct.")
    assert follows(lines, "Press Enter to reveal. ", "**alpha** and beta")
    assert all(line.endswith(": 3") for line in lines if line.startswith("Grade: "))
    assert max(map(len, lines)) <= 80

    write_deck(decks, NUMERIC, "ndeck.yaml")
    lines = study(monkeypatch, decks, "ndeck", ["-12345"]).splitlines()
    assert follows(lines, "Your answer: -12345", "Wrong: ")


def test_on_a_narrow_terminal_the_verdict_keeps_its_own_line(tmp_path: Path) -> None:
    from dlquiz.commands.study import PlainUI, run_plain
    from dlquiz.model import Card
    from dlquiz.study.session import StudySession

    card = Card("tdeck", "b", "choice", ("arch.conv",), front="Pick the second one of these.",
                choices=("first", "second", "third"), answer=(1,),
                explanation="It is the second because the list is numbered from one here.")
    answers = iter(["2"])
    written: list[str] = []

    def read(prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    with Store.open(tmp_path / "db.sqlite3") as store:
        run_plain(StudySession.build(list(card.items()), store, seed=0),
                  PlainUI(read, written.append, width=30))
    lines = "\n".join(written).splitlines()
    assert follows(lines, "Correct.", "It is the second because the")
    assert max(map(len, lines)) <= 30


def test_a_code_card_is_graded_by_the_grader_and_logged_as_the_app_logs_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    decks = tmp_path / "decks"
    write_deck(decks, CODE_DECK, "cdeck.yaml")
    exercise = bundled_exercises()["h-sigmoid"]
    workspace = resolve_paths().workspace_dir
    file = workspace / "h-sigmoid.py"

    def solve() -> str:
        file.write_text(exercise.solution, encoding="utf-8")  # the learner saves in an editor
        return ""

    # Enter grades the starter (it must fail), then the learner writes the solution.
    out = study(monkeypatch, decks, "cdeck", ["", solve])
    lines = out.splitlines()
    assert f"Your file: {file}" in lines and "The file holds the starter code." in lines
    assert any(line.startswith("wrong_answer ") for line in lines)
    assert any(line.startswith("pass ") for line in lines)
    assert "Passed! The worked solution, for comparison:" in lines
    assert "Grade:" not in out  # never self-graded
    with Store.open(resolve_paths().database) as store:
        logged = [(r.item_key, r.quality, r.grade, r.graded_by, r.scheduled)
                  for r in store.reviews()]
        verdicts = [v for (v,) in store.query("SELECT verdict FROM exercise_attempts ORDER BY at")]
    assert logged == [("cdeck/hsig", 4, "pass", "exercise", True)]  # a pass after a failed run
    assert verdicts == ["wrong_answer", "pass"]

    # The same code again (cram keeps the file): a repeat, at most Hard, not a recall.
    out = study(monkeypatch, decks, "cdeck", [""], "--cram")
    assert "same code as an earlier pass" in out
    with Store.open(resolve_paths().database) as store:
        last = list(store.reviews())[-1]
    assert (last.quality, last.grade, last.graded_by, last.scheduled) == (3, "pass_repeat",
                                                                           "exercise", False)


def test_a_hint_then_giving_up_shows_the_solution_and_logs_a_miss(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    decks = tmp_path / "decks"
    write_deck(decks, CODE_DECK, "cdeck.yaml")
    exercise = bundled_exercises()["h-sigmoid"]
    # n before any run is not a way out; a hint; g asks first (no), then g, yes.
    out = study(monkeypatch, decks, "cdeck", ["n", "h", "g", "", "g", "y"])
    assert "Press Enter to grade, or type h, g." in out
    assert f"Hint 1. {exercise.hints[0]}" in out
    assert out.count("Give up and see the solution?") == 2
    assert exercise.solution.rstrip() in out
    with Store.open(resolve_paths().database) as store:
        logged = [(r.item_key, r.quality, r.grade, r.graded_by) for r in store.reviews()]
        assert store.query("SELECT COUNT(*) FROM exercise_attempts")[0][0] == 0
    assert logged[0] == ("cdeck/hsig", 1, "gave_up", "exercise")


def test_a_due_code_card_is_written_again_from_the_starter(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    decks = tmp_path / "decks"
    write_deck(decks, CODE_DECK, "cdeck.yaml")
    exercise = bundled_exercises()["h-sigmoid"]
    paths = resolve_paths()
    with Store.open(paths.database) as store:  # passed ten days ago: due today
        store.answer("cdeck/hsig", 5, grade="pass", graded_by="exercise", duration_s=1.0,
                     now=datetime.now(UTC) - timedelta(days=10))
    paths.workspace_dir.mkdir(parents=True)
    (paths.workspace_dir / "h-sigmoid.py").write_text(exercise.solution, encoding="utf-8")
    # Enter grades what the file holds now (the starter: it fails), then n moves on.
    out = study(monkeypatch, decks, "cdeck", ["", "n"])
    assert "(due)" in out and "A review starts from the starter" in out
    assert any(line.startswith("wrong_answer ") for line in out.splitlines())
    assert (paths.workspace_dir / "h-sigmoid.py").read_text(encoding="utf-8") == \
        starter_text(exercise)
    assert [p.read_text(encoding="utf-8") for p in backups(paths.workspace_dir, exercise.id)] == \
        [exercise.solution]
    with Store.open(paths.database) as store:
        last = list(store.reviews())[-1]
    assert (last.quality, last.grade, last.scheduled) == (2, "wrong_answer", True)


def test_a_review_starts_from_the_starter_and_keeps_the_last_attempt(tmp_path: Path) -> None:
    exercise = bundled_exercises()["h-sigmoid"]
    mine = "def h_sigmoid(x):\n    return x  # my attempt\n"
    (tmp_path / "h-sigmoid.py").write_text(mine, encoding="utf-8")
    path, _ = prepare_file(tmp_path, exercise, review=False)
    assert path.read_text(encoding="utf-8") == mine  # new card, re-drill, cram: kept
    path, note = prepare_file(tmp_path, exercise, review=True)
    assert path.read_text(encoding="utf-8") == starter_text(exercise)
    assert [p.read_text(encoding="utf-8") for p in backups(tmp_path, exercise.id)] == [mine]
    assert ".backups" in note


def test_on_a_terminal_prose_wraps_at_words_and_code_never_does() -> None:
    prose = "word " * 30
    text = f"{prose}\n  1. {prose}\n```\nx = [{'1, ' * 40}]\n```\n    indented = {'2, ' * 40}"
    lines = wrap_prose(text, 40).split("\n")
    fence = lines.index("```")
    assert all(len(line) <= 40 for line in lines[:fence])
    assert " ".join(w for line in lines[:fence] for w in line.split()) == \
        " ".join((prose + " 1. " + prose).split())
    second = next(i for i, line in enumerate(lines) if line.startswith("  1. "))
    assert lines[second + 1].startswith("     word")  # hanging indent under the choice text
    assert lines[fence + 1] == f"x = [{'1, ' * 40}]" and lines[-1] == f"    indented = {'2, ' * 40}"
    # A paragraph with a line too long is reflowed as Markdown reads it; one that fits is kept.
    soft = "Why: the first line of the paragraph runs past the edge\nand this one is short."
    assert wrap_prose(soft, 42).split("\n") == ["Why: the first line of the paragraph runs",
                                                 "past the edge and this one is short."]
    assert wrap_prose("short\nlines", 40) == "short\nlines"
