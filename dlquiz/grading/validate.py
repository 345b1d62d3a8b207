"""The Rustlings check for one exercise, as messages a deck author can act on.

``validate_exercise`` verifies what every exercise must satisfy, bundled or
user-written: the hints are non-empty, the cases can be generated, the
reference passes its own checker (run twice, so a nondeterministic reference
or a checker that cannot accept the reference's own output is caught), the
starter code *fails* the grader and the worked solution *passes* it. An empty
list means the exercise is sound. ``dlquiz decks validate`` calls this for
user exercises; tests/grading/test_all_exercises.py does the same for the
bundled ones.
"""

from __future__ import annotations

import copy

from dlquiz.grading.checkers import check
from dlquiz.grading.grader import grade
from dlquiz.grading.preparation import ExerciseError, prepare
from dlquiz.grading.registry import resolve_target
from dlquiz.grading.wire import decode, encode
from dlquiz.model import Exercise


def validate_exercise(exercise: Exercise, *, seed: int = 0) -> list[str]:
    """Problems of ``exercise`` (empty when sound), each prefixed with the exercise id."""
    where = f"exercise {exercise.id} ({exercise.source})"
    problems = []
    if not exercise.hints or any(not hint.strip() for hint in exercise.hints):
        problems.append(f"{where}: every exercise needs at least one hint, none empty")
    try:
        prepared = prepare(exercise, seed)
        reference = resolve_target(exercise.reference, exercise.base_dir)
        for case, expected in zip(prepared.cases, prepared.expected):
            args = copy.deepcopy(dict(case.args))
            value = reference(**args)
            if value is None and exercise.result_arg:
                value = args[exercise.result_arg]
            result = check(exercise.checker.name, exercise.checker.options, expected,
                           decode(encode(value)), case, base_dir=exercise.base_dir)
            if not result.ok:
                problems.append(f"{where}: the reference fails its own checker on case "
                                f"{case.name!r}: {result.message}")
                break
    except ExerciseError as exc:
        return [*problems, f"{where}: {exc.message}"]
    except Exception as exc:  # noqa: BLE001 - user code: report, never crash the validator
        return [*problems, f"{where}: {type(exc).__name__}: {exc}"]
    if not prepared.cases:
        problems.append(f"{where}: the case generator produced no cases")
        return problems
    starter = grade(exercise, exercise.starter, seed=seed)
    if starter.verdict == "pass":
        problems.append(f"{where}: the starter code passes the grader; it must fail")
    solution = grade(exercise, exercise.solution, seed=seed)
    if solution.verdict != "pass":
        first = solution.first_failure
        detail = f" on case {first.name!r}: {first.message}" if first else f": {solution.message}"
        problems.append(f"{where}: the worked solution does not pass ({solution.verdict}{detail})")
    return problems
