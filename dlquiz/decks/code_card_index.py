"""Which bundled code cards point at each exercise, known without loading a deck.

``dlquiz check`` on a bundled exercise (with no user deck that could shadow it,
see :func:`dlquiz.commands.exercises.lone_bundled_exercise`) needs exactly one
thing from the decks: the keys of the code cards its result schedules. Loading
the catalog for that costs more than the learner's run, so the answer is kept
in ``<cache_dir>/code-cards.json``, keyed by dlquiz's version and the name,
``mtime_ns`` and size of every bundled deck file: changing, adding or removing
a bundled deck makes it a miss. A miss (or no cache dir) returns ``None`` and
the caller loads the catalog, then :func:`save` rebuilds the index from it.
Written atomically; an unreadable or foreign file is simply a miss.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dlquiz import __version__
from dlquiz.decks.files import DECK_SUFFIXES
from dlquiz.paths import bundled_decks_dir

INDEX_FORMAT = 1
INDEX_FILE = "code-cards.json"


def _bundled_stamps() -> list[list[Any]]:
    """``[relative path, mtime_ns, size]`` of each bundled deck file, sorted."""
    root = bundled_decks_dir()
    found: list[list[Any]] = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            if name.endswith(DECK_SUFFIXES):
                path = os.path.join(folder, name)
                st = os.stat(path)
                found.append([os.path.relpath(path, root), st.st_mtime_ns, st.st_size])
    return sorted(found)


def _key() -> dict[str, Any]:
    return {"format": INDEX_FORMAT, "dlquiz": __version__, "decks": _bundled_stamps()}


def code_card_keys(cache_dir: Path | None, exercise_id: str) -> list[str] | None:
    """The item keys of the bundled code cards for ``exercise_id``, or ``None`` on a miss."""
    if cache_dir is None:
        return None
    try:
        with open(cache_dir / INDEX_FILE, encoding="utf-8") as fh:
            entry = json.load(fh)
        if entry.get("key") != _key():
            return None
        keys = entry["cards"].get(exercise_id, [])
        return [str(k) for k in keys]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save(cache_dir: Path | None, cards: Iterable[Any]) -> None:
    """Write the index from the bundled decks' ``cards`` (each with ``type``, ``exercise``, ``key``)."""
    if cache_dir is None:
        return
    by_exercise: dict[str, list[str]] = {}
    for card in cards:
        if card.type == "code" and card.exercise:
            by_exercise.setdefault(card.exercise, []).append(card.key)
    tmp: str | None = None
    try:
        payload = {"key": _key(), "cards": by_exercise}
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, separators=(",", ":"))
        os.replace(tmp, cache_dir / INDEX_FILE)
        tmp = None
    except OSError:
        pass  # a cache that cannot be written only costs speed
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
