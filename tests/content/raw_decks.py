"""Raw (YAML-level) access to the bundled decks for the content fact-check tests."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DECKS = Path(__file__).resolve().parents[2] / "decks"


@lru_cache(maxsize=None)
def _deck(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DECKS / name).read_text(encoding="utf-8"))
    return data


def raw_deck(name: str) -> dict[str, Any]:
    """The parsed YAML of ``decks/<name>`` (cached)."""
    return _deck(name)


def card(deck: str, card_id: str) -> dict[str, Any]:
    """The raw card ``card_id`` of ``decks/<deck>.yaml``."""
    for c in _deck(f"{deck}.yaml")["cards"]:
        if c["id"] == card_id:
            return dict(c)
    raise AssertionError(f"{deck}/{card_id} is missing")


def text_of(c: dict[str, Any]) -> str:
    """Every human-readable field of a card, joined (for "the card says X" checks)."""
    parts = [c.get(k, "") for k in ("front", "back", "text", "explanation")]
    parts += list(c.get("choices", []))
    return "\n".join(parts)
