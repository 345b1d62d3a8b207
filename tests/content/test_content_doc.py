"""docs/content.md's per-topic table is the decks' real coverage, and the counting is right.

The counting is checked on hand-made cards whose expected counts are written
out here; the doc check then regenerates the table from the bundled decks and
compares it with what the doc says, so a deck edit that changes a count fails
until the doc is regenerated.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlquiz.decks.coverage import (Topic, bundled_cards, count_topics, doc_section,
                                   load_checklist, markdown_table)
from dlquiz.grading.registry import bundled_exercises
from dlquiz.model import Card

DOC = Path(__file__).resolve().parents[2] / "docs" / "content.md"


def card(kind: str, *topics: str) -> Card:
    return Card(deck_id="d", id=f"{kind}-{'-'.join(topics)}", type=kind, topics=topics)


def test_counts_kinds_finer_ids_and_multi_topic_cards() -> None:
    checklist = [Topic("a", "A", ("Q", "C"), 3), Topic("a.b", "A.B", ("N",), 1),
                 Topic("ab", "AB", ("Q",), 1)]
    cards = [card("basic", "a"), card("cloze", "a.b.c"), card("choice", "ab"),
             card("code", "a", "ab"), card("numeric", "a.b")]
    rows = {r.topic.id: r for r in count_topics(cards, checklist)}
    # "ab" is not under "a": prefix matching is per dotted component.
    assert (rows["a"].questions, rows["a"].numeric, rows["a"].code) == (2, 1, 1)
    assert (rows["a.b"].questions, rows["a.b"].numeric, rows["a.b"].code) == (1, 1, 0)
    assert (rows["ab"].questions, rows["ab"].numeric, rows["ab"].code) == (1, 0, 1)
    assert rows["a"].ok and rows["a.b"].ok and rows["ab"].ok


def test_a_short_topic_is_marked() -> None:
    rows = count_topics([card("basic", "t")], [Topic("t", "T", ("Q", "N"), 2)])
    assert rows[0].missing_kinds == ("N",) and not rows[0].ok
    assert markdown_table(rows).splitlines()[-1].endswith("| 1 ✗ |")


def test_doc_table_matches_the_bundled_decks() -> None:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"<!-- topic-counts:begin -->\n(.*?)\n<!-- topic-counts:end -->", text, re.S)
    assert found, "docs/content.md lost its topic-counts markers"
    expected = doc_section(bundled_cards(), load_checklist(), len(bundled_exercises()))
    assert found.group(1) == expected, "regenerate with: python -m dlquiz.decks.coverage"
    assert "✗" not in found.group(1)
