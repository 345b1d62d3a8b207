"""Numeric cards for search and classical image processing.

* ``integral_box_sum``: a small integral image (OpenCV layout, zero first row
  and column) and a half-open box ``(x1, y1, x2, y2)``; the box sum from four
  look-ups. The answer comes from :func:`dlquiz.grading.reference.image_processing.box_sums`.
* ``lower_bound_trace``: a short sorted list with duplicates and a query;
  the ``bisect_left`` index, with the loop traced in the explanation (answer
  from :func:`dlquiz.grading.reference.search.lower_bound`).
* ``binary_search_probes``: the worst-case number of probes of the
  ``while lo < hi`` lower-bound loop on n items, ``⌈log₂(n + 1)⌉`` (the
  window of size m shrinks to at most ⌊m/2⌋ per probe).
* ``equalized_level``: the output of ``cv2.equalizeHist`` for one grey level,
  given a small histogram (answer from the graded equalisation reference).
  Draws whose exact value ends in .5 are redrawn, so no card hinges on the
  tie rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from dlquiz.numeric.problem import NumericProblem, SimpleGenerator


def _draw_box_sum(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    h, w = int(rng.integers(3, 5)), int(rng.integers(3, 6))
    img = rng.integers(0, 10, (h, w))
    while True:
        x1, x2 = sorted(int(v) for v in rng.integers(0, w + 1, 2))
        y1, y2 = sorted(int(v) for v in rng.integers(0, h + 1, 2))
        if x2 > x1 and y2 > y1 and (x2 - x1) * (y2 - y1) < h * w:
            break
    return {"img": img.tolist(), "box": [x1, y1, x2, y2]}


def _table_markdown(table: np.ndarray) -> str:
    head = "| y \\ x | " + " | ".join(str(x) for x in range(table.shape[1])) + " |"
    rule = "|---" * (table.shape[1] + 1) + "|"
    rows = [f"| **{y}** | " + " | ".join(str(int(v)) for v in row) + " |"
            for y, row in enumerate(table)]
    return "\n".join([head, rule, *rows])


def _solve_box_sum(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.image_processing import box_sums, integral_image

    img = np.asarray(drawn["img"], dtype=np.int64)
    x1, y1, x2, y2 = (int(v) for v in drawn["box"])
    table = integral_image(img)
    total = int(box_sums(img, [[x1, y1, x2, y2]])[0])
    question = (
        "Integral image S (OpenCV layout: shape (H + 1, W + 1), zero first row and column, "
        "S[y, x] = sum of img[:y, :x], rows < y and columns < x):\n\n"
        f"{_table_markdown(table)}\n\n"
        f"What is the sum of the pixels in the half-open box x1 = {x1}, y1 = {y1}, "
        f"x2 = {x2}, y2 = {y2} (columns {x1}..{x2 - 1}, rows {y1}..{y2 - 1})?")
    a, b, c, d = (int(table[y2, x2]), int(table[y1, x2]), int(table[y2, x1]), int(table[y1, x1]))
    explanation = (
        "sum = S[y2, x2] − S[y1, x2] − S[y2, x1] + S[y1, x1]\n"
        f"= S[{y2}, {x2}] − S[{y1}, {x2}] − S[{y2}, {x1}] + S[{y1}, {x1}]\n"
        f"= {a} − {b} − {c} + {d} = **{total}**.\n\n"
        "The two subtractions remove the strips above and left of the box; the top-left "
        "corner was subtracted twice, so it is added back. Four look-ups for any box size is "
        "what made Viola–Jones Haar features cheap.")
    return NumericProblem(question, (float(total),), explanation, dict(drawn), rel_tol=0,
                          abs_tol=0.01)


def _draw_lower_bound(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    n = int(rng.integers(7, 13))
    arr = sorted(int(v) for v in rng.integers(0, 15, n))
    x = int(rng.choice(arr)) if rng.random() < 0.6 else int(rng.integers(-1, 17))
    return {"arr": arr, "x": x}


def _solve_lower_bound(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.search import lower_bound

    arr, x = list(drawn["arr"]), int(drawn["x"])
    answer = lower_bound(arr, x)
    steps, lo, hi = [], 0, len(arr)
    while lo < hi:
        mid = (lo + hi) // 2
        go_right = arr[mid] < x
        steps.append(f"lo={lo}, hi={hi}: mid={mid}, arr[mid]={arr[mid]} "
                     f"{'<' if go_right else '≥'} {x} → "
                     + (f"lo = {mid + 1}" if go_right else f"hi = {mid}"))
        lo, hi = (mid + 1, hi) if go_right else (lo, mid)
    question = (f"arr = {arr} (0-based indices). What does the lower bound "
                f"`bisect_left(arr, {x})` return — the first index i with arr[i] ≥ {x}, or "
                f"len(arr) = {len(arr)} if there is none?")
    explanation = ("Loop `while lo < hi: mid = (lo + hi) // 2; if arr[mid] < x: lo = mid + 1 "
                   "else: hi = mid`, starting at lo = 0, hi = len(arr):\n\n"
                   + "\n".join(f"- {s}" for s in steps)
                   + f"\n\nlo = hi = **{answer}**. With duplicates of x this is the first copy; "
                   "bisect_right would give the index after the last copy.")
    return NumericProblem(question, (float(answer),), explanation, dict(drawn), rel_tol=0,
                          abs_tol=0.01)


def worst_case_probes(n: int) -> int:
    """Most iterations of the ``while lo < hi`` lower-bound loop on n items: ⌈log₂(n + 1)⌉."""
    return int(n).bit_length()


def _draw_probes(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    exponent = int(rng.integers(1, 10))
    n = int(rng.integers(10 ** (exponent - 1) + 1, 10**exponent + 1)) if exponent > 1 else int(
        rng.integers(1, 11))
    return {"n": n}


def _solve_probes(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    n = int(drawn["n"])
    probes = worst_case_probes(n)
    question = (f"A lower-bound binary search (`while lo < hi: mid = (lo + hi) // 2; "
                f"if arr[mid] < x: lo = mid + 1 else: hi = mid`) runs on a sorted array of "
                f"n = {n:,} items. At most how many times does it compare arr[mid] with x?")
    explanation = (
        "A window of m items becomes mid − lo = ⌊m/2⌋ items (go left) or hi − mid − 1 = "
        "⌈m/2⌉ − 1 items (go right), so at most ⌊m/2⌋. Halving with floor reaches 0 after as "
        "many steps as m has binary digits:\n\n"
        f"probes = ⌊log₂ n⌋ + 1 = ⌈log₂(n + 1)⌉ = ⌈log₂({n + 1:,})⌉ = **{probes}**.\n\n"
        f"(log₂({n + 1:,}) ≈ {math.log2(n + 1):.3f}.) A billion items need only 30 probes.")
    return NumericProblem(question, (float(probes),), explanation, dict(drawn), rel_tol=0,
                          abs_tol=0.01)


def _draw_equalized(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    while True:
        k = int(rng.integers(3, 6))
        levels = sorted(int(v) for v in rng.choice(np.arange(10, 250, 10), k, replace=False))
        counts = [int(c) for c in rng.integers(1, 30, k)]
        j = int(rng.integers(1, k - 1)) if k > 2 else 1
        n = sum(counts)
        below = sum(counts[: j + 1]) - counts[0]
        exact = Fraction(below * 255, n - counts[0])
        if exact.denominator == 1 or exact - math.floor(exact) != Fraction(1, 2):
            return {"levels": levels, "counts": counts, "level": levels[j]}


def _solve_equalized(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.image_processing import equalize_hist

    levels, counts, v = list(drawn["levels"]), list(drawn["counts"]), int(drawn["level"])
    img = np.repeat(np.asarray(levels, dtype=np.uint8), counts).reshape(1, -1)
    first_pixel_of_v = sum(counts[: levels.index(v)])
    out = int(equalize_hist(img)[0, first_pixel_of_v])
    n = sum(counts)
    cdf_min = counts[0]
    cdf_v = sum(counts[: levels.index(v) + 1])
    rows = "\n".join(f"| {lv} | {c} | {sum(counts[:i + 1])} |"
                     for i, (lv, c) in enumerate(zip(levels, counts)))
    question = (
        "A uint8 image has only these grey levels (all other levels have count 0):\n\n"
        "| level | count |\n|---|---|\n"
        + "\n".join(f"| {lv} | {c} |" for lv, c in zip(levels, counts))
        + f"\n\nAfter histogram equalisation as `cv2.equalizeHist` does it (darkest level "
        f"present → 0, brightest → 255, rounded to the nearest integer), what is level {v} "
        "mapped to?")
    value = (cdf_v - cdf_min) * 255 / (n - cdf_min)
    explanation = (
        f"Cumulative counts (cdf):\n\n| level | count | cdf |\n|---|---|---|\n{rows}\n\n"
        f"N = {n} pixels, cdf_min = cdf[{levels[0]}] = {cdf_min} (the darkest level present).\n\n"
        "lut[v] = round((cdf[v] − cdf_min) · 255 / (N − cdf_min))\n"
        f"= round(({cdf_v} − {cdf_min}) · 255 / ({n} − {cdf_min})) = round({value:.3f}) "
        f"= **{out}**.\n\n"
        "Subtracting cdf_min is what sends the darkest level to 0; the textbook "
        f"255·cdf[v]/N would give {255 * cdf_v / n:.1f} and waste the bottom of the range.")
    return NumericProblem(question, (float(out),), explanation, dict(drawn), rel_tol=0,
                          abs_tol=0.01)


GENERATORS: tuple[SimpleGenerator, ...] = (
    SimpleGenerator("integral_box_sum", "Box sum from an integral image", _draw_box_sum,
                    _solve_box_sum),
    SimpleGenerator("lower_bound_trace", "Lower-bound binary search by hand", _draw_lower_bound,
                    _solve_lower_bound),
    SimpleGenerator("binary_search_probes", "Worst-case binary-search probes", _draw_probes,
                    _solve_probes),
    SimpleGenerator("equalized_level", "Histogram-equalised grey level", _draw_equalized,
                    _solve_equalized),
)
