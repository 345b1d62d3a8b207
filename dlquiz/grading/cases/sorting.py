"""Cases for the sorting family.

The argument is always ``arr``, a plain list of numbers. Sorted and reversed
inputs are kept at a few hundred elements so a quicksort with a first-element
pivot is slow but does not hit Python's recursion limit; the large random
cases (n = 2,000) are fine for an O(n²) sort within the time limit. The
O(n log n) sorts add a 20,000-element perf case.
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case, CaseKind

LARGE_N = 2000
PERF_N = 20_000


def _case(name: str, values: list[int] | list[float], kind: CaseKind = "edge") -> Case:
    return Case(name, {"arr": list(values)}, kind)


def _ints(rng: np.random.Generator, n: int, low: int, high: int) -> list[int]:
    return [int(v) for v in rng.integers(low, high, size=n)]


def _floats(rng: np.random.Generator, n: int, scale: float = 100.0) -> list[float]:
    return [float(v) for v in np.round(rng.normal(0, scale, size=n), 3)]


def _integer_cases(rng: np.random.Generator) -> list[Case]:
    ascending = list(range(-100, 200))
    return [
        _case("empty list", []),
        _case("one element", [7]),
        _case("two elements, swapped", [2, 1]),
        # Left alone by a correct sort; a root with only a left child (heap sort), a
        # partition whose one side never shrinks (quicksort), a kept a[i] (selection).
        _case("two elements, already in order", [1, 2]),
        _case("duplicates", [3, 1, 2, 3, 1, 2, 3, 1]),
        _case("all equal", [5] * 20),
        _case("negatives", [-3, 10, -7, 0, 4, -1, -7, 2]),
        _case("already sorted", ascending),
        _case("reversed", ascending[::-1]),
        _case("notes' quicksort counter-example", [1, 2, 1, 0, 4, 2, 4, 5]),
        _case("few distinct values", _ints(rng, 300, -2, 3)),
    ]


def _comparison_cases(rng: np.random.Generator) -> list[Case]:
    cases = _integer_cases(rng)
    cases.insert(7, _case("floats", _floats(rng, 25)))
    cases.insert(8, _case("floats and ints mixed", [2.5, -1, 0.0, 3, -1.5, 2]))
    sizes = [10, 50, 300, LARGE_N]
    for i, n in enumerate(sizes):
        values = _floats(rng, n, 1000.0) if i % 2 else _ints(rng, n, -10 * n, 10 * n)
        cases.append(_case(f"random n={n} #{i + 1}", values, "random"))
    return cases


def quadratic_sort_cases(rng: np.random.Generator) -> list[Case]:
    """Bubble, selection and insertion sort: edge cases and random lists up to n=2,000."""
    return _comparison_cases(rng)


def nlogn_sort_cases(rng: np.random.Generator) -> list[Case]:
    """Merge, quick and heap sort: the same, plus one 20,000-element perf case."""
    perf = _case(f"perf n={PERF_N}", _floats(rng, PERF_N, 1e6), "perf")
    return [*_comparison_cases(rng), perf]


#: Many equal keys: a two-way partition (Lomuto/Hoare with `<=` on one side) recurses
#: n deep and does n²/2 comparisons here; a three-way partition is linear.
MANY_EQUAL_N = 3000


def quick_sort_cases(rng: np.random.Generator) -> list[Case]:
    """Merge/heap sort's cases plus many equal keys, quicksort's classic worst case."""
    cases = nlogn_sort_cases(rng)
    many = _case(f"{MANY_EQUAL_N:,} equal items (a two-way partition goes quadratic)",
                 [7] * MANY_EQUAL_N)
    first_random = next(i for i, c in enumerate(cases) if c.kind != "edge")
    return [*cases[:first_random], many, *cases[first_random:]]


def counting_sort_cases(rng: np.random.Generator) -> list[Case]:
    """Integers only (negatives included), ranges well above and below n."""
    cases = _integer_cases(rng)
    # Before "negatives": counts sized by len(arr) fail here, counts indexed by the value
    # itself (no offset) still pass here and fail on the first negative value.
    cases.insert(6, _case("values larger than the length", [1000, 3, 999, 3, 250]))
    cases.append(_case("only negatives", [-5, -50, -1, -50, -20]))
    for i, (n, span) in enumerate([(10, 20), (100, 10), (1000, 5000), (LARGE_N, 100)]):
        cases.append(_case(f"random n={n} range={span} #{i + 1}", _ints(rng, n, -span // 2, span - span // 2), "random"))
    cases.append(_case("perf n=50000", _ints(rng, 50_000, -1000, 1000), "perf"))
    return cases
