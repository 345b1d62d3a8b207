"""Verdict latency of the grader vs the floor of a fresh sandboxed process.

Baseline: ``python -I -c "import numpy"`` (interpreter + NumPy start-up, what any
fresh sandbox pays). Measured in the same run, median of N:

* ``fresh``: grade() with a newly started sandbox and expected outputs computed
  from scratch (the cache cleared), i.e. a one-shot ``dlquiz check``;
* ``fresh, cached``: the same with the expected outputs already cached;
* ``pooled``: with a pre-started worker (``sandbox.warm_up()``), as in the TUI.

Target: pooled (the TUI path) <= 1.5x the baseline. Uses the ``nms`` exercise,
falling back to the tests' ``fx-add`` fixture when ``nms`` is not bundled.

    python bench/bench_grader.py [N]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from dlquiz.grading import grader, sandbox
from dlquiz.grading.registry import bundled_exercises, load_exercises_file

TARGET = 1.5


def median_time(fn: Callable[[], object], n: int) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    exercise = bundled_exercises().get("nms")
    label = "nms"
    if exercise is None:
        fixtures = Path(__file__).resolve().parents[1] / "tests/grading/fixtures/exercises.yaml"
        exercise = {e.id: e for e in load_exercises_file(fixtures)[0]}["fx-add"]
        label = "fx-add (fallback: nms is not bundled)"
    source = exercise.solution
    report = grader.grade(exercise, source)
    assert report.verdict == "pass", report.message

    baseline = median_time(
        lambda: subprocess.run([sys.executable, "-I", "-c", "import numpy"], check=True), n)

    def fresh_uncached() -> None:
        grader._CACHE.clear()
        grader.grade(exercise, source)

    fresh = median_time(fresh_uncached, n)

    cached = median_time(lambda: grader.grade(exercise, source), n)
    sandbox.warm_up(1)
    time.sleep(0.5)

    def pooled_run() -> None:
        grader.grade(exercise, source)
        time.sleep(0.3)  # let the replacement worker finish importing, as between real checks

    pooled = median_time(pooled_run, n) - 0.3
    sandbox.default_pool().shutdown()
    print(f"exercise: {label}, {report.total} cases, median of {n}")
    print(f"baseline  python -I -c 'import numpy': {baseline * 1000:7.1f} ms")
    for name, value in (("fresh", fresh), ("fresh, cached", cached), ("pooled", pooled)):
        ratio = value / baseline
        mark = "ok" if ratio <= TARGET else "over target"
        print(f"{name:<15} {value * 1000:7.1f} ms  = {ratio:4.2f}x baseline ({mark}, target <= {TARGET}x)")


if __name__ == "__main__":
    main()
