"""Parsed bundled exercises kept as JSON, so grading one never parses YAML.

Why: ``dlquiz check ID FILE`` is a command a learner runs after every edit, and
parsing the bundled exercise files took most of its time. The cache holds
every bundled exercise as plain JSON, keyed by the version of dlquiz and the
path, mtime and size of each exercise file and of the parser's own modules
(the same rule as the deck cache: any change rebuilds it). A missing, corrupt
or stale cache file is rebuilt; a cache that cannot be written only costs
speed. JSON, never pickle: the cache dir is user-writable.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from dlquiz import __version__
from dlquiz.model import CheckerSpec, Exercise, SourceRef, frozen_mapping

#: Bump when the JSON layout of an exercise changes.
CACHE_FORMAT = 1
CACHE_FILE = "exercises.json"
_TUPLE_FIELDS = ("topics", "hints", "forbidden")


def exercise_to_json(exercise: Exercise) -> dict[str, Any]:
    """Plain JSON data for one exercise (the inverse of :func:`exercise_from_json`)."""
    data: dict[str, Any] = {}
    for f in dataclasses.fields(exercise):
        value = getattr(exercise, f.name)
        if isinstance(value, CheckerSpec):
            value = {"name": value.name, "options": dict(value.options)}
        elif isinstance(value, SourceRef):
            value = [value.path, value.line, value.column]
        elif isinstance(value, tuple):
            value = list(value)
        data[f.name] = value
    return data


def exercise_from_json(data: Mapping[str, Any]) -> Exercise:
    """Rebuild an exercise; raises ``KeyError``/``TypeError`` on data of another shape."""
    values = dict(data)
    checker = values["checker"]
    values["checker"] = CheckerSpec(name=str(checker["name"]),
                                    options=frozen_mapping(checker["options"]))
    path, line, column = values["source"]
    values["source"] = SourceRef(str(path), int(line), int(column))
    for name in _TUPLE_FIELDS:
        values[name] = tuple(values[name])
    return Exercise(**values)


def cache_key(files: Sequence[Path]) -> dict[str, Any]:
    """What a cached set is valid for: format, version and every source file's stamp."""
    stamps: list[list[Any]] = []
    for path in files:
        try:
            st = path.stat()
            stamps.append([str(path), st.st_mtime_ns, st.st_size])
        except OSError:
            stamps.append([str(path), None, None])
    return {"format": CACHE_FORMAT, "dlquiz": __version__, "files": stamps}


def cached_exercises(cache_dir: Path, files: Sequence[Path],
                     build: Callable[[], dict[str, Exercise]]) -> dict[str, Exercise]:
    """The exercises from ``cache_dir`` when ``files`` are unchanged, else ``build()`` (saved)."""
    file = cache_dir / CACHE_FILE
    key = cache_key(files)
    try:
        with open(file, encoding="utf-8") as fh:
            entry = json.load(fh)
        if entry.get("key") == key:
            return {e["id"]: exercise_from_json(e) for e in entry["exercises"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # missing, corrupt or another format: rebuild it
    found = build()
    _write(file, {"key": key, "exercises": [exercise_to_json(e) for e in found.values()]})
    return found


def _write(file: Path, payload: Mapping[str, Any]) -> None:
    tmp: str | None = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, separators=(",", ":"))
        os.replace(tmp, file)
        tmp = None
    except (OSError, TypeError, ValueError):
        pass  # read-only cache dir or unserialisable checker options: parse next time
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
