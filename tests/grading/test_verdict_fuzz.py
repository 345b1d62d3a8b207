"""Any return value, and any bytes on the result channel, end in a verdict (never a crash).

The values go through the real wire codec first (encode in the child, JSON,
decode in the parent), exactly as a learner's return value does; the forged
lines go through the real line parser and the parent's protocol driver. Then
the grader judges the run with each exercise's own checker.
"""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlquiz.grading import grader, judge, preparation
from dlquiz.grading.checkers import check, summarize
from dlquiz.grading.process import parse_line
from dlquiz.grading.protocol import CaseRun, Driver, SandboxRun
from dlquiz.grading.registry import bundled_exercises
from dlquiz.grading.wire import Unsupported, decode, encode

#: One exercise per checker family (allclose, exact, nms, soft_nms, pairs, sorted, tuple) and
#: every custom checker (dropout, linear assignment, bounded buffer).
EXERCISES = ("gelu", "lower-bound", "nms", "soft-nms", "match-cross-check", "bubble-sort",
             "coco-map", "dropout", "linear-assignment", "bounded-buffer")
DTYPES = (np.bool_, np.int8, np.int64, np.uint64, np.float32, np.float64, np.complex128)


def _array(dtype: Any, shape: list[int], fill: float) -> np.ndarray:
    return np.full(shape, fill).astype(dtype) if dtype is not np.bool_ else np.ones(shape, bool)


def _nested(depth: int) -> Any:
    value: Any = [1.5]
    for _ in range(depth):
        value = [value]
    return value


scalars = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 80, 2 ** 80),
                    st.floats(allow_nan=True, allow_infinity=True),
                    st.complex_numbers(allow_nan=True), st.text(max_size=4))
arrays = st.builds(_array, st.sampled_from(DTYPES), st.lists(st.integers(0, 4), max_size=3),
                   st.floats(-1e6, 1e6))
leaves = st.one_of(scalars, arrays, st.builds(Unsupported, st.text(max_size=6), st.just("")))
values = st.one_of(
    st.recursive(leaves, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.text(max_size=3), inner, max_size=2)), max_leaves=12),
    st.integers(1, 400).map(_nested),
    # ragged tuples of arrays: the shape the dropout checker used to crash on
    st.lists(arrays, min_size=2, max_size=3).map(tuple),
)


def _over_the_wire(value: Any) -> Any:
    return decode(json.loads(json.dumps(encode(value))))


def _judge(exercise_id: str, values_per_case: Any) -> grader.GradeReport:
    exercise = bundled_exercises()[exercise_id]
    prepared = preparation.prepare(exercise, 0)
    run = SandboxRun(outcome="done", cases=[CaseRun(i) for i in range(len(prepared.cases))])
    for index, case in enumerate(run.cases):
        case.status, case.value = "ok", values_per_case(index)
        case.prints = dict(prepared.prints[index])
    return judge.judge_run(exercise, prepared, run, time.perf_counter())


@pytest.mark.parametrize("exercise_id", EXERCISES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=values)
def test_any_returned_value_gets_a_verdict(exercise_id: str, value: Any) -> None:
    got = _over_the_wire(value)
    report = _judge(exercise_id, lambda _index: got)
    assert report.verdict in judge.VERDICTS
    assert isinstance(report.to_json()["message"], str)
    assert len(summarize(got)) <= 2000


def test_the_issues_examples_are_wrong_answers_not_crashes() -> None:
    deep = _over_the_wire(_nested(5000))
    assert _judge("gelu", lambda _i: deep).verdict == "wrong_answer"
    ragged = _over_the_wire((np.zeros(3), np.zeros(5)))
    report = _judge("dropout", lambda _i: ragged)
    assert report.verdict == "wrong_answer" and "got a tuple of 2 values" in report.message + str(
        report.first_failure)
    exercise = bundled_exercises()["soft-nms"]
    prepared = preparation.prepare(exercise, 0)
    index = next(i for i, e in enumerate(prepared.expected) if len(e[0]) > 0)
    keep, scores = prepared.expected[index]
    forged = (keep, scores.astype(np.complex128) + 1e-3j)  # right reals, imaginary parts added
    result = check("soft_nms", dict(exercise.checker.options), prepared.expected[index],
                   _over_the_wire(forged), prepared.cases[index])
    assert not result.ok and "complex" in result.message


EVENTS = ("isolated", "imported", "signature", "loaded", "result", "inputs", "import_failed",
          "no_function", "output_limit", "sandbox_error", "bad_results", "start", "done", "ready")
forged_messages = st.fixed_dictionaries(
    {"event": st.sampled_from(EVENTS)},
    optional={"case": st.one_of(st.integers(-2, 8), st.text(max_size=2), st.none()),
              "status": st.sampled_from(["ok", "error", "memory", "forbidden", "exit", "??"]),
              "value": st.one_of(st.integers(), st.text(max_size=3), st.just({"__nd__": "<f8"}),
                                 st.just({"__tuple__": 3}), st.just({"__complex__": [1]})),
              "prints": st.one_of(st.dictionaries(st.text(max_size=2), st.text(max_size=3)),
                                  st.integers()),
              "output": st.one_of(st.none(), st.integers(), st.fixed_dictionaries(
                  {"text": st.text(max_size=5), "dropped": st.integers(-3, 5)})),
              "arity": st.one_of(st.none(), st.integers(), st.fixed_dictionaries(
                  {"positional": st.integers(-1, 3), "varargs": st.booleans(),
                   "required": st.integers(0, 3), "required_kwonly": st.lists(st.text())}))})
lines = st.one_of(st.binary(max_size=40), forged_messages.map(lambda m: json.dumps(m).encode()),
                  st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence=st.lists(lines, max_size=12), outcome=st.sampled_from(["crashed", "timeout"]))
def test_forged_result_channel_bytes_get_a_verdict(sequence: list[bytes], outcome: str) -> None:
    exercise = bundled_exercises()["nms"]
    prepared = preparation.prepare(exercise, 0)
    run = SandboxRun(outcome=outcome, cases=[CaseRun(i) for i in range(len(prepared.cases))])
    clock = iter(range(1, 10_000))
    driver = Driver(run, len(prepared.cases), send_case=lambda _i: True,
                    go=lambda: float(next(clock)), end=lambda: None,
                    arity_problem=lambda arity: grader.reported_arity_problem(
                        arity, prepared.n_args, exercise.function, exercise.signature))
    for line in sequence:
        if driver.handle(float(next(clock)), parse_line(line)):
            break
    if run.outcome == "sandbox_error":
        with pytest.raises(grader.SandboxError):
            judge.judge_run(exercise, prepared, run, time.perf_counter())
        return
    report = judge.judge_run(exercise, prepared, run, time.perf_counter())
    assert report.verdict in judge.VERDICTS
    assert report.verdict != "pass"  # forged lines never carry every right answer
