"""How a learner's result is compared with the reference's.

Every checker has the signature ``checker(options, expected, got, case) ->
CheckResult``: ``options`` come from the exercise's ``checker:`` mapping,
``expected`` is the reference's result as plain data, ``got`` is what came
back from the sandbox (plain data too: arrays, tuples, lists, scalars, or a
:class:`~dlquiz.grading.sandbox_runner.Unsupported` marker), and ``case`` is
the :class:`~dlquiz.grading.case.Case` (NMS checkers read its inputs).

Messages are written for the learner: the first thing that is wrong, in the
words an interviewer would use ("expected shape (5,), got (5, 1)", "first
difference at index (3,): expected 0.25, got 0.3").

Conventions shared with the references: boxes are ``(x1, y1, x2, y2)``, area
``(x2 - x1) * (y2 - y1)`` with no +1, IoU of a zero-area union is 0, and NMS
suppresses a box when its IoU with a kept box is strictly greater than the
threshold (torchvision). When scores tie, greedy NMS may take either box
first; the NMS checkers accept any order a tie allows by replaying greedy NMS
along the learner's own choices.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from dlquiz.grading.case import Case

#: Defaults of the ``allclose`` checker (NumPy's own).
DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-8
#: Relative slack within which two soft-NMS scores count as tied.
TIE_RTOL = 1e-9


@dataclass(frozen=True)
class CheckResult:
    """``ok`` and, when not ok, a message for the learner."""

    ok: bool
    message: str = ""


Checker = Callable[[Mapping[str, Any], Any, Any, Case], CheckResult]

_KIND_NAMES = {"b": "bool", "i": "integer", "u": "integer", "f": "float", "c": "complex"}


def summarize(value: Any, *, limit: int = 12) -> str:
    """A short, readable rendering of a value (large arrays elided)."""
    if isinstance(value, np.ndarray):
        with np.printoptions(threshold=limit, edgeitems=3, precision=6, linewidth=100):
            body = np.array2string(value, separator=", ")
        return f"{body} ({value.dtype}, shape {value.shape})"
    if isinstance(value, (list, tuple)) and len(value) > limit:
        head = ", ".join(summarize(v) for v in value[:3])
        tail = ", ".join(summarize(v) for v in value[-3:])
        open_, close = ("[", "]") if isinstance(value, list) else ("(", ")")
        return f"{open_}{head}, ..., {tail}{close} ({len(value)} items)"
    if isinstance(value, tuple):
        return "(" + ", ".join(summarize(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(summarize(v) for v in value) + "]"
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):.10g}"
        return text if any(c in text for c in ".eni") else text + ".0"
    return repr(value)


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
        except (ValueError, TypeError):
            return None
    else:
        return None
    if arr.dtype.kind not in _KIND_NAMES:
        return None
    return arr


def _kind_group(kind: str) -> str:
    return {"i": "int", "u": "int"}.get(kind, kind)


def _shape_text(arr: np.ndarray) -> str:
    return "a scalar" if arr.ndim == 0 else f"shape {arr.shape}"


def _compare_structure(expected: Any, got: Any, *, numeric_kinds_mix: bool
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
        return CheckResult(False, f"expected {_shape_text(e)}, got {_shape_text(g)}")
    ek, gk = e.dtype.kind, g.dtype.kind
    if numeric_kinds_mix:
        compatible = (ek in "iuf" and gk in "iuf") or ek == gk or (ek == "c" and gk in "iuf")
    else:
        compatible = _kind_group(ek) == _kind_group(gk)
    if not compatible and e.size:
        return CheckResult(False, f"expected {_KIND_NAMES[ek]} values ({e.dtype}), "
                                  f"got {_KIND_NAMES[gk]} values ({g.dtype})")
    return e, g


def _index_text(arr: np.ndarray, flat: int) -> str:
    if arr.ndim == 0:
        return ""
    index = np.unravel_index(flat, arr.shape)
    return f" at index {tuple(int(i) for i in index)}"


def check_allclose(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """Values equal within ``rtol``/``atol`` (NaN matches NaN unless ``equal_nan: false``)."""
    if isinstance(expected, tuple):
        return check_tuple(options, expected, got, case)
    if expected is None:
        return CheckResult(got is None, "" if got is None else f"expected None, got {describe(got)}")
    rtol = float(options.get("rtol", DEFAULT_RTOL))
    atol = float(options.get("atol", DEFAULT_ATOL))
    equal_nan = bool(options.get("equal_nan", True))
    pair = _compare_structure(expected, got, numeric_kinds_mix=True)
    if isinstance(pair, CheckResult):
        return pair
    e, g = pair
    if e.dtype.kind == "b":
        return _exact_arrays(e, g)
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
        f"{_index_text(e, first)}: expected {summarize(e.ravel()[first])}, "
        f"got {summarize(g.ravel()[first])}{worst}",
    )


def _exact_arrays(e: np.ndarray, g: np.ndarray) -> CheckResult:
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
        f"{bad.size} of {e.size} values differ; first{_index_text(e, first)}: "
        f"expected {summarize(e.ravel()[first])}, got {summarize(g.ravel()[first])}",
    )


def check_exact(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """Identical values, shape and dtype kind (int vs float matters: indices are ints)."""
    if isinstance(expected, tuple):
        return check_tuple({"element": {"name": "exact"}, **options}, expected, got, case)
    if expected is None or isinstance(expected, str):
        ok = type(got) is type(expected) and got == expected
        return CheckResult(ok, "" if ok else f"expected {expected!r}, got {summarize(got)}")
    pair = _compare_structure(expected, got, numeric_kinds_mix=False)
    if isinstance(pair, CheckResult):
        return pair
    return _exact_arrays(*pair)


def check_pairs(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """Exact ``(K, 2)`` index pairs (matches): a mismatch names the missing and extra pairs.

    A shape mismatch alone ("expected (12, 2), got (13, 2)") does not say which match
    is wrong; the pairs the learner missed or added do, and point at the query to debug.
    """
    e, g = as_array(expected), as_array(got)
    if e is None or g is None or e.ndim != 2 or g.ndim != 2 or g.shape[1:] != e.shape[1:]:
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
                                  f"got {_shape_text(g)}")
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
    want, have = list(expected), g.tolist()
    for index, (w, h) in enumerate(zip(want, have)):
        if w != h:
            return CheckResult(False, f"first wrong position is index {index}: expected {w!r}, "
                                      f"got {h!r} (expected {summarize(want)}, got {summarize(have)})")
    if len(want) != len(have):
        return CheckResult(False, f"expected {len(want)} values, got {len(have)}")
    return CheckResult(True)


def pairwise_iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one (x1, y1, x2, y2) box with each row of ``boxes``; empty union -> 0."""
    ix = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    iy = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    inter = ix * iy
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def _indices(got: Any, what: str) -> np.ndarray | CheckResult:
    g = as_array(got)
    if g is None:
        return CheckResult(False, f"expected {what} as an int64 array, got {describe(got)}")
    if g.ndim != 1:
        return CheckResult(False, f"expected {what} of shape (k,), got {_shape_text(g)}")
    if g.size and g.dtype.kind not in "iu":
        return CheckResult(False, f"expected {what} as integers (int64), got {g.dtype} values")
    return g.astype(np.int64)


def check_nms(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """Any result greedy NMS can produce under some order of tied scores."""
    if "boxes" not in case.args or "scores" not in case.args:
        return check_exact(options, expected, got, case)
    boxes = np.asarray(case.args["boxes"], dtype=np.float64).reshape(-1, 4)
    scores = np.asarray(case.args["scores"], dtype=np.float64)
    threshold = float(case.args.get("iou_threshold", options.get("iou_threshold", 0.5)))
    keep = _indices(got, "the kept indices")
    if isinstance(keep, CheckResult):
        return keep
    if _same_indices(expected, keep):
        return CheckResult(True)  # the reference's own tie order: no replay needed
    alive = np.ones(len(scores), dtype=bool)
    for step, index in enumerate(keep.tolist()):
        problem = _greedy_step_problem(step, index, alive, scores, exact=True)
        if problem:
            return CheckResult(False, problem + f" (expected e.g. {summarize(expected)})")
        alive[index] = False
        alive &= ~(pairwise_iou(boxes[index], boxes) > threshold)
    if alive.any():
        nxt = int(np.flatnonzero(alive)[np.argmax(scores[alive])])
        return CheckResult(False, f"you kept {len(keep)} boxes but greedy NMS keeps more: "
                                  f"box {nxt} (score {summarize(scores[nxt])}) is not suppressed "
                                  f"by any kept box (expected e.g. {summarize(expected)})")
    return CheckResult(True)


def _same_indices(expected: Any, keep: np.ndarray) -> bool:
    e = as_array(expected)
    return e is not None and e.shape == keep.shape and bool(np.array_equal(e, keep))


def _greedy_step_problem(step: int, index: int, alive: np.ndarray, scores: np.ndarray,
                         *, exact: bool) -> str:
    """Why ``index`` cannot be the greedy pick at ``step`` ("" when it can)."""
    if not 0 <= index < len(scores):
        return f"keep[{step}] = {index} is not a valid box index (there are {len(scores)} boxes)"
    if not alive.any():
        return f"keep[{step}] = {index}: greedy NMS has already kept or suppressed every box"
    if not alive[index]:
        return (f"keep[{step}] = {index}: that box was already kept or suppressed "
                f"(IoU above the threshold with a kept box)")
    best = float(scores[alive].max())
    mine = float(scores[index])
    tied = mine == best if exact else mine >= best - TIE_RTOL * max(1.0, abs(best))
    if not tied:
        other = int(np.flatnonzero(alive)[np.argmax(scores[alive])])
        return (f"keep[{step}] = {index} (score {mine:.6g}) but box {other} still has a higher "
                f"score {best:.6g}: greedy NMS always takes the highest remaining score")
    return ""


def check_soft_nms(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """``(keep, scores)`` of soft-NMS, replayed along the learner's tie choices.

    Keep indices must match greedy selection exactly (up to ties); scores are
    compared with ``rtol``/``atol``. Linear decay: ``s *= 1 - iou`` when
    ``iou > iou_threshold``; gaussian: ``s *= exp(-iou**2 / sigma)``; boxes
    whose decayed score falls below ``score_threshold`` are dropped.
    """
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return CheckResult(False, f"expected a tuple (keep, scores), got {describe(got)}")
    keep = _indices(got[0], "keep")
    if isinstance(keep, CheckResult):
        return keep
    kept_scores = as_array(got[1])
    if kept_scores is None or kept_scores.shape != keep.shape:
        return CheckResult(False, f"expected scores of shape {keep.shape} (one per kept box), "
                                  f"got {describe(got[1])}")
    if (isinstance(expected, tuple) and len(expected) == 2 and _same_indices(expected[0], keep)
            and np.allclose(kept_scores, np.asarray(expected[1], dtype=np.float64),
                            rtol=float(options.get("rtol", DEFAULT_RTOL)),
                            atol=float(options.get("atol", DEFAULT_ATOL)))):
        return CheckResult(True)
    args = case.args
    boxes = np.asarray(args["boxes"], dtype=np.float64).reshape(-1, 4)
    scores = np.asarray(args["scores"], dtype=np.float64).copy()
    threshold = float(args.get("iou_threshold", 0.3))
    sigma = float(args.get("sigma", 0.5))
    floor = float(args.get("score_threshold", 0.001))
    method = str(args.get("method", "gaussian"))
    rtol = float(options.get("rtol", DEFAULT_RTOL))
    atol = float(options.get("atol", DEFAULT_ATOL))
    alive = scores >= floor
    for step, index in enumerate(keep.tolist()):
        problem = _greedy_step_problem(step, index, alive, scores, exact=False)
        if problem:
            return CheckResult(False, problem)
        if not math.isclose(float(kept_scores[step]), scores[index], rel_tol=rtol, abs_tol=atol):
            return CheckResult(False, f"scores[{step}] (box {index}): expected "
                                      f"{scores[index]:.6g}, got {float(kept_scores[step]):.6g}")
        alive[index] = False
        iou = pairwise_iou(boxes[index], boxes)
        if method == "linear":
            decay = np.where(iou > threshold, 1.0 - iou, 1.0)
        else:
            decay = np.exp(-(iou ** 2) / sigma)
        scores = np.where(alive, scores * decay, scores)
        alive &= scores >= floor
    if alive.any():
        nxt = int(np.flatnonzero(alive)[np.argmax(scores[alive])])
        return CheckResult(False, f"you kept {len(keep)} boxes but box {nxt} still has score "
                                  f"{scores[nxt]:.6g} >= score_threshold {floor:g}")
    return CheckResult(True)


def check_tuple(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """Element-wise: ``elements: [{name: exact}, {name: allclose, rtol: ...}]``.

    Without ``elements``, every element uses ``element`` (default: allclose
    with the remaining options).
    """
    if not isinstance(got, (tuple, list)) or len(got) != len(expected):
        return CheckResult(False, f"expected a tuple of {len(expected)} values, got {describe(got)}")
    shared = {k: v for k, v in options.items() if k not in ("elements", "element")}
    default = dict(options.get("element") or {"name": "allclose", **shared})
    specs = list(options.get("elements") or [default] * len(expected))
    for position, (spec, want, have) in enumerate(zip(specs, expected, got)):
        spec = dict(spec)
        name = str(spec.pop("name", "allclose"))
        result = check(name, spec, want, have, case)
        if not result.ok:
            return CheckResult(False, f"element {position} of the tuple: {result.message}")
    return CheckResult(True)


BUILTIN_CHECKERS: dict[str, Checker] = {
    "allclose": check_allclose,
    "exact": check_exact,
    "pairs": check_pairs,
    "set_equal": check_set_equal,
    "sorted": check_sorted,
    "nms": check_nms,
    "soft_nms": check_soft_nms,
    "tuple": check_tuple,
}


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
    from dlquiz.grading.registry import resolve_target

    custom = resolve_target(name, base_dir)
    result = custom(options, expected, got, case)
    if isinstance(result, CheckResult):
        return result
    if isinstance(result, tuple) and len(result) == 2:
        return CheckResult(bool(result[0]), str(result[1]))
    return CheckResult(bool(result), "" if result else "the custom checker rejected this result")
