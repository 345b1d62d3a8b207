"""``dlquiz check`` leaves drawing the next check's cases to a detached child (dlquiz.launch.after_exit).

The command must exit (and its output pipe close) without waiting for that
work; the work must still be done, and a later check must use what it drew.
In-process (``main()``, ``dlquiz watch``) the work runs during the run, as before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from dlquiz.grading.registry import bundled_exercises

#: ``dlquiz check nms FILE`` through the console script's entry, with the draw made slow.
SLOW_DRAW = """
import sys, time
from dlquiz import launch
from dlquiz.grading import drawn_ahead
real, delay = drawn_ahead.draw_next, float(sys.argv[2])
def slow(*args, **kwargs):
    time.sleep(delay)
    real(*args, **kwargs)
drawn_ahead.draw_next = slow
sys.argv = ["dlquiz", "check", "nms", sys.argv[1]]
launch.run()
"""
DELAY_S = 6.0


def next_files(home: Path) -> list[Path]:
    return sorted((home / "cache" / "prepared").glob("nms-*.next.json"))


def test_check_exits_before_the_next_cases_are_drawn_and_they_are_drawn_after(tmp_path):
    solution = tmp_path / "nms.py"
    solution.write_text(bundled_exercises()["nms"].solution, encoding="utf-8")
    home = tmp_path / "home"
    env = {**os.environ, "DLQUIZ_HOME": str(home)}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", SLOW_DRAW, str(solution), str(DELAY_S)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "18/18 cases passed" in done.stdout
    # The output pipes closed when the command exited, before the delayed draw ended:
    # the child that draws holds none of them.
    assert took < DELAY_S, took
    assert next_files(home) == []  # not drawn yet ...
    deadline = time.monotonic() + 60
    while not next_files(home):  # ... but drawn a little later, by the detached child
        assert time.monotonic() < deadline, "the next check's cases were never drawn"
        time.sleep(0.05)
    drawn = json.loads(next_files(home)[0].read_text())["prepared"]["seed"]
    again = subprocess.run([sys.executable, "-m", "dlquiz", "check", "nms", str(solution)], env=env,
                           capture_output=True, text=True, timeout=120, check=False)
    assert again.returncode == 0, again.stderr
    assert f"seed {drawn} " in again.stdout  # the next check ran the cases drawn after the first


def test_in_process_the_work_runs_at_once(monkeypatch):
    from dlquiz import launch

    monkeypatch.setattr(launch, "_leaves_now", False)
    done: list[int] = []
    launch.after_exit(lambda: done.append(1))
    assert done == [1] and launch._after_exit == []


def test_a_failing_piece_of_work_is_dropped_and_the_rest_still_runs(tmp_path):
    probe = (
        "import os, sys\n"
        "from dlquiz import launch\n"
        "launch._leaves_now = True\n"
        "def boom():\n"
        "    raise RuntimeError('lost, only speed')\n"
        "launch.after_exit(boom)\n"
        f"launch.after_exit(lambda: open({str(tmp_path / 'done')!r}, 'w').write(str(os.getsid(0))))\n"
        "print('output before exit', flush=True)\n"
        "launch.leave_now(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 3 and done.stdout == "output before exit\n" and done.stderr == ""
    marker = tmp_path / "done"
    deadline = time.monotonic() + 30
    while not marker.exists() or not marker.read_text():
        assert time.monotonic() < deadline, "the second piece of work never ran"
        time.sleep(0.05)
    assert int(marker.read_text()) != os.getsid(0)  # its own session: no signal meant for ours
