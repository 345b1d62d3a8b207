"""Resolve ``module:attr`` and ``file.py:attr`` targets (references, case generators, checkers).

Kept apart from :mod:`dlquiz.grading.registry` (which parses exercise YAML)
so that the checkers can resolve a custom checker without importing the
registry, and the registry can list the built-in checkers without importing
anything that imports it back: no import cycle between the two.

``file.py`` targets are Python files relative to the exercise's
``base_dir`` (a user deck's folder), loaded by path under a private module
name (``dlquiz_user_<hash>``) so that user files never shadow real modules,
and reloaded when the file changes on disk. Loading such a file runs it in
this process, so whatever grades or validates an exercise first calls
:func:`require_trusted`, which asks the gate the commands install
(:mod:`dlquiz.decks.trust`: a user deck's code runs only once trusted).
Without a gate (library use, tests) nothing is refused.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import importlib.util
import sys
import threading
from pathlib import Path
from collections.abc import Callable
from typing import Any

from dlquiz.model import Exercise

_module_lock = threading.Lock()
_trust_gate: Callable[[Exercise], None] | None = None


def set_trust_gate(gate: Callable[[Exercise], None] | None) -> None:
    """Install (or with ``None`` remove) the check run before an exercise's code runs."""
    global _trust_gate
    _trust_gate = gate


def require_trusted(exercise: Exercise) -> None:
    """Raise (``UntrustedDeckCode``) unless the exercise's deck code may run."""
    gate = _trust_gate
    if gate is not None:
        gate(exercise)


def resolve_target(target: str, base_dir: str = "") -> Any:
    """The object named by ``module:attr`` or ``file.py:attr`` (relative to ``base_dir``)."""
    module_part, _, attr = target.rpartition(":")
    if not module_part or not attr:
        raise ValueError(f"expected 'module:attr' or 'file.py:attr', got {target!r}")
    if module_part.endswith(".py"):
        module = load_file_module(Path(base_dir or ".") / module_part)
    else:
        module = importlib.import_module(module_part)
    value: Any = module
    for part in attr.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            known = sorted(n for n in dir(value) if not n.startswith("_"))
            close = difflib.get_close_matches(part, known, n=1, cutoff=0.65)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise AttributeError(f"{module_part} has no {part!r}{hint}") from None
    return value


def load_file_module(path: Path) -> Any:
    """Import a user's Python file by path, reloading it when it changes on disk."""
    path = path.resolve()
    stat = path.stat()
    key = hashlib.sha1(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode()).hexdigest()[:12]
    name = f"dlquiz_user_{key}"
    with _module_lock:
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        return module
