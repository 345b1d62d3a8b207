"""The registry of numeric (parametric) card generators.

A numeric card names a generator and gives it parameters::

    - id: conv-out-size
      type: numeric
      topics: [arch.conv]
      generator: conv_output_size
      params: {max_size: 224}

At each review the generator *draws* fresh numbers (``draw``), and ``solve``
turns those numbers into a :class:`NumericProblem`: the question, the answer
computed by dlquiz's own reference code, a tolerance and a worked explanation.
``solve`` is deterministic in the drawn numbers, so the store keeps only the
drawn dict with the review and can show the very same problem again.

Each module named in :data:`GENERATOR_MODULES` exposes a ``GENERATORS`` tuple.
They are imported on first use, so deck loading stays cheap (no NumPy) until a
numeric card is actually shown. To add a generator, write it in the module of
its area (or a new module listed here) and add it to that module's tuple.
"""

from __future__ import annotations

import importlib

from dlquiz.errors import UnknownGeneratorError
from dlquiz.numeric.problem import NumericGenerator

GENERATOR_MODULES: tuple[str, ...] = (
    "dlquiz.numeric.algorithms",
    "dlquiz.numeric.architecture",
    "dlquiz.numeric.boxes",
    "dlquiz.numeric.conv",
    "dlquiz.numeric.detection",
    "dlquiz.numeric.geometry",
    "dlquiz.numeric.metrics",
    "dlquiz.numeric.optimisation",
    "dlquiz.numeric.training",
)

_REGISTRY: dict[str, NumericGenerator] = {}


def _ensure_loaded() -> dict[str, NumericGenerator]:
    if not _REGISTRY:
        found: dict[str, NumericGenerator] = {}
        for module_name in GENERATOR_MODULES:
            for generator in importlib.import_module(module_name).GENERATORS:
                if generator.name in found:
                    raise ValueError(f"numeric generator {generator.name!r} defined twice")
                found[generator.name] = generator
        _REGISTRY.update(found)
    return _REGISTRY


def generator_names() -> tuple[str, ...]:
    return tuple(sorted(_ensure_loaded()))


def get_generator(name: str) -> NumericGenerator:
    try:
        return _ensure_loaded()[name]
    except KeyError:
        raise UnknownGeneratorError(
            f"no numeric generator named {name!r}; known: {', '.join(generator_names())}"
        ) from None
