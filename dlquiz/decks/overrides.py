"""Your edits to bundled cards, kept in your decks folder so they survive upgrades.

Why: bundled decks live inside the installed package; an edit made there is
overwritten by the next ``pip install``. Editing a bundled card therefore
writes an *override file* instead (:func:`edit_target`), and the catalog
applies it over the bundled card with the same id (:func:`apply_overrides`).
The card keeps its deck id and card id, hence its item keys and its history.

Layout: ``<user decks dir>/overrides/<deck id>/<card id>.yaml`` (the decks
folder is :attr:`dlquiz.paths.Paths.user_decks_dir`; this subfolder is not
searched for decks). An override file is an ordinary deck document (format
v1) whose ``id`` is the bundled deck's id and whose ``cards`` hold the full
edited card, so it is validated exactly like a deck, with errors at its own
``path:line:col``; a broken override leaves the bundled card in use and is
listed with the broken decks. An override whose deck or card is no longer
bundled (removed in an upgrade, or its ``id`` edited) is *stale*: reported
(:attr:`Catalog.stale_overrides`, ``dlquiz decks list/validate``), never
applied, never an error that stops anything. Delete the file to go back to
the bundled card.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dlquiz.decks.files import safe_resolve, walk_decks
from dlquiz.model import BrokenDeck, Card, Deck, DeckError
from dlquiz.paths import Paths, bundled_decks_dir

if TYPE_CHECKING:
    from dlquiz.decks.cache import LoadResult
    from dlquiz.decks.catalog import Catalog
    from dlquiz.decks.context import ValidationContext

OVERRIDES_DIRNAME = "overrides"


@dataclass(frozen=True)
class AppliedOverride:
    """An override in use: the file and the card key (``deck/card``) it replaces."""

    path: str
    key: str


def overrides_dir(paths: Paths) -> Path:
    return paths.user_decks_dir / OVERRIDES_DIRNAME


def override_path(paths: Paths, deck_id: str, card_id: str) -> Path:
    """Where the override of bundled card ``deck_id/card_id`` lives (ids are slugs)."""
    return overrides_dir(paths) / deck_id / f"{card_id}.yaml"


def override_files(paths: Paths) -> list[Path]:
    """Every override file, sorted (none when the folder does not exist)."""
    folder = overrides_dir(paths)
    return walk_decks(folder) if folder.is_dir() else []


def is_override(path: str | Path, paths: Paths) -> bool:
    """True for a file inside the overrides folder (kept out of the deck search)."""
    # safe_resolve: a symlink loop in the decks folder is a broken deck, not a crash here
    return safe_resolve(Path(path)).is_relative_to(safe_resolve(overrides_dir(paths)))


def apply_overrides(decks: Sequence[Deck], results: Iterable[LoadResult]
                    ) -> tuple[list[Deck], list[AppliedOverride], list[DeckError], list[BrokenDeck]]:
    """Bundled decks with their overridden cards swapped in (same position, new source).

    Returns the decks, the overrides applied, the stale ones (one error each) and
    the override files that failed to load (as broken decks without a deck id,
    so they never claim or hide the bundled deck).
    """
    by_id = {d.id: d for d in decks}
    replaced: dict[str, dict[str, Card]] = {}
    applied: list[AppliedOverride] = []
    stale: list[DeckError] = []
    broken: list[BrokenDeck] = []
    for result in results:
        if isinstance(result, BrokenDeck):
            broken.append(BrokenDeck(result.path, result.errors))
            continue
        deck = by_id.get(result.id)
        for card in result.cards:
            src = card.source
            if deck is None or not deck.bundled:
                why = (f"no bundled deck {result.id!r} any more" if deck is None
                       else f"deck {result.id!r} is not a bundled deck: edit its own file")
            elif all(c.id != card.id for c in deck.cards):
                why = f"bundled deck {result.id!r} has no card {card.id!r} any more"
            else:
                replaced.setdefault(deck.id, {})[card.id] = card
                applied.append(AppliedOverride(src.path, card.key))
                continue
            stale.append(DeckError(src.path, src.line, src.column, "cards",
                                   f"stale override of {card.key}: {why}; its history is kept. "
                                   "Move the card into a deck of your own, or delete this file."))
    out = [dataclasses.replace(d, cards=tuple(replaced[d.id].get(c.id, c) for c in d.cards))
           if d.id in replaced else d for d in decks]
    return out, applied, stale, broken


# -- editing ------------------------------------------------------------------------------


def edit_target(catalog: Catalog, card: Card, paths: Paths) -> tuple[Path, int]:
    """The file and line to open in ``$EDITOR`` to edit ``card``: never a bundled file.

    A user deck's card is edited in place. A bundled card is edited in its
    override file, written first (a copy of the card as bundled) when there is
    none; an existing override file is never overwritten, even a broken one.
    """
    source = Path(card.source.path)
    deck = catalog.deck(card.deck_id)
    bundled = (deck is not None and deck.bundled) or _inside(source, bundled_decks_dir())
    if not bundled or is_override(source, paths):
        return source, card.source.line
    target = override_path(paths, card.deck_id, card.id)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        title = deck.title if deck is not None else card.deck_id
        target.write_text(override_text(card, title, catalog.context), encoding="utf-8")
    return target, _card_line(target, card.id)


def forget_unchanged(path: Path, card: Card, catalog: Catalog, paths: Paths) -> bool:
    """Remove the override :func:`edit_target` just wrote for ``card`` if it was left as is.

    An edit abandoned in the editor must not pin the card to today's bundled
    text: an upgrade that improves the card would never show. Only a file that
    is still exactly the bundled copy of a card that had no override is removed.
    """
    if is_override(card.source.path, paths) or not is_override(path, paths):
        return False
    deck = catalog.deck(card.deck_id)
    copy = override_text(card, deck.title if deck is not None else card.deck_id, catalog.context)
    try:
        if path.read_text(encoding="utf-8") != copy:
            return False
        path.unlink()
    except (OSError, UnicodeDecodeError):
        return False
    return True


def _inside(path: Path, folder: Path) -> bool:
    return safe_resolve(path).is_relative_to(safe_resolve(folder))


def _card_line(path: Path, card_id: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    for number, line in enumerate(lines, start=1):
        if line.strip() in (f"- id: {card_id}", f"- id: '{card_id}'", f'- id: "{card_id}"'):
            return number
    return 1


def override_text(card: Card, deck_title: str, context: ValidationContext | None = None) -> str:
    """An override deck document holding ``card`` as written in its bundled file.

    The card's YAML is copied from the bundled file (comments and layout kept);
    when that copy does not load back to the same card, it is written from the
    card's data instead, so the override starts out equal to the bundled card.
    """
    head = (
        f"# Your edit of the bundled card {card.key}; dlquiz uses this file instead of the\n"
        "# bundled card (same id, same history), and keeps it across upgrades.\n"
        f"# Bundled copy: {card.source.path}:{card.source.line}\n"
        "# Delete this file to go back to the bundled card.\n"
        f"id: {card.deck_id}\ntitle: {_scalar(deck_title)}\n"
        f"description: Override of one bundled card ({card.id}).\ncards:\n"
    )
    copied = _copied_card(card)
    if copied is not None:
        text = head + copied
        if _loads_back(text, card, context):
            return text
    return head + _dumped_card(card)


def _copied_card(card: Card) -> str | None:
    """The card's lines from its file, re-indented as the first item of ``cards:``."""
    try:
        lines = Path(card.source.path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    start = card.source.line - 1
    if not 0 <= start < len(lines):
        return None
    first = lines[start]
    dash = first.find("- ")
    if dash < 0 or first[:dash].strip():
        return None
    block = [first]
    for line in lines[start + 1:]:
        if line.strip() and len(line) - len(line.lstrip()) <= dash:
            break
        block.append(line)
    while block and not block[-1].strip():
        block.pop()
    return "".join("  " + line[dash:] + "\n" if line.strip() else "\n" for line in block)


def _card_data(card: Card) -> dict[str, object]:
    data: dict[str, object] = {"id": card.id, "type": card.type, "topics": list(card.topics)}
    if card.difficulty:
        data["difficulty"] = card.difficulty
    for name in ("front", "back", "text", "generator", "exercise", "explanation"):
        value = getattr(card, name)
        if value:
            data[name] = value
    if card.choices:
        data["choices"] = list(card.choices)
        data["answer"] = card.answer[0] if len(card.answer) == 1 else list(card.answer)
    if card.params:
        data["params"] = dict(card.params)
    for name in ("refs", "tags"):
        if getattr(card, name):
            data[name] = list(getattr(card, name))
    return data


def _dumped_card(card: Card) -> str:
    import yaml

    text = yaml.safe_dump([_card_data(card)], allow_unicode=True, sort_keys=False, width=100)
    return "".join("  " + line + "\n" if line.strip() else "\n" for line in text.splitlines())


def _scalar(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def _loads_back(text: str, card: Card, context: ValidationContext | None) -> bool:
    from dlquiz.decks.loader import default_context, load_deck_bytes

    result = load_deck_bytes(text.encode("utf-8"), "<override>", context or default_context())
    if not isinstance(result, Deck) or len(result.cards) != 1:
        return False
    return dataclasses.replace(result.cards[0], source=card.source) == card
