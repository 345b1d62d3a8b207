"""Shared pieces of the checkers: the result type, value rendering, and dispatch.

Every checker has the signature ``checker(options, expected, got, case) ->
CheckResult``: ``options`` come from the exercise's ``checker:`` mapping,
``expected`` is the reference's result as plain data, ``got`` is what came
back from the sandbox (plain data too: arrays, tuples, lists, scalars, or a
:class:`~dlquiz.grading.wire.Unsupported` marker), and ``case`` is the
:class:`~dlquiz.grading.case.Case` (NMS checkers read its inputs).

:data:`BUILTIN_CHECKERS` is filled by the package (``checkers/__init__.py``)
from each family module's ``CHECKERS``; family modules import this module,
never the package, so there is no import cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from dlquiz.grading.case import Case
from dlquiz.grading.targets import resolve_target

#: Defaults of the ``allclose`` checker (NumPy's own).
DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-8


@dataclass(frozen=True)
class CheckResult:
    """``ok`` and, when not ok, a message for the learner."""

    ok: bool
    message: str = ""


Checker = Callable[[Mapping[str, Any], Any, Any, Case], CheckResult]

#: Name -> built-in checker; filled by :mod:`dlquiz.grading.checkers`.
BUILTIN_CHECKERS: dict[str, Checker] = {}

_KIND_NAMES = {"b": "bool", "i": "integer", "u": "integer", "f": "float", "c": "complex"}


#: Nesting shown by :func:`summarize` before it writes ``...``.
SUMMARY_DEPTH = 4
#: Longest text :func:`summarize` returns.
SUMMARY_CHARS = 2000


def summarize(value: Any, *, limit: int = 12) -> str:
    """A short, readable rendering of a value (large arrays elided).

    Total: any value (deep nesting, ragged sequences, huge ints, unsupported
    markers) gives a string of at most :data:`SUMMARY_CHARS` characters.
    """
    try:
        text = _summarize(value, limit, 0)
    except Exception:  # noqa: BLE001 - a rendering must never cost the verdict
        text = f"<{type(value).__name__}>"
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS - 15] + " ... (cut)"


def _summarize(value: Any, limit: int, depth: int) -> str:
    if isinstance(value, np.ndarray):
        with np.printoptions(threshold=limit, edgeitems=3, precision=6, linewidth=100):
            body = np.array2string(value, separator=", ")
        return f"{body} ({value.dtype}, shape {value.shape})"
    if isinstance(value, (list, tuple)):
        open_, close = ("[", "]") if isinstance(value, list) else ("(", ")")
        if depth >= SUMMARY_DEPTH:
            return f"{open_}...{close}"
        if len(value) > limit:
            head = ", ".join(_summarize(v, limit, depth + 1) for v in value[:3])
            tail = ", ".join(_summarize(v, limit, depth + 1) for v in value[-3:])
            return f"{open_}{head}, ..., {tail}{close} ({len(value)} items)"
        body = ", ".join(_summarize(v, limit, depth + 1) for v in value)
        return open_ + body + ("," if isinstance(value, tuple) and len(value) == 1 else "") + close
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):.10g}"
        return text if any(c in text for c in ".eni") else text + ".0"
    if isinstance(value, int) and abs(value) > 10 ** 30:
        return f"<an int of {value.bit_length()} bits>"
    if isinstance(value, dict):
        return "{...}" if depth >= SUMMARY_DEPTH else "{" + ", ".join(
            f"{k!r}: {_summarize(v, limit, depth + 1)}" for k, v in list(value.items())[:limit]) + "}"
    return repr(value)[:200]


def describe(value: Any) -> str:
    """What kind of thing ``value`` is ("a float64 array of shape (3,)", "None")."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    if isinstance(value, np.generic):
        return f"a numpy {value.dtype} scalar"
    kind = getattr(value, "kind", None)
    if type(value).__name__ == "Unsupported" and kind is not None:
        return f"an object of type {kind} (only numbers, arrays, lists and tuples come back)"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)} values"
    if isinstance(value, list):
        return f"a list of {len(value)} values"
    return f"a {type(value).__name__}"


def as_array(value: Any) -> np.ndarray | None:
    """``value`` as a numeric ndarray, or None when it is not numeric data."""
    if isinstance(value, np.ndarray):
        arr = value
    elif isinstance(value, (bool, int, float, complex, np.generic, list, tuple)):
        try:
            arr = np.asarray(value)
        except Exception:  # noqa: BLE001 - ragged, too deep, ints too large: not numeric data
            return None
    else:
        return None
    if arr.dtype.kind not in _KIND_NAMES:
        return None
    return arr


def real_kind_problem(arr: np.ndarray, what: str) -> str:
    """Why ``arr`` is not real numbers ("" when it is): complex never passes for float64."""
    if arr.dtype.kind == "c":
        return f"expected real numbers for {what}, got complex values ({arr.dtype})"
    return ""


def _kind_group(kind: str) -> str:
    return {"i": "int", "u": "int"}.get(kind, kind)


def shape_text(arr: np.ndarray) -> str:
    return "a scalar" if arr.ndim == 0 else f"shape {arr.shape}"


def compare_structure(expected: Any, got: Any, *, numeric_kinds_mix: bool
                       ) -> tuple[np.ndarray, np.ndarray] | CheckResult:
    """Both as arrays with the same shape and compatible kinds, or a failure."""
    e, g = as_array(expected), as_array(got)
    if e is None:
        return CheckResult(False, f"the reference returned {describe(expected)}; "
                                  "this checker cannot compare it")
    if g is None:
        return CheckResult(False, f"expected {describe(expected)}, got {describe(got)}")
    if e.shape != g.shape:
        if e.ndim and g.ndim:
            return CheckResult(False, f"expected shape {e.shape}, got {g.shape}")
        return CheckResult(False, f"expected {shape_text(e)}, got {shape_text(g)}")
    ek, gk = e.dtype.kind, g.dtype.kind
    if numeric_kinds_mix:
        compatible = (ek in "iuf" and gk in "iuf") or ek == gk or (ek == "c" and gk in "iuf")
    else:
        compatible = _kind_group(ek) == _kind_group(gk)
    if not compatible and e.size:
        return CheckResult(False, f"expected {_KIND_NAMES[ek]} values ({e.dtype}), "
                                  f"got {_KIND_NAMES[gk]} values ({g.dtype})")
    return e, g


def index_text(arr: np.ndarray, flat: int) -> str:
    if arr.ndim == 0:
        return ""
    index = np.unravel_index(flat, arr.shape)
    return f" at index {tuple(int(i) for i in index)}"


def exact_arrays(e: np.ndarray, g: np.ndarray) -> CheckResult:
    if e.dtype.kind in "fc":
        same = (e == g) | (np.isnan(e) & np.isnan(g))
    else:
        same = e == g
    if bool(np.all(same)):
        return CheckResult(True)
    bad = np.flatnonzero(~np.asarray(same))
    first = int(bad[0])
    return CheckResult(
        False,
        f"{bad.size} of {e.size} values differ; first{index_text(e, first)}: "
        f"expected {summarize(e.ravel()[first])}, got {summarize(g.ravel()[first])}",
    )


def _dtype_problem(wanted: str, got: Any) -> str:
    """Why ``got`` is not an array of dtype ``wanted`` ("" when it is)."""
    want = np.dtype(wanted)
    if isinstance(got, np.ndarray | np.generic):
        if got.dtype == want:
            return ""
        return f"expected an array of dtype {want}, got dtype {got.dtype}"
    return f"expected a NumPy array of dtype {want}, got {type(got).__name__}"


def check(name: str, options: Mapping[str, Any], expected: Any, got: Any, case: Case,
          *, base_dir: str = "") -> CheckResult:
    """Run the built-in or custom (``module:function`` / ``file.py:function``) checker.

    Any checker accepts ``dtype`` (e.g. ``int64``): the result must then be a NumPy
    array of exactly that dtype, as the exercise's prompt promises (``int32`` indices
    or a plain list are the classic ways to break a caller that indexes with them).
    """
    wanted_dtype = options.get("dtype")
    if wanted_dtype is not None:
        problem = _dtype_problem(str(wanted_dtype), got)
        if problem:
            return CheckResult(False, problem)
    builtin = BUILTIN_CHECKERS.get(name)
    if builtin is not None:
        return builtin(options, expected, got, case)
    custom = resolve_target(name, base_dir)
    result = custom(options, expected, got, case)
    if isinstance(result, CheckResult):
        return result
    if isinstance(result, tuple) and len(result) == 2:
        return CheckResult(bool(result[0]), str(result[1]))
    return CheckResult(bool(result), "" if result else "the custom checker rejected this result")
