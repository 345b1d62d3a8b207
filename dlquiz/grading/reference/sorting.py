"""Reference sorting algorithms, written out (no library sort inside).

Every function takes a list of numbers and returns a *new* ascending list,
leaving the input untouched; the exercises also accept a learner function
that sorts its argument in place and returns ``None``.

These are deliberately plain Python: the point of the exercise is the
algorithm, and the grader only needs the sorted list. Complexity and
stability are stated per function because interviewers ask for them.
"""

from __future__ import annotations

from collections.abc import Sequence

Number = int | float


def bubble_sort(arr: Sequence[Number]) -> list[Number]:
    """O(n²), stable, in place on a copy; stops early after a pass with no swap (O(n) if sorted)."""
    a = list(arr)
    end = len(a)
    while end > 1:
        last_swap = 0
        for i in range(1, end):
            if a[i - 1] > a[i]:
                a[i - 1], a[i] = a[i], a[i - 1]
                last_swap = i
        # Everything from the last swap on is already in its final place.
        end = last_swap
    return a


def selection_sort(arr: Sequence[Number]) -> list[Number]:
    """O(n²) comparisons but only n − 1 swaps; not stable (the swap jumps over equals)."""
    a = list(arr)
    n = len(a)
    for i in range(n - 1):
        smallest = i
        for j in range(i + 1, n):
            if a[j] < a[smallest]:
                smallest = j
        a[i], a[smallest] = a[smallest], a[i]
    return a


def insertion_sort(arr: Sequence[Number]) -> list[Number]:
    """O(n²) worst, O(n) on sorted input, stable (shift only strictly greater items)."""
    a = list(arr)
    for i in range(1, len(a)):
        item = a[i]
        j = i - 1
        while j >= 0 and a[j] > item:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = item
    return a


def merge_sort(arr: Sequence[Number]) -> list[Number]:
    """O(n log n) always, O(n) extra memory, stable (ties take the left run first).

    Bottom-up: merge runs of width 1, 2, 4, ... so there is no recursion
    depth to worry about.
    """
    a = list(arr)
    n = len(a)
    width = 1
    while width < n:
        merged: list[Number] = []
        for lo in range(0, n, 2 * width):
            left, right = a[lo : lo + width], a[lo + width : lo + 2 * width]
            i = j = 0
            while i < len(left) and j < len(right):
                if right[j] < left[i]:
                    merged.append(right[j])
                    j += 1
                else:
                    merged.append(left[i])
                    i += 1
            merged.extend(left[i:])
            merged.extend(right[j:])
        a = merged
        width *= 2
    return a


def quick_sort(arr: Sequence[Number]) -> list[Number]:
    """O(n log n) expected, O(n²) worst; not stable; in place with an explicit stack.

    Median-of-three pivot (sorted and reversed inputs stay O(n log n)) and a
    three-way partition (Dijkstra's Dutch flag: < pivot, == pivot, > pivot),
    so inputs with many duplicates do not degrade to O(n²). The smaller side
    is handled first so the stack stays O(log n).
    """
    a = list(arr)
    stack = [(0, len(a) - 1)]
    while stack:
        lo, hi = stack.pop()
        if lo >= hi:
            continue
        mid = (lo + hi) // 2
        x, y, z = a[lo], a[mid], a[hi]
        pivot = max(min(x, y), min(max(x, y), z))
        lt, i, gt = lo, lo, hi
        while i <= gt:
            if a[i] < pivot:
                a[lt], a[i] = a[i], a[lt]
                lt += 1
                i += 1
            elif a[i] > pivot:
                a[i], a[gt] = a[gt], a[i]
                gt -= 1
            else:
                i += 1
        # a[lo:lt] < pivot, a[lt:gt+1] == pivot, a[gt+1:hi+1] > pivot
        left, right = (lo, lt - 1), (gt + 1, hi)
        # Push the larger side first so the smaller one is popped next.
        if lt - lo < hi - gt:
            stack += [right, left]
        else:
            stack += [left, right]
    return a


def _sift_down(a: list[Number], root: int, end: int) -> None:
    """Restore the max-heap property of ``a[:end]`` below ``root``."""
    while True:
        child = 2 * root + 1
        if child >= end:
            return
        if child + 1 < end and a[child + 1] > a[child]:
            child += 1
        if a[root] >= a[child]:
            return
        a[root], a[child] = a[child], a[root]
        root = child


def heap_sort(arr: Sequence[Number]) -> list[Number]:
    """O(n log n) always, O(1) extra memory, not stable.

    Build a max-heap bottom-up in O(n), then repeatedly swap the maximum to
    the end of the shrinking heap and sift the new root down.
    """
    a = list(arr)
    n = len(a)
    for root in range(n // 2 - 1, -1, -1):
        _sift_down(a, root, n)
    for end in range(n - 1, 0, -1):
        a[0], a[end] = a[end], a[0]
        _sift_down(a, 0, end)
    return a


def counting_sort(arr: Sequence[int]) -> list[int]:
    """O(n + k) for integers spanning k = max − min + 1 values; negatives allowed.

    Counts are indexed by ``value - min``, so negative numbers and large
    offsets are fine; the cost is the *range*, not the largest value.
    """
    values = [int(v) for v in arr]
    if not values:
        return []
    low, high = min(values), max(values)
    counts = [0] * (high - low + 1)
    for v in values:
        counts[v - low] += 1
    out: list[int] = []
    for offset, count in enumerate(counts):
        out.extend([low + offset] * count)
    return out
