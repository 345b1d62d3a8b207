"""Case generators described in YAML, for user-written exercises.

A user exercise may describe its inputs instead of writing a generator::

    cases:
      dims: {n: [1, 40]}                 # drawn per random case, not passed
      args:                              # one entry per function argument
        pred: {shape: [n], dtype: float64, low: -3, high: 3}
        target: {shape: [n], dtype: float64, low: -3, high: 3}
        beta: {float: [0.5, 2.0]}
        k: {int: [1, 5]}                 # ints may also size arrays: shape: [k, 2]
        mode: {choice: [mean, sum]}
        eps: {value: 1.0e-6}             # always this value
        xs: {list: int, length: n, low: -9, high: 9}
      random: 20                         # how many random cases
      edge:                              # named cases, run first
        - name: empty input
          args:
            pred: {array: [], dtype: float64}
            target: {array: [], dtype: float64}
      perf: {n: 200000}                  # optional one large "perf" case

Conventions: ``[lo, hi]`` ranges of ``int`` and ``dims`` are inclusive;
``float`` and float arrays draw uniformly from ``[low, high)``; integer
arrays and lists from ``[low, high]``; bool arrays are True with probability
``p`` (default 0.5). An edge case lists only the arguments it pins; the rest
are drawn as for a random case (with its ``dims`` pinned too when given). An
edge argument is a literal YAML value, or ``{array: [...], dtype: ...}`` for
an ndarray. Everything is drawn from the grader's seeded ``rng`` in a fixed
order, so a seed always gives the same cases.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from dlquiz.grading.case import Case

SCALAR_KINDS = ("int", "float", "choice", "value")
ARRAY_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                "uint64", "float16", "float32", "float64")
MAX_RANDOM_CASES = 500
SPEC_KEYS = ("dims", "args", "random", "edge", "perf")

Problem = tuple[tuple[str | int, ...], str]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _range_ok(value: Any, *, ints: bool) -> bool:
    if not isinstance(value, list) or len(value) != 2:
        return False
    if ints and not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return False
    return all(_is_number(v) for v in value) and value[0] <= value[1]


def validate_spec(spec: Mapping[str, Any]) -> list[Problem]:
    """Problems in a case description, as (path inside ``cases``, message)."""
    problems: list[Problem] = []
    for key in spec:
        if key not in SPEC_KEYS:
            problems.append(((key,), f"unknown key {key!r} (expected one of {', '.join(SPEC_KEYS)})"))
    dims = spec.get("dims", {})
    if not isinstance(dims, Mapping):
        problems.append((("dims",), "expected a mapping name: [lo, hi]"))
        dims = {}
    for name, value in dims.items():
        if not _range_ok(value, ints=True) or value[0] < 0:
            problems.append((("dims", name), "expected [lo, hi] with 0 <= lo <= hi (integers)"))
    args = spec.get("args")
    if not isinstance(args, Mapping) or not args:
        problems.append((("args",), "expected a mapping of argument name -> description"))
        args = {}
    sizes = set(dims) | {n for n, a in args.items() if isinstance(a, Mapping) and "int" in a}
    for name, arg in args.items():
        problems.extend(((("args", name, *p), m) for p, m in _validate_arg(arg, sizes)))
    count = spec.get("random", 10)
    if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_RANDOM_CASES:
        problems.append((("random",), f"expected a count between 0 and {MAX_RANDOM_CASES}"))
    edges = spec.get("edge", [])
    if not isinstance(edges, list):
        problems.append((("edge",), "expected a list of {name, args}"))
        edges = []
    for i, edge in enumerate(edges):
        if not isinstance(edge, Mapping) or not isinstance(edge.get("name"), str) or not edge["name"]:
            problems.append((("edge", i), "expected {name: ..., args: {...}}"))
            continue
        for key in edge:
            if key not in ("name", "args", "dims"):
                problems.append((("edge", i, key), f"unknown key {key!r} (name, args, dims)"))
        for name, value in (edge.get("args") or {}).items():
            if name not in args:
                problems.append((("edge", i, "args", name), f"{name!r} is not one of the args"))
            elif isinstance(value, Mapping) and "array" in value:
                problems.extend(((("edge", i, "args", name, *p), m) for p, m in _validate_literal(value)))
    perf = spec.get("perf")
    if perf is not None and (not isinstance(perf, Mapping) or not all(
            k in sizes and isinstance(v, int) and v >= 0 for k, v in perf.items())):
        problems.append((("perf",), "expected {size name: integer} for dims or int args"))
    return problems


def _validate_arg(arg: Any, sizes: set[str]) -> list[Problem]:
    if not isinstance(arg, Mapping):
        return [((), "expected a description such as {int: [1, 5]} or {shape: [n], dtype: float64}")]
    kinds = [k for k in (*SCALAR_KINDS, "shape", "list") if k in arg]
    if len(kinds) != 1:
        return [((), "give exactly one of int, float, choice, value, shape (array) or list")]
    kind = kinds[0]
    if kind in ("int", "float") and not _range_ok(arg[kind], ints=kind == "int"):
        return [((kind,), "expected [lo, hi] with lo <= hi")]
    if kind == "choice" and (not isinstance(arg["choice"], list) or not arg["choice"]):
        return [(("choice",), "expected a non-empty list")]
    problems: list[Problem] = []
    if kind == "shape":
        shape = arg["shape"]
        if not isinstance(shape, list):
            return [(("shape",), "expected a list of sizes (integers or size names)")]
        for i, dim in enumerate(shape):
            if isinstance(dim, str) and dim not in sizes:
                problems.append((("shape", i), f"{dim!r} is not a dims entry or an int argument"))
            elif not isinstance(dim, (int, str)) or isinstance(dim, bool) or (
                    isinstance(dim, int) and dim < 0):
                problems.append((("shape", i), f"expected a size, got {dim!r}"))
        if arg.get("dtype", "float64") not in ARRAY_DTYPES:
            problems.append((("dtype",), f"expected one of {', '.join(ARRAY_DTYPES)}"))
    if kind == "list":
        if arg["list"] not in ("int", "float"):
            problems.append((("list",), "expected int or float"))
        length = arg.get("length")
        if not (isinstance(length, str) and length in sizes) and not (
                isinstance(length, int) and not isinstance(length, bool) and length >= 0):
            problems.append((("length",), "expected a size (integer or size name)"))
    for key in ("low", "high", "p"):
        if key in arg and not _is_number(arg[key]):
            problems.append(((key,), "expected a number"))
    return problems


def _validate_literal(value: Mapping[str, Any]) -> list[Problem]:
    try:
        _literal(value)
    except (ValueError, TypeError) as exc:
        return [((), f"not a valid array: {exc}")]
    return []


def _literal(value: Any) -> Any:
    if isinstance(value, Mapping) and "array" in value:
        dtype = value.get("dtype", "float64")
        if dtype not in ARRAY_DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(ARRAY_DTYPES)}")
        arr = np.array(value["array"], dtype=dtype)
        if "shape" in value:
            arr = arr.reshape(value["shape"])
        return arr
    return value


def _draw_scalar(arg: Mapping[str, Any], rng: np.random.Generator) -> Any:
    if "int" in arg:
        lo, hi = arg["int"]
        return int(rng.integers(lo, hi, endpoint=True))
    if "float" in arg:
        lo, hi = arg["float"]
        return float(rng.uniform(lo, hi))
    if "choice" in arg:
        options = arg["choice"]
        return options[int(rng.integers(0, len(options)))]
    return arg["value"]


def _draw_array(arg: Mapping[str, Any], sizes: Mapping[str, int], rng: np.random.Generator) -> Any:
    if "list" in arg:
        length = arg["length"]
        n = sizes[length] if isinstance(length, str) else int(length)
        low, high = arg.get("low", 0), arg.get("high", 10)
        if arg["list"] == "int":
            return [int(v) for v in rng.integers(int(low), int(high), size=n, endpoint=True)]
        return [float(v) for v in rng.uniform(low, high, size=n)]
    shape = tuple(sizes[d] if isinstance(d, str) else int(d) for d in arg["shape"])
    dtype = np.dtype(arg.get("dtype", "float64"))
    if dtype.kind == "b":
        return rng.random(shape) < float(arg.get("p", 0.5))
    low, high = arg.get("low", 0), arg.get("high", 1 if dtype.kind == "f" else 10)
    if dtype.kind in "iu":
        return rng.integers(int(low), int(high), size=shape, endpoint=True).astype(dtype)
    return rng.uniform(low, high, size=shape).astype(dtype)


def _draw_case(spec: Mapping[str, Any], rng: np.random.Generator,
               pinned_dims: Mapping[str, int], pinned_args: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, int]]:
    sizes: dict[str, int] = {}
    for name, (lo, hi) in spec.get("dims", {}).items():
        drawn = int(rng.integers(lo, hi, endpoint=True))
        sizes[name] = int(pinned_dims.get(name, drawn))
    args: dict[str, Any] = {}
    arg_specs: Mapping[str, Mapping[str, Any]] = spec["args"]
    for name, arg in arg_specs.items():
        if any(k in arg for k in SCALAR_KINDS):
            drawn = _draw_scalar(arg, rng)
            if name in pinned_dims:
                drawn = int(pinned_dims[name])
            args[name] = _literal(pinned_args[name]) if name in pinned_args else drawn
            if "int" in arg:
                sizes[name] = int(args[name])
    for name, arg in arg_specs.items():
        if not any(k in arg for k in SCALAR_KINDS):
            drawn = _draw_array(arg, sizes, rng)
            args[name] = _literal(pinned_args[name]) if name in pinned_args else drawn
    return {name: args[name] for name in arg_specs}, sizes


def generator_from_spec(spec: Mapping[str, Any]) -> Callable[[np.random.Generator], list[Case]]:
    """A ``cases(rng) -> list[Case]`` function for a validated spec."""
    problems = validate_spec(spec)
    if problems:
        raise ValueError("; ".join(f"cases.{'.'.join(map(str, p))}: {m}" for p, m in problems))

    def cases(rng: np.random.Generator) -> list[Case]:
        out: list[Case] = []
        for edge in spec.get("edge", []):
            args, _ = _draw_case(spec, rng, edge.get("dims", {}), edge.get("args") or {})
            out.append(Case(str(edge["name"]), args, "edge"))
        for number in range(1, int(spec.get("random", 10)) + 1):
            args, sizes = _draw_case(spec, rng, {}, {})
            label = ", ".join(f"{k}={v}" for k, v in sizes.items())
            out.append(Case(f"random #{number}" + (f" ({label})" if label else ""), args, "random"))
        if spec.get("perf"):
            args, _ = _draw_case(spec, rng, spec["perf"], {})
            out.append(Case("perf", args, "perf"))
        return out

    return cases


def describe_spec_errors(problems: Sequence[Problem]) -> list[str]:
    """Problems as ``cases.args.x.shape[0]: message`` strings."""
    return [f"cases.{'.'.join(str(p) for p in path)}: {message}" for path, message in problems]
