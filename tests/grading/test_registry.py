"""Exercise YAML loading: file:line errors, defaults, lazy resolution, bundled set."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from grader_support import FIXTURES

from dlquiz.grading import registry
from dlquiz.grading.registry import load_exercises_file, parse_exercises, resolve_target

GOOD = textwrap.dedent("""\
    exercises:
      - id: double
        title: Double it
        topics: [numeric.sqrt-gd]
        function: double
        signature: "double(x)"
        prompt: Return 2 x.
        starter: |
          def double(x):
              return x
        hints: [Multiply by two.]
        solution: |
          def double(x):
              return 2 * x
        reference: refs.py:double
        cases: refs.py:cases
""")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ex.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_gets_defaults(tmp_path: Path) -> None:
    exercises, errors = load_exercises_file(write(tmp_path, GOOD))
    assert errors == []
    (ex,) = exercises
    assert ex.id == "double" and ex.hints == ("Multiply by two.",)
    assert ex.checker.name == "allclose" and ex.time_limit_s == 10.0 and ex.memory_mb == 1024
    assert ex.base_dir == str(tmp_path) and ex.source.line == 2


def test_missing_and_unknown_fields_point_at_lines(tmp_path: Path) -> None:
    text = GOOD.replace("    hints: [Multiply by two.]\n", "    hint: [x]\n")
    line = text.splitlines().index("    hint: [x]") + 1
    _, errors = load_exercises_file(write(tmp_path, text))
    messages = [str(e) for e in errors]
    assert any(f"ex.yaml:{line}:" in m and "unknown field 'hint'" in m and "did you mean 'hints'" in m
               for m in messages), messages
    assert any("missing required field 'hints'" in m and "exercises[0]" in m for m in messages)


def test_bad_values(tmp_path: Path) -> None:
    text = GOOD.rstrip("\n") + "\n    checker: {name: allclos}\n    limits: {time_s: -1}\n" \
        "    result_arg: y\n    signature_x: 1\n"
    _, errors = load_exercises_file(write(tmp_path, text))
    joined = "\n".join(str(e) for e in errors)
    assert "unknown checker 'allclos' (did you mean 'allclose'?)" in joined
    assert "limits.time_s" in joined
    assert "'y' is not a parameter" in joined
    assert "exercises[0].signature_x" in joined


def test_checker_dtype_is_validated_with_its_line(tmp_path: Path) -> None:
    text = GOOD.rstrip("\n") + textwrap.dedent("""
        checker:
          name: tuple
          dtype: floot64
          elements: [{name: exact, dtype: int64}, {name: allclose, dtype: [float64, 3]}]
    """).replace("\n", "\n    ")
    path = write(tmp_path, text)
    lines = text.splitlines()
    _, errors = load_exercises_file(path)
    by_path = {e.doc_path: e for e in errors}
    top = by_path["exercises[0].checker.dtype"]
    assert top.line == next(i for i, line in enumerate(lines, 1) if "floot64" in line)
    assert "unknown dtype 'floot64' (did you mean 'float64'?)" in top.message
    assert f"ex.yaml:{top.line}:" in str(top)
    element = by_path["exercises[0].checker.elements[1].dtype"]
    assert "item 1" in element.message and "got 3" in element.message
    assert "exercises[0].checker.elements[0].dtype" not in by_path  # int64 is fine
    good = GOOD.rstrip("\n") + "\n    checker: {name: allclose, dtype: match}\n"
    exercises, errors = load_exercises_file(write(tmp_path, good))
    assert errors == [] and exercises[0].checker.options["dtype"] == "match"


def test_duplicate_ids_and_invalid_yaml(tmp_path: Path) -> None:
    body = GOOD.split("\n", 1)[1]
    _, errors = load_exercises_file(write(tmp_path, "exercises:\n" + body + body))
    assert any("duplicate exercise id 'double'" in str(e) for e in errors)
    _, errors = load_exercises_file(write(tmp_path, "exercises: [\n"))
    assert errors and "invalid YAML" in errors[0].message


def test_parse_exercises_takes_parsed_data() -> None:
    data = {"exercises": [{"id": "x"}]}
    exercises, errors = parse_exercises(data, source_path="deck.yaml", base_dir="/tmp")
    assert exercises == []
    assert errors[0].path == "deck.yaml" and "missing required field" in errors[0].message


def test_yaml_case_spec_is_validated(tmp_path: Path) -> None:
    text = GOOD.replace("cases: refs.py:cases", "cases: {args: {x: {shape: [m]}}}")
    _, errors = load_exercises_file(write(tmp_path, text))
    assert any("cases.args.x.shape[0]" in str(e) and "'m'" in str(e) for e in errors)


def test_resolve_targets(tmp_path: Path) -> None:
    (tmp_path / "refs.py").write_text("def double(x):\n    return 2 * x\n", encoding="utf-8")
    assert resolve_target("refs.py:double", str(tmp_path))(4) == 8
    assert resolve_target("math:sqrt")(9.0) == 3.0
    with pytest.raises(ValueError):
        resolve_target("no-colon")


def test_loading_does_not_import_targets(tmp_path: Path) -> None:
    text = GOOD.replace("refs.py:double", "not_a_module_anywhere:double")
    exercises, errors = load_exercises_file(write(tmp_path, text))
    assert errors == [] and exercises[0].reference == "not_a_module_anywhere:double"


def test_fixture_file_loads() -> None:
    exercises, errors = load_exercises_file(FIXTURES / "exercises.yaml")
    assert errors == [] and {e.id for e in exercises} == {"fx-add", "fx-sort"}


def test_bundled_exercises_are_valid() -> None:
    bundled = registry.bundled_exercises()
    assert registry.exercise_ids() == sorted(bundled)
    for exercise_id, exercise in bundled.items():
        assert exercise.id == exercise_id
        assert exercise.source.path.endswith(".yaml")
