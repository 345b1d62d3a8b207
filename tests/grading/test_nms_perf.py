"""The NMS perf case separates a vectorised solution from a pure-Python pair loop.

The case is 1,000 boxes with a 20x limit (kept small so a whole ``dlquiz check``
stays short, issue #10). A pure-Python pair loop runs about 40x the reference
there; a numpy row per kept box (the bundled solution) about 3x. Both go
through the real grader and sandbox, so the verdict is the one a learner sees.
"""

from __future__ import annotations

from dlquiz.grading.grader import grade
from dlquiz.grading.registry import bundled_exercises

PAIR_LOOP = '''import numpy as np


def nms(boxes, scores, iou_threshold):
    order = sorted(range(len(scores)), key=lambda i: -float(scores[i]))
    b = [[float(v) for v in row] for row in boxes]
    gone = [False] * len(b)
    keep = []
    for a, i in enumerate(order):
        if gone[i]:
            continue
        keep.append(i)
        x1, y1, x2, y2 = b[i]
        area = (x2 - x1) * (y2 - y1)
        for j in order[a + 1:]:
            if gone[j]:
                continue
            u1, v1, u2, v2 = b[j]
            w = min(x2, u2) - max(x1, u1)
            h = min(y2, v2) - max(y1, v1)
            if w > 0 and h > 0:
                inter = w * h
                union = area + (u2 - u1) * (v2 - v1) - inter
                if union > 0 and inter / union > iou_threshold:
                    gone[j] = True
    return np.array(keep, dtype=np.int64)
'''


def test_pair_loop_is_too_slow_but_correct_on_every_other_case() -> None:
    exercise = bundled_exercises()["nms"]
    report = grade(exercise, PAIR_LOOP, seed=7)
    statuses = {case.name: case.status for case in report.cases}
    perf = report.cases[-1]
    assert perf.name.startswith("perf n=1000")
    assert report.verdict == "time_limit", report.message
    assert perf.status == "time_limit" and "too slow" in perf.message
    assert all(status == "pass" for name, status in statuses.items() if name != perf.name)


def test_bundled_solution_passes_the_perf_case() -> None:
    exercise = bundled_exercises()["nms"]
    report = grade(exercise, exercise.solution, seed=7)
    assert report.verdict == "pass", report.message
