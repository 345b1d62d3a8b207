"""Renaming a deck or changing a card's type orphans its history: dlquiz says so and maps it back."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlquiz.cli import main
from dlquiz.paths import resolve_paths
from dlquiz.store.database import Store
from dlquiz.store.orphans import find_mappings

DECK = """id: {deck}
title: T
description: d
cards:
  - id: focal
    type: {kind}
    topics: [detection.focal-loss]
{body}  - id: nms
    type: basic
    topics: [detection.nms]
    front: What is NMS?
    back: Non-maximum suppression.
"""
BASIC = "    front: What does gamma do?\n    back: Down-weights easy examples.\n"
CLOZE = "    text: \"gamma {{c1::down-weights easy examples}}\"\n"


def test_find_mappings_for_a_type_change_and_a_rename() -> None:
    loaded = ["new/focal#c1", "new/nms", "keep/a"]
    history = ["old/focal", "old/nms", "keep/a", "keep/gone"]
    assert [(m.old, m.new, m.items) for m in find_mappings(history, loaded)] == [
        ("old", "new", 2)]
    assert [(m.old, m.new) for m in find_mappings(["new/focal"], loaded)] == [
        ("new/focal", "new/focal#c1")]
    # a removed card is not an orphan to map: it waits for the card to come back
    assert find_mappings(["keep/gone"], loaded) == []
    # a deck whose ids match two loaded decks equally is ambiguous: no proposal
    assert find_mappings(["x/a"], ["y/a", "z/a"]) == []
    # the new deck already has history of its own: not a rename
    assert find_mappings(["old/nms", "new/nms"], loaded) == []


def answer(keys: list[str]) -> None:
    with Store.open(resolve_paths().database) as store:
        for key in keys:
            store.answer(key, 4, grade="good", graded_by="self", duration_s=1)


def test_a_type_change_is_reported_and_remapped(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    deck = tmp_path / "mine.yaml"
    deck.write_text(DECK.format(deck="mine", kind="basic", body=BASIC))
    answer(["mine/focal", "mine/focal", "mine/nms"])
    deck.write_text(DECK.format(deck="mine", kind="cloze", body=CLOZE))
    capsys.readouterr()
    assert main(["--deck", str(deck), "decks", "list"]) == 0
    err = capsys.readouterr().err
    assert ("warning: history of 1 item(s) under 'mine/focal' is not on any loaded card: card "
            "mine/focal is now a cloze card (its key changed with its type); keep it with: "
            "dlquiz db remap mine/focal mine/focal#c1") in err
    assert main(["db", "remap", "mine/focal", "mine/focal#c1"]) == 0
    assert "moved 2 reviews from mine/focal to mine/focal#c1" in capsys.readouterr().out
    with Store.open(resolve_paths().database) as store:
        assert store.state("mine/focal#c1").repetitions == 2
        assert store.state("mine/focal").last_reviewed is None
    assert main(["--deck", str(deck), "decks", "list"]) == 0
    assert "warning" not in capsys.readouterr().err
    assert main(["db", "check"]) == 0


def test_a_deck_rename_is_reported_and_remapped(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    deck = tmp_path / "mine.yaml"
    deck.write_text(DECK.format(deck="mine", kind="basic", body=BASIC))
    answer(["mine/focal", "mine/nms", "mine/nms"])
    deck.write_text(DECK.format(deck="detection-notes", kind="basic", body=BASIC))
    capsys.readouterr()
    assert main(["--deck", str(deck), "decks", "validate", "--no-grade"]) == 0
    err = capsys.readouterr().err
    assert ("history of 2 item(s) under 'mine' is not on any loaded card: 2 of its 2 card ids "
            "are in deck 'detection-notes' (was the deck renamed?); keep it with: dlquiz db "
            "remap mine detection-notes") in err
    assert main(["db", "remap", "mine", "detection-notes"]) == 0
    with Store.open(resolve_paths().database) as store:
        assert store.state("detection-notes/nms").repetitions == 2
        assert {r.item_key for r in store.reviews()} == {"detection-notes/focal",
                                                         "detection-notes/nms"}
    assert main(["db", "check"]) == 0
    assert main(["db", "remap", "mine", "x/y"]) == 2  # a deck id onto a key: usage error
