"""The result dtypes the prompts promise are graded (the checkers' ``dtype`` option).

An outside audit wrote solutions from the prompts alone and found results of
the wrong dtype accepted: box-sums summing uint8 images into uint64 (which
wraps as soon as two box sums are subtracted, as Haar features do) or into
float64, and float32 results where the prompt says float64. Each wrong
solution here is the exercise's own worked solution with a final ``astype``
added (a wrapper around it, so the rest of the solution is unchanged); it must
now get ``wrong_answer`` with a message naming the promised dtype.
"""

from __future__ import annotations

import pytest

from dlquiz.grading.grader import grade
from dlquiz.grading.registry import bundled_exercises

EXERCISES = bundled_exercises()


def _with_final(exercise_id: str, convert: str) -> str:
    """The worked solution, whose result goes through ``convert`` (an expression of
    ``result`` and the positional ``args``) before it is returned."""
    exercise = EXERCISES[exercise_id]
    name = exercise.function
    return (f"{exercise.solution}\n\n"
            f"import numpy as np\n"
            f"_solution = {name}\n\n\n"
            f"def {name}(*args):\n"
            f"    result = _solution(*args)\n"
            f"    return {convert}\n")


#: exercise id -> (how the wrong solution converts its result, the message it must get).
WRONG = {
    "box-sums uint64 for uint8 input": (
        "box-sums",
        "result.astype(np.uint64) if np.asarray(args[0]).dtype == np.uint8 else result",
        "expected an int64 array, got uint64"),
    "box-sums float64 for integer input": (
        "box-sums",
        "result.astype(np.float64) if np.asarray(args[0]).dtype.kind in 'iu' else result",
        "expected an int64 array, got float64"),
    "roi-align float32": ("roi-align", "result.astype(np.float32)",
                          "expected a float64 array, got float32"),
    "softmax-ce-backward float32": ("softmax-ce-backward", "result.astype(np.float32)",
                                    "expected a float64 array, got float32"),
    "kmeans-lloyd float32 centroids": (
        "kmeans-lloyd", "(result[0].astype(np.float32), result[1])",
        "element 0 of the tuple: expected a float64 array, got float32"),
    "conv2d-backward float32": (
        "conv2d-backward", "tuple(g.astype(np.float32) for g in result)",
        "element 0 of the tuple: expected a float64 array, got float32"),
    "triangulate-dlt float32": ("triangulate-dlt", "result.astype(np.float32)",
                                "expected a float64 array, got float32"),
}


@pytest.mark.parametrize("label", list(WRONG))
def test_wrong_result_dtype_is_a_wrong_answer(label: str) -> None:
    exercise_id, convert, message = WRONG[label]
    report = grade(EXERCISES[exercise_id], _with_final(exercise_id, convert))
    assert report.verdict == "wrong_answer", (report.message, report.first_failure)
    assert report.first_failure is not None
    assert report.first_failure.message.startswith(message), report.first_failure.message


def test_the_unconverted_wrapper_passes() -> None:
    """The wrapper itself changes nothing: the failures above are the dtype's."""
    report = grade(EXERCISES["roi-align"], _with_final("roi-align", "result"))
    assert report.verdict == "pass", (report.message, report.first_failure)


def test_a_list_of_python_ints_is_int64_and_passes() -> None:
    """A list carries NumPy's default dtype: Python ints are int64, floats float64."""
    report = grade(EXERCISES["box-sums"], _with_final("box-sums", "result.tolist()"))
    assert report.verdict == "pass", (report.message, report.first_failure)


def test_a_float32_scalar_where_a_python_float_is_promised_fails() -> None:
    report = grade(EXERCISES["roc-auc"], _with_final("roc-auc", "np.float32(result)"))
    assert report.verdict == "wrong_answer"
    assert report.first_failure is not None
    assert report.first_failure.message.startswith(
        "expected a float64 value, got a NumPy float32 scalar"), report.first_failure.message
