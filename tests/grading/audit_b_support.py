"""The grader's verdict per case, in-process: what the group-B audit tests run solutions through.

The audit (issues 10 and 14) submits, per exercise, independently written correct
solutions (which must pass every case) and classic mistakes (each of which must
fail, first on the case written for the clause it breaks). For that the in-process
run must judge a solution exactly as the sandboxed grader does, not more leniently:

* the function is the exercise's ``function``, by name (parameter names are free);
* the call is **positional**, in the order of the exercise's signature
  (:func:`dlquiz.grading.calls.call_plan`; a skipped parameter before the last one a
  case passes takes the signature's literal default);
* arguments and results cross the same wire (``encode``/``decode``), so a NumPy
  scalar, a tuple or a nested list comes back as the sandbox would return it;
* an exercise with ``result_arg`` (the sorts) takes that argument's final value when
  the function returns ``None`` (sorting in place);
* any other argument changed in place fails the case, as the parent's fingerprint
  comparison does (:func:`dlquiz.grading.wire.make_fingerprint`);
* the exercise's own checker decides, with its options.

Perf cases are skipped by default (a loop-style solution is checked for correctness;
speed is the sandbox's business, exercised by ``dlquiz check`` separately).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from dlquiz.grading import checkers
from dlquiz.grading.calls import call_plan
from dlquiz.grading.registry import resolve_target
from dlquiz.grading.wire import decode, encode, make_fingerprint
from dlquiz.model import Exercise


def graded_failures(ex: Exercise, fn: Callable[..., Any], *, seed: int = 0, perf: bool = False,
                    first: bool = False) -> list[str]:
    """Names of the cases ``fn`` fails, in case order (only the first one if ``first``)."""
    reference = resolve_target(ex.reference)
    plan = call_plan(ex.signature)
    fingerprint = make_fingerprint()
    result_index = plan.index(ex.result_arg) if ex.result_arg else -1
    failed: list[str] = []
    for case in resolve_target(ex.cases)(np.random.default_rng(seed)):
        if case.kind == "perf" and not perf:
            continue
        reference_args = copy.deepcopy(dict(case.args))
        expected = reference(**reference_args)
        if expected is None and ex.result_arg:
            expected = reference_args[ex.result_arg]
        expected = decode(encode(expected))
        args = decode(encode(plan.positional(case.args)))
        before = {i: fingerprint(a) for i, a in enumerate(args) if i != result_index}
        ok = True
        with np.errstate(all="ignore"):
            try:
                got = fn(*args)
                if got is None and result_index >= 0:
                    got = args[result_index]
                got = decode(encode(got))
            except Exception:  # noqa: BLE001 - a crash (or an unsendable result) fails the case
                ok = False
        if ok and any(fingerprint(args[i]) != print_ for i, print_ in before.items()):
            ok = False
        if ok:
            options = dict(ex.checker.options)
            with np.errstate(all="ignore"):
                ok = checkers.check(ex.checker.name, options, expected, got, case).ok
        if not ok:
            failed.append(case.name)
            if first:
                break
    return failed


def function_of(source: str, name: str) -> Callable[..., Any]:
    """The function ``name`` (the exercise's ``function``, as the grader looks it up)."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<audit-b>", "exec"), namespace)  # noqa: S102 - test code
    assert callable(namespace.get(name)), f"the source defines no function {name!r}"
    return namespace[name]  # type: ignore[no-any-return]


def case_names(ex: Exercise, seed: int = 0) -> list[str]:
    return [c.name for c in resolve_target(ex.cases)(np.random.default_rng(seed))]


def mutate(template: str, old: str, new: str) -> str:
    """``template`` with its one occurrence of ``old`` replaced (a mistake is one real change)."""
    assert template.count(old) == 1, f"{old!r} occurs {template.count(old)} times"
    return template.replace(old, new)


# -- the three checks every audit module makes, on its own tables ------------------------


def assert_independent_passes(ex: Exercise, source: str, seeds: tuple[int, ...] = (0, 5)) -> None:
    """An independently written correct solution fails no case, under each seed."""
    fn = function_of(source, ex.function)
    for seed in seeds:
        assert graded_failures(ex, fn, seed=seed) == [], seed


def assert_mistake_caught_first(ex: Exercise, source: str, first: str, label: str) -> None:
    """A classic mistake fails, and its first failure is the case named for its clause."""
    assert first in case_names(ex), f"no case named {first!r}"
    assert graded_failures(ex, function_of(source, ex.function), first=True) == [first], label


def assert_tables_complete(exercises: dict[str, Exercise], ids: list[str],
                           mistakes: dict[str, Any], independent: dict[str, str],
                           templates: dict[str, str]) -> None:
    """Every exercise has a solution and >= 3 mistakes; the mistakes' templates are correct."""
    assert set(mistakes) == set(ids) == set(independent)
    assert all(len(items) >= 3 for items in mistakes.values())
    for eid, template in templates.items():
        assert graded_failures(exercises[eid], function_of(template, exercises[eid].function)) == [], eid
