"""Checkers for numbers, arrays and sequences: allclose, exact, pairs, set_equal, sorted, tuple.

Messages are written for the learner: the first thing that is wrong, in the
words an interviewer would use ("expected shape (5,), got (5, 1)", "first
difference at index (3,): expected 0.25, got 0.3").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np

from dlquiz.grading.case import Case
from dlquiz.grading.checkers.base import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    CheckResult,
    Checker,
    as_array,
    check,
    compare_structure,
    describe,
    element_rules,
    exact_arrays,
    index_text,
    real_kind_problem,
    shape_text,
    summarize,
)


def check_allclose(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """Values equal within ``rtol``/``atol`` (NaN matches NaN unless ``equal_nan: false``)."""
    if isinstance(expected, tuple):
        return check_tuple(options, expected, got, case)
    if expected is None:
        return CheckResult(got is None, "" if got is None else f"expected None, got {describe(got)}")
    rtol = float(options.get("rtol", DEFAULT_RTOL))
    atol = float(options.get("atol", DEFAULT_ATOL))
    equal_nan = bool(options.get("equal_nan", True))
    pair = compare_structure(expected, got, numeric_kinds_mix=True)
    if isinstance(pair, CheckResult):
        return pair
    e, g = pair
    if e.dtype.kind == "b":
        return exact_arrays(e, g)
    close = np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if bool(np.all(close)):
        return CheckResult(True)
    bad = np.flatnonzero(~close)
    first = int(bad[0])
    with np.errstate(invalid="ignore"):
        diff = np.abs(g.astype(np.complex128 if "c" in (e.dtype.kind, g.dtype.kind) else np.float64)
                      - e).ravel()[bad]
    finite = diff[np.isfinite(diff)]
    worst = f"; max abs diff {float(finite.max()):.6g}" if finite.size else ""
    return CheckResult(
        False,
        f"{bad.size} of {e.size} values differ (rtol={rtol:g}, atol={atol:g}); first"
        f"{index_text(e, first)}: expected {summarize(e.ravel()[first])}, "
        f"got {summarize(g.ravel()[first])}{worst}",
    )


def check_exact(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """Identical values, shape and dtype kind (int vs float matters: indices are ints)."""
    if isinstance(expected, tuple):
        return check_tuple({"element": {"name": "exact"}, **options}, expected, got, case)
    if expected is None or isinstance(expected, str):
        ok = type(got) is type(expected) and got == expected
        return CheckResult(ok, "" if ok else f"expected {expected!r}, got {summarize(got)}")
    pair = compare_structure(expected, got, numeric_kinds_mix=False)
    if isinstance(pair, CheckResult):
        return pair
    return exact_arrays(*pair)


def check_pairs(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """Exact ``(K, 2)`` index pairs (matches): a mismatch names the missing and extra pairs.

    A shape mismatch alone ("expected (12, 2), got (13, 2)") does not say which match
    is wrong; the pairs the learner missed or added do, and point at the query to debug.
    """
    e, g = as_array(expected), as_array(got)
    if (e is None or g is None or e.ndim != 2 or g.ndim != 2 or g.shape[1:] != e.shape[1:]
            or g.dtype.kind not in "iu" or e.dtype.kind not in "iu"):
        return check_exact(options, expected, got, case)
    want = [tuple(int(v) for v in row) for row in e]
    have = [tuple(int(v) for v in row) for row in g]
    if want == have:
        return CheckResult(True)
    missing = [p for p in want if p not in set(have)]
    extra = [p for p in have if p not in set(want)]
    if not missing and not extra:
        return CheckResult(False, "the right pairs in the wrong order (rows must be sorted as "
                                  "the prompt says)")
    parts = []
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        parts.append(f"missing {', '.join(map(str, missing[:3]))}{more}")
    if extra:
        more = f" and {len(extra) - 3} more" if len(extra) > 3 else ""
        parts.append(f"not expected {', '.join(map(str, extra[:3]))}{more}")
    return CheckResult(False, f"{len(have)} pairs, expected {len(want)}: " + "; ".join(parts))


def check_set_equal(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """The same values as a multiset, in any order (rows count as items for 2-D data)."""
    e, g = as_array(expected), as_array(got)
    if e is None or g is None:
        return CheckResult(False, f"expected {describe(expected)}, got {describe(got)}")
    if e.ndim != g.ndim or e.shape[1:] != g.shape[1:]:
        return CheckResult(False, f"expected items of shape {e.shape[1:]} ({e.ndim}-D), "
                                  f"got {shape_text(g)}")
    want = Counter(_hashable(x) for x in e.tolist()) if e.ndim else Counter([e.item()])
    have = Counter(_hashable(x) for x in g.tolist()) if g.ndim else Counter([g.item()])
    if want == have:
        return CheckResult(True)
    missing = list((want - have).elements())
    extra = list((have - want).elements())
    parts = []
    if missing:
        parts.append(f"missing {summarize(missing)}")
    if extra:
        parts.append(f"unexpected {summarize(extra)}")
    return CheckResult(False, "; ".join(parts) + " (order does not matter)")


def _hashable(value: Any) -> Any:
    return tuple(_hashable(v) for v in value) if isinstance(value, list) else value


def check_sorted(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """Exactly the expected ascending sequence; points at the first wrong position."""
    g = as_array(got)
    if g is None or g.ndim != 1:
        if g is not None and g.ndim == 0:
            return CheckResult(False, f"expected a list of {len(expected)} numbers, got {describe(got)}")
        return CheckResult(False, f"expected a list of numbers, got {describe(got)}")
    if real_kind_problem(g, "the sorted values"):
        return CheckResult(False, real_kind_problem(g, "the sorted values"))
    want, have = list(expected), g.tolist()
    for index, (w, h) in enumerate(zip(want, have)):
        if w != h:
            return CheckResult(False, f"first wrong position is index {index}: expected {w!r}, "
                                      f"got {h!r} (expected {summarize(want)}, got {summarize(have)})")
    if len(want) != len(have):
        return CheckResult(False, f"expected {len(want)} values, got {len(have)}")
    return CheckResult(True)


def check_tuple(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """Element-wise: ``elements: [{name: exact}, {name: allclose, rtol: ...}]``.

    Without ``elements``, every element uses ``element`` (default: allclose
    with the remaining options). A ``dtype`` option applies to every element
    (a list: one rule per element); an element's own ``dtype`` wins.
    """
    if not isinstance(got, (tuple, list)) or len(got) != len(expected):
        return CheckResult(False, f"expected a tuple of {len(expected)} values, got {describe(got)}")
    rules = element_rules(options.get("dtype"), len(expected))
    if isinstance(rules, str):
        return CheckResult(False, rules)
    shared = {k: v for k, v in options.items() if k not in ("elements", "element", "dtype")}
    default = dict(options.get("element") or {"name": "allclose", **shared})
    specs = list(options.get("elements") or [default] * len(expected))
    for position, (spec, rule, want, have) in enumerate(zip(specs, rules, expected, got)):
        spec = dict(spec)
        if rule is not None and spec.get("dtype") is None:
            spec["dtype"] = rule
        name = str(spec.pop("name", "allclose"))
        result = check(name, spec, want, have, case)
        if not result.ok:
            return CheckResult(False, f"element {position} of the tuple: {result.message}")
    return CheckResult(True)


CHECKERS: dict[str, Checker] = {
    "allclose": check_allclose,
    "exact": check_exact,
    "pairs": check_pairs,
    "set_equal": check_set_equal,
    "sorted": check_sorted,
    "tuple": check_tuple,
}
