"""What a deck may refer to (:class:`ValidationContext`), and its JSON cache.

Building the real context is the expensive part of loading decks: the
generator ``params_schema`` live in the numeric modules (which import NumPy)
and the valid exercise ids come from parsing every bundled exercise YAML
through the grader's parser. None of that changes between two starts of the
same installation, so :func:`default_context` keeps the result as JSON in
``<cache_dir>/context.json``, keyed by the ``mtime_ns`` and size of every file
it was built from (``topics.yaml``, the bundled exercise YAML files, the
numeric generator modules and the exercise parser's modules) plus the dlquiz
version. A warm start then reads one small JSON file and never imports NumPy,
jsonschema, PyYAML or the grader; editing any of those files rebuilds it.

Where the JSON lives: :func:`default_context` takes ``cache_dir``; callers that
cannot pass it (the catalog calls ``default_context()`` through a module
attribute tests may replace) set it for the current thread with
:func:`context_cache_dir`. Without a cache dir the context is built fresh.

This module imports nothing heavy at import time (the core must stay cheap to
import for the TUI's cold start).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dlquiz import __version__
from dlquiz.errors import DlquizError

PACKAGE_DIR = Path(__file__).resolve().parents[1]
TOPICS_FILE = PACKAGE_DIR / "topics.yaml"
#: Topic namespace free for user decks (bundled topics come from topics.yaml).
USER_TOPIC_PREFIX = "user."
#: Bump when the JSON layout below changes.
CONTEXT_FORMAT = 1
CONTEXT_FILE = "context.json"
#: Code whose behaviour decides the context beyond the data files (see :func:`source_files`).
#: Code whose change can change the context: the exercise parser and checker names
#: (every module of ``grading/`` outside the references and cases) and this module.
_PARSER_GLOBS = ("grading/*.py", "grading/checkers/*.py", "decks/context.py")

_cache_dir: ContextVar[Path | None] = ContextVar("dlquiz_context_cache_dir", default=None)


@dataclass(frozen=True)
class ValidationContext:
    """What a deck may refer to: topic ids, numeric generators, exercise ids.

    ``exercise_ids`` is ``None`` when the exercise registry is not available
    (then ``code`` cards are not checked against it); ``generators`` maps each
    generator name to its ``params_schema``.
    """

    topics: frozenset[str]
    generators: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    exercise_ids: frozenset[str] | None = None

    def fingerprint(self) -> str:
        """A hash of everything that can change a deck's verdict (the deck cache keys on it)."""
        blob = json.dumps(self.to_json(), sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data, sorted, so equal contexts give equal text."""
        return {
            "topics": sorted(self.topics),
            "generators": {k: self.generators[k] for k in sorted(self.generators)},
            "exercises": None if self.exercise_ids is None else sorted(self.exercise_ids),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ValidationContext:
        """The inverse of :meth:`to_json` (raises ``KeyError``/``TypeError`` on bad data)."""
        exercises = data["exercises"]
        generators = data["generators"]
        if not isinstance(generators, dict):
            raise TypeError("generators must be a mapping")
        return cls(
            topics=frozenset(str(t) for t in data["topics"]),
            generators={str(k): dict(v) for k, v in generators.items()},
            exercise_ids=None if exercises is None else frozenset(str(e) for e in exercises),
        )

    def topic_known(self, topic: str) -> bool:
        """``detection.nms`` is known, and so is any finer id under it (``detection.nms.soft``).

        Learners' own material has its own subjects: any id under the reserved
        ``user.`` namespace (``user.anki``, ``user.leetcode.graphs``) is accepted.
        """
        if topic.startswith(USER_TOPIC_PREFIX) and len(topic) > len(USER_TOPIC_PREFIX):
            return True
        if topic in self.topics:
            return True
        parts = topic.split(".")
        return any(".".join(parts[:n]) in self.topics for n in range(1, len(parts)))


# -- building the real context (slow: YAML, NumPy, the exercise parser) -----------------


def load_topic_ids(path: Path = TOPICS_FILE) -> frozenset[str]:
    """The topic ids of ``dlquiz/topics.yaml``."""
    from yaml import safe_load

    data = safe_load(path.read_text(encoding="utf-8")) or {}
    return frozenset(str(t["id"]) for t in data.get("topics", []) if isinstance(t, dict))


def _generator_schemas() -> dict[str, Mapping[str, Any]]:
    from dlquiz import numeric

    try:
        names = numeric.generator_names()
    except ImportError:
        # The generator modules are missing or broken; the registry then holds
        # whatever registered itself (and will not retry the import).
        names = numeric.generator_names()
    return {name: dict(numeric.get_generator(name).params_schema) for name in names}


def _exercise_ids() -> frozenset[str] | None:
    try:
        from dlquiz.grading import registry
    except ImportError:
        return None
    try:
        return frozenset(registry.exercise_ids())
    except DlquizError:
        # Broken bundled exercises are reported by the exercise commands; decks
        # then load with code cards unchecked rather than not at all.
        return None


def build_default_context() -> ValidationContext:
    """The context of this installation, computed from its files (no cache)."""
    return ValidationContext(
        topics=load_topic_ids(),
        generators=_generator_schemas(),
        exercise_ids=_exercise_ids(),
    )


# -- the cache -----------------------------------------------------------------------------


def source_files() -> list[Path]:
    """Every file the real context is built from, in a stable order."""
    from dlquiz.paths import bundled_exercises_dir

    files = [TOPICS_FILE]
    exercises = bundled_exercises_dir()
    if exercises.is_dir():
        files += sorted(exercises.glob("*.yaml"))
    numeric = PACKAGE_DIR / "numeric"
    if numeric.is_dir():
        files += sorted(numeric.glob("*.py"))
    for pattern in _PARSER_GLOBS:
        files += sorted(PACKAGE_DIR.glob(pattern))
    return files


def source_key() -> dict[str, Any]:
    """What the cached context is valid for: format, version and each source file's stamp."""
    stamps = []
    for path in source_files():
        try:
            st = path.stat()
            stamps.append([str(path), st.st_mtime_ns, st.st_size])
        except OSError:
            stamps.append([str(path), None, None])
    return {"format": CONTEXT_FORMAT, "dlquiz": __version__, "files": stamps}


def _read_cached(file: Path, key: Mapping[str, Any]) -> ValidationContext | None:
    try:
        with open(file, encoding="utf-8") as fh:
            entry = json.load(fh)
        if entry.get("key") != key:
            return None
        return ValidationContext.from_json(entry["context"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing, corrupt or another format: rebuild it


def _write_cached(file: Path, key: Mapping[str, Any], ctx: ValidationContext) -> None:
    """Atomic write; a cache that cannot be written only costs speed, so failures pass."""
    tmp: str | None = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"key": key, "context": ctx.to_json()}, fh, separators=(",", ":"))
        os.replace(tmp, file)
        tmp = None
    except (OSError, TypeError, ValueError):
        pass  # read-only cache dir or unserialisable params_schema: build it next time
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def default_context(cache_dir: Path | None = None) -> ValidationContext:
    """The context of this installation: real topics, generators and bundled exercises.

    With a ``cache_dir`` (or one set by :func:`context_cache_dir`), a context
    built earlier from unchanged source files is read back from JSON.
    """
    directory = cache_dir if cache_dir is not None else _cache_dir.get()
    if directory is None:
        return build_default_context()
    file = Path(directory) / CONTEXT_FILE
    key = source_key()
    cached = _read_cached(file, key)
    if cached is not None:
        return cached
    ctx = build_default_context()
    _write_cached(file, key, ctx)
    return ctx


@contextlib.contextmanager
def context_cache_dir(directory: Path | None) -> Iterator[None]:
    """Within the block (this thread only), ``default_context()`` caches in ``directory``."""
    token = _cache_dir.set(directory)
    try:
        yield
    finally:
        _cache_dir.reset(token)
