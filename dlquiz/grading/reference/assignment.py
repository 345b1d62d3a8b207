"""Reference min-cost rectangular assignment and its checker.

``linear_sum_assignment(cost)`` solves the linear assignment problem like
``scipy.optimize.linear_sum_assignment``: for an (N, M) matrix of finite
costs it picks ``K = min(N, M)`` cells, no two in one row or column, with
the smallest total cost, and returns ``(row_ind, col_ind)`` as int64 arrays
with ``row_ind`` ascending. The solver is the O(K²·max(N, M)) shortest
augmenting path form of the Hungarian method (potentials ``u``, ``v`` and a
Dijkstra-like scan per added row), run on the transpose when N > M.

Optimal assignments are often not unique (ties), so the exercise is graded by
:func:`check_assignment`: the answer must be a valid assignment of the right
size whose total cost equals the reference's optimum within tolerance; which
optimal pairs were chosen does not matter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlquiz.grading.case import Case
from dlquiz.grading.checkers import CheckResult

IndexArray = NDArray[np.int64]


def _solve_wide(cost: NDArray[np.float64]) -> IndexArray:
    """Column assigned to each row of an (n, m) matrix with n <= m."""
    n, m = cost.shape
    u = np.zeros(n + 1)
    v = np.zeros(m + 1)
    owner = np.zeros(m + 1, dtype=np.int64)      # owner[j]: 1-based row holding column j (0: free)
    way = np.zeros(m + 1, dtype=np.int64)
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = owner[j0]
            free = ~used[1:]
            cur = cost[i0 - 1] - u[i0] - v[1:]
            better = free & (cur < minv[1:])
            minv[1:][better] = cur[better]
            way[1:][better] = j0
            cand = np.where(free, minv[1:], np.inf)
            j1 = int(np.argmin(cand)) + 1
            delta = cand[j1 - 1]
            u[owner[used]] += delta
            v[used] -= delta
            minv[1:][free] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = int(way[j0])
            owner[j0] = owner[j1]
            j0 = j1
    cols = np.full(n, -1, dtype=np.int64)
    for j in range(1, m + 1):
        if owner[j]:
            cols[owner[j] - 1] = j - 1
    return cols


def linear_sum_assignment(cost: ArrayLike) -> tuple[IndexArray, IndexArray]:
    """``(row_ind, col_ind)`` of a minimum-cost assignment, rows ascending (SciPy's layout)."""
    c = np.asarray(cost, dtype=np.float64)
    if c.ndim != 2:
        raise ValueError(f"cost must be a 2-D matrix, got shape {c.shape}")
    n, m = c.shape
    if n == 0 or m == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if n <= m:
        return np.arange(n, dtype=np.int64), _solve_wide(c)
    rows_of_cols = _solve_wide(c.T)
    order = np.argsort(rows_of_cols)
    return rows_of_cols[order].astype(np.int64), order.astype(np.int64)


def _int_vector(value: Any, what: str) -> IndexArray | str:
    arr = np.asarray(value)
    if arr.ndim != 1:
        return f"{what} must be a 1-D array, got shape {arr.shape}"
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        return f"{what} must hold integers, got dtype {arr.dtype}"
    return arr.astype(np.int64)


def check_assignment(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """A valid (row_ind, col_ind) of size min(N, M) with the optimal total cost.

    ``options``: ``rtol`` / ``atol`` for the total (defaults 1e-9 / 1e-9).
    """
    cost = np.asarray(case.args["cost"], dtype=np.float64)
    n, m = cost.shape
    if not isinstance(got, tuple | list) or len(got) != 2:
        return CheckResult(False, "expected a tuple (row_ind, col_ind)")
    rows, cols = _int_vector(got[0], "row_ind"), _int_vector(got[1], "col_ind")
    for arr in (rows, cols):
        if isinstance(arr, str):
            return CheckResult(False, arr)
    assert not isinstance(rows, str) and not isinstance(cols, str)
    k = min(n, m)
    if len(rows) != k or len(cols) != k:
        return CheckResult(False, f"expected {k} pairs (min(N, M) for a {n}x{m} cost), "
                                  f"got {len(rows)} rows and {len(cols)} columns")
    if k == 0:
        return CheckResult(True, "")
    if rows.min() < 0 or rows.max() >= n or cols.min() < 0 or cols.max() >= m:
        return CheckResult(False, "an index is out of range")
    if len(np.unique(rows)) != k or len(np.unique(cols)) != k:
        return CheckResult(False, "a row or column is used twice: not an assignment")
    if np.any(np.diff(rows) < 0):
        return CheckResult(False, "row_ind must be in ascending order")
    want_rows, want_cols = (np.asarray(v, dtype=np.int64) for v in expected)
    want = float(cost[want_rows, want_cols].sum())
    total = float(cost[rows, cols].sum())
    rtol, atol = float(options.get("rtol", 1e-9)), float(options.get("atol", 1e-9))
    if abs(total - want) <= atol + rtol * abs(want):
        return CheckResult(True, "")
    return CheckResult(False, f"total cost {total:.6g} is not the minimum {want:.6g}")
