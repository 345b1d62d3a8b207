"""What the learner reads announces every rule the grader applies everywhere: the speed
case, and which arguments must come back unchanged."""

from __future__ import annotations

import pytest

from dlquiz.grading.preparation import prepare
from dlquiz.grading.registry import bundled_exercises
from dlquiz.grading.workspace import starter_text

EXERCISES = bundled_exercises()
TIMED = sorted(i for i, e in EXERCISES.items() if e.perf_multiple)


def header_words(exercise) -> str:  # type: ignore[no-untyped-def]
    """The workspace file's header comment as one line of words."""
    lines = starter_text(exercise).split("\n\n" + exercise.starter)[0].splitlines()
    return " ".join(" ".join(line.lstrip("#").split()) for line in lines).strip()


def test_some_exercises_are_timed_and_some_not() -> None:
    assert len(TIMED) >= 20 and len(TIMED) < len(EXERCISES)


@pytest.mark.parametrize("exercise_id", TIMED)
def test_a_timed_exercise_says_so_where_it_is_read(exercise_id: str) -> None:
    exercise = EXERCISES[exercise_id]
    clause = f"within {exercise.perf_multiple:g}× the time of the reference solution"
    assert clause in " ".join(exercise.statement.split())
    assert max(len(line) for line in exercise.statement.split("**Speed:**")[1].splitlines()) <= 76
    assert clause in header_words(exercise)  # the workspace file's header
    # ... and what it says is what the grader does: exactly one perf case, the last one
    cases = prepare(exercise, 1).cases
    assert [c.kind for c in cases].count("perf") == 1 and cases[-1].kind == "perf"


def test_an_untimed_exercise_announces_no_speed_limit() -> None:
    untimed = [e for e in EXERCISES.values() if not e.perf_multiple]
    assert untimed and all(e.statement.startswith(e.prompt.rstrip()) for e in untimed)
    assert all("Speed:" not in starter_text(e) and "Speed:" not in e.statement for e in untimed)


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_the_inputs_rule_is_announced_and_is_what_the_grader_checks(exercise_id: str) -> None:
    exercise = EXERCISES[exercise_id]
    prepared = prepare(exercise, 1)
    checked = {prepared.names[int(i)] for prints in prepared.prints for i in prints}
    statement = " ".join(exercise.statement.split())
    if exercise.result_arg:
        assert exercise.result_arg not in checked
        if checked:
            assert f"`{exercise.result_arg}` may be changed in place" in statement
            assert all(f"`{name}`" in statement.split("**Inputs:**")[1] for name in checked)
    elif checked:  # every argument is fingerprinted: say so
        assert "**Inputs:** leave the arguments unchanged" in statement
        assert "leave the arguments unchanged" in header_words(exercise)
    body = starter_text(exercise).split("\n\n" + exercise.starter)[0].splitlines()[1:]  # no title
    assert max(map(len, body)) <= max(80, max(map(len, exercise.prompt.splitlines())) + 2)
