"""What a sandbox runner imports before it drops its privileges.

Under an interpreter the sandbox uid cannot read (a venv under /root, as on
this machine and CI), a module not imported before the drop cannot be
imported by the solution at all. A runner imports NumPy and its own needs
first, the optional modules while it waits for a job, and, when the job is
already waiting (``dlquiz check``), those the source names.
"""

from __future__ import annotations

import importlib

from dlquiz.grading import pool
from dlquiz.grading.grader import grade
from dlquiz.grading.registry import bundled_exercises

runner = importlib.import_module("dlquiz.grading.sandbox_runner")


def test_the_modules_a_source_names_are_found() -> None:
    source = ("import heapq\nfrom collections import abc\nimport numpy as np\n"
              "def f(x):\n    return np.random.default_rng(0).random() + np.fft.fft(x)\n")
    named = runner.named_in(source, runner.PRELOAD)
    assert {"heapq", "collections", "collections.abc", "numpy.random", "numpy.fft"} <= set(named)
    assert "decimal" not in named and "numpy.linalg" not in named
    assert runner.named_in("x = 1\n", runner.PRELOAD) == []


def test_a_solution_importing_optional_modules_passes_on_a_runner_with_no_idle_time() -> None:
    pool.default_pool().shutdown()  # no idle worker: the job waits as soon as the runner is up
    nms = bundled_exercises()["nms"]
    source = ("import heapq, fractions, statistics\n" + nms.solution +
              "\n\n_plain = nms\n\ndef nms(*args):\n"
              "    assert statistics.mean([1, 3]) == 2 and fractions.Fraction(1, 2) < 1\n"
              "    heapq.heapify([3, 1]); np.random.default_rng(0).random()\n"
              "    return _plain(*args)\n")
    report = grade(nms, source)
    assert report.verdict == "pass", (report.message, report.first_failure, report.output)
