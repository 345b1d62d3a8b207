"""A test case for an exercise: named keyword arguments for the learner's function.

Case generators are plain functions ``def xxx_cases(rng: np.random.Generator)
-> list[Case]``. They return named edge cases first (kind ``"edge"``), then
seeded random cases of several sizes (``"random"``), and optionally one large
``"perf"`` case used to compare speed with the reference. Arguments are NumPy
arrays, Python numbers, strings, bools, ``None`` or lists of numbers: values
that cross the sandbox boundary as plain data, never pickle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

CaseKind = Literal["edge", "random", "perf"]
#: ``cases:`` strings with this prefix hold a YAML case spec as JSON.
SPEC_PREFIX = "spec:"


@dataclass(frozen=True)
class Case:
    """One call: ``function(**args)``; ``name`` is shown to the learner."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)
    kind: CaseKind = "random"
