"""Cases for the bounded-buffer pipeline (``run_pipeline``).

Every case names distinct integer items (0 and negatives included, so a
truthiness test for the sentinel shows), and the checker only asserts what
every interleaving must satisfy. Capacity 1 pins ``max_occupancy`` to 1; more
consumers than producers, more producers than items and an empty item list
are the termination edge cases (one sentinel per consumer).
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def _case(name: str, capacity: int, items: list[int], n_producers: int, n_consumers: int,
          kind: str = "edge") -> Case:
    return Case(name, {"capacity": capacity, "items": items, "n_producers": n_producers,
                       "n_consumers": n_consumers}, kind)  # type: ignore[arg-type]


def run_pipeline_cases(rng: np.random.Generator) -> list[Case]:
    """Termination, FIFO per producer, capacity bound, then seeded random sizes."""
    cases = [
        _case("one producer, one consumer, capacity 1: taken == items", 1, [3, 1, 4, 5, 9, 2, 6], 1, 1),
        _case("item 0 is an item, not the end", 2, [0, 10, 20, 0 - 5, 30], 1, 1),
        _case("empty items: consumers still stop", 3, [], 2, 2),
        _case("capacity 1, two producers, two consumers", 1, list(range(1, 41)), 2, 2),
        _case("more consumers than producers (one sentinel each)", 2, list(range(100, 130)), 1, 4),
        _case("more producers than items", 4, [7, 8], 4, 1),
        _case("capacity larger than the item count", 64, list(range(-10, 10)), 2, 1),
        _case("one producer, many consumers: FIFO still holds", 3, list(range(200)), 1, 3),
        _case("many producers, one consumer", 2, list(range(0, 300, 3)), 4, 1),
    ]
    for i, (cap, n, p, c) in enumerate([(2, 500, 2, 2), (5, 2000, 3, 2), (8, 3000, 4, 4)]):
        items = [int(v) for v in rng.permutation(n) - n // 2]
        cases.append(_case(f"random capacity={cap} items={n} producers={p} consumers={c} #{i}",
                           cap, items, p, c, "random"))
    return cases
