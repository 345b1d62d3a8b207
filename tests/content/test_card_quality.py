"""Quality rules over ALL bundled decks and exercises (issue 15).

* No card points the learner at a source they do not have ("the notes", 笔记,
  "in the text above").
* No near-duplicate questions within or across decks: the fronts of basic and
  choice cards and the texts of cloze cards, normalised (case, punctuation,
  cloze markup), must not reach a difflib ``SequenceMatcher`` ratio of 0.9. Only
  pairs whose lengths allow that ratio are compared (ratio <= 2·min/(a + b)),
  with the cheap upper bounds ``real_quick_ratio`` / ``quick_ratio`` first, so
  the check stays well under a second for ~1,000 cards.
* Every card and every bundled exercise has ``difficulty`` in {easy, medium, hard}.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from dlquiz.grading.registry import bundled_exercises

DECKS = Path(__file__).resolve().parents[2] / "decks"
DIFFICULTIES = {"easy", "medium", "hard"}
NEAR_DUPLICATE_RATIO = 0.9
FORBIDDEN_REFERENCES = [re.compile(r"\bthe notes\b", re.IGNORECASE), re.compile("笔记"),
                        re.compile(r"\bin the text above\b", re.IGNORECASE)]
TEXT_FIELDS = ("front", "back", "text", "explanation", "prompt")


@lru_cache(maxsize=1)
def _decks() -> dict[str, dict[str, Any]]:
    return {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(DECKS.glob("*.yaml"))}


def _cards() -> list[tuple[str, dict[str, Any]]]:
    return [(name, card) for name, deck in _decks().items() for card in deck.get("cards") or []]


def _texts(card: dict[str, Any]) -> list[str]:
    parts = [str(card[k]) for k in TEXT_FIELDS if card.get(k)]
    return parts + [str(c) for c in card.get("choices") or []]


def normalise(text: str) -> str:
    """Lower case, cloze markup and punctuation removed, whitespace collapsed."""
    text = re.sub(r"\{\{c\d+::(.*?)(::[^}]*)?\}\}", r"\1", text)
    text = re.sub(r"[^\w\s]", " ", text.lower())
    return " ".join(text.split())


def near_duplicates(fronts: list[tuple[str, str]], ratio: float = NEAR_DUPLICATE_RATIO
                    ) -> list[tuple[str, str, float]]:
    """Pairs of (key, key, ratio) whose normalised fronts are at least ``ratio`` similar."""
    items = sorted(((normalise(t), k) for k, t in fronts), key=lambda p: len(p[0]))
    bound = ratio / (2.0 - ratio)   # shortest/longest length ratio below which ratio() < ratio
    found = []
    for i, (a, key_a) in enumerate(items):
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(a)  # seq2 is the one SequenceMatcher preprocesses and caches
        for b, key_b in items[i + 1:]:
            if len(a) < bound * len(b):
                break
            matcher.set_seq1(b)
            if (matcher.real_quick_ratio() >= ratio and matcher.quick_ratio() >= ratio
                    and matcher.ratio() >= ratio):
                found.append((key_a, key_b, round(matcher.ratio(), 3)))
    return found


def test_normalise_and_detector_on_known_pairs() -> None:
    assert normalise("What is {{c1::IoU}}?  (x1, y1)") == "what is iou x1 y1"
    pairs = [("a", "What does a max-pooling layer do?"), ("b", "What does a max pooling layer do"),
             ("c", "Why is a median filter used for salt-and-pepper noise?")]
    assert {frozenset((x, y)) for x, y, _ in near_duplicates(pairs)} == {frozenset("ab")}
    assert near_duplicates([("x", "Define precision."), ("y", "Define recall.")]) == []


def test_no_card_refers_to_sources_the_learner_does_not_have() -> None:
    bad = [f"{deck}/{card.get('id')}: {pattern.pattern!r}"
           for deck, card in _cards() for text in _texts(card)
           for pattern in FORBIDDEN_REFERENCES if pattern.search(text)]
    assert bad == [], f"{len(bad)} card(s) in {sorted({b.split('/')[0] for b in bad})}"


def test_no_near_duplicate_fronts_within_or_across_decks() -> None:
    fronts = [(f"{deck}/{card['id']}", str(card.get("front") or card.get("text") or ""))
              for deck, card in _cards() if card.get("type") in {"basic", "choice", "cloze"}]
    assert len(fronts) > 100
    assert near_duplicates(fronts) == []


def test_every_card_has_a_difficulty() -> None:
    missing: dict[str, int] = defaultdict(int)
    for deck, card in _cards():
        if card.get("difficulty") not in DIFFICULTIES:
            missing[deck] += 1
    assert dict(missing) == {}, f"cards without difficulty per deck: {dict(missing)}"


def test_every_exercise_has_a_difficulty() -> None:
    missing = sorted(f"{e.id} ({Path(str(getattr(e.source, 'path', e.source))).name})"
                     for e in bundled_exercises().values()
                     if getattr(e, "difficulty", None) not in DIFFICULTIES)
    assert missing == []


@pytest.mark.parametrize("deck", sorted(p.name for p in DECKS.glob("*.yaml")))
def test_deck_parses_with_cards(deck: str) -> None:
    data = yaml.safe_load((DECKS / deck).read_text(encoding="utf-8"))
    assert data.get("cards"), deck
