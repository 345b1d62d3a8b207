"""``start_grade``: the run goes on in the sandbox while the caller works; ``result`` judges it."""

from __future__ import annotations

import sys
import time

import pytest

from dlquiz.grading import grader, process
from dlquiz.grading.grader import RUN_SWITCH_INTERVAL_S, start_grade
from dlquiz.grading.registry import bundled_exercises
from dlquiz.grading.sandbox import default_pool

NMS = bundled_exercises()["nms"]
SLEEP_S = 2.0


def test_the_caller_gets_control_back_while_the_code_runs() -> None:
    default_pool().prestart()
    slow = f"import time\ntime.sleep({SLEEP_S})\n\n{NMS.solution}"
    default = sys.getswitchinterval()
    began = time.perf_counter()
    pending = start_grade(NMS, slow, seed=3)
    handed_over = time.perf_counter() - began
    assert sys.getswitchinterval() == pytest.approx(RUN_SWITCH_INTERVAL_S)  # stamps stay prompt meanwhile
    report = pending.result()
    assert handed_over < SLEEP_S < time.perf_counter() - began
    assert report.verdict == "pass" and report.seed == 3
    assert pending.result() is report  # judged once
    assert sys.getswitchinterval() == default
    # the same verdict as the blocking call
    assert grader.grade(NMS, NMS.solution, seed=3).passed == report.passed


def test_cancel_kills_the_run_and_restores_the_interpreter() -> None:
    default = sys.getswitchinterval()
    pending = start_grade(NMS, f"while True:\n    pass\n\n{NMS.solution}", seed=1)
    worker = pending._worker
    began = time.perf_counter()
    pending.cancel()
    assert time.perf_counter() - began < NMS.time_limit_s  # not waited out
    process.wait_closed()
    assert worker.proc.poll() is not None
    assert sys.getswitchinterval() == default


def test_code_refused_before_running_needs_no_sandbox() -> None:
    pending = start_grade(NMS, "def nms(boxes, scores, t)\n    return []\n")
    assert pending._worker is None
    report = pending.result()
    assert report.verdict == "invalid" and "syntax error on line 1" in report.message


def test_ctrl_c_while_waiting_kills_the_run_at_once() -> None:
    import os
    import signal
    import threading

    pending = start_grade(NMS, f"import time\ntime.sleep(60)\n\n{NMS.solution}", seed=2)
    worker = pending._worker
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    began = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        pending.result()
    assert time.perf_counter() - began < NMS.time_limit_s
    process.wait_closed()
    assert worker.proc.poll() is not None  # killed, not left to run out its time limit
