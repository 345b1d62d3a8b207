"""A small deck written into a temp dir for the core CLI tests."""

from __future__ import annotations

from pathlib import Path

DECK = """\
id: tdeck
title: Test deck
description: Cards for the core CLI tests.
cards:
  - id: a
    type: basic
    topics: [arch.conv]
    front: What is a convolution?
    back: A sliding dot product.
  - id: b
    type: choice
    topics: [arch.conv]
    front: Pick the second.
    choices: ["first", "second", "third"]
    answer: 1
    explanation: It is the second.
  - id: c
    type: cloze
    topics: [arch.conv-variants]
    text: "{{c1::alpha}} and {{c2::beta}}"
"""

NUMERIC = """\
id: ndeck
title: Numeric deck
description: One numeric card.
cards:
  - id: size
    type: numeric
    topics: [arch.conv]
    generator: conv_output_size
"""


def write_deck(folder: Path, text: str = DECK, name: str = "tdeck.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
