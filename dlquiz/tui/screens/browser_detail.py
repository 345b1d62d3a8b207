"""What the card browser shows of an item: one line in the results, the whole card in detail.

Pure functions from model objects to ``rich.text.Text`` (no markup is parsed, so a
``[`` in a card is shown as written); the screen only decides when to show them.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from dlquiz.model import Item, render_cloze


def front_line(item: Item, width: int = 70) -> str:
    """The card's question on one line, for the results table."""
    card = item.card
    text = {"cloze": render_cloze(card.text, item.cloze, reveal=False),
            "code": f"exercise {card.exercise}"}.get(card.type, card.front)
    line = " ".join(text.split()) or (f"numeric: {card.generator}" if card.generator else "")
    return line if len(line) <= width else line[: width - 1] + "…"


def detail_text(item: Item, state: str, lines: list[str], total: int) -> Text:
    """The detail pane: the card as written (answer shown) and its review history."""
    card = item.card
    out = Text()
    out.append(f"{item.key}", "bold")
    out.append(f"  {card.type} · {', '.join(card.topics)} · {state}\n", "dim")
    body = {"cloze": render_cloze(card.text, item.cloze, reveal=True),
            "code": f"Coding exercise {card.exercise}"}.get(card.type, card.front)
    out.append(body.strip() + "\n")
    for i, choice in enumerate(card.choices):
        out.append(f"  {'✓' if i in card.answer else '·'} {choice}\n")
    if card.type == "numeric":
        out.append(f"  numbers drawn by {card.generator} {dict(card.params) or ''}\n", "dim")
    if card.back:
        out.append("\n" + card.back.strip() + "\n")
    if card.explanation:
        out.append("\n" + card.explanation.strip() + "\n", "italic")
    out.append(f"\n{Path(card.source.path).name}:{card.source.line}\n", "dim")
    out.append(f"\nHistory: {total} review{'s' if total != 1 else ''}\n", "bold")
    for line in lines:
        out.append(line + "\n")
    return out
