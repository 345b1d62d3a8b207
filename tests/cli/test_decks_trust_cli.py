"""`dlquiz decks trust`, and what list / validate / check say and do about deck code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlquiz.cli import main
from dlquiz.grading.targets import set_trust_gate

REFS = """\
import pathlib
import numpy as np
from dlquiz.grading.case import Case

pathlib.Path(__file__).with_name("ran.marker").write_text("the deck's code ran")


def double(x):
    return np.asarray(x, dtype=np.float64) * 2


def double_cases(rng):
    return [Case("three", {"x": np.arange(3.0)}, "edge"),
            Case("random", {"x": rng.normal(size=4)}, "random")]
"""

DECK = """\
id: mine
title: Mine
description: A deck with its own exercise.
cards:
  - id: k
    type: code
    topics: [ml.terms]
    exercise: my-double
exercises:
  - id: my-double
    title: Double it
    topics: [ml.terms]
    function: double
    signature: double(x)
    prompt: Return 2 * x as float64.
    starter: |
      def double(x):
          return x
    hints: [Multiply by two.]
    solution: |
      import numpy as np

      def double(x):
          return np.asarray(x, dtype=np.float64) * 2
    reference: mine_refs.py:double
    cases: mine_refs.py:double_cases
"""

SOLUTION = "def double(values):\n    return [2.0 * v for v in values]\n"


@pytest.fixture(autouse=True)
def no_gate_left() -> Iterator[None]:
    yield
    set_trust_gate(None)


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "mine_refs.py").write_text(REFS, encoding="utf-8")
    (folder / "mine.yaml").write_text(DECK, encoding="utf-8")
    return folder / "mine.yaml"


def _ran(deck: Path) -> bool:
    return deck.with_name("ran.marker").exists()


def test_check_refuses_untrusted_code_with_one_line_then_trust_lets_it_run(
        deck: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    solution = tmp_path / "solution.py"
    solution.write_text(SOLUTION, encoding="utf-8")
    argv = ["--deck", str(deck.parent), "check", "my-double", str(solution)]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "mine_refs.py" in err and f"dlquiz decks trust {deck}" in err
    assert not _ran(deck)  # refused before any of the deck's code ran

    assert main(["decks", "trust", str(deck)]) == 0
    assert "trusted mine_refs.py" in capsys.readouterr().out
    assert main(argv) == 0
    assert _ran(deck)

    deck.with_name("mine_refs.py").write_text(REFS + "\n# edited\n", encoding="utf-8")
    assert main(argv) == 1  # the code changed: asked again
    assert "not trusted" in capsys.readouterr().err


def test_list_and_validate_say_which_decks_carry_code_and_whether_trusted(
        deck: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = ["--deck", str(deck.parent)]
    assert main([*folder, "decks", "list"]) == 0
    row = next(r for r in capsys.readouterr().out.splitlines() if r.startswith("mine"))
    assert row.endswith("user, code NOT trusted")
    assert main([*folder, "decks", "list", "--json"]) == 0
    record = next(r for r in json.loads(capsys.readouterr().out) if r["id"] == "mine")
    assert (record["code"], record["code_trusted"]) == (["mine_refs.py"], False)

    assert main(["decks", "validate", str(deck)]) == 1
    captured = capsys.readouterr()
    assert f"{deck}: carries Python code (mine_refs.py), not trusted" in captured.out
    assert f"dlquiz decks trust {deck}" in captured.err and not _ran(deck)
    assert main(["decks", "validate", "--no-grade", str(deck)]) == 0  # structure only: no code

    assert main(["decks", "trust", str(deck.parent)]) == 0  # a folder works too
    capsys.readouterr()
    assert main(["decks", "validate", str(deck)]) == 0
    assert "carries Python code (mine_refs.py), trusted" in capsys.readouterr().out
    assert main([*folder, "decks", "list", "--json"]) == 0
    record = next(r for r in json.loads(capsys.readouterr().out) if r["id"] == "mine")
    assert record["code_trusted"] is True

    assert main(["decks", "trust", "--revoke", str(deck)]) == 0
    assert "no longer trusted" in capsys.readouterr().out
    assert main([*folder, "decks", "list"]) == 0
    assert "code NOT trusted" in capsys.readouterr().out


def test_trust_on_a_deck_without_code_or_a_missing_path(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "plain.yaml"
    plain.write_text(DECK.split("exercises:")[0].replace("type: code", "type: basic")
                     .replace("exercise: my-double", "front: a\n    back: b"), encoding="utf-8")
    assert main(["decks", "trust", str(plain)]) == 0
    assert "carries no Python code" in capsys.readouterr().out
    assert main(["decks", "trust", str(tmp_path / "nope.yaml")]) == 1
    assert "nothing trusted" in capsys.readouterr().err
