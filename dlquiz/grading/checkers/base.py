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

import difflib
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


#: Dtype names a ``dtype`` rule may give (NumPy's canonical spelling), besides :data:`MATCH`.
DTYPE_NAMES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
               "float16", "float32", "float64", "complex64", "complex128")
#: The ``dtype`` rule "the same dtype as the reference's result".
MATCH = "match"


def dtype_rule_problem(rule: Any) -> str:
    """Why ``rule`` is not a valid ``dtype`` checker option ("" when it is).

    Valid: ``match``, a name from :data:`DTYPE_NAMES`, or (for a tuple result) a
    non-empty list of those, ``null`` for an element without a rule.
    """
    if isinstance(rule, str):
        if rule == MATCH or rule in DTYPE_NAMES:
            return ""
        close = difflib.get_close_matches(rule, [MATCH, *DTYPE_NAMES], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return (f"unknown dtype {rule!r}{hint}: expected 'match' (the reference's dtype) or one "
                f"of {', '.join(DTYPE_NAMES)}")
    if isinstance(rule, (list, tuple)) and rule:
        for index, item in enumerate(rule):
            if item is None:
                continue
            problem = dtype_rule_problem(item) if isinstance(item, str) else (
                f"expected a dtype name, 'match' or null, got {item!r}")
            if problem:
                return f"item {index}: {problem}"
        return ""
    return (f"expected 'match', a dtype name ({', '.join(DTYPE_NAMES[:5])}, ...) or, for a tuple "
            f"result, a list of them, got {rule!r}"[:300])


def element_rules(rule: Any, count: int) -> list[Any] | str:
    """The ``dtype`` rule of each of the ``count`` elements of a tuple result, or a problem.

    One name (or ``match``) applies to every element; a list gives one rule per
    element (``None``: no rule).
    """
    if isinstance(rule, (list, tuple)):
        if len(rule) != count:
            return (f"the checker's dtype option lists {len(rule)} dtypes but the result is a "
                    f"tuple of {count} values")
        return list(rule)
    return [rule] * count


class _Empty:
    """An empty list or tuple: no element, so no dtype to compare."""


_EMPTY = _Empty()


def result_dtype(value: Any) -> np.dtype | _Empty | None:
    """The dtype ``value`` carries, as a ``dtype`` rule sees it.

    An array or NumPy scalar: its own dtype. A Python number or a list: the dtype
    ``np.asarray`` gives it (a Python float is float64, a Python int int64, a
    bool bool, a list of Python floats float64, a list of float32 scalars float32).
    An empty list has no element to carry one; anything else (None, ragged or
    non-numeric data) has none.
    """
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype if value.dtype.kind in _KIND_NAMES else None
    arr = as_array(value)
    if arr is None:
        return None
    if isinstance(value, (list, tuple)) and arr.size == 0:
        return _EMPTY
    return arr.dtype


def dtype_problem(rule: str, expected: Any, got: Any) -> str:
    """Why ``got`` breaks the dtype ``rule`` (a name or ``match``) ("" when it does not).

    ``match`` takes the dtype of the reference's result (``expected``); a
    reference result without one (None, an empty list) sets no rule.
    """
    if rule == MATCH:
        want = result_dtype(expected)
        if not isinstance(want, np.dtype):
            return ""
    else:
        want = np.dtype(rule)
    noun = "array" if isinstance(expected, (np.ndarray, list, tuple)) else "value"
    if noun == "value" and want.kind == "f" and type(got) is int:
        return ""  # a Python int where a float is promised: exact, as any judge takes it
    have = result_dtype(got)
    if have is _EMPTY or (isinstance(have, np.dtype) and have == want):
        return ""
    promised = f"expected {'an' if want.name.startswith('int') else 'a'} {want} {noun}"
    if isinstance(got, np.ndarray):
        return f"{promised}, got {got.dtype}" if noun == "array" else (
            f"{promised}, got a {got.dtype} array")
    if isinstance(got, np.generic):
        return f"{promised}, got a NumPy {got.dtype} scalar"
    if isinstance(have, np.dtype) and isinstance(got, (bool, int, float, complex)):
        return f"{promised}, got a Python {type(got).__name__} ({have})"
    if isinstance(have, np.dtype):
        return f"{promised}, got a {type(got).__name__} of {have} values"
    return f"{promised}, got {describe(got)}"


def _rules_problem(rule: Any, expected: Any, got: Any) -> str:
    """:func:`dtype_problem` for a whole result, element by element for a tuple."""
    if not isinstance(expected, tuple):
        if isinstance(rule, (list, tuple)):
            return (f"the checker's dtype option is a list, which is for a tuple result, but the "
                    f"reference returned {describe(expected)}")
        return dtype_problem(rule, expected, got)
    if not isinstance(got, (tuple, list)) or len(got) != len(expected):
        return ""  # the checker itself says "expected a tuple of N values"
    rules = element_rules(rule, len(expected))
    if isinstance(rules, str):
        return rules
    for position, (each, want, have) in enumerate(zip(rules, expected, got)):
        problem = "" if each is None else dtype_problem(each, want, have)
        if problem:
            return f"element {position} of the tuple: {problem}"
    return ""


#: Built-in checkers that hand a tuple result to the ``tuple`` checker, which applies
#: the ``dtype`` rule element by element together with the values.
_TUPLE_AWARE = frozenset({"tuple", "allclose", "exact"})


def check(name: str, options: Mapping[str, Any], expected: Any, got: Any, case: Case,
          *, base_dir: str = "") -> CheckResult:
    """Run the built-in or custom (``module:function`` / ``file.py:function``) checker.

    Any checker accepts ``dtype``: ``match`` (the reference's dtype) or a name such
    as ``float64`` / ``int64``, the dtype the exercise's prompt promises; a result of
    another dtype fails before its values are compared ("expected a float64 array,
    got float32"). See :func:`result_dtype` for Python numbers and lists. For a
    tuple result the rule applies to every element, or a list gives one per element.
    """
    rule = options.get("dtype")
    if rule is not None and not (name in _TUPLE_AWARE and isinstance(expected, tuple)):
        problem = _rules_problem(rule, expected, got)
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
