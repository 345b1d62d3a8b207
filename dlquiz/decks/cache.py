"""The parsed-deck cache: a warm start reads JSON instead of parsing and validating YAML.

One JSON file per deck file under ``<cache_dir>/decks/``. An entry is valid only
when *all* of these match: cache format version, dlquiz version, the file's
path, ``mtime_ns``, size and the SHA-256 of its content, and the fingerprint of
the :class:`~dlquiz.decks.loader.ValidationContext` (topics, generators, exercises), so
installing a new generator re-validates decks that named it. JSON, not pickle:
a cache file is data, never code. Anything unreadable or mismatched is simply a
miss and gets rebuilt; writing is atomic (temp file + ``os.replace``) so two
processes never see half an entry.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from dlquiz import __version__
from dlquiz.model import (
    BrokenDeck,
    Card,
    CheckerSpec,
    Deck,
    DeckError,
    Exercise,
    SourceRef,
    frozen_mapping,
)

#: 2: cards keep ``difficulty`` and ``input_mode`` (format 1 dropped difficulty).
CACHE_FORMAT = 2
LoadResult = Deck | BrokenDeck

_CARD_TUPLES = ("topics", "refs", "tags", "choices", "answer")
_CARD_DEFAULTS: dict[str, Any] = {
    "front": "", "back": "", "explanation": "", "text": "", "generator": "", "exercise": "",
    "difficulty": "", "input_mode": "",
}


def _field_defaults(cls: type) -> tuple[dict[str, Any], frozenset[str], frozenset[str]]:
    """A dataclass's defaults, its field names and the names with no default."""
    defaults: dict[str, Any] = {}
    required = set()
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            defaults[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            defaults[f.name] = f.default_factory()  # an empty frozen mapping: safe to share
        else:
            required.add(f.name)
    return defaults, frozenset(f.name for f in dataclasses.fields(cls)), frozenset(required)


_CARD_FIELD_DEFAULTS, _CARD_FIELDS, _CARD_REQUIRED = _field_defaults(Card)


def _cached_card(values: dict[str, Any]) -> Card:
    """``Card(**values)`` for values read back from our own cache, without the frozen
    ``__init__`` (one ``object.__setattr__`` per field): about half of a warm catalog
    load, which every command and the app's first frame wait for. The same checks
    as ``__init__``: an unknown or a missing field is a ``TypeError``."""
    names = values.keys()
    if not names <= _CARD_FIELDS or not _CARD_REQUIRED <= names:
        raise TypeError(f"cached card fields do not match Card: {sorted(names ^ _CARD_FIELDS)}")
    card = object.__new__(Card)
    card.__dict__.update(_CARD_FIELD_DEFAULTS)
    card.__dict__.update(values)
    return card


def _source(ref: SourceRef) -> list[Any]:
    return [ref.path, ref.line, ref.column]


def _card_json(card: Card) -> dict[str, Any]:
    out: dict[str, Any] = {"id": card.id, "type": card.type, "src": [card.source.line,
                                                                    card.source.column]}
    for name in _CARD_TUPLES:
        value = getattr(card, name)
        if value:
            out[name] = list(value)
    for name, default in _CARD_DEFAULTS.items():
        value = getattr(card, name)
        if value != default:
            out[name] = value
    if card.params:
        out["params"] = dict(card.params)
    return out


def _exercise_json(ex: Exercise) -> dict[str, Any]:
    out = {name: getattr(ex, name) for name in Exercise.__dataclass_fields__}
    out["topics"], out["hints"], out["forbidden"] = list(ex.topics), list(ex.hints), list(
        ex.forbidden)
    out["checker"] = {"name": ex.checker.name, "options": dict(ex.checker.options)}
    out["source"] = _source(ex.source)
    return out


def to_json(result: LoadResult) -> dict[str, Any]:
    """A loaded deck (or broken one) as plain JSON data."""
    if isinstance(result, BrokenDeck):
        return {"broken": True, "path": result.path, "deck_id": result.deck_id,
                "errors": [[e.path, e.line, e.column, e.doc_path, e.message]
                           for e in result.errors]}
    return {
        "broken": False, "id": result.id, "title": result.title,
        "description": result.description, "tags": list(result.tags),
        "source": _source(result.source), "bundled": result.bundled,
        "cards": [_card_json(c) for c in result.cards],
        "exercises": [_exercise_json(e) for e in result.exercises],
    }


def from_json(data: dict[str, Any]) -> LoadResult:
    """The inverse of :func:`to_json` (raises ``KeyError``/``TypeError`` on bad data)."""
    if data["broken"]:
        return BrokenDeck(path=data["path"], deck_id=data["deck_id"],
                          errors=tuple(DeckError(*e) for e in data["errors"]))
    path = data["source"][0]
    deck_id = data["id"]
    cards = []
    for c in data["cards"]:
        line, col = c.pop("src")
        for name in _CARD_TUPLES:
            if name in c:
                c[name] = tuple(c[name])
        if "params" in c:
            c["params"] = frozen_mapping(c["params"])
        c["deck_id"], c["source"] = deck_id, SourceRef(path, line, col)
        cards.append(_cached_card(c))
    exercises = []
    for e in data["exercises"]:
        e["topics"], e["hints"], e["forbidden"] = (tuple(e["topics"]), tuple(e["hints"]),
                                                   tuple(e["forbidden"]))
        e["checker"] = CheckerSpec(e["checker"]["name"], frozen_mapping(e["checker"]["options"]))
        e["source"] = SourceRef(*e["source"])
        exercises.append(Exercise(**e))
    return Deck(id=deck_id, title=data["title"], description=data["description"],
                cards=tuple(cards), tags=tuple(data["tags"]), source=SourceRef(*data["source"]),
                bundled=data["bundled"], exercises=tuple(exercises))


class DeckCache:
    """Lookup and store of parsed decks, for one validation-context fingerprint."""

    def __init__(self, cache_dir: Path, context_fingerprint: str) -> None:
        self.dir = Path(cache_dir) / "decks"
        self.context = context_fingerprint
        self.hits = 0
        self.misses = 0
        self.write_failures = 0

    def _entry_path(self, path: str, bundled: bool) -> Path:
        digest = hashlib.sha256(f"{bundled}:{path}".encode()).hexdigest()[:32]
        return self.dir / f"{digest}.json"

    def _key(self, path: str, bundled: bool, st: os.stat_result, sha: str) -> dict[str, Any]:
        return {"format": CACHE_FORMAT, "dlquiz": __version__, "path": path,
                "bundled": bundled, "mtime_ns": st.st_mtime_ns, "size": st.st_size,
                "sha256": sha, "context": self.context}

    def get(self, path: str, bundled: bool, st: os.stat_result, sha: str) -> LoadResult | None:
        """The cached result, or ``None`` on any miss (absent, stale, unreadable)."""
        try:
            with open(self._entry_path(path, bundled), encoding="utf-8") as fh:
                entry = json.load(fh)
            if entry.get("key") != self._key(path, bundled, st, sha):
                self.misses += 1
                return None
            result = from_json(entry["result"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            # Missing, corrupt or from another format: rebuild it.
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, path: str, bundled: bool, st: os.stat_result, sha: str,
            result: LoadResult) -> None:
        """Store ``result``; a cache that cannot be written only costs speed, so is skipped."""
        entry = {"key": self._key(path, bundled, st, sha), "result": to_json(result)}
        tmp: str | None = None
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.dir, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entry, fh, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self._entry_path(path, bundled))
            tmp = None
        except (OSError, TypeError, ValueError):
            # Read-only data dir or unserialisable params: this file stays uncached.
            self.write_failures += 1
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
