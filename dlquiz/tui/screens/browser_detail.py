"""The card browser's parts that need no screen: the per-catalog index, and what it shows
of an item (one line in the results, the whole card in detail).

The rendering functions go from model objects to ``rich.text.Text`` (no markup is
parsed, so a ``[`` in a card is shown as written); the screen decides when to show them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from dlquiz.model import Item, render_cloze
from dlquiz.study.browse import BrowseIndex

if TYPE_CHECKING:
    from dlquiz.decks.catalog import Catalog

#: Catalogs larger than this are frozen out of the cyclic GC once indexed (see index_for).
FREEZE_ABOVE = 20_000
_index_cache: tuple[Catalog, BrowseIndex] | None = None


def index_for(catalog: Catalog) -> BrowseIndex:
    """The catalog's browse index, built on first use and kept until the catalog changes.

    The catalog and the index are a million long-lived objects on a large
    collection; ``gc.freeze()`` (above :data:`FREEZE_ABOVE` items) moves them out
    of the cyclic collector's sight, whose full passes over them (half a second
    each at 100k cards) would otherwise stall typing at random.
    """
    global _index_cache
    if _index_cache is None or _index_cache[0] is not catalog:
        import gc

        _index_cache = (catalog, BrowseIndex.build(catalog.items()))
        catalog.item("")  # builds the catalog's key map now, not on the first highlight
        if len(_index_cache[1]) > FREEZE_ABOVE:
            gc.freeze()
    return _index_cache[1]


#: Lines that start like this keep their line break (lists, tables, code, quotes, headings).
_KEEP_BREAK = re.compile(r"^(\s*([-*+>|#]|\d+[.)])\s|    )")


def reflow(text: str) -> str:
    """Markdown paragraphs as the pane wraps them: a single line break is a space.

    Deck text is hard-wrapped at ~90 columns in YAML; re-wrapped at the pane's
    width without this, every line would end in a short stub.
    """
    paragraphs = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        if "```" in block:  # code is shown as written
            paragraphs.append(block)
            continue
        out = [lines[0]]
        for line in lines[1:]:
            if _KEEP_BREAK.match(line):
                out.append(line)
            else:
                out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        paragraphs.append("\n".join(out))
    return "\n\n".join(paragraphs)


def front_line(item: Item, width: int = 70) -> str:
    """The card's question on one line, for the results table."""
    card = item.card
    text = {"cloze": render_cloze(card.text, item.cloze, reveal=False),
            "code": f"exercise {card.exercise}"}.get(card.type, card.front)
    plain = text.replace("**", "").replace("`", "")  # Markdown emphasis reads as noise here
    line = " ".join(plain.split()) or (f"numeric: {card.generator}" if card.generator else "")
    return line if len(line) <= width else line[: width - 1] + "…"


def detail_text(item: Item, state: str, lines: list[str], total: int) -> Text:
    """The detail pane: the card as written (answer shown) and its review history."""
    card = item.card
    out = Text()
    out.append(f"{item.key}", "bold")
    out.append(f"  {card.type} · {', '.join(card.topics)} · {state}\n", "dim")
    body = {"cloze": render_cloze(card.text, item.cloze, reveal=True),
            "code": f"Coding exercise {card.exercise}"}.get(card.type, card.front)
    out.append(reflow(body) + "\n")
    for i, choice in enumerate(card.choices):
        out.append(f"  {'✓' if i in card.answer else '·'} {choice}\n")
    if card.type == "numeric":
        out.append(f"  numbers drawn by {card.generator} {dict(card.params) or ''}\n", "dim")
    if card.back:
        out.append("\n" + reflow(card.back) + "\n")
    if card.explanation:
        out.append("\n" + reflow(card.explanation) + "\n", "italic")
    out.append(f"\n{Path(card.source.path).name}:{card.source.line}\n", "dim")
    out.append(f"\nHistory: {total} review{'s' if total != 1 else ''}\n", "bold")
    for line in lines:
        out.append(line + "\n")
    return out
