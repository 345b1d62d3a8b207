"""The "smooth L1" custom exercise from README.md ("Write your own exercise"), copied
verbatim into a temp decks dir and graded end to end through the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dlquiz.cli import main

DOC = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"<!-- example-file: (\S+) -->\n```\w*\n(.*?)```", re.DOTALL)

CORRECT = """import numpy as np

def smooth_l1_loss(pred, target, beta=1.0):
    d = np.abs(pred - target)
    quad = 0.5 * d * d / beta
    return float(np.mean(np.where(d < beta, quad, d - beta / 2)))
"""
# A classic slip: using <= at the boundary is fine, but forgetting to divide by beta is not.
WRONG = """import numpy as np

def smooth_l1_loss(pred, target, beta=1.0):
    d = np.abs(pred - target)
    return float(np.mean(np.where(d < beta, 0.5 * d * d, d - 0.5 * beta)))
"""


@pytest.fixture
def deck_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    found = dict(BLOCK.findall(DOC.read_text(encoding="utf-8")))
    files = {Path(name).name: text for name, text in found.items()
             if name.startswith("my-decks/")}
    assert set(files) == {"my_losses.yaml", "my_losses_refs.py"}
    decks = tmp_path / "decks"
    decks.mkdir()
    for name, text in files.items():
        (decks / name).write_text(text, encoding="utf-8")
    assert main(["decks", "trust", str(decks)]) == 0  # as the README says: its .py is code
    capsys.readouterr()
    return decks


def _check(deck_dir: Path, tmp_path: Path, source: str, capsys: pytest.CaptureFixture[str]
           ) -> tuple[int, dict]:  # type: ignore[type-arg]
    solution = tmp_path / "solution.py"
    solution.write_text(source, encoding="utf-8")
    code = main(["--deck", str(deck_dir), "check", "smooth-l1", str(solution), "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_correct_solution_passes(deck_dir: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _check(deck_dir, tmp_path, CORRECT, capsys)
    assert (code, report["verdict"]) == (0, "pass"), report
    assert report["exercise"] == "smooth-l1"
    assert report["passed"] == report["total"] == 18
    assert [c["name"] for c in report["cases"][:3]] == [
        "one element inside beta", "difference exactly beta", "large errors"]


def test_wrong_solution_fails_with_a_case(deck_dir: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _check(deck_dir, tmp_path, WRONG, capsys)
    assert code == 1 and report["verdict"] == "wrong_answer"
    failing = [c for c in report["cases"] if c["status"] == "wrong_answer"]
    assert failing and "expected" in failing[0]["message"]


def test_example_exercise_validates(deck_dir: Path) -> None:
    from dlquiz.decks.catalog import load_catalog
    from dlquiz.grading.validate import validate_exercise
    from dlquiz.paths import resolve_paths

    catalog = load_catalog(resolve_paths(), [str(deck_dir)])
    exercise = catalog.exercise("smooth-l1")
    assert exercise is not None, catalog.errors()
    assert validate_exercise(exercise) == []
