"""Binary search (lower bound), quickselect and top-k: the search-and-selection family.

Conventions (each exercise's prompt states the same):

* ``lower_bound(arr, x, lo=0, hi=None)`` is :func:`bisect.bisect_left`: the
  first index ``i`` in ``[lo, hi]`` with ``arr[i] >= x`` (``hi`` when there is
  none), for ``arr`` sorted ascending; with duplicates of ``x`` it returns the
  index of the first one. ``hi=None`` means ``len(arr)``. Returned as a Python
  int, graded exactly.
* ``quickselect(arr, k)``: the k-th smallest element, 0-based, counting
  duplicates (= ``sorted(arr)[k]`` = ``np.partition(arr, k)[k]``). The
  reference is a vectorised three-way (``<``, ``==``, ``>``) partition around a
  pivot drawn from ``np.random.default_rng(0)``, so all-equal input costs one
  pass, not n passes. The element itself is returned (an int stays an int).
* ``top_k(values, k)``: ``(top_values, top_indices)`` of the k largest values
  in descending order, like ``torch.topk(values, k, sorted=True)``; torch leaves
  the order of equal values unspecified, here **the lower index comes first**
  (= ``heapq.nlargest(k, range(n), key=values.__getitem__)``, which is stable).
  Values keep the input's dtype; indices are int64. Graded exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt


def lower_bound(arr: Sequence[Any] | npt.NDArray[Any], x: Any, lo: int = 0,
                hi: int | None = None) -> int:
    """First index in ``[lo, hi)`` whose value is >= ``x`` (``hi`` if none), by halving.

    Invariant: every index < ``lo`` holds a value < x and every index >= ``hi``
    (within the original range) holds a value >= x; the loop stops when the
    window ``[lo, hi)`` is empty, so ``lo`` is the answer.
    """
    if lo < 0:
        raise ValueError("lo must be non-negative")
    hi = len(arr) if hi is None else hi
    while lo < hi:
        mid = (lo + hi) // 2
        if arr[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return int(lo)


def quickselect(arr: Sequence[Any] | npt.NDArray[Any], k: int) -> Any:
    """The k-th smallest element (0-based), by three-way partitioning around random pivots."""
    values = np.asarray(arr)
    n = values.size
    if not 0 <= k < n:
        raise IndexError(f"k = {k} is out of range for {n} elements")
    rng = np.random.default_rng(0)
    part = values.ravel()
    while True:
        pivot = part[int(rng.integers(part.size))]
        less = part[part < pivot]
        if k < less.size:
            part = less
            continue
        n_equal = int(np.count_nonzero(part == pivot))
        if k < less.size + n_equal:
            return pivot.item() if isinstance(arr, (list, tuple)) else pivot
        k -= less.size + n_equal
        part = part[part > pivot]


def top_k(values: Sequence[Any] | npt.NDArray[Any], k: int) -> tuple[npt.NDArray[Any],
                                                                      npt.NDArray[np.int64]]:
    """The k largest values, descending, lower index first among equal values.

    A stable ascending argsort of the *reversed* array, read backwards, gives
    descending values with ascending original indices among ties, exactly, for
    any dtype (no negation, so no overflow for unsigned or extreme ints). For
    ``k << n`` a size-k min-heap is O(n log k); the reference only needs to be
    right and fast in NumPy.
    """
    v = np.asarray(values)
    if v.ndim != 1:
        raise ValueError(f"values must be 1-D, got shape {v.shape}")
    if not 0 <= k <= v.size:
        raise ValueError(f"k = {k} is out of range for {v.size} values")
    n = v.size
    order = (n - 1 - np.argsort(v[::-1], kind="stable"))[::-1][:k]
    idx = order.astype(np.int64)
    return v[idx].copy(), idx
