"""Audit of the seven sorts (group B, part 4): fair verdicts that cannot be fooled.

The contract (dlquiz/exercises/sorting.yaml): sort a list of numbers ascending; return
the sorted list *or* sort ``arr`` in place and return ``None`` (``result_arg``); inputs
with duplicates, negatives, floats and ints mixed, sorted and reversed lists; library
sorts refused (the static and run-time checks' job, not tested here). Stability is
not in any contract (equal numbers are indistinguishable in a list of numbers), so it
is not tested. Quicksort adds the recursion-depth clause (3,000 equal items under
Python's default limit).

Per sort: an independently written correct solution, in another style than the
reference (iterative instead of recursive, in place instead of returned or the other
way round, other names), passes every case; at least three classic mistakes fail,
**first** on the case named for the clause they break.
"""

from __future__ import annotations

import pytest
from audit_b_support import (
    assert_independent_passes,
    assert_mistake_caught_first,
    assert_tables_complete,
    mutate,
)

from dlquiz.grading.registry import bundled_exercises
from dlquiz.grading.static_checks import find_invalid
from dlquiz.model import Exercise

IDS = ["bubble-sort", "selection-sort", "insertion-sort", "merge-sort", "quick-sort",
       "heap-sort", "counting-sort"]


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


INDEPENDENT: dict[str, str] = {
    # Returned copy, a while-changed loop without the shrinking bound.
    "bubble-sort": '''
def bubble_sort(values):
    items = list(values)
    changed = True
    while changed:
        changed = False
        for k in range(1, len(items)):
            if items[k] < items[k - 1]:
                items[k - 1], items[k] = items[k], items[k - 1]
                changed = True
    return items
''',
    "selection-sort": '''
def selection_sort(xs):
    xs = list(xs)
    for i in range(len(xs)):
        best = i
        for j in range(i + 1, len(xs)):
            if xs[j] < xs[best]:
                best = j
        if best != i:
            xs[i], xs[best] = xs[best], xs[i]
    return xs
''',
    # Builds a new list with list.insert (no library sort), scanning from the right.
    "insertion-sort": '''
def insertion_sort(seq):
    out = []
    for v in seq:
        pos = len(out)
        while pos > 0 and out[pos - 1] > v:
            pos -= 1
        out.insert(pos, v)
    return out
''',
    # Bottom-up and iterative (the reference is top-down recursive), ties from the left.
    "merge-sort": '''
def merge_sort(data):
    src = list(data)
    n = len(src)
    width = 1
    while width < n:
        dst = []
        for lo in range(0, n, 2 * width):
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            i, j = lo, mid
            while i < mid and j < hi:
                if src[j] < src[i]:
                    dst.append(src[j])
                    j += 1
                else:
                    dst.append(src[i])
                    i += 1
            dst.extend(src[i:mid])
            dst.extend(src[j:hi])
        src = dst
        width *= 2
    return src
''',
    # In place, an explicit stack, a Dutch-national-flag (three-way) partition.
    "quick-sort": '''
import random
def quick_sort(items):
    a = items
    stack = [(0, len(a) - 1)]
    while stack:
        lo, hi = stack.pop()
        if lo >= hi:
            continue
        pivot = a[random.randint(lo, hi)]
        lt, i, gt = lo, lo, hi
        while i <= gt:
            if a[i] < pivot:
                a[lt], a[i] = a[i], a[lt]
                lt += 1
                i += 1
            elif a[i] > pivot:
                a[gt], a[i] = a[i], a[gt]
                gt -= 1
            else:
                i += 1
        stack.append((lo, lt - 1))
        stack.append((gt + 1, hi))
''',
    # A hole-moving sift-down (fewer swaps), on a copy that is returned.
    "heap-sort": '''
def heap_sort(values):
    a = list(values)
    n = len(a)
    def down(root, size):
        item = a[root]
        child = 2 * root + 1
        while child < size:
            if child + 1 < size and a[child + 1] > a[child]:
                child += 1
            if a[child] <= item:
                break
            a[root] = a[child]
            root, child = child, 2 * child + 1
        a[root] = item
    for start in reversed(range(n // 2)):
        down(start, n)
    for size in range(n - 1, 0, -1):
        a[0], a[size] = a[size], a[0]
        down(0, size)
    return a
''',
    # Counts in a dict, written back in place (returns None).
    "counting-sort": '''
def counting_sort(nums):
    if len(nums) == 0:
        return None
    lo = hi = nums[0]
    counts = {}
    for v in nums:
        lo, hi = min(lo, v), max(hi, v)
        counts[v] = counts.get(v, 0) + 1
    pos = 0
    for value in range(lo, hi + 1):
        for _ in range(counts.get(value, 0)):
            nums[pos] = value
            pos += 1
    return None
''',
}

# Correct templates (in place, returning None); each mistake is one change to one of them.
_BUBBLE = '''
def bubble_sort(arr):
    n = len(arr)
    for end in range(n - 1, 0, -1):
        swapped = False
        for i in range(end):
            if arr[i] > arr[i + 1]:
                arr[i], arr[i + 1] = arr[i + 1], arr[i]
                swapped = True
        if not swapped:
            break
'''
_SELECTION = '''
def selection_sort(arr):
    for i in range(len(arr) - 1):
        m = i
        for j in range(i + 1, len(arr)):
            if arr[j] < arr[m]:
                m = j
        arr[i], arr[m] = arr[m], arr[i]
'''
_INSERTION = '''
def insertion_sort(arr):
    for i in range(1, len(arr)):
        item = arr[i]
        j = i - 1
        while j >= 0 and arr[j] > item:
            arr[j + 1] = arr[j]
            j -= 1
        arr[j + 1] = item
'''
_MERGE = '''
def merge_sort(arr):
    if len(arr) <= 1:
        return list(arr)
    mid = len(arr) // 2
    left, right = merge_sort(arr[:mid]), merge_sort(arr[mid:])
    merged = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            j += 1
    return merged + left[i:] + right[j:]
'''
_QUICK = '''
def quick_sort(arr):
    if len(arr) <= 1:
        return list(arr)
    pivot = arr[len(arr) // 2]
    less = [v for v in arr if v < pivot]
    equal = [v for v in arr if v == pivot]
    greater = [v for v in arr if v > pivot]
    return quick_sort(less) + equal + quick_sort(greater)
'''
_LOMUTO = '''
def quick_sort(arr):
    def sort(lo, hi):
        if lo >= hi:
            return
        pivot, store = arr[hi], lo
        for k in range(lo, hi):
            if arr[k] < pivot:
                arr[k], arr[store] = arr[store], arr[k]
                store += 1
        arr[store], arr[hi] = arr[hi], arr[store]
        sort(lo, store - 1)
        sort(store + 1, hi)
    sort(0, len(arr) - 1)
'''
_HEAP = '''
def sift_down(a, i, end):
    while 2 * i + 1 < end:
        child = 2 * i + 1
        if child + 1 < end and a[child + 1] > a[child]:
            child += 1
        if a[i] >= a[child]:
            return
        a[i], a[child] = a[child], a[i]
        i = child


def heap_sort(arr):
    n = len(arr)
    for i in range(n // 2 - 1, -1, -1):
        sift_down(arr, i, n)
    for end in range(n - 1, 0, -1):
        arr[0], arr[end] = arr[end], arr[0]
        sift_down(arr, 0, end)
'''
_COUNTING = '''
def counting_sort(arr):
    if not arr:
        return []
    low = min(arr)
    counts = [0] * (max(arr) - low + 1)
    for v in arr:
        counts[v - low] += 1
    result = []
    for k, c in enumerate(counts):
        result += [low + k] * c
    return result
'''
TEMPLATES = {"bubble-sort": _BUBBLE, "selection-sort": _SELECTION, "insertion-sort": _INSERTION,
             "merge-sort": _MERGE, "quick-sort": _QUICK, "heap-sort": _HEAP,
             "counting-sort": _COUNTING}

_COPY_THEN_NONE = "    arr = list(arr)  # sorts a copy, returns None: the list passed in stays\n"

#: exercise id -> [(the mistake, the case it must fail first, its source)].
MISTAKES: dict[str, list[tuple[str, str, str]]] = {
    "bubble-sort": [
        ("inner loop one short (the last pair never compared)", "two elements, swapped",
         mutate(_BUBBLE, "for i in range(end):", "for i in range(end - 1):")),
        ("sorts a copy in place and returns None", "two elements, swapped",
         mutate(_BUBBLE, "    n = len(arr)\n", _COPY_THEN_NONE + "    n = len(arr)\n")),
        ("a single pass", "duplicates",
         mutate(_BUBBLE, "        if not swapped:\n            break\n", "        break\n")),
    ],
    "selection-sort": [
        ("outer loop one short", "two elements, swapped",
         mutate(_SELECTION, "range(len(arr) - 1)", "range(len(arr) - 2)")),
        ("position of the minimum searched from index 0 (lands in the sorted prefix)",
         "duplicates",
         "def selection_sort(arr):\n    for i in range(len(arr) - 1):\n"
         "        m = arr.index(min(arr[i:]))\n        arr[i], arr[m] = arr[m], arr[i]\n"),
        ("the scan's best starts at i + 1 (a[i] never kept)", "two elements, already in order",
         mutate(_SELECTION, "        m = i\n", "        m = i + 1\n")),
    ],
    "insertion-sort": [
        ("shifting stops at j > 0 (never inserts at the front)", "two elements, swapped",
         mutate(_INSERTION, "while j >= 0", "while j > 0")),
        ("the item is never dropped into the gap", "two elements, swapped",
         mutate(_INSERTION, "        arr[j + 1] = item\n", "")),
        ("starts at i = 2", "two elements, swapped",
         mutate(_INSERTION, "range(1, len(arr))", "range(2, len(arr))")),
    ],
    "merge-sort": [
        ("base case len == 1 (the empty list recurses forever)", "empty list",
         mutate(_MERGE, "if len(arr) <= 1:", "if len(arr) == 1:")),
        ("the leftovers of both halves dropped", "two elements, swapped",
         mutate(_MERGE, "return merged + left[i:] + right[j:]", "return merged")),
        ("only the left half's leftovers kept", "two elements, already in order",
         mutate(_MERGE, "return merged + left[i:] + right[j:]", "return merged + left[i:]")),
    ],
    "quick-sort": [
        ("Lomuto two-way partition (recurses once per item on equal keys)",
         "3,000 equal items (a two-way partition goes quadratic)", _LOMUTO),
        ("items equal to the pivot dropped (only the pivot kept)", "duplicates",
         mutate(_QUICK, "quick_sort(less) + equal + quick_sort(greater)",
                "quick_sort(less) + [pivot] + quick_sort(greater)")),
        ("pivot on the <= side (a part that never shrinks)", "two elements, already in order",
         mutate(_QUICK, "quick_sort(less) + equal + quick_sort(greater)",
                "quick_sort(less + equal) + quick_sort(greater)")),
    ],
    "heap-sort": [
        ("sift-down only while both children exist (off by one)", "two elements, already in order",
         mutate(_HEAP, "while 2 * i + 1 < end:", "while 2 * i + 2 < end:")),
        ("sift-down reaches into the sorted tail (end + 1)", "two elements, swapped",
         mutate(_HEAP, "sift_down(arr, 0, end)\n", "sift_down(arr, 0, end + 1)\n")),
        ("only the left child compared", "duplicates",
         mutate(_HEAP, "        if child + 1 < end and a[child + 1] > a[child]:\n"
                       "            child += 1\n", "")),
        ("heap built without the root", "two elements, already in order",
         mutate(_HEAP, "range(n // 2 - 1, -1, -1)", "range(n // 2 - 1, 0, -1)")),
    ],
    "counting-sort": [
        ("counts indexed by the value itself (negatives wrap around)", "negatives",
         "def counting_sort(arr):\n    if not arr:\n        return []\n"
         "    counts = [0] * (max(arr) + 1)\n    for v in arr:\n        counts[v] += 1\n"
         "    result = []\n    for v, c in enumerate(counts):\n        result += [v] * c\n"
         "    return result\n"),
        ("counts sized by the length, not the range", "values larger than the length",
         mutate(_COUNTING, "[0] * (max(arr) - low + 1)", "[0] * (len(arr) + 1)")),
        ("range one short (max − min)", "one element",
         mutate(_COUNTING, "[0] * (max(arr) - low + 1)", "[0] * (max(arr) - low)")),
        ("the empty list not handled (min of nothing)", "empty list",
         mutate(_COUNTING, "    if not arr:\n        return []\n", "")),
    ],
}

MISTAKE_PARAMS = [(eid, label, first, src) for eid, items in MISTAKES.items()
                  for label, first, src in items]


@pytest.mark.parametrize("exercise_id", IDS)
def test_an_independent_correct_solution_passes(exercises: dict[str, Exercise],
                                                exercise_id: str) -> None:
    assert_independent_passes(exercises[exercise_id], INDEPENDENT[exercise_id], seeds=(0,))


@pytest.mark.parametrize(("exercise_id", "label", "first", "source"), MISTAKE_PARAMS,
                         ids=[f"{m[0]}:{m[1][:40]}" for m in MISTAKE_PARAMS])
def test_classic_mistake_fails_first_on_its_named_case(exercises: dict[str, Exercise],
                                                      exercise_id: str, label: str, first: str,
                                                      source: str) -> None:
    assert_mistake_caught_first(exercises[exercise_id], source, first, label)


def test_every_sort_has_three_mistakes_and_the_templates_are_correct(
        exercises: dict[str, Exercise]) -> None:
    assert_tables_complete(exercises, IDS, MISTAKES, INDEPENDENT, TEMPLATES)


def test_a_helper_named_like_a_forbidden_function_is_the_learners_own(
        exercises: dict[str, Exercise]) -> None:
    """A correct quicksort with a helper ``def sort(lo, hi)`` (or a parameter ``sort``) was
    refused as a forbidden use of ``sort``; the library's ``sort`` is still refused."""
    quick = exercises["quick-sort"]
    assert find_invalid(quick, _LOMUTO) == ""
    assert find_invalid(quick, "def quick_sort(arr, sort=None):\n    return arr\n") == ""
    assert "`.sort` is not allowed" in find_invalid(
        quick, "def quick_sort(arr):\n    arr.sort()\n")
    assert "`sorted` is not allowed" in find_invalid(
        quick, "def quick_sort(arr):\n    return sorted(arr)\n")
    assert "not allowed" in find_invalid(
        quick, "import numpy as np\ndef quick_sort(arr, sort=np.sort):\n    return sort(arr)\n")
