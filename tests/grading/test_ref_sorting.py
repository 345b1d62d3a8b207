"""The sorting references against Python's sorted, plus per-algorithm properties."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.reference import sorting

COMPARISON_SORTS = [
    sorting.bubble_sort,
    sorting.selection_sort,
    sorting.insertion_sort,
    sorting.merge_sort,
    sorting.quick_sort,
    sorting.heap_sort,
]
ALL_SORTS = [*COMPARISON_SORTS, sorting.counting_sort]

ints = st.lists(st.integers(-1000, 1000), max_size=80)
few_values = st.lists(st.integers(-3, 3), max_size=80)
floats = st.lists(st.floats(-1e9, 1e9, allow_nan=False) | st.integers(-50, 50), max_size=80)


@pytest.mark.parametrize("sort", ALL_SORTS, ids=lambda f: f.__name__)
@settings(max_examples=120, deadline=None)
@given(values=ints | few_values)
def test_integers_match_sorted(sort: Callable[[list[int]], list[int]], values: list[int]) -> None:
    original = list(values)
    result = sort(values)
    assert result == sorted(original)
    assert values == original, "the reference must not modify its input"
    assert result is not values


@pytest.mark.parametrize("sort", COMPARISON_SORTS, ids=lambda f: f.__name__)
@settings(max_examples=120, deadline=None)
@given(values=floats)
def test_floats_and_mixed_match_sorted(sort: Callable[[list[float]], list[float]], values: list[float]) -> None:
    assert sort(values) == sorted(values)


@pytest.mark.parametrize("sort", ALL_SORTS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "values",
    [[], [1], [2, 1], [5] * 30, list(range(300)), list(range(300, 0, -1)), [1, 2, 1, 0, 4, 2, 4, 5]],
    ids=["empty", "one", "two", "all-equal", "sorted", "reversed", "notes-quicksort-bug"],
)
def test_edge_inputs(sort: Callable[[list[int]], list[int]], values: list[int]) -> None:
    assert sort(values) == sorted(values)


def test_counting_sort_with_large_offsets_and_negatives() -> None:
    # The cost is the range (max - min), not the magnitude of the values.
    assert sorting.counting_sort([10**9 + 3, 10**9, 10**9 + 1]) == [10**9, 10**9 + 1, 10**9 + 3]
    assert sorting.counting_sort([-5, -50, -1, -50]) == [-50, -50, -5, -1]


class Keyed(float):
    """A float carrying a tag that comparisons ignore, to observe stability."""

    tag: int

    def __new__(cls, value: float, tag: int) -> Keyed:
        obj = super().__new__(cls, value)
        obj.tag = tag
        return obj


@pytest.mark.parametrize(
    "sort", [sorting.bubble_sort, sorting.insertion_sort, sorting.merge_sort], ids=lambda f: f.__name__
)
@settings(max_examples=80, deadline=None)
@given(keys=few_values)
def test_stable_sorts_keep_equal_items_in_input_order(
    sort: Callable[[list[Keyed]], list[Keyed]], keys: list[int]
) -> None:
    items = [Keyed(k, i) for i, k in enumerate(keys)]
    result = sort(items)
    assert [float(x) for x in result] == sorted(float(k) for k in keys)
    for a, b in zip(result, result[1:]):
        if float(a) == float(b):
            assert a.tag < b.tag


def test_no_library_sort_inside() -> None:
    """The references must be real implementations, not wrappers around sorted()."""
    tree = ast.parse(inspect.getsource(sorting))
    banned = {"sorted", "sort", "heapq", "argsort", "heapify", "bisect", "insort"}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    used |= {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    assert not (used & banned)
