"""Exercises defined inside a user deck (``exercises:``), checked and turned into models.

A user deck may define its own coding exercises whose ``reference`` and
``cases`` point at a Python file beside the YAML (``mydeck_refs.py:my_func``).
The loader only checks what can be checked without importing anything: the
shape (via the deck schema), unique ids, no clash with a bundled exercise, and
that a ``file.py`` named by ``reference``/``cases``/``checker`` exists next to
the deck. Importing and running the code is the grader's job, lazily, at
grading time; :attr:`model.Exercise.base_dir` tells it where the files are.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlquiz.model import CheckerSpec, Exercise, SourceRef, frozen_mapping

if TYPE_CHECKING:
    from dlquiz.decks.positions import DocPath, Located, YamlProblem

DEFAULT_TIME_LIMIT_S = 10.0
DEFAULT_MEMORY_MB = 1024


def _file_part(target: str) -> str:
    """``"refs.py:fn"`` -> ``"refs.py"``; ``"pkg.mod:fn"`` -> ``""`` (an importable module)."""
    head = target.split(":", 1)[0]
    return head if head.endswith(".py") else ""


def exercise_rule_errors(
    exercises: list[Any],
    located: Located,
    deck_dir: Path,
    bundled_ids: frozenset[str] | None,
    *,
    check_duplicates: bool = True,
) -> list[YamlProblem]:
    """Problems of the ``exercises:`` list a schema cannot see."""
    from dlquiz.decks.positions import YamlProblem

    out: list[YamlProblem] = []
    first: dict[str, int] = {}
    for i, spec in enumerate(exercises):
        if not isinstance(spec, dict):
            continue
        base: DocPath = ("exercises", i)
        ex_id = spec.get("id")
        if isinstance(ex_id, str):
            line, col = located.pos(base + ("id",))
            if ex_id in first and check_duplicates:
                out.append(YamlProblem(line, col, base + ("id",),
                                       f"duplicate exercise id {ex_id!r} "
                                       f"(first used on line {first[ex_id]})"))
            else:
                first[ex_id] = line
            if bundled_ids is not None and ex_id in bundled_ids:
                out.append(YamlProblem(line, col, base + ("id",),
                                       f"exercise id {ex_id!r} is already a bundled exercise; "
                                       "pick another id"))
        targets: list[tuple[DocPath, Any]] = [
            (base + ("reference",), spec.get("reference")),
            (base + ("cases",), spec.get("cases")),
        ]
        checker = spec.get("checker")
        if isinstance(checker, str):
            targets.append((base + ("checker",), checker))
        elif isinstance(checker, dict):
            targets.append((base + ("checker", "name"), checker.get("name")))
        for where, target in targets:
            if not isinstance(target, str):
                continue
            filename = _file_part(target)
            if filename and not (deck_dir / filename).is_file():
                line, col = located.pos(where)
                out.append(YamlProblem(line, col, where,
                                       f"{filename!r} not found next to the deck "
                                       f"(looked in {deck_dir})"))
    return out


def build_exercise(spec: Mapping[str, Any], source: SourceRef, base_dir: Path) -> Exercise:
    """A validated exercise mapping as a :class:`model.Exercise`."""
    raw_checker = spec.get("checker") or {"name": "allclose"}
    checker = {"name": raw_checker} if isinstance(raw_checker, str) else dict(raw_checker)
    name = str(checker.pop("name", "allclose"))
    limits = spec.get("limits") or {}
    perf = spec.get("perf_multiple")
    return Exercise(
        id=spec["id"],
        title=spec["title"],
        topics=tuple(spec["topics"]),
        prompt=spec["prompt"],
        function=spec["function"],
        signature=spec["signature"],
        starter=spec["starter"],
        hints=tuple(spec["hints"]),
        solution=spec["solution"],
        reference=spec["reference"],
        cases=spec["cases"],
        checker=CheckerSpec(name=name, options=frozen_mapping(checker)),
        time_limit_s=float(limits.get("time_s", DEFAULT_TIME_LIMIT_S)),
        memory_mb=int(limits.get("memory_mb", DEFAULT_MEMORY_MB)),
        forbidden=tuple(spec.get("forbidden") or ()),
        perf_multiple=float(perf) if perf is not None else None,
        result_arg=str(spec.get("result_arg") or ""),
        difficulty=str(spec.get("difficulty") or ""),
        source=source,
        base_dir=str(base_dir),
    )
