"""Exercise YAML -> :class:`~dlquiz.model.Exercise`, and lazy ``module:attr`` resolution.

An exercise file holds ``exercises: [...]`` (format in docs/ARCHITECTURE.md).
Loading is pure data work: nothing named in ``reference``, ``cases`` or
``checker`` is imported until the grader needs it (:func:`resolve_target`),
so listing exercises never pays for NumPy code.

Every problem becomes a :class:`~dlquiz.model.DeckError` printed as
``path:line:col: exercises[2].hints: ...``. Positions come from the YAML
node tree when we parse the file ourselves; :func:`parse_exercises` also
accepts already-parsed data (the deck loader passes a user deck's
``exercises:``) with an optional ``locate`` callback for positions.

Targets are ``package.module:attr`` (imported normally) or ``file.py:attr``
(a Python file relative to the exercise's ``base_dir``, loaded by path under
a private module name, so user files never shadow real modules).

YAML-described cases (a mapping under ``cases:``) are stored in
``Exercise.cases`` as ``spec:`` + canonical JSON, because the model keeps
``cases`` a string; :mod:`dlquiz.grading.yaml_cases` turns that back into a
generator.
"""

from __future__ import annotations

import ast
import difflib
import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlquiz.errors import DeckLoadError
from dlquiz.grading.case import SPEC_PREFIX
from dlquiz.grading.targets import load_file_module, resolve_target  # noqa: F401 - re-exported
from dlquiz.model import DIFFICULTIES, ID_RE, CheckerSpec, DeckError, Exercise, SourceRef, frozen_mapping
from dlquiz.paths import bundled_exercises_dir

if TYPE_CHECKING:
    import yaml

DEFAULT_TIME_S = 10.0
DEFAULT_MEMORY_MB = 1024
MIN_MEMORY_MB = 64

REQUIRED = ("id", "title", "topics", "function", "signature", "prompt", "starter", "hints",
            "solution", "reference", "cases")
OPTIONAL = ("checker", "limits", "forbidden", "perf_multiple", "result_arg", "difficulty")
TARGET_RE = re.compile(r"^(?:[A-Za-z_][\w.]*|[\w./-]+\.py):[A-Za-z_][\w.]*$")

Locate = Callable[[Sequence[str | int]], tuple[int, int]]


class _Problems:
    """Collects DeckErrors for one source file."""

    def __init__(self, source_path: str, locate: Locate | None) -> None:
        self.source_path = source_path
        self.locate = locate
        self.errors: list[DeckError] = []

    def add(self, path: Sequence[str | int], message: str) -> None:
        line, column = self.position(path)
        self.errors.append(DeckError(self.source_path, line, column, doc_path(path), message))

    def position(self, path: Sequence[str | int]) -> tuple[int, int]:
        if self.locate is None:
            return 1, 1
        return self.locate(path)


def doc_path(path: Sequence[str | int]) -> str:
    """``("exercises", 2, "hints")`` -> ``exercises[2].hints``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def node_locator(root: yaml.Node) -> Locate:
    import yaml

    """Position (1-based line, column) of the node at a doc path, or its closest parent."""

    def locate(path: Sequence[str | int]) -> tuple[int, int]:
        node = root
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for key, value in node.value:
                    if key.value == part:
                        child = value
                        break
            elif (isinstance(node, yaml.SequenceNode) and isinstance(part, int)
                  and 0 <= part < len(node.value)):
                child = node.value[part]
            if child is None:
                break
            node = child
        return node.start_mark.line + 1, node.start_mark.column + 1

    return locate


def _safe_loader() -> Any:
    """libyaml's composer when PyYAML was built with it (10x faster), else the pure-Python one.

    PyYAML is imported here, not at module import: with the exercise cache warm,
    grading never needs it.
    """
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_exercises_file(path: str | Path) -> tuple[list[Exercise], list[DeckError]]:
    """Parse one exercise YAML file; errors carry ``file:line:col``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [DeckError(str(path), 1, 1, "", f"cannot read file: {exc}")]
    import yaml

    try:
        loader = _safe_loader()(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return [], [DeckError(str(path), line, col, "", f"invalid YAML: {exc}")]
    locate = node_locator(node) if node is not None else None
    return parse_exercises(data, source_path=str(path), base_dir=str(path.parent), locate=locate)


def parse_exercises(data: Any, *, source_path: str, base_dir: str,
                    locate: Locate | None = None) -> tuple[list[Exercise], list[DeckError]]:
    """Exercises from parsed YAML: a mapping with ``exercises:`` or the list itself.

    ``locate(doc_path) -> (line, column)`` gives positions when known.
    """
    problems = _Problems(source_path, locate)
    prefix: tuple[str | int, ...] = ()
    items = data
    if isinstance(data, Mapping):
        prefix = ("exercises",)
        items = data.get("exercises")
        for key in data:
            if key != "exercises":
                problems.add((key,), f"unknown key {key!r} (an exercise file holds 'exercises:')")
    if not isinstance(items, list):
        problems.add(prefix, "expected a list of exercises")
        return [], problems.errors
    exercises: list[Exercise] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        path = (*prefix, index)
        exercise = _parse_one(item, path, problems, source_path, base_dir)
        if exercise is None:
            continue
        if exercise.id in seen:
            problems.add((*path, "id"), f"duplicate exercise id {exercise.id!r} "
                                        f"(also exercises[{seen[exercise.id]}])")
            continue
        seen[exercise.id] = index
        exercises.append(exercise)
    return exercises, problems.errors


def _parse_one(item: Any, path: tuple[str | int, ...], problems: _Problems,
               source_path: str, base_dir: str) -> Exercise | None:
    if not isinstance(item, Mapping):
        problems.add(path, "expected a mapping with id, title, function, ...")
        return None
    before = len(problems.errors)
    known = REQUIRED + OPTIONAL
    for key in item:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.add((*path, key), f"unknown field {key!r}{hint}")
    missing = [key for key in REQUIRED if key not in item]
    for key in missing:
        problems.add(path, f"missing required field {key!r}")
    if missing:
        return None

    def text(key: str, *, allow_empty: bool = False) -> str:
        value = item.get(key, "")
        if not isinstance(value, str) or (not allow_empty and not value.strip()):
            problems.add((*path, key), f"expected a non-empty string, got {value!r}"[:200])
            return ""
        return value

    def str_list(key: str, *, non_empty: bool) -> tuple[str, ...]:
        value = item.get(key, [])
        if not isinstance(value, list) or (non_empty and not value):
            problems.add((*path, key), "expected a non-empty list of strings" if non_empty
                         else "expected a list of strings")
            return ()
        for i, v in enumerate(value):
            if not isinstance(v, str) or not v.strip():
                problems.add((*path, key, i), f"expected a non-empty string, got {v!r}")
        return tuple(str(v) for v in value)

    ex_id = text("id")
    if ex_id and not ID_RE.match(ex_id):
        problems.add((*path, "id"), f"{ex_id!r} is not a slug (lowercase letters, digits, . _ -)")
    function = text("function")
    if function and not function.isidentifier():
        problems.add((*path, "function"), f"{function!r} is not a Python identifier")
    signature = text("signature")
    params = _signature_params(signature, function, (*path, "signature"), problems)
    for key in ("reference",):
        target = text(key)
        if target and not TARGET_RE.match(target):
            problems.add((*path, key), f"expected 'module:function' or 'file.py:function', got {target!r}")
    cases = _parse_cases(item["cases"], (*path, "cases"), problems)
    checker = _parse_checker(item.get("checker", {"name": "allclose"}), (*path, "checker"), problems)
    time_s, memory_mb = _parse_limits(item.get("limits", {}), (*path, "limits"), problems)
    perf = item.get("perf_multiple")
    if perf is not None and (isinstance(perf, bool) or not isinstance(perf, (int, float)) or perf <= 0):
        problems.add((*path, "perf_multiple"), f"expected a positive number, got {perf!r}")
    result_arg = item.get("result_arg", "") or ""
    if not isinstance(result_arg, str) or (result_arg and params is not None and result_arg not in params):
        problems.add((*path, "result_arg"), f"{result_arg!r} is not a parameter of {signature!r}")
    difficulty = item.get("difficulty", "")
    if difficulty and difficulty not in DIFFICULTIES:
        problems.add((*path, "difficulty"), f"expected one of {', '.join(DIFFICULTIES)}, got {difficulty!r}")
        difficulty = ""
    exercise = Exercise(
        id=ex_id, title=text("title"), topics=str_list("topics", non_empty=True),
        prompt=text("prompt"), function=function, signature=signature,
        starter=text("starter"), hints=str_list("hints", non_empty=True),
        solution=text("solution"), reference=str(item["reference"]), cases=cases,
        checker=checker, time_limit_s=time_s, memory_mb=memory_mb,
        forbidden=str_list("forbidden", non_empty=False) if "forbidden" in item else (),
        perf_multiple=float(perf) if isinstance(perf, (int, float)) and not isinstance(perf, bool) else None,
        result_arg=result_arg if isinstance(result_arg, str) else "",
        difficulty=difficulty,
        source=SourceRef(source_path, *problems.position(path)), base_dir=base_dir,
    )
    return exercise if len(problems.errors) == before else None


def _signature_params(signature: str, function: str, path: tuple[str | int, ...],
                      problems: _Problems) -> list[str] | None:
    if not signature:
        return None
    try:
        tree = ast.parse(f"def {signature}: pass")
        fn = tree.body[0]
        assert isinstance(fn, ast.FunctionDef)
    except (SyntaxError, AssertionError):
        problems.add(path, f"{signature!r} is not a Python signature like 'f(a, b=1)'")
        return None
    if function and fn.name != function:
        problems.add(path, f"signature names {fn.name!r} but function is {function!r}")
    return [a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)]


def _parse_cases(value: Any, path: tuple[str | int, ...], problems: _Problems) -> str:
    if isinstance(value, str):
        if not TARGET_RE.match(value):
            problems.add(path, f"expected 'module:function' or 'file.py:function', got {value!r}")
        return value
    if isinstance(value, Mapping):
        from dlquiz.grading.yaml_cases import validate_spec

        for sub_path, message in validate_spec(value):
            problems.add((*path, *sub_path), message)
        return SPEC_PREFIX + json.dumps(value, sort_keys=True)
    problems.add(path, "expected 'module:function', 'file.py:function' or a case description mapping")
    return ""


def _parse_checker(value: Any, path: tuple[str | int, ...], problems: _Problems) -> CheckerSpec:
    from dlquiz.grading.checkers import BUILTIN_CHECKERS

    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, Mapping) or not isinstance(value.get("name"), str):
        problems.add(path, "expected {name: allclose|exact|set_equal|sorted|nms|soft_nms|tuple|"
                           "module:function, ...options}")
        return CheckerSpec()
    name = value["name"]
    if name not in BUILTIN_CHECKERS and not TARGET_RE.match(name):
        close = difflib.get_close_matches(name, list(BUILTIN_CHECKERS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.add((*path, "name"), f"unknown checker {name!r}{hint}")
    for key in ("rtol", "atol"):
        if key in value and (isinstance(value[key], bool) or not isinstance(value[key], (int, float))
                             or value[key] < 0):
            problems.add((*path, key), f"expected a non-negative number, got {value[key]!r}")
    _check_dtype_rules(value, path, problems)
    options = {k: v for k, v in value.items() if k != "name"}
    return CheckerSpec(name=name, options=frozen_mapping(options))


def _check_dtype_rules(value: Mapping[str, Any], path: tuple[str | int, ...],
                       problems: _Problems) -> None:
    """The ``dtype`` options of a checker and of its tuple ``element``/``elements`` specs."""
    from dlquiz.grading.checkers.base import dtype_rule_problem

    specs: list[tuple[tuple[str | int, ...], Any]] = [(path, value)]
    if isinstance(value.get("element"), Mapping):
        specs.append(((*path, "element"), value["element"]))
    if isinstance(value.get("elements"), list):
        specs.extend(((*path, "elements", i), spec) for i, spec in enumerate(value["elements"])
                     if isinstance(spec, Mapping))
    for where, spec in specs:
        rule = spec.get("dtype")
        if rule is None:
            continue
        problem = dtype_rule_problem(rule)
        if problem:
            problems.add((*where, "dtype"), problem)


def _parse_limits(value: Any, path: tuple[str | int, ...], problems: _Problems) -> tuple[float, int]:
    if not isinstance(value, Mapping):
        problems.add(path, "expected {time_s: seconds, memory_mb: MiB}")
        return DEFAULT_TIME_S, DEFAULT_MEMORY_MB
    for key in value:
        if key not in ("time_s", "memory_mb"):
            problems.add((*path, key), f"unknown limit {key!r} (time_s, memory_mb)")
    time_s = value.get("time_s", DEFAULT_TIME_S)
    memory = value.get("memory_mb", DEFAULT_MEMORY_MB)
    if isinstance(time_s, bool) or not isinstance(time_s, (int, float)) or not 0 < time_s <= 600:
        problems.add((*path, "time_s"), f"expected seconds in (0, 600], got {time_s!r}")
        time_s = DEFAULT_TIME_S
    if isinstance(memory, bool) or not isinstance(memory, int) or memory < MIN_MEMORY_MB:
        problems.add((*path, "memory_mb"), f"expected an integer >= {MIN_MEMORY_MB}, got {memory!r}")
        memory = DEFAULT_MEMORY_MB
    return float(time_s), int(memory)


def _parse_bundled() -> dict[str, Exercise]:
    found: dict[str, Exercise] = {}
    errors: list[str] = []
    for path in _bundled_files():
        exercises, problems = load_exercises_file(path)
        errors.extend(str(p) for p in problems)
        for exercise in exercises:
            if exercise.id in found:
                errors.append(f"{exercise.source}: duplicate exercise id {exercise.id!r} "
                              f"(also in {found[exercise.id].source})")
            else:
                found[exercise.id] = exercise
    if errors:
        raise DeckLoadError("bundled exercises are broken:\n" + "\n".join(errors))
    return found


def _bundled_files() -> list[Path]:
    directory = bundled_exercises_dir()
    return sorted(directory.glob("*.yaml")) if directory.is_dir() else []


#: The parser's own modules: a change to them changes what the YAML means.
_PARSER_FILES = ("registry.py", "exercise_cache.py", "targets.py")


@functools.lru_cache(maxsize=4)
def _bundled(cache_dir: Path | None) -> dict[str, Exercise]:
    if cache_dir is None:
        return _parse_bundled()
    from dlquiz.grading.exercise_cache import cached_exercises

    here = Path(__file__).resolve().parent
    files = [*_bundled_files(), *(here / name for name in _PARSER_FILES)]
    return cached_exercises(cache_dir, files, _parse_bundled)


def bundled_exercises(cache_dir: Path | None = None) -> dict[str, Exercise]:
    """Every bundled exercise by id (parsed once per process).

    With ``cache_dir`` (the data dir's cache), exercises parsed by an earlier
    run from unchanged files are read back from JSON instead of YAML.
    """
    return dict(_bundled(cache_dir))


def exercise_ids() -> list[str]:
    """Bundled exercise ids, sorted."""
    return sorted(_bundled(None))
