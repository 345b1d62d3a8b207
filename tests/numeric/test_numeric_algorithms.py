"""Numeric generators for search and image processing, against independent oracles.

Oracles: direct slice sums (box sums), :mod:`bisect` (lower bound), an exhaustive
simulation of the lower-bound loop over every insertion point (probe count), and
``cv2.equalizeHist`` on an image built from the histogram (equalised level).
"""

from __future__ import annotations

import bisect
import math
import re

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.numeric.algorithms import worst_case_probes
from dlquiz.numeric.problem import check_answer
from dlquiz.numeric.registry import get_generator

SEEDS = range(150)


def _problems(name: str, params: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    gen = get_generator(name)
    for seed in SEEDS:
        drawn = gen.draw(np.random.default_rng(seed), params or {})
        yield drawn, gen.solve(drawn, params or {})


def test_box_sum_matches_slice_sum_and_question_shows_the_table() -> None:
    for drawn, problem in _problems("integral_box_sum"):
        img = np.array(drawn["img"])
        x1, y1, x2, y2 = drawn["box"]
        want = int(img[y1:y2, x1:x2].sum())
        assert problem.answer == (float(want),)
        assert check_answer(problem, str(want)) and not check_answer(problem, str(want + 1))
        table = cv2.integral(img.astype(np.uint8))
        for value in table.ravel():           # every entry of S is shown
            assert f" {int(value)} |" in problem.question
        for label in (f"x1 = {x1}", f"y1 = {y1}", f"x2 = {x2}", f"y2 = {y2}"):
            assert label in problem.question
        terms = [int(table[y2, x2]), int(table[y1, x2]), int(table[y2, x1]), int(table[y1, x1])]
        assert f"= {terms[0]} − {terms[1]} − {terms[2]} + {terms[3]} = **{want}**" in problem.explanation
        assert 0 < (x2 - x1) * (y2 - y1) < img.size   # never empty, never the whole image


def test_lower_bound_trace_matches_bisect() -> None:
    seen_missing = seen_present = False
    for drawn, problem in _problems("lower_bound_trace"):
        arr, x = drawn["arr"], drawn["x"]
        want = bisect.bisect_left(arr, x)
        assert problem.answer == (float(want),)
        assert str(arr) in problem.question and f"bisect_left(arr, {x})" in problem.question
        assert f"**{want}**" in problem.explanation
        seen_present |= x in arr
        seen_missing |= x not in arr
    assert seen_present and seen_missing


def _simulated_worst(n: int) -> int:
    worst = 0
    arr = list(range(n))
    for x in [v - 0.5 for v in range(n + 1)]:      # every insertion point
        lo, hi, probes = 0, n, 0
        while lo < hi:
            mid = (lo + hi) // 2
            probes += 1
            lo, hi = (mid + 1, hi) if arr[mid] < x else (lo, mid)
        worst = max(worst, probes)
    return worst


@pytest.mark.parametrize("n", [*range(1, 70), 127, 128, 129, 1000, 1023, 1024])
def test_worst_case_probes_matches_exhaustive_simulation(n: int) -> None:
    assert worst_case_probes(n) == _simulated_worst(n) == math.ceil(math.log2(n + 1))


def test_probe_cards_use_the_formula_and_show_n() -> None:
    for drawn, problem in _problems("binary_search_probes"):
        n = drawn["n"]
        assert problem.answer == (float(math.ceil(math.log2(n + 1))),)
        assert f"n = {n:,}" in problem.question


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 10**12))
def test_probe_formula_is_bit_length(n: int) -> None:
    """p probes suffice exactly for 2**(p-1) <= n < 2**p (integer check, no float log)."""
    p = worst_case_probes(n)
    assert 2 ** (p - 1) <= n < 2**p


def test_equalized_level_matches_cv2_and_avoids_ties() -> None:
    for drawn, problem in _problems("equalized_level"):
        levels, counts, v = drawn["levels"], drawn["counts"], drawn["level"]
        img = np.repeat(np.array(levels, dtype=np.uint8), counts).reshape(1, -1)
        out = cv2.equalizeHist(img)
        want = int(out[0, list(img[0]).index(v)])
        assert problem.answer == (float(want),)
        n, cmin = sum(counts), counts[0]
        exact = (sum(counts[: levels.index(v) + 1]) - cmin) * 255 / (n - cmin)
        assert abs(exact - math.floor(exact) - 0.5) > 1e-9      # no rounding tie on a card
        assert levels[0] < v < levels[-1]                        # not the trivial 0 / 255 ends
        for lv, c in zip(levels, counts):
            assert f"| {lv} | {c} |" in problem.question
        numbers = re.findall(r"\*\*(\d+)\*\*", problem.explanation)
        assert numbers == [str(want)]


def test_generators_are_deterministic_in_the_draw() -> None:
    for name in ("integral_box_sum", "lower_bound_trace", "binary_search_probes", "equalized_level"):
        gen = get_generator(name)
        drawn = gen.draw(np.random.default_rng(3), {})
        assert gen.solve(drawn, {}) == gen.solve(dict(drawn), {})
