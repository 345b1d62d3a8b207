"""Deck code trust: a user deck's Python runs only once trusted, keyed by its code's SHA-256."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlquiz.decks.loader import default_context, load_deck_file
from dlquiz.decks.trust import (
    TrustGate,
    TrustStore,
    UntrustedDeckCode,
    code_of_deck,
    deck_code,
    exercise_code,
)
from dlquiz.grading import grader
from dlquiz.grading.targets import set_trust_gate
from dlquiz.model import Deck

REFS = """\
import pathlib
import numpy as np
from dlquiz.grading.case import Case

pathlib.Path(__file__).with_name("imported.marker").write_text("ran")


def double(x):
    return np.asarray(x, dtype=np.float64) * 2


def double_cases(rng):
    return [Case("three", {"x": np.arange(3.0)}, "edge")]
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


def _deck(folder: Path, text: str = DECK, refs: str = REFS) -> Deck:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine_refs.py").write_text(refs, encoding="utf-8")
    (folder / "mine.yaml").write_text(text, encoding="utf-8")
    deck = load_deck_file(folder / "mine.yaml", default_context())
    assert isinstance(deck, Deck), deck
    return deck


@pytest.fixture(autouse=True)
def no_gate_left() -> Iterator[None]:
    yield
    set_trust_gate(None)


def test_code_is_the_named_files_and_foreign_modules(tmp_path: Path) -> None:
    deck = _deck(tmp_path / "a")
    code = code_of_deck(deck)
    assert code is not None and code.files == ("mine_refs.py",) and code.modules == ()
    bundled_like = DECK.replace("reference: mine_refs.py:double",
                                "reference: dlquiz.grading.reference.losses:smooth_l1")
    files, modules = exercise_code(_deck(tmp_path / "b", bundled_like).exercises[0])
    assert files == ["mine_refs.py"] and modules == []  # dlquiz's own references are not deck code
    foreign = DECK.replace("reference: mine_refs.py:double", "reference: os.path:join")
    foreign_code = code_of_deck(_deck(tmp_path / "c", foreign))
    assert foreign_code is not None and foreign_code.modules == ("os.path:join",)
    assert deck_code(str(tmp_path / "x.yaml"), []) is None


def test_digest_follows_the_code_not_the_place(tmp_path: Path) -> None:
    first = code_of_deck(_deck(tmp_path / "a"))
    shutil.copytree(tmp_path / "a", tmp_path / "moved")
    moved = load_deck_file(tmp_path / "moved" / "mine.yaml", default_context())
    assert isinstance(moved, Deck)
    same = code_of_deck(moved)
    edited = code_of_deck(_deck(tmp_path / "b", refs=REFS + "\n# one more line\n"))
    assert first is not None and same is not None and edited is not None
    assert first.digest == same.digest != edited.digest
    assert len(first.digest) == 64


def test_store_trusts_revokes_and_survives_a_corrupt_file(tmp_path: Path) -> None:
    code = code_of_deck(_deck(tmp_path / "a"))
    assert code is not None
    store = TrustStore(tmp_path / "data" / "trusted-decks.json")
    assert not store.is_trusted(code)
    store.trust(code)
    assert TrustStore(store.path).is_trusted(code)  # persisted
    assert store.revoke(code) and not store.is_trusted(code)
    store.path.write_text("{not json", encoding="utf-8")
    assert not store.is_trusted(code)  # unreadable: nothing trusted, no crash
    store.trust(code)
    assert store.is_trusted(code)


def test_untrusted_deck_code_never_runs_when_not_interactive(tmp_path: Path) -> None:
    deck = _deck(tmp_path / "a")
    exercise = deck.exercises[0]
    store = TrustStore(tmp_path / "trusted.json")
    set_trust_gate(TrustGate(store, [deck], interactive=False))
    with pytest.raises(UntrustedDeckCode) as raised:
        grader.grade(exercise, exercise.solution)
    message = str(raised.value)
    assert "\n" not in message and "mine_refs.py" in message
    assert f"dlquiz decks trust {deck.source.path}" in message
    assert not (tmp_path / "a" / "imported.marker").exists()  # refused before any of it ran
    store.trust(code_of_deck(deck))  # type: ignore[arg-type]
    assert grader.grade(exercise, exercise.solution).verdict == "pass"
    assert (tmp_path / "a" / "imported.marker").exists()


@pytest.mark.parametrize(("answer", "runs"), [("y\n", True), ("yes\n", True), ("\n", False),
                                              ("n\n", False)])
def test_interactive_gate_asks_once(tmp_path: Path, answer: str, runs: bool) -> None:
    deck = _deck(tmp_path / "a")
    store = TrustStore(tmp_path / "trusted.json")
    asked = io.StringIO()
    gate = TrustGate(store, [deck], interactive=True, stdin=io.StringIO(answer), stderr=asked)
    if runs:
        gate(deck.exercises[0])
        assert store.is_trusted(code_of_deck(deck))  # type: ignore[arg-type]
        gate(deck.exercises[0])  # trusted now: not asked again (stdin is exhausted)
        assert asked.getvalue().count("[y/N]") == 1
    else:
        with pytest.raises(UntrustedDeckCode):
            gate(deck.exercises[0])
    assert "mine_refs.py" in asked.getvalue() and "outside the sandbox" in asked.getvalue()


def test_gate_ignores_exercises_of_other_decks(tmp_path: Path) -> None:
    from dlquiz.grading.registry import bundled_exercises

    deck = _deck(tmp_path / "a")
    gate = TrustGate(TrustStore(tmp_path / "t.json"), [deck], interactive=False)
    gate(bundled_exercises()["nms"])  # bundled: not deck code, nothing asked
    loads: list[int] = []

    def provider() -> list[Deck]:
        loads.append(1)
        return [deck]

    lazy = TrustGate(TrustStore(tmp_path / "t.json"), provider, interactive=False)
    lazy(bundled_exercises()["nms"])
    assert loads == []  # the app's catalog is not loaded to grade a bundled exercise
    with pytest.raises(UntrustedDeckCode):
        lazy(deck.exercises[0])
    lazy(bundled_exercises()["nms"])
    assert loads == [1]
