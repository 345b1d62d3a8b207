"""grade(): verdicts, N/M counts, report shape, static checks, perf limit, caching."""

from __future__ import annotations

import dataclasses
import json

import pytest
from grader_support import fixture_exercises

from dlquiz.grading import grader
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
    assert all(set(c) == {"name", "status", "message", "output"} for c in data["cases"])


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
    ("def sort_list(values):\n    return values\n", "parameter `xs` is missing"),
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
    with pytest.raises(grader.ExerciseError):
        grade(broken, broken.solution)


def test_modifying_an_input_in_place_is_a_wrong_answer(fx) -> None:  # type: ignore[no-untyped-def]
    source = "def add(a, b):\n    a += b\n    return a\n"  # right values, but `a` is clobbered
    report = grade(fx["fx-add"], source)
    assert report.verdict == "wrong_answer"
    first = report.first_failure
    assert first is not None and "modified its input `a` in place" in first.message
    assert "`b`" not in first.message.split("in place")[0]

