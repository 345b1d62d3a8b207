"""Cases and expected outputs for one grading run, computed in the parent process.

Two kinds of seed, on purpose:

* **Fixed cases** (``edge`` and ``perf``) are always drawn from
  :data:`FIXED_SEED`. They encode the contract's clauses and the speed check,
  so every run, every machine and every learner sees the same ones. Their
  encoded inputs, expected outputs and the reference's perf time are kept on
  disk (``<cache dir>/prepared/<exercise>.json``, JSON, never pickle) keyed by
  the reference and case modules' stamps, so a warm ``dlquiz check`` does not
  recompute them.
* **Random cases** are drawn from the run's ``seed``: the CLI and the app pick a
  fresh one per run (:func:`fresh_seed`) and print it, and ``--seed N`` replays
  it. A solution that only passes the cases it has seen once cannot keep
  passing.

Only the graded exercise's reference and case generator are imported.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dlquiz.errors import DlquizError
from dlquiz.grading.calls import call_plan
from dlquiz.grading.case import SPEC_PREFIX, Case
from dlquiz.grading.case_keys import prepared_file, prepared_key
from dlquiz.grading.seeds import FIXED_SEED, MAX_SEED, fresh_seed  # noqa: F401 - re-exported
from dlquiz.grading.targets import require_trusted, resolve_target
from dlquiz.grading.wire import decode, encode, make_fingerprint
from dlquiz.model import Exercise

#: Best of this many reference runs is the perf baseline.
PERF_REFERENCE_RUNS = 3


class ExerciseError(DlquizError):
    """The exercise itself is broken (reference, cases or checker failed)."""

    title = "Broken exercise"


@dataclass
class Prepared:
    """Cases, expected outputs (plain data) and the reference's perf time per case index.

    ``encoded`` holds each case's *positional* arguments (wire format), in the
    order of the exercise's signature (:mod:`dlquiz.grading.calls`);
    ``prints`` the fingerprint of each of them (by position, ``result_arg``
    excepted), for the in-place mutation check done in the parent;
    ``transfer_s`` what shipping a perf case's result adds to its clock.
    """

    cases: list[Case]
    expected: list[Any]
    encoded: list[Any]
    reference_perf_s: dict[int, float] = field(default_factory=dict)
    transfer_s: dict[int, float] = field(default_factory=dict)
    prints: list[dict[str, str]] = field(default_factory=list)
    names: tuple[str, ...] = ()
    result_index: int = -1
    n_args: int = 0
    seed: int = FIXED_SEED


def case_generator(exercise: Exercise) -> Callable[[np.random.Generator], list[Any]]:
    """The exercise's ``cases(rng)`` function (a YAML spec or a named function)."""
    from dlquiz.grading.yaml_cases import generator_from_spec

    cases: Any = exercise.cases
    if isinstance(cases, Mapping):
        return generator_from_spec(cases)
    if cases.startswith(SPEC_PREFIX):
        return generator_from_spec(json.loads(cases[len(SPEC_PREFIX):]))
    generator: Callable[[np.random.Generator], list[Any]] = resolve_target(
        exercise.cases, exercise.base_dir)
    return generator


def _as_case(item: Any) -> Case:
    if isinstance(item, Case):
        return item
    if isinstance(item, dict):
        return Case(str(item["name"]), dict(item.get("args", {})), item.get("kind", "random"))
    raise TypeError(f"a case generator returned {type(item).__name__}, expected Case")


def call_reference(function: Callable[..., Any], case: Case, result_arg: str) -> tuple[Any, float]:
    """``function(**case.args)`` on a deep copy; the value (or ``result_arg``) and seconds."""
    args = copy.deepcopy(dict(case.args))
    started = time.perf_counter()
    value = function(**args)
    elapsed = time.perf_counter() - started
    if value is None and result_arg:
        value = args[result_arg]
    return value, elapsed


def _draw(exercise: Exercise, seed: int) -> list[Case]:
    cases = [_as_case(c) for c in case_generator(exercise)(np.random.default_rng(seed))]
    if exercise.perf_multiple is None:
        cases = [c for c in cases if c.kind != "perf"]
    return cases


#: Runs prepared in this process, newest last. Bounded: every run of the app or of
#: ``dlquiz watch`` draws a fresh seed, so an unbounded memo would grow by one run's
#: cases per verdict for the life of the process. A few cover what is reused: the
#: next run drawn ahead (:mod:`dlquiz.grading.readiness`) and a replayed ``--seed``.
MEMO_SIZE = 8
_MEMO: OrderedDict[str, Prepared] = OrderedDict()
_MEMO_LOCK = threading.Lock()


def prepare(exercise: Exercise, seed: int = FIXED_SEED, *,
            cache_dir: Path | None = None) -> Prepared:
    """Cases and expected outputs: fixed cases from :data:`FIXED_SEED`, random ones from ``seed``.

    Memoised per process and (for the fixed cases) on disk under ``cache_dir``.
    Raises :class:`ExerciseError` when the reference or the generator fails.
    """
    require_trusted(exercise)
    key = prepared_key(exercise)
    memo_key = hashlib.sha256(json.dumps([key, seed], sort_keys=True, default=str)
                              .encode()).hexdigest()
    with _MEMO_LOCK:
        if memo_key in _MEMO:
            _MEMO.move_to_end(memo_key)
            return _MEMO[memo_key]
    try:
        reference = resolve_target(exercise.reference, exercise.base_dir)
        fixed = _load_fixed(cache_dir, exercise, key)
        if fixed is None:
            fixed = _compute(exercise, reference,
                             [c for c in _draw(exercise, FIXED_SEED) if c.kind != "random"])
            _save_fixed(cache_dir, exercise, key, fixed)
        randoms = [c for c in _draw(exercise, seed) if c.kind == "random"]
        fresh = _compute(exercise, reference, randoms)
    except DlquizError:
        raise
    except Exception as exc:
        raise ExerciseError(f"exercise {exercise.id!r} ({exercise.source}): could not "
                            f"prepare its cases: {type(exc).__name__}: {exc}") from exc
    prepared = _merge(fixed, fresh, seed)
    with _MEMO_LOCK:
        _MEMO[memo_key] = prepared
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    return prepared


def _empty(exercise: Exercise, cases: list[Case]) -> Prepared:
    plan = call_plan(exercise.signature)
    result_index = plan.index(exercise.result_arg) if exercise.result_arg else -1
    return Prepared(cases=cases, expected=[], encoded=[], names=plan.names,
                    result_index=result_index)


def _compute(exercise: Exercise, reference: Callable[..., Any], cases: list[Case]) -> Prepared:
    plan = call_plan(exercise.signature)
    out = _empty(exercise, cases)
    fingerprint = make_fingerprint()
    for index, case in enumerate(cases):
        value, elapsed = call_reference(reference, case, exercise.result_arg)
        if case.kind == "perf":
            for _ in range(PERF_REFERENCE_RUNS - 1):
                elapsed = min(elapsed, call_reference(reference, case, exercise.result_arg)[1])
            out.reference_perf_s[index] = elapsed
            out.transfer_s[index] = _transfer_s(value)
        out.expected.append(decode(encode(value)))
        positional = encode(plan.positional(case.args))
        out.encoded.append(positional)
        out.prints.append({str(i): fingerprint(arg) for i, arg in enumerate(decode(positional))
                           if i != out.result_index})
        out.n_args = max(out.n_args, len(positional))
    return out


def _transfer_s(value: Any) -> float:
    """Twice the parent's cost of encoding and decoding ``value`` (shipping a result
    adds that to a perf case's clock, which stops at the result line)."""
    started = time.perf_counter()
    decode(json.loads(json.dumps(encode(value), separators=(",", ":"))))
    return 2 * (time.perf_counter() - started)


def _merge(fixed: Prepared, fresh: Prepared, seed: int) -> Prepared:
    """Edge cases, then the random ones, then perf: the order the generators promise."""
    order = ([i for i, c in enumerate(fixed.cases) if c.kind != "perf"],
             [i for i, c in enumerate(fixed.cases) if c.kind == "perf"])
    out = Prepared(cases=[], expected=[], encoded=[], names=fixed.names,
                   result_index=fixed.result_index, n_args=max(fixed.n_args, fresh.n_args),
                   seed=seed)

    def take(source: Prepared, indices: list[int]) -> None:
        for i in indices:
            at = len(out.cases)
            if i in source.reference_perf_s:
                out.reference_perf_s[at] = source.reference_perf_s[i]
            if i in source.transfer_s:
                out.transfer_s[at] = source.transfer_s[i]
            out.cases.append(source.cases[i])
            out.expected.append(source.expected[i])
            out.encoded.append(source.encoded[i])
            out.prints.append(source.prints[i])

    take(fixed, order[0])
    take(fresh, list(range(len(fresh.cases))))
    take(fixed, order[1])
    return out


def to_json(prepared: Prepared) -> dict[str, Any]:
    """Plain JSON data for ``prepared`` (the inverse of :func:`from_json`)."""
    return {"seed": prepared.seed, "n_args": prepared.n_args,
            "perf": {str(k): v for k, v in prepared.reference_perf_s.items()},
            "transfer": {str(k): v for k, v in prepared.transfer_s.items()},
            "cases": [{"name": c.name, "kind": c.kind, "args": encode(dict(c.args)),
                       "positional": a, "prints": pr, "expected": encode(e)}
                      for c, a, pr, e in zip(prepared.cases, prepared.encoded, prepared.prints,
                                             prepared.expected)]}


def from_json(exercise: Exercise, data: Mapping[str, Any]) -> Prepared:
    """Rebuild what :func:`to_json` wrote; raises ``KeyError``/``TypeError``/``ValueError``
    on data of another shape."""
    cases = data["cases"]
    out = _empty(exercise, [Case(str(c["name"]), decode(c["args"]), c["kind"]) for c in cases])
    out.expected = [decode(c["expected"]) for c in cases]
    out.encoded = [c["positional"] for c in cases]
    out.prints = [{str(k): str(v) for k, v in c["prints"].items()} for c in cases]
    out.reference_perf_s = {int(k): float(v) for k, v in data["perf"].items()}
    out.transfer_s = {int(k): float(v) for k, v in data["transfer"].items()}
    out.n_args = int(data["n_args"])
    out.seed = int(data["seed"])
    return out


def _load_fixed(cache_dir: Path | None, exercise: Exercise, key: Mapping[str, Any]) -> Prepared | None:
    if cache_dir is None:
        return None
    try:
        with open(prepared_file(cache_dir, exercise), encoding="utf-8") as fh:
            entry = json.load(fh)
        if entry.get("key") != key:
            return None
        return from_json(exercise, entry["prepared"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing, corrupt or another format: compute it again


def _save_fixed(cache_dir: Path | None, exercise: Exercise, key: Mapping[str, Any],
                fixed: Prepared) -> None:
    if cache_dir is not None:
        write_json(prepared_file(cache_dir, exercise), {"key": key, "prepared": to_json(fixed)})


def write_json(file: Path, payload: Mapping[str, Any]) -> None:
    """Write ``payload`` to ``file`` atomically; a cache that cannot be written only costs speed."""
    tmp: str | None = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, separators=(",", ":"), default=str)
        os.replace(tmp, file)
        tmp = None
    except (OSError, TypeError, ValueError):
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
