"""Geometry generators against OpenCV and a simulation loop, over many seeded draws.

Oracles: ``cv2.perspectiveTransform`` (homography of a point),
``cv2.computeCorrespondEpilines`` (normalised epipolar line; we then apply the
card's sign rule), and a loop that multiplies failure probabilities until they
drop below 1 − p (RANSAC iterations). Each test also checks that the question
shows every quantity the answer depends on and that the typed answer is
accepted while a typical slip is not.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.numeric.problem import check_answer
from dlquiz.numeric.registry import get_generator

SEEDS = range(200)


def _problems(name: str, params: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    gen = get_generator(name)
    for seed in SEEDS:
        drawn = gen.draw(np.random.default_rng(seed), params or {})
        yield drawn, gen.solve(drawn, params or {})


def test_homography_point_matches_opencv() -> None:
    for drawn, problem in _problems("homography_point"):
        h = np.array(drawn["H"], dtype=np.float64)
        pt = np.array([[[drawn["x"], drawn["y"]]]], dtype=np.float64)
        want = cv2.perspectiveTransform(pt, h)[0, 0]
        np.testing.assert_allclose(problem.answer, want, rtol=0, atol=1e-9)
        assert 0 <= want[0] < 640 and 0 <= want[1] < 480          # never off the image
        for row in drawn["H"]:
            assert "[" + ", ".join(f"{v:g}" for v in row) + "]" in problem.question
        assert f"({drawn['x']}, {drawn['y']})" in problem.question
        assert check_answer(problem, f"{want[0]:.2f}, {want[1]:.2f}")
        affine = h @ [drawn["x"], drawn["y"], 1.0]                  # forgot to divide by w
        if abs(affine[2] - 1) > 0.02:
            assert not check_answer(problem, f"{affine[0]:.2f}, {affine[1]:.2f}")


def _signed(line: np.ndarray) -> np.ndarray:
    if line[1] < 0 or (line[1] == 0 and line[0] < 0):
        return -line
    return line


def test_epipolar_line_matches_opencv() -> None:
    for drawn, problem in _problems("epipolar_line", {"mode": "line"}):
        f = np.array(drawn["F"], dtype=np.float64)
        assert np.linalg.matrix_rank(f) == 2
        pts = np.array([[[drawn["x"], drawn["y"]]]], dtype=np.float32)
        want = _signed(cv2.computeCorrespondEpilines(pts, 1, f)[0, 0].astype(np.float64))
        np.testing.assert_allclose(problem.answer, want, atol=1e-6)
        assert abs(problem.answer[0] ** 2 + problem.answer[1] ** 2 - 1) < 1e-12
        assert problem.answer[1] > 0 or (problem.answer[1] == 0 and problem.answer[0] > 0)
        for row in drawn["F"]:
            assert "[" + ", ".join(str(v) for v in row) + "]" in problem.question
        assert f"x₁ = ({drawn['x']}, {drawn['y']})" in problem.question
        assert check_answer(problem, ", ".join(f"{v:.3f}" for v in want))
        raw = f @ [drawn["x"], drawn["y"], 1.0]                     # forgot to normalise
        if abs(math.hypot(raw[0], raw[1]) - 1) > 0.01:
            assert not check_answer(problem, ", ".join(f"{v:.3f}" for v in _signed(raw)))


def test_epipolar_distance_matches_opencv_line() -> None:
    for drawn, problem in _problems("epipolar_line", {"mode": "distance"}):
        f = np.array(drawn["F"], dtype=np.float64)
        pts = np.array([[[drawn["x"], drawn["y"]]]], dtype=np.float32)
        a, b, c = cv2.computeCorrespondEpilines(pts, 1, f)[0, 0].astype(np.float64)
        want = abs(a * drawn["xp"] + b * drawn["yp"] + c)
        assert abs(problem.answer[0] - want) < 1e-5 and want > 0
        assert f"x₂ = ({drawn['xp']}, {drawn['yp']})" in problem.question
        assert check_answer(problem, f"{want:.3f}")


def _iterations_loop(p: float, w: float, s: int) -> int:
    """Smallest N with P(no all-inlier sample in N draws) <= 1 − p, by repeated multiplication."""
    fail_one, fail_all, n = 1.0 - w ** s, 1.0, 0
    while True:
        n += 1
        fail_all *= fail_one
        if fail_all <= 1.0 - p:
            return n


def test_ransac_iterations_match_loop_and_question_shows_inputs() -> None:
    seen = set()
    for drawn, problem in _problems("ransac_iterations"):
        p, w, s = drawn["p"], drawn["w"], drawn["s"]
        want = _iterations_loop(p, w, s)
        assert problem.answer == (float(want),)
        for text in (f"p = {p:g}", f"w = {w:g}", f"s = {s}"):
            assert text in problem.question
        assert check_answer(problem, str(want)) and not check_answer(problem, str(want + 1))
        seen.add(s)
    assert seen == {2, 3, 4, 5, 7, 8}


@settings(max_examples=50, deadline=None)
@given(st.sampled_from([0.9, 0.95, 0.99, 0.999]), st.floats(0.3, 0.99), st.integers(1, 8))
def test_ransac_formula_matches_loop_everywhere(p: float, w: float, s: int) -> None:
    from dlquiz.numeric.geometry import ransac_iterations

    ratio = math.log(1 - p) / math.log(1 - w ** s)
    if abs(ratio - round(ratio)) > 1e-6:                      # the generator skips these too
        assert ransac_iterations(p, w, s) == _iterations_loop(p, w, s)
