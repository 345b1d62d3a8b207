"""Pick a scheduler by its spec: the one place that knows every implementation.

A spec is what :meth:`dlquiz.study.scheduler.Scheduler.spec` returns
(``{"scheduler": "sm2", "fuzz": true}`` or ``{"scheduler": "fsrs", "parameters":
[...], "desired_retention": 0.9, "fuzz": true}``); the store records its
canonical JSON (:func:`spec_text`) to know which scheduler its card states
were derived with.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from dlquiz.study.fsrs_scheduler import FSRSScheduler
from dlquiz.study.scheduler import (
    DEFAULT_DESIRED_RETENTION,
    DEFAULT_SCHEDULER,
    SCHEDULERS,
    Scheduler,
    SM2Scheduler,
)


def make_scheduler(spec: Mapping[str, Any] | None) -> Scheduler:
    """The scheduler a :meth:`Scheduler.spec` describes (None or ``{}``: SM-2 with fuzz)."""
    spec = dict(spec or {})
    name = spec.get("scheduler", DEFAULT_SCHEDULER)
    fuzz = bool(spec.get("fuzz", True))
    if name == "sm2":
        return SM2Scheduler(fuzz=fuzz)
    if name == "fsrs":
        parameters = spec.get("parameters") or None
        return FSRSScheduler(
            parameters=tuple(float(p) for p in parameters) if parameters else None,
            desired_retention=float(spec.get("desired_retention", DEFAULT_DESIRED_RETENTION)),
            fuzz=fuzz,
        )
    raise ValueError(f"unknown scheduler {name!r}; expected one of {', '.join(SCHEDULERS)}")


def spec_text(spec: Mapping[str, Any]) -> str:
    """A spec as canonical JSON (sorted keys): what the database records."""
    return json.dumps(dict(spec), sort_keys=True)
