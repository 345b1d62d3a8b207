"""Classic mistakes in the D4b exercises (search, image processing, concurrency) are caught.

Each mistake is a whole wrong solution; the test asserts the *name* of the first case it
fails, so a case that stops discriminating is noticed. Each exercise also has an
independently written correct solution (other parameter names, loops instead of
vectorisation, semaphores instead of a condition) that must pass; the grader will call
functions positionally (issue 10), so the in-process helper here does too. Mistakes that
hang or run in quadratic time (a deadlocked pipeline, a two-way quickselect on equal keys)
are graded in the sandbox with a short time limit instead.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from grader_support import solution_function

from dlquiz.grading import checkers
from dlquiz.grading.grader import grade
from dlquiz.grading.registry import bundled_exercises, resolve_target
from dlquiz.model import Exercise

IDS = ["lower-bound", "quickselect", "top-k-heap", "integral-image", "box-sums",
       "connected-components", "histogram-equalization", "binary-morphology", "bounded-buffer"]


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


def _copy(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    return list(value) if isinstance(value, list) else value


def _positional(reference: Callable[..., Any], args: dict[str, Any]) -> list[Any]:
    """The case's arguments in signature order, defaults filled in."""
    return [_copy(args[name]) if name in args else p.default
            for name, p in inspect.signature(reference).parameters.items()]


def _failures(ex: Exercise, fn: Callable[..., Any], seed: int = 0) -> list[str]:
    """Names of the cases ``fn`` fails under ``ex``'s checker, in case order (perf skipped)."""
    reference = resolve_target(ex.reference)
    failed = []
    for case in resolve_target(ex.cases)(np.random.default_rng(seed)):
        if case.kind == "perf":
            continue
        expected = reference(**{k: _copy(v) for k, v in case.args.items()})
        with np.errstate(all="ignore"):
            try:
                got = fn(*_positional(reference, case.args))
            except Exception:  # noqa: BLE001 - a crash is a failed case
                failed.append(case.name)
                continue
        if not checkers.check(ex.checker.name, dict(ex.checker.options), expected, got, case).ok:
            failed.append(case.name)
    return failed


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_passes_and_starter_fails(exercises: dict[str, Exercise], exercise_id: str) -> None:
    ex = exercises[exercise_id]
    assert ex.difficulty in {"easy", "medium", "hard"}
    assert _failures(ex, solution_function(ex.solution, ex.function)) == []
    assert _failures(ex, solution_function(ex.solution, ex.function), seed=11) == []
    assert _failures(ex, solution_function(ex.starter, ex.function)) != []
    assert len(ex.hints) >= 2 and ex.forbidden


MISTAKES: dict[tuple[str, str], str] = {
    # ---------------------------------------------------------------- lower-bound
    ("lower-bound", "upper bound: <= instead of <"): '''
def lower_bound(arr, x, lo=0, hi=None):
    hi = len(arr) if hi is None else hi
    while lo < hi:
        mid = (lo + hi) // 2
        if arr[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo
''',
    ("lower-bound", "hi = mid - 1 skips the answer"): '''
def lower_bound(arr, x, lo=0, hi=None):
    hi = len(arr) if hi is None else hi
    while lo < hi:
        mid = (lo + hi) // 2
        if arr[mid] < x:
            lo = mid + 1
        else:
            hi = mid - 1
    return lo
''',
    ("lower-bound", "ignores lo and hi"): '''
def lower_bound(arr, x, lo=0, hi=None):
    lo, hi = 0, len(arr)
    while lo < hi:
        mid = (lo + hi) // 2
        if arr[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo
''',
    ("lower-bound", "closed interval, returns mid on a hit"): '''
def lower_bound(arr, x, lo=0, hi=None):
    hi = (len(arr) if hi is None else hi) - 1
    end = hi + 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if arr[mid] == x:
            return mid
        if arr[mid] < x:
            lo = mid + 1
        else:
            hi = mid - 1
    return lo if lo <= end else end
''',
    # ---------------------------------------------------------------- quickselect
    ("quickselect", "1-based k"): '''
def quickselect(arr, k):
    values = list(arr)
    k = k - 1
    while True:
        p = values[len(values) // 2]
        less = [v for v in values if v < p]
        eq = [v for v in values if v == p]
        if k < len(less):
            values = less
        elif k < len(less) + len(eq):
            return p
        else:
            k -= len(less) + len(eq)
            values = [v for v in values if v > p]
''',
    ("quickselect", "duplicates dropped with set()"): '''
def quickselect(arr, k):
    values = list(set(arr))
    k = min(k, len(values) - 1)
    while True:
        p = values[len(values) // 2]
        less = [v for v in values if v < p]
        if k < len(less):
            values = less
        elif k == len(less):
            return p
        else:
            k -= len(less) + 1
            values = [v for v in values if v > p]
''',
    ("quickselect", "k-th largest instead of smallest"): '''
def quickselect(arr, k):
    values = list(arr)
    while True:
        p = values[len(values) // 2]
        more = [v for v in values if v > p]
        eq = [v for v in values if v == p]
        if k < len(more):
            values = more
        elif k < len(more) + len(eq):
            return p
        else:
            k -= len(more) + len(eq)
            values = [v for v in values if v < p]
''',
    # ---------------------------------------------------------------- top-k
    ("top-k-heap", "ties: >= lets a later index replace an earlier one"): '''
import heapq
import numpy as np
def top_k(values, k):
    values = np.asarray(values)
    heap = []
    for i, v in enumerate(values.tolist()):
        if len(heap) < k:
            heapq.heappush(heap, (v, -i))
        elif k and v >= heap[0][0]:
            heapq.heapreplace(heap, (v, -i))
    best = [heapq.heappop(heap) for _ in range(len(heap))][::-1]
    idx = np.array([-e[1] for e in best], dtype=np.int64)
    return values[idx], idx
''',
    ("top-k-heap", "ascending order (forgets to reverse the pops)"): '''
import heapq
import numpy as np
def top_k(values, k):
    values = np.asarray(values)
    heap = []
    for i, v in enumerate(values.tolist()):
        if len(heap) < k:
            heapq.heappush(heap, (v, -i))
        elif k and (v, -i) > heap[0]:
            heapq.heapreplace(heap, (v, -i))
    best = [heapq.heappop(heap) for _ in range(len(heap))]
    idx = np.array([-e[1] for e in best], dtype=np.int64)
    return values[idx], idx
''',
    ("top-k-heap", "(value, index) entries: ties come out highest index first"): '''
import heapq
import numpy as np
def top_k(values, k):
    values = np.asarray(values)
    heap = []
    for i, v in enumerate(values.tolist()):
        if len(heap) < k:
            heapq.heappush(heap, (v, i))
        elif k and (v, i) > heap[0]:
            heapq.heapreplace(heap, (v, i))
    best = [heapq.heappop(heap) for _ in range(len(heap))][::-1]
    idx = np.array([e[1] for e in best], dtype=np.int64)
    return values[idx], idx
''',
    ("top-k-heap", "float indices"): '''
import heapq
import numpy as np
def top_k(values, k):
    values = np.asarray(values)
    heap = []
    for i, v in enumerate(values.tolist()):
        if len(heap) < k:
            heapq.heappush(heap, (v, -i))
        elif k and (v, -i) > heap[0]:
            heapq.heapreplace(heap, (v, -i))
    best = [heapq.heappop(heap) for _ in range(len(heap))][::-1]
    idx = np.array([-e[1] for e in best], dtype=np.int64)
    return values[idx], idx.astype(float)
''',
    # ---------------------------------------------------------------- integral image
    ("integral-image", "no zero row and column: (H, W)"): '''
import numpy as np
def integral_image(img):
    return np.asarray(img).astype(np.int64).cumsum(axis=0).cumsum(axis=1)
''',
    ("integral-image", "table of the image's dtype (uint8 overflows)"): '''
import numpy as np
def integral_image(img):
    img = np.asarray(img)
    table = np.zeros((img.shape[0] + 1, img.shape[1] + 1), dtype=img.dtype)
    for y in range(img.shape[0]):
        for x in range(img.shape[1]):
            table[y + 1, x + 1] = img[y, x] + table[y, x + 1] + table[y + 1, x] - table[y, x]
    return table
''',
    ("integral-image", "cumulative sum along rows only"): '''
import numpy as np
def integral_image(img):
    img = np.asarray(img)
    dtype = np.float64 if img.dtype.kind == "f" else np.int64
    table = np.zeros((img.shape[0] + 1, img.shape[1] + 1), dtype=dtype)
    table[1:, 1:] = img.astype(dtype).cumsum(axis=1)
    return table
''',
    # ---------------------------------------------------------------- box sums
    ("box-sums", "x and y swapped when indexing the table"): '''
import numpy as np
def box_sums(img, boxes):
    img = np.asarray(img)
    dtype = np.float64 if img.dtype.kind == "f" else np.int64
    t = np.zeros((img.shape[0] + 1, img.shape[1] + 1), dtype=dtype)
    t[1:, 1:] = img.astype(dtype).cumsum(0).cumsum(1)
    x1, y1, x2, y2 = np.asarray(boxes, dtype=np.int64).reshape(-1, 4).T
    x1, y1, x2, y2 = np.minimum(x1, t.shape[0] - 1), y1, np.minimum(x2, t.shape[0] - 1), y2
    return t[x2, y2] - t[x1, y2] - t[x2, y1] + t[x1, y1]
''',
    ("box-sums", "inclusive end: one extra row and column"): '''
import numpy as np
def box_sums(img, boxes):
    img = np.asarray(img)
    dtype = np.float64 if img.dtype.kind == "f" else np.int64
    t = np.zeros((img.shape[0] + 1, img.shape[1] + 1), dtype=dtype)
    t[1:, 1:] = img.astype(dtype).cumsum(0).cumsum(1)
    x1, y1, x2, y2 = np.asarray(boxes, dtype=np.int64).reshape(-1, 4).T
    x2 = np.minimum(x2 + 1, t.shape[1] - 1)
    y2 = np.minimum(y2 + 1, t.shape[0] - 1)
    return t[y2, x2] - t[y1, x2] - t[y2, x1] + t[y1, x1]
''',
    ("box-sums", "uint8 table overflows"): '''
import numpy as np
def box_sums(img, boxes):
    img = np.asarray(img)
    t = np.zeros((img.shape[0] + 1, img.shape[1] + 1), dtype=img.dtype)
    t[1:, 1:] = img.cumsum(0, dtype=img.dtype).cumsum(1, dtype=img.dtype)
    x1, y1, x2, y2 = np.asarray(boxes, dtype=np.int64).reshape(-1, 4).T
    return (t[y2, x2] - t[y1, x2] - t[y2, x1] + t[y1, x1]).astype(np.int64)
''',
    ("box-sums", "sign error: + S[y1, x2]"): '''
import numpy as np
def box_sums(img, boxes):
    img = np.asarray(img)
    dtype = np.float64 if img.dtype.kind == "f" else np.int64
    t = np.zeros((img.shape[0] + 1, img.shape[1] + 1), dtype=dtype)
    t[1:, 1:] = img.astype(dtype).cumsum(0).cumsum(1)
    x1, y1, x2, y2 = np.asarray(boxes, dtype=np.int64).reshape(-1, 4).T
    return t[y2, x2] + t[y1, x2] - t[y2, x1] - t[y1, x1]
''',
    # ---------------------------------------------------------------- connected components
    ("connected-components", "ignores the connectivity flag (always 4)"): '''
import numpy as np
def label_components(mask, connectivity=4):
    fg = np.asarray(mask) != 0
    h, w = fg.shape
    labels = np.zeros((h, w), dtype=np.int64)
    n = 0
    for y in range(h):
        for x in range(w):
            if fg[y, x] and not labels[y, x]:
                n += 1
                labels[y, x] = n
                stack = [(y, x)]
                while stack:
                    cy, cx = stack.pop()
                    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                        ny, nx = cy + dy, cx + dx
                        if 0 <= ny < h and 0 <= nx < w and fg[ny, nx] and not labels[ny, nx]:
                            labels[ny, nx] = n
                            stack.append((ny, nx))
    return labels, n
''',
    ("connected-components", "one pass, no equivalences (U shapes split)"): '''
import numpy as np
def label_components(mask, connectivity=4):
    fg = np.asarray(mask) != 0
    h, w = fg.shape
    labels = np.zeros((h, w), dtype=np.int64)
    n = 0
    for y in range(h):
        for x in range(w):
            if not fg[y, x]:
                continue
            nbrs = [(y - 1, x), (y, x - 1)]
            if connectivity == 8:
                nbrs += [(y - 1, x - 1), (y - 1, x + 1)]
            seen = [labels[a, b] for a, b in nbrs if 0 <= a and 0 <= b < w and labels[a, b]]
            if seen:
                labels[y, x] = min(seen)
            else:
                n += 1
                labels[y, x] = n
    return labels, n
''',
    ("connected-components", "recursive flood fill"): '''
import numpy as np
def label_components(mask, connectivity=4):
    fg = np.asarray(mask) != 0
    h, w = fg.shape
    labels = np.zeros((h, w), dtype=np.int64)
    steps = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    if connectivity == 8:
        steps += [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    def fill(y, x, n):
        labels[y, x] = n
        for dy, dx in steps:
            ny, nx = y + dy, x + dx
            if 0 <= ny < h and 0 <= nx < w and fg[ny, nx] and not labels[ny, nx]:
                fill(ny, nx, n)
    n = 0
    for y in range(h):
        for x in range(w):
            if fg[y, x] and not labels[y, x]:
                n += 1
                fill(y, x, n)
    return labels, n
''',
    ("connected-components", "two passes without renumbering (gaps in the labels)"): '''
import numpy as np
def label_components(mask, connectivity=4):
    fg = np.asarray(mask) != 0
    h, w = fg.shape
    lab = np.zeros((h, w), dtype=np.int64)
    parent = [0]
    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i
    for y in range(h):
        for x in range(w):
            if not fg[y, x]:
                continue
            nbrs = [(y - 1, x), (y, x - 1)]
            if connectivity == 8:
                nbrs += [(y - 1, x - 1), (y - 1, x + 1)]
            seen = [lab[a, b] for a, b in nbrs if 0 <= a and 0 <= b < w and lab[a, b]]
            if not seen:
                parent.append(len(parent))
                lab[y, x] = len(parent) - 1
            else:
                roots = {find(s) for s in seen}
                low = min(roots)
                for r in roots:
                    parent[r] = low
                lab[y, x] = low
    for y in range(h):
        for x in range(w):
            if lab[y, x]:
                lab[y, x] = find(lab[y, x])
    return lab, len({find(i) for i in range(1, len(parent))})
''',
    # ---------------------------------------------------------------- histogram equalisation
    ("histogram-equalization", "textbook 255·cdf/N without subtracting cdf_min"): '''
import numpy as np
def equalize_hist(img):
    img = np.asarray(img)
    cdf = np.cumsum(np.bincount(img.ravel(), minlength=256))
    lut = np.rint(cdf * 255.0 / img.size).astype(np.uint8)
    return lut[img]
''',
    ("histogram-equalization", "truncates instead of rounding"): '''
import numpy as np
def equalize_hist(img):
    img = np.asarray(img)
    hist = np.bincount(img.ravel(), minlength=256)
    cdf = np.cumsum(hist)
    v = int(np.flatnonzero(hist)[0])
    if hist[v] == img.size:
        return img.copy()
    lut = ((cdf - cdf[v]) * 255.0 / (img.size - cdf[v])).clip(0, 255).astype(np.uint8)
    return lut[img]
''',
    ("histogram-equalization", "constant image not special-cased (0/0)"): '''
import numpy as np
def equalize_hist(img):
    img = np.asarray(img)
    hist = np.bincount(img.ravel(), minlength=256)
    cdf = np.cumsum(hist)
    v = int(np.flatnonzero(hist)[0])
    with np.errstate(all="ignore"):
        lut = np.rint((cdf - cdf[v]) * 255.0 / max(img.size - cdf[v], 1))
    return np.clip(lut, 0, 255).astype(np.uint8)[img]
''',
    ("histogram-equalization", "cdf_min taken as cdf[0], not the darkest level present"): '''
import numpy as np
def equalize_hist(img):
    img = np.asarray(img)
    hist = np.bincount(img.ravel(), minlength=256)
    cdf = np.cumsum(hist)
    if hist.max() == img.size:
        return img.copy()
    lut = np.rint((cdf - cdf[0]) * 255.0 / (img.size - cdf[0]))
    return np.clip(lut, 0, 255).astype(np.uint8)[img]
''',
    # ---------------------------------------------------------------- morphology
    ("binary-morphology", "SciPy's border rule: outside counts as background for erosion"): '''
import numpy as np
def binary_morphology(mask, op):
    fg = np.asarray(mask) != 0
    def step(m, erode):
        h, w = m.shape
        p = np.pad(m, 1, constant_values=False)
        out = np.full((h, w), erode)
        for dy in range(3):
            for dx in range(3):
                out = (out & p[dy:dy + h, dx:dx + w]) if erode else (out | p[dy:dy + h, dx:dx + w])
        return out
    if op == "erode":
        return step(fg, True)
    if op == "dilate":
        return step(fg, False)
    if op == "open":
        return step(step(fg, True), False)
    return step(step(fg, False), True)
''',
    ("binary-morphology", "opening and closing swapped"): '''
import numpy as np
def binary_morphology(mask, op):
    fg = np.asarray(mask) != 0
    def step(m, erode):
        h, w = m.shape
        p = np.pad(m, 1, constant_values=erode)
        out = np.full((h, w), erode)
        for dy in range(3):
            for dx in range(3):
                out = (out & p[dy:dy + h, dx:dx + w]) if erode else (out | p[dy:dy + h, dx:dx + w])
        return out
    if op == "erode":
        return step(fg, True)
    if op == "dilate":
        return step(fg, False)
    if op == "open":
        return step(step(fg, False), True)
    return step(step(fg, True), False)
''',
    ("binary-morphology", "cross (4-neighbour) element instead of the 3x3 square"): '''
import numpy as np
def binary_morphology(mask, op):
    fg = np.asarray(mask) != 0
    def step(m, erode):
        h, w = m.shape
        p = np.pad(m, 1, constant_values=erode)
        out = p[1:h + 1, 1:w + 1].copy()
        for dy, dx in ((0, 1), (2, 1), (1, 0), (1, 2)):
            out = (out & p[dy:dy + h, dx:dx + w]) if erode else (out | p[dy:dy + h, dx:dx + w])
        return out
    if op == "erode":
        return step(fg, True)
    if op == "dilate":
        return step(fg, False)
    if op == "open":
        return step(step(fg, True), False)
    return step(step(fg, False), True)
''',
    ("binary-morphology", "updates in place while scanning"): '''
import numpy as np
def binary_morphology(mask, op):
    def step(m, erode):
        m = m.copy()
        h, w = m.shape
        for y in range(h):
            for x in range(w):
                win = m[max(y - 1, 0):y + 2, max(x - 1, 0):x + 2]
                m[y, x] = win.all() if erode else win.any()
        return m
    fg = np.asarray(mask) != 0
    if op == "erode":
        return step(fg, True)
    if op == "dilate":
        return step(fg, False)
    if op == "open":
        return step(step(fg, True), False)
    return step(step(fg, False), True)
''',
}


#: The first case each classic mistake fails (asserted by name).
FIRST_FAILURE: dict[tuple[str, str], str] = {
    ('lower-bound', 'upper bound: <= instead of <'): 'single element, x equal',
    ('lower-bound', 'hi = mid - 1 skips the answer'): 'run of duplicates: index of the first',
    ('lower-bound', 'ignores lo and hi'): 'lo window: search starts at lo',
    ('lower-bound', 'closed interval, returns mid on a hit'): 'run of duplicates: index of the first',
    ('quickselect', '1-based k'): 'single element',
    ('quickselect', 'duplicates dropped with set()'): 'duplicates count: k = 2 is still a 2',
    ('quickselect', 'k-th largest instead of smallest'): 'k = 0: the minimum',
    ('top-k-heap', 'ties: >= lets a later index replace an earlier one'): 'ties at the boundary: the earlier index wins',
    ('top-k-heap', 'ascending order (forgets to reverse the pops)'): 'k = n: everything, descending',
    ('top-k-heap', '(value, index) entries: ties come out highest index first'): 'ties: lower index first',
    # "top_indices an int64 array" (checker dtype: int64) refuses even the empty float array
    ('top-k-heap', 'float indices'): 'k = 0: empty results',
    ('integral-image', 'no zero row and column: (H, W)'): '1x1 image',
    # the prompt's "int64 for integer input" (checker dtype: match) refuses a uint8 table at once
    ('integral-image', "table of the image's dtype (uint8 overflows)"): '1x1 image',
    ('integral-image', 'cumulative sum along rows only'): '2x3 by hand',
    ('box-sums', 'x and y swapped when indexing the table'): 'whole image',
    ('box-sums', 'inclusive end: one extra row and column'): 'single pixels (x1, y1, x1+1, y1+1)',
    ('box-sums', 'uint8 table overflows'): 'all 255, whole 300x300 box (uint8 overflow)',
    ('box-sums', 'sign error: + S[y1, x2]'): 'single pixels (x1, y1, x1+1, y1+1)',
    ('connected-components', 'ignores the connectivity flag (always 4)'): 'diagonal, 8-connected: 1 component',
    ('connected-components', 'one pass, no equivalences (U shapes split)'): 'U shape: two branches merge late (4)',
    ('connected-components', 'recursive flood fill'): '61x61 snake: one 1900-pixel path (deep recursion fails)',
    ('connected-components', 'two passes without renumbering (gaps in the labels)'): 'U shape: two branches merge late (4)',
    ('histogram-equalization', 'textbook 255·cdf/N without subtracting cdf_min'): 'constant image is returned unchanged',
    ('histogram-equalization', 'truncates instead of rounding'): 'three pixels, a rounding tie (1 * 255/2 = 127.5 -> 128)',
    ('histogram-equalization', 'constant image not special-cased (0/0)'): 'constant image is returned unchanged',
    ('histogram-equalization', 'cdf_min taken as cdf[0], not the darkest level present'): 'two grey levels: darkest -> 0, other -> 255',
    ('binary-morphology', "SciPy's border rule: outside counts as background for erosion"): 'erode: one-pixel hole',
    ('binary-morphology', 'opening and closing swapped'): 'open: single pixel',
    ('binary-morphology', 'cross (4-neighbour) element instead of the 3x3 square'): 'erode: one-pixel hole',
    ('binary-morphology', 'updates in place while scanning'): 'erode: 3x3 square',
}


INDEPENDENT: dict[str, str] = {
    "lower-bound": '''
def lower_bound(seq, target, start=0, stop=None):
    """Recursive, closed interval [start, stop - 1], remembering the best hit."""
    stop = len(seq) if stop is None else stop
    def go(a, b, best):
        if a > b:
            return best
        m = a + (b - a) // 2
        if seq[m] >= target:
            return go(a, m - 1, m)
        return go(m + 1, b, best)
    return go(start, stop - 1, stop)
''',
    "quickselect": '''
import numpy as np
def quickselect(data, rank):
    """In-place Dutch-national-flag partition on a NumPy copy, median-of-three pivot."""
    a = np.array(data, copy=True)
    lo, hi = 0, len(a) - 1
    while True:
        if lo == hi:
            return a[lo]
        mid = (lo + hi) // 2
        pivot = max(min(a[lo], a[mid]), min(max(a[lo], a[mid]), a[hi]))
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
        if rank < lt:
            hi = lt - 1
        elif rank > gt:
            lo = gt + 1
        else:
            return pivot
''',
    "top-k-heap": '''
import numpy as np
def top_k(x, count):
    """A hand-written binary min-heap (no heapq) keyed on (value, -index)."""
    heap = []
    def less(a, b):
        return a < b
    def sift_up(i):
        while i and less(heap[i], heap[(i - 1) // 2]):
            heap[i], heap[(i - 1) // 2] = heap[(i - 1) // 2], heap[i]
            i = (i - 1) // 2
    def sift_down(i):
        n = len(heap)
        while True:
            c = 2 * i + 1
            if c >= n:
                return
            if c + 1 < n and less(heap[c + 1], heap[c]):
                c += 1
            if not less(heap[c], heap[i]):
                return
            heap[i], heap[c] = heap[c], heap[i]
            i = c
    for i, v in enumerate(x.tolist()):
        key = (v, -i)
        if len(heap) < count:
            heap.append(key)
            sift_up(len(heap) - 1)
        elif count and heap[0] < key:
            heap[0] = key
            sift_down(0)
    out = []
    while heap:
        heap[0], heap[-1] = heap[-1], heap[0]
        out.append(heap.pop())
        sift_down(0)
    out.reverse()
    idx = np.array([-i for _, i in out], dtype=np.int64)
    return x[idx], idx
''',
    "integral-image": '''
import numpy as np
def integral_image(image):
    """Row-by-row running sums in Python (float32 input accumulates in float64)."""
    h, w = image.shape
    out = np.zeros((h + 1, w + 1), dtype=np.float64 if image.dtype.kind == "f" else np.int64)
    for y in range(h):
        running = 0
        for x in range(w):
            running += image[y, x].item()
            out[y + 1, x + 1] = out[y, x + 1] + running
    return out
''',
    "box-sums": '''
import numpy as np
def box_sums(image, rects):
    """Padded cumsum via np.pad, then a loop over boxes."""
    acc = np.float64 if image.dtype.kind == "f" else np.int64
    s = np.pad(image.astype(acc).cumsum(axis=1).cumsum(axis=0), ((1, 0), (1, 0)))
    res = np.zeros(len(rects), dtype=acc)
    for j, (a, b, c, d) in enumerate(np.asarray(rects).reshape(-1, 4).tolist()):
        res[j] = s[d, c] - s[b, c] - s[d, a] + s[b, a]
    return res
''',
    "connected-components": '''
from collections import deque
import numpy as np
def label_components(binary, conn=4):
    """Breadth-first flood fill with a deque, over plain nested lists."""
    grid = (np.asarray(binary) != 0).tolist()
    h, w = len(grid), len(grid[0])
    out = [[0] * w for _ in range(h)]
    nb = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
          if (dy or dx) and (conn == 8 or dy == 0 or dx == 0)]
    count = 0
    for y in range(h):
        for x in range(w):
            if grid[y][x] and not out[y][x]:
                count += 1
                out[y][x] = count
                q = deque([(y, x)])
                while q:
                    cy, cx = q.popleft()
                    for dy, dx in nb:
                        ny, nx = cy + dy, cx + dx
                        if 0 <= ny < h and 0 <= nx < w and grid[ny][nx] and not out[ny][nx]:
                            out[ny][nx] = count
                            q.append((ny, nx))
    return np.array(out, dtype=np.int64).reshape(h, w), count
''',
    "histogram-equalization": '''
import numpy as np
def equalize_hist(image):
    """Python loops in float64 with round() (ties to even), as the prompt allows."""
    counts = [0] * 256
    for v in image.ravel().tolist():
        counts[v] += 1
    darkest = next(v for v in range(256) if counts[v])
    n = image.size
    if counts[darkest] == n:
        return image.copy()
    lut, running = [0] * 256, 0
    for v in range(256):
        running += counts[v]
        if v >= darkest:
            lut[v] = min(255, max(0, round((running - counts[darkest]) * 255 / (n - counts[darkest]))))
    return np.array(lut, dtype=np.uint8)[image]
''',
    "binary-morphology": '''
import numpy as np
def binary_morphology(m, operation):
    """Per-pixel loops that skip out-of-image neighbours (OpenCV's border rule)."""
    def one(src, kind):
        h, w = src.shape
        dst = np.zeros((h, w), dtype=bool)
        for y in range(h):
            for x in range(w):
                vals = [src[j, i] for j in range(y - 1, y + 2) for i in range(x - 1, x + 2)
                        if 0 <= j < h and 0 <= i < w]
                dst[y, x] = all(vals) if kind == "erode" else any(vals)
        return dst
    src = np.asarray(m) != 0
    plan = {"erode": ["erode"], "dilate": ["dilate"], "open": ["erode", "dilate"],
            "close": ["dilate", "erode"]}[operation]
    for kind in plan:
        src = one(src, kind)
    return src
''',
    "bounded-buffer": '''
import threading
from collections import deque

class BoundedBuffer:
    """Semaphores instead of a Condition: slots counts free places, filled counts items."""
    def __init__(self, size):
        self.slots = threading.Semaphore(size)
        self.filled = threading.Semaphore(0)
        self.mutex = threading.Lock()
        self.buf = deque()
        self.log = []
        self.peak = 0

    def put(self, x):
        self.slots.acquire()
        with self.mutex:
            self.buf.append(x)
            self.peak = max(self.peak, len(self.buf))
        self.filled.release()

    def get(self):
        self.filled.acquire()
        with self.mutex:
            x = self.buf.popleft()
            if x is not None:
                self.log.append(x)
        self.slots.release()
        return x

def run_pipeline(cap, data, producers, consumers):
    b = BoundedBuffer(cap)
    data = list(data)
    def consume():
        while b.get() is not None:
            pass
    cs = [threading.Thread(target=consume) for _ in range(consumers)]
    ps = [threading.Thread(target=lambda p=p: [b.put(v) for v in data[p::producers]])
          for p in range(producers)]
    for t in ps + cs:
        t.start()
    for t in ps:
        t.join()
    for _ in cs:
        b.put(None)
    for t in cs:
        t.join()
    return b.log, b.peak
''',
}


BUFFER_BASE = '''
import threading
from collections import deque

class BoundedBuffer:
    def __init__(self, capacity):
        self.capacity, self.items, self.taken, self.max_occupancy = capacity, deque(), [], 0
        lock = threading.Lock()
        self.not_full, self.not_empty = threading.Condition(lock), threading.Condition(lock)

    def put(self, item):
        with self.not_full:
            while len(self.items) >= self.capacity:
                self.not_full.wait()
            OCCUPANCY_BEFORE
            self.items.append(item)
            OCCUPANCY_AFTER
            self.not_empty.notify()

    def get(self):
        with self.not_empty:
            while not self.items:
                self.not_empty.wait()
            item = self.items.popleft()
            RECORD
            self.not_full.notify()
            return item

def run_pipeline(capacity, items, n_producers, n_consumers):
    buf = BoundedBuffer(capacity)
    items = list(items)
    def produce(p):
        for item in items[p::n_producers]:
            buf.put(item)
    def consume():
        while True:
            item = buf.get()
            if STOP:
                return
    consumers = [threading.Thread(target=consume, daemon=True) for _ in range(n_consumers)]
    producers = [threading.Thread(target=produce, args=(p,), daemon=True) for p in range(n_producers)]
    for t in consumers + producers:
        t.start()
    for t in producers:
        t.join()
    for _ in range(N_SENTINELS):
        buf.put(None)
    for t in consumers:
        t.join()
    return list(buf.taken), buf.max_occupancy
'''
GOOD = {"OCCUPANCY_BEFORE": "pass",
        "OCCUPANCY_AFTER": "self.max_occupancy = max(self.max_occupancy, len(self.items))",
        "RECORD": "if item is not None: self.taken.append(item)",
        "STOP": "item is None", "N_SENTINELS": "n_consumers"}


def buffer_variant(**changes: str) -> str:
    source = BUFFER_BASE
    for key, value in {**GOOD, **changes}.items():
        source = source.replace(key, value)
    return source


@pytest.mark.parametrize("key", sorted(MISTAKES), ids=lambda k: f"{k[0]}: {k[1]}")
def test_classic_mistake_fails_on_its_named_case(exercises: dict[str, Exercise],
                                                 key: tuple[str, str]) -> None:
    ex = exercises[key[0]]
    failed = _failures(ex, solution_function(MISTAKES[key], ex.function))
    assert failed, f"{key} passes every case"
    assert failed[0] == FIRST_FAILURE[key]


def test_every_exercise_has_three_mistakes() -> None:
    per = {i: sum(1 for k in MISTAKES if k[0] == i) for i in IDS}
    per["bounded-buffer"] += len(BUFFER_MISTAKES) + 2      # + the two sandboxed deadlocks
    per["quickselect"] += 1                                # + the sandboxed quadratic one
    per["box-sums"] += 1                                   # + the sandboxed O(area) one
    assert all(n >= 3 for n in per.values()), per


@pytest.mark.parametrize("exercise_id", IDS)
def test_independent_solution_passes(exercises: dict[str, Exercise], exercise_id: str) -> None:
    ex = exercises[exercise_id]
    fn = solution_function(INDEPENDENT[exercise_id], ex.function)
    assert _failures(ex, fn) == []
    assert _failures(ex, fn, seed=5) == []


def test_float32_image_passes_integral_image(exercises: dict[str, Exercise]) -> None:
    fn = solution_function(INDEPENDENT["integral-image"], "integral_image")
    img = np.random.default_rng(0).random((9, 7)).astype(np.float32)
    np.testing.assert_allclose(fn(img), resolve_target(exercises["integral-image"].reference)(img),
                               rtol=1e-9)


#: Deterministic pipeline mistakes (they fail without hanging), with their first failing case.
BUFFER_MISTAKES = {
    "occupancy recorded before the append": (
        {"OCCUPANCY_BEFORE": "self.max_occupancy = max(self.max_occupancy, len(self.items))",
         "OCCUPANCY_AFTER": "pass"},
        "one producer, one consumer, capacity 1: taken == items"),
    "sentinels recorded as items": (
        {"RECORD": "self.taken.append(item)"},
        "one producer, one consumer, capacity 1: taken == items"),
    "occupancy never recorded": (
        {"OCCUPANCY_AFTER": "pass"},
        "one producer, one consumer, capacity 1: taken == items"),
}


@pytest.mark.parametrize("name", sorted(BUFFER_MISTAKES))
def test_pipeline_mistake_fails_on_its_named_case(exercises: dict[str, Exercise], name: str) -> None:
    changes, first = BUFFER_MISTAKES[name]
    failed = _failures(exercises["bounded-buffer"], solution_function(buffer_variant(**changes),
                                                                      "run_pipeline"))
    assert failed and failed[0] == first


def test_pipeline_template_is_correct(exercises: dict[str, Exercise]) -> None:
    fn = solution_function(buffer_variant(), "run_pipeline")
    assert _failures(exercises["bounded-buffer"], fn) == []


def _sandboxed(ex: Exercise, source: str, seconds: float = 2.0):  # type: ignore[no-untyped-def]
    return grade(dataclasses.replace(ex, time_limit_s=seconds), source)


@pytest.mark.parametrize(("changes", "first"), [
    ({"STOP": "not item"}, "item 0 is an item, not the end"),             # 0 taken for the end
    ({"N_SENTINELS": "1"}, "empty items: consumers still stop"),          # one sentinel in all
])
def test_deadlocking_pipelines_hit_the_time_limit(exercises: dict[str, Exercise],
                                                  changes: dict[str, str], first: str) -> None:
    report = _sandboxed(exercises["bounded-buffer"], buffer_variant(**changes))
    assert report.verdict in {"time_limit", "wrong_answer"}
    assert report.first_failure is not None and report.first_failure.name == first


NAIVE_BOX_SUMS = """
import numpy as np
def box_sums(img, boxes):
    img = np.asarray(img)
    dt = np.float64 if img.dtype.kind == "f" else np.int64
    return np.array([img[y1:y2, x1:x2].sum(dtype=dt)              # O(area) per box
                     for x1, y1, x2, y2 in np.asarray(boxes).reshape(-1, 4).tolist()], dtype=dt)
"""


def test_summing_each_box_fails_the_perf_case(exercises: dict[str, Exercise]) -> None:
    ex = exercises["box-sums"]
    assert _failures(ex, solution_function(NAIVE_BOX_SUMS, "box_sums")) == []   # right answers
    report = _sandboxed(ex, NAIVE_BOX_SUMS, seconds=8.0)
    assert report.verdict == "time_limit"
    assert report.first_failure is not None
    assert report.first_failure.name == "perf 1000x1000, 5000 large boxes"


LOMUTO_QUICKSELECT = """
def quickselect(arr, k):
    a = list(arr)
    lo, hi = 0, len(a) - 1
    while True:
        pivot, i = a[hi], lo                     # last-element pivot, two-way split
        for j in range(lo, hi):
            if a[j] < pivot:
                a[i], a[j] = a[j], a[i]
                i += 1
        a[i], a[hi] = a[hi], a[i]
        if k == i:
            return a[i]
        if k < i:
            hi = i - 1
        else:
            lo = i + 1
"""


def test_two_way_quickselect_is_quadratic_on_equal_keys(exercises: dict[str, Exercise]) -> None:
    ex = exercises["quickselect"]
    report = _sandboxed(ex, LOMUTO_QUICKSELECT, seconds=3.0)
    assert report.verdict == "time_limit"
    assert report.first_failure is not None
    assert report.first_failure.name == "all equal, n = 50000 (a two-way partition is quadratic here)"
