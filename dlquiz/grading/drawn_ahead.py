"""The next ``dlquiz check``'s cases, drawn while this one's code runs.

Why: a learner runs ``dlquiz check`` after every edit, and the judge's own
NumPy start-up and the drawing of the run's random cases used to come before
the learner's code got anything to run. Each check now draws the *next* run's
seed and cases while the sandbox runs its code (the parent is idle then) and
keeps them in ``<cache dir>/prepared/<exercise>-<digest>.next.json``: the next
check reads that file, hands the sandbox its inputs before importing NumPy at
all, and loads NumPy and the expected outputs while the code runs.

Nothing about the cases changes: they are exactly what
:func:`~dlquiz.grading.preparation.prepare` returns for that seed, the seed is
printed as always, and ``--seed N`` replays it by drawing it again. A file is
used once (claimed by an atomic rename, so two checks at once never share a
seed) and only while its key matches (:mod:`dlquiz.grading.case_keys`: an
edited reference or generator, another dlquiz or NumPy makes it stale). Like
every cache here it is JSON, never pickle; a missing, stale or corrupt file
costs only the time it would have saved.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlquiz.grading.calls import call_plan
from dlquiz.grading.case_keys import prepared_file, prepared_key
from dlquiz.grading.seeds import fresh_seed
from dlquiz.model import Exercise

if TYPE_CHECKING:
    from dlquiz.grading.preparation import Prepared


class Drawn:
    """One run's cases as read from disk: what the sandbox needs now, the rest on demand."""

    def __init__(self, exercise: Exercise, data: Mapping[str, Any]) -> None:
        """``data``: what :func:`~dlquiz.grading.preparation.to_json` wrote (checked here)."""
        cases = data["cases"]
        self.exercise = exercise
        self.data = data
        self.seed = int(data["seed"])
        self.n_args = int(data["n_args"])
        self.encoded: list[Any] = [case["positional"] for case in cases]
        self.kinds: list[str] = [str(case["kind"]) for case in cases]
        if not all(isinstance(args, list) for args in self.encoded):
            raise TypeError("positional arguments must be lists")
        plan = call_plan(exercise.signature)
        self.result_index = plan.index(exercise.result_arg) if exercise.result_arg else -1

    def prepared(self) -> Prepared:
        """The full cases and expected outputs (imports NumPy)."""
        from dlquiz.grading.preparation import from_json

        return from_json(self.exercise, self.data)


def take(cache_dir: Path | None, exercise: Exercise) -> Drawn | None:
    """The cases drawn ahead for ``exercise``, removed from disk; ``None`` when there are none."""
    if cache_dir is None:
        return None
    file = prepared_file(cache_dir, exercise, "next")
    claimed = file.with_name(f"{file.name}.{os.getpid()}")
    try:
        os.replace(file, claimed)
    except OSError:
        return None
    try:
        with open(claimed, encoding="utf-8") as fh:
            entry = json.load(fh)
        if entry.get("key") != prepared_key(exercise):
            return None
        return Drawn(exercise, entry["prepared"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(claimed)


def draw_next(cache_dir: Path | None, exercise: Exercise) -> None:
    """Draw a fresh seed's cases for the next check of ``exercise`` and keep them.

    Called while the current run's code runs; a failure (a broken generator)
    is left for the next run's own :func:`prepare` to report where it is seen.
    """
    if cache_dir is None:
        return
    from dlquiz.grading.preparation import prepare, to_json, write_json

    try:
        prepared = prepare(exercise, fresh_seed(), cache_dir=cache_dir)
    except Exception:  # noqa: BLE001 - reported by the run that needs these cases
        return
    write_json(prepared_file(cache_dir, exercise, "next"),
               {"key": prepared_key(exercise), "prepared": to_json(prepared)})
