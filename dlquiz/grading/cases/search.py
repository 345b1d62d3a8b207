"""Cases for ``lower_bound``, ``quickselect`` and ``top_k``.

Edge cases follow the prompts' clauses (empty input, ``x`` below / above every
value, runs of duplicates, ``lo`` / ``hi`` windows, ``k`` at both ends, ties at
the top-k boundary, all-equal input that makes a two-way quickselect
quadratic), then seeded random cases. No perf case: an array large enough for a
lower bound's O(log n) to beat a scan costs more to ship than to search.
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def _sorted_ints(rng: np.random.Generator, n: int, high: int) -> list[int]:
    return sorted(int(v) for v in rng.integers(-high, high, n))


def lower_bound_cases(rng: np.random.Generator) -> list[Case]:
    """Lower bound (bisect_left): each boundary the prompt names, then random, then perf."""
    dup = [1, 2, 2, 2, 2, 3, 5, 5, 8]
    cases = [
        Case("empty list", {"arr": [], "x": 3}, "edge"),
        Case("single element, x equal", {"arr": [4], "x": 4}, "edge"),
        Case("single element, x greater", {"arr": [4], "x": 5}, "edge"),
        Case("x below every value: 0", {"arr": [2, 4, 6], "x": -10}, "edge"),
        Case("x above every value: len(arr)", {"arr": [2, 4, 6], "x": 7}, "edge"),
        Case("x equals the last value", {"arr": [2, 4, 6], "x": 6}, "edge"),
        Case("run of duplicates: index of the first", {"arr": dup, "x": 2}, "edge"),
        Case("duplicates at the end", {"arr": dup, "x": 8}, "edge"),
        Case("x between values", {"arr": dup, "x": 4}, "edge"),
        Case("all equal, x equal: 0", {"arr": [7] * 10, "x": 7}, "edge"),
        Case("all equal, x greater: len(arr)", {"arr": [7] * 10, "x": 8}, "edge"),
        Case("float x between ints", {"arr": [0, 1, 2, 3], "x": 1.5}, "edge"),
        Case("floats and negatives", {"arr": [-2.5, -1.0, -1.0, 0.0, 0.5], "x": -1.0}, "edge"),
        Case("lo window: search starts at lo", {"arr": dup, "x": 2, "lo": 3}, "edge"),
        Case("hi window: answer capped at hi", {"arr": dup, "x": 5, "hi": 4}, "edge"),
        Case("lo = hi: empty window", {"arr": dup, "x": 0, "lo": 5, "hi": 5}, "edge"),
        Case("lo and hi together", {"arr": dup, "x": 5, "lo": 2, "hi": 7}, "edge"),
        Case("hi = None means len(arr)", {"arr": dup, "x": 9, "hi": None}, "edge"),
        Case("NumPy int64 array", {"arr": np.array([1, 3, 3, 9], dtype=np.int64), "x": 3}, "edge"),
        Case("two elements, x between", {"arr": [1, 3], "x": 2}, "edge"),
    ]
    for i, n in enumerate([5, 16, 100, 1000, 5000]):
        arr = _sorted_ints(rng, n, max(3, n // 4))
        x = int(rng.choice(arr)) if i % 2 == 0 else int(rng.integers(-n, n))
        cases.append(Case(f"random n={n} #{i}", {"arr": arr, "x": x}))
    big = np.sort(rng.integers(0, 10**9, 100_000)).astype(np.int64)
    cases.append(Case("n=100000 NumPy array, x near the end", {"arr": big, "x": int(big[-3])}))
    return cases


def quickselect_cases(rng: np.random.Generator) -> list[Case]:
    """k at both ends, duplicates, sorted / reversed / all-equal input, then random."""
    base = [7, 2, 9, 2, 5, 2, 8]
    cases = [
        Case("single element", {"arr": [42], "k": 0}, "edge"),
        Case("k = 0: the minimum", {"arr": base, "k": 0}, "edge"),
        Case("k = n - 1: the maximum", {"arr": base, "k": 6}, "edge"),
        Case("duplicates count: k = 2 is still a 2", {"arr": base, "k": 2}, "edge"),
        Case("just past the duplicates", {"arr": base, "k": 3}, "edge"),
        Case("two elements", {"arr": [3, 1], "k": 1}, "edge"),
        Case("negatives and floats", {"arr": [0.5, -3.25, 2.0, -3.25, 1e-9], "k": 1}, "edge"),
        Case("NumPy float64 array", {"arr": rng.normal(size=9), "k": 4}, "edge"),
        # n = 50000 as the prompt says: a first-element pivot peels one element per level
        # here (k = n - 1 on sorted input, k = 0 on reversed), quadratic, out of time.
        Case("sorted input, n = 50000 (first-element pivot worst case)",
             {"arr": list(range(50_000)), "k": 49_999}, "edge"),
        Case("reversed input, n = 50000", {"arr": list(range(50_000, 0, -1)), "k": 0}, "edge"),
        Case("all equal, n = 50000 (a two-way partition is quadratic here)",
             {"arr": [5] * 50_000, "k": 25_000}, "edge"),
        Case("two values only, n = 50000",
             {"arr": [int(v) for v in rng.integers(0, 2, 50_000)], "k": 40_000}, "edge"),
    ]
    for i, n in enumerate([10, 101, 1000, 10_000]):
        arr = [int(v) for v in rng.integers(-n, n, n)]
        cases.append(Case(f"random ints n={n} #{i}", {"arr": arr, "k": int(rng.integers(n))}))
    for i, n in enumerate([50, 5000]):
        cases.append(Case(f"random floats n={n} #{i}",
                          {"arr": rng.normal(size=n).tolist(), "k": int(rng.integers(n))}))
    return cases


def top_k_cases(rng: np.random.Generator) -> list[Case]:
    """k = 0 / 1 / n, ties inside and at the boundary, ints and floats, then random."""
    tied = np.array([3.0, 1.0, 3.0, 2.0, 3.0, 0.0])
    cases = [
        Case("k = 0: empty results", {"values": np.array([1.0, 2.0]), "k": 0}, "edge"),
        Case("k = 1: the maximum", {"values": np.array([0.3, 0.9, 0.1]), "k": 1}, "edge"),
        Case("k = n: everything, descending", {"values": np.array([0.3, 0.9, 0.1, 0.5]), "k": 4}, "edge"),
        Case("ties: lower index first", {"values": tied, "k": 3}, "edge"),
        Case("ties at the boundary: the earlier index wins", {"values": tied, "k": 2}, "edge"),
        Case("all equal", {"values": np.full(8, 1.5), "k": 5}, "edge"),
        Case("negatives", {"values": np.array([-5.0, -1.0, -3.0, -1.0]), "k": 3}, "edge"),
        Case("int64 values stay ints", {"values": np.array([4, -2, 9, 4, 0], dtype=np.int64), "k": 3}, "edge"),
        Case("single value", {"values": np.array([2.5]), "k": 1}, "edge"),
        Case("ascending input (every item enters the heap)",
             {"values": np.arange(200, dtype=np.float64), "k": 10}, "edge"),
        Case("descending input", {"values": np.arange(200, 0, -1).astype(np.float64), "k": 10}, "edge"),
    ]
    for i, (n, k) in enumerate([(10, 3), (100, 10), (1000, 1), (5000, 50), (2000, 2000)]):
        cases.append(Case(f"random floats n={n} k={k} #{i}", {"values": rng.normal(size=n), "k": k}))
    for i, (n, k) in enumerate([(500, 20), (5000, 100)]):
        cases.append(Case(f"random ints with ties n={n} k={k} #{i}",
                          {"values": rng.integers(0, 20, n).astype(np.int64), "k": k}))
    return cases
