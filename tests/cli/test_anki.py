"""Anki export (.apkg) and import (Notes in Plain Text), through the real CLI."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
import yaml

from dlquiz.cli import main
from dlquiz.decks.loader import default_context, load_deck_bytes
from dlquiz.interop.anki import AnkiImportError, html_to_markdown, read_anki_text
from dlquiz.model import Deck

DECK = """\
id: mini
title: Mini deck
description: Four kinds of card.
cards:
  - id: q1
    type: basic
    topics: [detection.nms]
    front: What does NMS remove?
    back: "Boxes whose IoU with a kept, higher-scoring box exceeds the threshold."
    explanation: |
      Greedy:

      ```python
      keep = nms(boxes, scores, 0.5)
      ```
  - id: c1
    type: cloze
    topics: [detection.nms]
    text: "IoU = {{c1::intersection}} / {{c2::union}}"
  - id: ch1
    type: choice
    topics: [detection.nms]
    front: Which is suppressed?
    choices: [the best box, a duplicate box]
    answer: 1
    explanation: Duplicates overlap the best box.
  - id: n1
    type: numeric
    topics: [detection.nms]
    generator: box_iou
    params: {}
"""


def _notes(apkg: Path) -> list[tuple[str, str, str]]:
    with zipfile.ZipFile(apkg) as z:
        data = z.read("collection.anki2")
    db = apkg.with_suffix(".anki2")
    db.write_bytes(data)
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT guid, flds, tags FROM notes ORDER BY id").fetchall()


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    d = tmp_path / "decks"
    d.mkdir()
    (d / "mini.yaml").write_text(DECK, encoding="utf-8")
    return d


def test_export_holds_the_expected_notes(deck_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.apkg"
    assert main(["--deck", str(deck_dir), "export", "anki", str(out), "--deck", "mini"]) == 0
    notes = _notes(out)
    assert len(notes) == 4
    fields = [flds.split("\x1f") for _, flds, _ in notes]
    basic, cloze, choice, numeric = fields
    assert "What does NMS remove?" in basic[0]
    assert "<pre><code" in basic[1] and "keep = nms(boxes, scores, 0.5)" in basic[1]
    assert "{{c1::intersection}}" in cloze[0] and "{{c2::union}}" in cloze[0]
    assert "A. the best box" in choice[0] and "B. a duplicate box" in choice[0]
    assert "<strong>B. a duplicate box</strong>" in choice[1]
    assert "IoU" in numeric[0] and "<strong>" in numeric[1]  # a worked example
    assert all("detection.nms" in tags for _, _, tags in notes)


def test_reexport_keeps_guids_so_anki_updates_instead_of_duplicating(
        deck_dir: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    main(["--deck", str(deck_dir), "export", "anki", str(first), "--deck", "mini"])
    edited = DECK.replace("What does NMS remove?", "What does non-maximum suppression remove?")
    (deck_dir / "mini.yaml").write_text(edited, encoding="utf-8")
    main(["--deck", str(deck_dir), "export", "anki", str(second), "--deck", "mini"])
    guids_a = [g for g, _, _ in _notes(first)]
    guids_b = [g for g, _, _ in _notes(second)]
    assert guids_a == guids_b and len(set(guids_a)) == 4
    assert "non-maximum suppression" in _notes(second)[0][1]


def test_export_unknown_deck_is_a_usage_error(deck_dir: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--deck", str(deck_dir), "export", "anki", str(tmp_path / "x.apkg"),
                 "--deck", "nope"]) == 2
    assert "unknown deck id(s): nope" in capsys.readouterr().err


ANKI_TEXT = (
    "#separator:tab\n"
    "#html:true\n"
    "#guid column:1\n"
    "#tags column:4\n"
    "Ab3+xY\tWhat is <b>IoU</b>?\tIntersection over union<br>of two boxes\tdetection nms\n"
    "Zz9/Q1\t{{c1::Focal loss}} down-weights easy examples\tLin et al. 2017\tloss\n"
    "Cc0\tCode?\t\"<pre>x = 1\ny = 2</pre>\"\t\n"
    "Dd1\tLast\tone\t\n"
)


def test_import_hand_made_export_gives_the_expected_deck(tmp_path: Path) -> None:
    src = tmp_path / "notes.txt"
    src.write_text(ANKI_TEXT, encoding="utf-8")
    out = tmp_path / "imported.yaml"
    assert main(["import", "anki-text", str(src), "--deck-id", "imported",
                 "--output", str(out)]) == 0
    deck = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert deck["id"] == "imported"
    q, c, code, last = deck["cards"]
    assert last["front"] == "Last"
    assert q == {"id": "anki-ab3-xy", "type": "basic", "topics": ["user.anki"],
                 "front": "What is **IoU**?", "back": "Intersection over union\nof two boxes",
                 "tags": ["detection", "nms"]}
    assert c["type"] == "cloze" and c["text"] == "{{c1::Focal loss}} down-weights easy examples"
    assert c["explanation"] == "Lin et al. 2017"
    assert "```\nx = 1\ny = 2\n```" in code["back"]
    # Re-importing gives the same ids: they come from the GUIDs, not from the order.
    again = read_anki_text(src, "imported")
    assert [card["id"] for card in again["cards"]] == [q["id"], c["id"], code["id"], last["id"]]
    # And the written deck loads as a valid dlquiz deck.
    result = load_deck_bytes(out.read_bytes(), str(out), default_context())
    assert isinstance(result, Deck), [str(e) for e in getattr(result, "errors", ())]
    assert len(result.cards) == 4


def test_comma_separated_export_without_header(tmp_path: Path) -> None:
    src = tmp_path / "notes.csv"
    src.write_text('front one,"back, with comma"\nfront two,back two\n', encoding="utf-8")
    deck = read_anki_text(src, "csvdeck")
    assert [(c["front"], c["back"]) for c in deck["cards"]] == [
        ("front one", "back, with comma"), ("front two", "back two")]


def test_wrong_column_count_names_the_line(tmp_path: Path) -> None:
    src = tmp_path / "bad.txt"
    src.write_text('#separator:tab\nfront\t"multi\nline back"\nonly-front\nf\tb\n',
                   encoding="utf-8")
    with pytest.raises(AnkiImportError, match=r"bad\.txt:4: expected 2 columns .*got 1"):
        read_anki_text(src, "bad")


def test_bad_encoding_names_the_line(tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "latin1.txt"
    src.write_bytes("#separator:tab\nok\tfine\ncaf\xe9\tbad\n".encode("latin-1"))
    assert main(["import", "anki-text", str(src), "--deck-id", "x",
                 "--output", str(tmp_path / "x.yaml")]) == 1
    err = capsys.readouterr().err
    assert "latin1.txt:3: not valid UTF-8 (byte 0xe9)" in err
    assert not (tmp_path / "x.yaml").exists()


def test_html_to_markdown_keeps_structure() -> None:
    assert html_to_markdown("a<br>b") == "a\nb"
    assert html_to_markdown("<i>x</i> &amp; <code>y</code>") == "*x* & `y`"
    assert html_to_markdown("<ul><li>one</li><li>two</li></ul>") == "- one\n- two"
