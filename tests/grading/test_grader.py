"""grade(): verdicts, N/M counts, report shape, static checks, perf limit, caching."""

from __future__ import annotations

import dataclasses
import json

import pytest
from grader_support import fixture_exercises

from dlquiz.grading import grader, preparation
from dlquiz.grading.grader import grade
from dlquiz.grading.preparation import prepare

MERGE_SORT = fixture_exercises()["fx-sort"].solution


@pytest.fixture(scope="module")
def fx() -> dict:  # type: ignore[type-arg]
    return fixture_exercises()


def test_solution_passes_and_report_shape(fx) -> None:  # type: ignore[no-untyped-def]
    report = grade(fx["fx-add"], fx["fx-add"].solution)
    assert report.verdict == "pass" and report.passed == report.total == 5
    assert report.first_failure is None
    data = json.loads(json.dumps(report.to_json()))
    assert {"exercise", "verdict", "passed", "total", "cases", "output", "duration_s",
            "first_failure"} <= set(data)
    assert [c["name"] for c in data["cases"]][:2] == ["empty input", "one element"]
    assert all(set(c) == {"name", "status", "message", "output", "picture"} for c in data["cases"])


def test_wrong_answer_names_first_failing_case(fx) -> None:  # type: ignore[no-untyped-def]
    source = "def add(a, b):\n    return a + b if a.size != 1 else a - b\n"
    report = grade(fx["fx-add"], source)
    assert report.verdict == "wrong_answer"
    assert report.summary == "4/5 cases passed"
    first = report.first_failure
    assert first is not None and first.name == "one element"
    assert "expected: [-0.5]" in first.message and "got: [3.5]" in first.message
    assert "input: a = [1.5]" in first.message


def test_runtime_error_traceback_shows_only_learner_lines(fx) -> None:  # type: ignore[no-untyped-def]
    source = "def helper(a):\n    return a[10]\n\ndef add(a, b):\n    return helper(a) + b\n"
    report = grade(fx["fx-add"], source)
    assert report.verdict == "runtime_error"
    message = report.first_failure.message  # type: ignore[union-attr]
    assert 'File "solution.py", line 5, in add' in message
    assert 'File "solution.py", line 2, in helper' in message
    assert "IndexError" in message and "sandbox_runner" not in message


def test_printed_output_is_captured_per_case_and_capped(fx) -> None:  # type: ignore[no-untyped-def]
    source = ("print('loading')\n"
              "def add(a, b):\n    print('n =', a.size)\n    print('z' * 10000)\n    return a + b\n")
    report = grade(fx["fx-add"], source)
    assert report.verdict == "pass"
    assert "loading" in report.output
    first = report.cases[0].output
    assert first.startswith("n = 0") and "output truncated" in first


@pytest.mark.parametrize("source, needle", [
    ("def sort_list(xs)\n    return xs\n", "syntax error on line 1"),
    ("def other(xs):\n    return xs\n", "missing function `sort_list`"),
    ("def sort_list():\n    return []\n", "must accept 1 positional argument"),
    ("def sort_list(*, xs):\n    return xs\n", "required keyword-only parameter `xs`"),
    ("def sort_list(xs, ys):\n    return xs\n", "requires 2 positional arguments"),
    ("import numpy as np\ndef sort_list(xs):\n    return list(np.sort(xs))\n", "line 3: `.sort`"),
    ("def sort_list(xs):\n    return list(reversed(sorted(xs)))[::-1]\n", "line 2: `sorted`"),
    ("from heapq import heappop\ndef sort_list(xs):\n    return xs\n", "line 1"),
    ("import numpy as np\ndef sort_list(xs):\n    return getattr(np, 'argsort')(xs)\n",
     "line 3"),
    ("import dlquiz\ndef sort_list(xs):\n    return xs\n", "may not import dlquiz"),
])
def test_invalid_sources(fx, source: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    report = grade(fx["fx-sort"], source)
    assert report.verdict == "invalid"
    assert needle in report.message
    assert report.passed == 0 and report.total == 6
    assert all(c.status == "not_run" for c in report.cases)


MERGE_SORT_RENAMED = """
def merge(left, right):
    out, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            out.append(left[i]); i += 1
        else:
            out.append(right[j]); j += 1
    return out + left[i:] + right[j:]

def sort_list(values, depth=0):
    if len(values) <= 1:
        return list(values)
    mid = len(values) // 2
    return merge(sort_list(values[:mid], depth + 1), sort_list(values[mid:], depth + 1))
"""


@pytest.mark.parametrize("source", [
    # other parameter names than the exercise's `xs`, an extra parameter with a default
    MERGE_SORT_RENAMED,
    # the same body behind *args, and behind a lambda bound to the name
    "def _impl(v):\n    return _impl_sort(list(v))\n" + MERGE_SORT_RENAMED.replace(
        "def sort_list(values, depth=0)", "def _impl_sort(values, depth=0)").replace(
        "sort_list(values[", "_impl_sort(values[") + "\ndef sort_list(*args):\n    return _impl(args[0])\n",
    MERGE_SORT_RENAMED.replace("def sort_list(values, depth=0)", "def _s(values, depth=0)")
    .replace("sort_list(values[", "_s(values[") + "\nsort_list = lambda seq: _s(seq)\n",
])
def test_fair_calls_any_names_or_varargs_pass(fx, source: str) -> None:  # type: ignore[no-untyped-def]
    report = grade(fx["fx-sort"], source)
    assert report.verdict == "pass", (report.message, report.first_failure)


def test_bubble_sort_with_its_own_parameter_name_passes_in_place(fx) -> None:  # type: ignore[no-untyped-def]
    bubble = ("def sort_list(arr_in):\n"
              "    n = len(arr_in)\n"
              "    for i in range(n):\n"
              "        for j in range(n - 1 - i):\n"
              "            if arr_in[j] > arr_in[j + 1]:\n"
              "                arr_in[j], arr_in[j + 1] = arr_in[j + 1], arr_in[j]\n")
    exercise = dataclasses.replace(fx["fx-sort"], perf_multiple=None)
    report = grade(exercise, bubble)  # returns None: `result_arg: xs` is found by position
    assert report.verdict == "pass", (report.message, report.first_failure)


def test_bundled_bubble_sort_named_xs_passes() -> None:
    from dlquiz.grading.registry import bundled_exercises

    exercise = bundled_exercises()["bubble-sort"]
    source = ("def bubble_sort(xs):\n"
              "    for i in range(len(xs)):\n"
              "        swapped = False\n"
              "        for j in range(len(xs) - 1 - i):\n"
              "            if xs[j] > xs[j + 1]:\n"
              "                xs[j], xs[j + 1] = xs[j + 1], xs[j]\n"
              "                swapped = True\n"
              "        if not swapped:\n"
              "            break\n"
              "    return xs\n")
    report = grade(exercise, source)
    assert report.verdict == "pass", (report.message, report.first_failure)


def test_one_argument_function_for_two_argument_exercise_is_invalid(fx) -> None:  # type: ignore[no-untyped-def]
    report = grade(fx["fx-add"], "def add(a):\n    return a\n")
    assert report.verdict == "invalid"
    assert "`add` must accept 2 positional arguments" in report.message
    assert "yours accepts 1" in report.message
    # the same, for a callable the AST cannot see: the child reports what it accepts
    report = grade(fx["fx-add"], "def _make():\n    return lambda a: a\n\nadd = _make()\n")
    assert report.verdict == "invalid" and "must accept 2 positional arguments" in report.message


def test_in_place_result_arg(fx) -> None:  # type: ignore[no-untyped-def]
    in_place = ("def sort_list(xs):\n"
                "    for i in range(1, len(xs)):\n"
                "        j = i\n"
                "        while j > 0 and xs[j - 1] > xs[j]:\n"
                "            xs[j - 1], xs[j] = xs[j], xs[j - 1]\n"
                "            j -= 1\n")
    exercise = dataclasses.replace(fx["fx-sort"], perf_multiple=None)
    report = grade(exercise, in_place)
    assert report.verdict == "pass" and report.total == 5


def test_perf_case_too_slow_is_time_limit_with_both_times(fx) -> None:  # type: ignore[no-untyped-def]
    exercise = dataclasses.replace(fx["fx-sort"], perf_multiple=1.0)
    slow = MERGE_SORT.replace("def sort_list(xs):\n",
                              "import time\n\ndef sort_list(xs):\n"
                              "    if len(xs) > 10000:\n        time.sleep(0.4)\n", 1)
    report = grade(exercise, slow)
    assert report.verdict == "time_limit"
    perf = report.cases[-1]
    assert perf.name == "perf" and perf.status == "time_limit"
    assert "your code took" in perf.message and "the reference" in perf.message
    assert report.passed == report.total - 1


def test_expected_outputs_are_cached(fx) -> None:  # type: ignore[no-untyped-def]
    assert prepare(fx["fx-add"], 0) is prepare(fx["fx-add"], 0)
    assert prepare(fx["fx-add"], 0) is not prepare(fx["fx-add"], 1)


def test_seed_changes_random_cases_only(fx) -> None:  # type: ignore[no-untyped-def]
    a, b = prepare(fx["fx-add"], 0), prepare(fx["fx-add"], 5)
    assert [c.name for c in a.cases] == [c.name for c in b.cases]
    assert (a.cases[-1].args["a"] != b.cases[-1].args["a"]).any()


def test_broken_reference_is_an_exercise_error(fx) -> None:  # type: ignore[no-untyped-def]
    broken = dataclasses.replace(fx["fx-add"], id="fx-broken", reference="fixture_refs.py:nope")
    with pytest.raises(preparation.ExerciseError):
        grade(broken, broken.solution)


def test_modifying_an_input_in_place_is_a_wrong_answer(fx) -> None:  # type: ignore[no-untyped-def]
    source = "def add(a, b):\n    a += b\n    return a\n"  # right values, but `a` is clobbered
    report = grade(fx["fx-add"], source)
    assert report.verdict == "wrong_answer"
    first = report.first_failure
    assert first is not None and "modified its input `a` in place" in first.message
    assert "`b`" not in first.message.split("in place")[0]

