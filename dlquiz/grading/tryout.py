"""Run the learner's function on one input and show its output beside the reference's.

Like LeetCode's "Run": no verdict, nothing recorded. The input is the
exercise's example (its smallest named edge case whose arrays are all
non-empty: a small, ordinary input) or an input the learner types as a Python literal:
either a mapping of parameter names to values, or a tuple (or list) of
positional values in the order of the signature.

Typed values are converted the way the example's arguments are: where the
example passes a NumPy array, the typed list becomes an array of the example's
dtype; where it passes a list or a number, the typed value is kept as it is.
The learner's code runs in the same sandbox as grading.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dlquiz.errors import UsageError
from dlquiz.grading.calls import call_plan, reported_arity_problem
from dlquiz.grading.case import Case
from dlquiz.grading.checkers import summarize
from dlquiz.grading.preparation import FIXED_SEED, _draw, call_reference
from dlquiz.grading.sandbox import Limits, default_pool, hidden_folders
from dlquiz.grading.targets import require_trusted, resolve_target
from dlquiz.grading.wire import decode, encode
from dlquiz.model import Exercise


@dataclass(frozen=True)
class TryResult:
    """What one run showed: the input, both outputs (summarised) and what the code printed."""

    input: str
    yours: str
    reference: str
    output: str
    same: bool | None


def signature_names(exercise: Exercise) -> list[str]:
    """Parameter names of the exercise's signature, in order."""
    tree = ast.parse(f"def {exercise.signature}: pass")
    fn = tree.body[0]
    assert isinstance(fn, ast.FunctionDef)
    return [a.arg for a in fn.args.posonlyargs + fn.args.args]


def example_case(exercise: Exercise) -> Case:
    """The smallest named edge case with no empty array argument (else the first case)."""
    cases = _draw(exercise, FIXED_SEED)
    if not cases:
        raise UsageError(f"exercise {exercise.id!r} has no cases to run on")

    def sizes(case: Case) -> list[int]:
        return [int(np.size(v)) for v in case.args.values() if isinstance(v, (np.ndarray, list))]

    ordinary = [c for c in cases if c.kind == "edge" and all(n > 0 for n in sizes(c))]
    return min(ordinary, key=lambda c: sum(sizes(c))) if ordinary else cases[0]


def parse_input(exercise: Exercise, text: str, template: Case) -> Case:
    """A typed Python literal as a case, converted like ``template``'s arguments."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError) as exc:
        raise UsageError(f"--input must be a Python literal (a dict of arguments or a tuple "
                         f"of them): {exc}") from None
    names = signature_names(exercise)
    if isinstance(value, Mapping):
        unknown = sorted(set(map(str, value)) - set(names))
        if unknown:
            raise UsageError(f"unknown argument(s) {', '.join(unknown)}; the signature is "
                             f"{exercise.signature}")
        given = {str(k): v for k, v in value.items()}
    else:
        # A tuple is always positional values; a bare value (a list too) is the only
        # argument of a one-parameter function, else the positional values.
        if isinstance(value, tuple):
            values = list(value)
        elif isinstance(value, list) and len(names) != 1:
            values = value
        else:
            values = [value]
        if len(values) > len(names):
            raise UsageError(f"{len(values)} values for {len(names)} parameters "
                             f"({exercise.signature})")
        given = dict(zip(names, values))
    args = dict(template.args)
    for name, typed in given.items():
        args[name] = _like(typed, template.args.get(name))
    missing = [n for n in names if n not in args]
    if missing:
        raise UsageError(f"missing argument(s) {', '.join(missing)} ({exercise.signature})")
    return Case("your input", args, "edge")


def _like(typed: Any, example: Any) -> Any:
    if isinstance(example, np.ndarray):
        return np.asarray(typed, dtype=example.dtype)
    return typed


def try_run(exercise: Exercise, source: str, *, input_text: str | None = None) -> TryResult:
    """Run ``source``'s function and the reference on the example or the typed input."""
    require_trusted(exercise)
    template = example_case(exercise)
    case = parse_input(exercise, input_text, template) if input_text else template
    reference = resolve_target(exercise.reference, exercise.base_dir)
    try:
        expected, _ = call_reference(reference, case, exercise.result_arg)
        reference_text = summarize(decode(encode(expected)))
    except Exception as exc:  # noqa: BLE001 - an input outside the contract: say what the reference said
        expected, reference_text = None, f"the reference rejects this input: {type(exc).__name__}: {exc}"
    plan = call_plan(exercise.signature)
    result_index = plan.index(exercise.result_arg) if exercise.result_arg else -1
    positional = encode(plan.positional(case.args))
    worker = default_pool().acquire()
    try:
        job = {"source": source, "function": exercise.function, "result_index": result_index,
               "forbidden": list(exercise.forbidden), "hide": hidden_folders(exercise)}
        limits = Limits(time_s=exercise.time_limit_s, memory_mb=exercise.memory_mb)
        run = worker.run(job, limits, [positional], arity_problem=lambda arity: reported_arity_problem(
            arity, len(positional), exercise.function, exercise.signature))
    finally:
        worker.close()
    output = run.output
    if run.outcome in ("import_failed", "no_function", "bad_signature") or not run.cases:
        yours = run.import_traceback or run.message or run.outcome
        return TryResult(summarize_input(case), yours, reference_text, output, None)
    result = run.cases[0]
    output = result.output or output
    if result.status != "ok":
        return TryResult(summarize_input(case), result.traceback or result.status, reference_text,
                         output, None)
    same = None
    if expected is not None:
        from dlquiz.grading.checkers import check

        try:
            same = check(exercise.checker.name, exercise.checker.options,
                         decode(encode(expected)), result.value, case,
                         base_dir=exercise.base_dir).ok
        except Exception:  # noqa: BLE001 - a checker that cannot judge a hand-typed input says nothing
            same = None
    return TryResult(summarize_input(case), summarize(result.value), reference_text, output, same)


def summarize_input(case: Case) -> str:
    return ", ".join(f"{name} = {summarize(value)}" for name, value in case.args.items())


def source_of(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc
