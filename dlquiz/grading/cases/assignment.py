"""Cases for ``linear_sum_assignment`` (graded by total cost and validity).

Named cases: a matrix where the greedy "cheapest cell first" choice is not
optimal, one where the row-by-row minimum collides, wide and tall rectangles
(K = min(N, M) pairs, rows ascending even for tall matrices), ties with many
optimal answers, negative costs, an IoU-style cost ``1 − IoU`` with exact
zeros, large magnitudes, an empty matrix; then random matrices and a
200 × 200 perf case that rules out brute force and needs an O(n³) method.
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case
from dlquiz.grading.cases.detection import random_boxes
from dlquiz.grading.reference.detection import iou


def _c(rows: list[list[float]]) -> np.ndarray:
    return np.asarray(rows, dtype=np.float64)


def assignment_cases(rng: np.random.Generator) -> list[Case]:
    """Named traps first, then random square/rectangular matrices, then perf."""
    tracks, dets = random_boxes(rng, 6, clusters=2), random_boxes(rng, 8, clusters=2)
    cases = [
        Case("1x1", {"cost": _c([[3.5]])}, "edge"),
        Case("greedy cheapest-cell-first is not optimal", {"cost": _c([[1, 2], [2, 100]])}, "edge"),
        Case("row minima collide in one column", {"cost": _c([[1, 5, 9], [1, 6, 9], [1, 9, 3]])}, "edge"),
        Case("wide 2x4: two pairs", {"cost": _c([[9, 1, 8, 7], [9, 2, 1, 9]])}, "edge"),
        Case("tall 4x2: rows of the two pairs ascending", {"cost": _c([[9, 9], [5, 1], [9, 9], [1, 5]])},
             "edge"),
        Case("all costs equal: any permutation is optimal", {"cost": np.ones((4, 4))}, "edge"),
        Case("ties between two optimal assignments", {"cost": _c([[1, 2, 3], [2, 1, 3], [3, 3, 3]])}, "edge"),
        Case("negative costs", {"cost": _c([[-5, 0, 2], [-1, -7, 4], [3, -2, -2]])}, "edge"),
        Case("1 - IoU of tracks vs detections (many exact 1s)", {"cost": 1.0 - iou(tracks, dets)}, "edge"),
        Case("large magnitudes 1e9", {"cost": 1e9 * rng.random((5, 5))}, "edge"),
        Case("single row", {"cost": _c([[4, 2, 7, 2.5]])}, "edge"),
        Case("single column", {"cost": _c([[4], [2], [7]])}, "edge"),
        Case("empty 0x3 matrix", {"cost": np.zeros((0, 3))}, "edge"),
    ]
    for i, (n, m) in enumerate([(3, 3), (6, 4), (4, 9), (10, 10), (25, 30), (40, 12)]):
        cost = rng.random((n, m)) if i % 2 == 0 else rng.integers(0, 5, size=(n, m)).astype(np.float64)
        cases.append(Case(f"random {n}x{m} #{i}", {"cost": cost}))
    cases.append(Case("large 200x200 (needs an O(n³) method)", {"cost": rng.random((200, 200))}))
    return cases
