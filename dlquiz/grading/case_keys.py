"""What a set of prepared cases is valid for, computed without importing NumPy.

Both caches of prepared cases (the fixed edge and perf cases, and the next
``dlquiz check``'s cases drawn ahead, :mod:`dlquiz.grading.drawn_ahead`) are
keyed by the exercise's own fields and by the stamps (path, mtime, size) of
the files that compute them: the reference's and the case generator's modules
and NumPy itself. Any change, an edited reference or an upgraded NumPy, makes
the cached cases stale. No stamp imports what it stamps: a warm check hands
the learner's code its cases before NumPy is loaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

from dlquiz import __version__
from dlquiz.grading.case import SPEC_PREFIX
from dlquiz.model import Exercise

#: Bump when the on-disk layout of prepared cases changes.
PREPARED_FORMAT = 3


def module_stamp(target: str, base_dir: str) -> list[Any]:
    """mtime and size of the file behind ``module:attr`` / ``file.py:attr`` (found, not imported)."""
    module = target.rpartition(":")[0]
    try:
        if module.endswith(".py"):
            origin: str | None = str(Path(base_dir or ".") / module)
        else:
            spec = importlib.util.find_spec(module)
            origin = spec.origin if spec is not None else None
        if origin is None:
            return [module, None]
        st = os.stat(origin)
        return [module, st.st_mtime_ns, st.st_size]
    except (OSError, ImportError, ValueError):
        return [module, None]


def numpy_stamp() -> list[Any]:
    """NumPy's ``version.py`` (path, mtime, size): an upgrade or reinstall rewrites it."""
    spec = importlib.util.find_spec("numpy")
    if spec is None or spec.origin is None:
        return ["numpy", None]
    version_file = os.path.join(os.path.dirname(spec.origin), "version.py")
    try:
        st = os.stat(version_file)
    except OSError:
        return [version_file, None]
    return [version_file, st.st_mtime_ns, st.st_size]


def prepared_key(exercise: Exercise) -> dict[str, Any]:
    """The key of an exercise's prepared cases (JSON-ready: compare it with a loaded one)."""
    cases = exercise.cases if isinstance(exercise.cases, str) else json.dumps(
        exercise.cases, sort_keys=True, default=str)
    stamps = [module_stamp(exercise.reference, exercise.base_dir)]
    if isinstance(exercise.cases, str) and not exercise.cases.startswith(SPEC_PREFIX):
        stamps.append(module_stamp(exercise.cases, exercise.base_dir))
    key = {"format": PREPARED_FORMAT, "dlquiz": __version__, "numpy": numpy_stamp(),
           "id": exercise.id, "reference": exercise.reference, "cases": cases,
           "base_dir": exercise.base_dir, "perf_multiple": exercise.perf_multiple,
           "result_arg": exercise.result_arg, "signature": exercise.signature,
           "stamps": stamps}
    loaded: dict[str, Any] = json.loads(json.dumps(key, default=str))
    return loaded


def prepared_file(cache_dir: Path, exercise: Exercise, kind: str = "fixed") -> Path:
    """Where ``exercise``'s prepared cases of ``kind`` ("fixed", "next") are kept."""
    digest = hashlib.sha256(f"{exercise.id}\0{exercise.base_dir}".encode()).hexdigest()[:16]
    suffix = "" if kind == "fixed" else f".{kind}"
    return cache_dir / "prepared" / f"{exercise.id}-{digest}{suffix}.json"
