"""What a learner waits for when grading, next to the floor of any fresh Python + NumPy.

Baseline, measured in the same run and interleaved with each sample:
``python -I -c "import numpy"`` (the interpreter and NumPy start-up a fresh
sandbox pays anyway).

* **dlquiz check**: the installed ``dlquiz check nms FILE`` as a subprocess (the
  command a learner runs), on a warm cache (one run before timing), stdout to a
  pipe. Target: <= 2.0x the baseline.
* **two baselines at once**: two ``python -I -c "import numpy"`` started
  together, until both exit. ``dlquiz check`` runs two interpreters that both
  import NumPy (the judge, and the sandbox that runs the learner's code), so
  this is its floor on this machine. Shown twice: with OpenBLAS's default
  thread pool, and with ``OPENBLAS_NUM_THREADS=1`` as both of dlquiz's
  processes run it (``dlquiz.cli.BLAS_THREAD_VARS``): the pools' start-up is
  most of what two imports at once cost beyond one.
* **in-editor verdict**: what the app does on ctrl+r: ``grade()`` in this
  process, after :class:`~dlquiz.grading.readiness.NextRun` got it ready as the
  coding screen does when it opens and after each verdict (a worker started,
  the next run's fresh cases drawn). Target: <= 0.5x the baseline.

Medians of N samples (default 7), the two commands run alternately, side by
side. The machine is shared and noisy: compare the ratios, not the times (the
load average is printed). ``PYTHONDONTWRITEBYTECODE`` is removed from the
subprocesses' environment and the package's bytecode is compiled first
(``compileall``, as pip does at install time: an editable checkout otherwise
leaves the sandbox's own modules, which only the child loads, uncompiled).

    python bench/bench_grader.py [N]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECK_TARGET = 2.0
EDITOR_TARGET = 0.5


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                          check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


def timed_pair(cmd: list[str], env: dict[str, str]) -> float:
    """Two copies of ``cmd`` started together, until both exit: the floor of any check
    whose judge and sandbox are separate interpreters that both import NumPy."""
    started = time.perf_counter()
    pair = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=env) for _ in range(2)]
    for proc in pair:
        proc.wait()
    return time.perf_counter() - started


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    dlquiz = shutil.which("dlquiz")
    if dlquiz is None:
        raise SystemExit("install dlquiz first (pip install .): this benchmark times the command")
    from dlquiz.grading.registry import bundled_exercises

    exercise = bundled_exercises()["nms"]
    home = Path(tempfile.mkdtemp(prefix="dlquiz-bench-"))
    solution = home / "nms_solution.py"
    solution.write_text(exercise.solution, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["DLQUIZ_HOME"] = str(home / "data")
    check = [dlquiz, "check", "nms", str(solution)]
    baseline_cmd = [sys.executable, "-I", "-c", "import numpy"]
    import dlquiz

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(dlquiz.__file__).parent)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    timed(check, env)  # warm the deck, exercise and case caches
    one_thread = {**env, "OPENBLAS_NUM_THREADS": "1"}
    base, cli, pair, pair1 = [], [], [], []
    for _ in range(n):
        base.append(timed(baseline_cmd, env))
        cli.append(timed(check, env))
        pair.append(timed_pair(baseline_cmd, env))
        pair1.append(timed_pair(baseline_cmd, one_thread))

    from dlquiz.grading import grader
    from dlquiz.grading.readiness import NextRun, stand_down

    cache = home / "data" / "cache"
    grader.grade(exercise, exercise.solution, cache_dir=cache)  # warm
    editor = []
    ahead = NextRun(exercise, cache)
    for _ in range(n):
        ahead.get_ready()  # what the coding screen does when it opens and after each verdict
        time.sleep(0.5)  # the screen has been open for a moment: the worker is ready
        started = time.perf_counter()
        report = grader.grade(exercise, exercise.solution, seed=ahead.take_seed(), cache_dir=cache)
        editor.append(time.perf_counter() - started)
        assert report.verdict == "pass", report.message
    stand_down()
    b, c, e, p, p1 = (statistics.median(x) for x in (base, cli, editor, pair, pair1))
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; medians of {n}")
    print(f"baseline  python -I -c 'import numpy'     {b * 1000:7.1f} ms")
    print(f"two of them started at once, both done  {p * 1000:7.1f} ms   {p / b:4.2f}x  "
          "(the floor of a judge + a sandbox)")
    print(f"the same, OPENBLAS_NUM_THREADS=1 (as dlquiz) {p1 * 1000:6.1f} ms   {p1 / b:4.2f}x")
    print(f"dlquiz check nms FILE (subprocess, warm)  {c * 1000:7.1f} ms   {c / b:4.2f}x  "
          f"(target <= {CHECK_TARGET}x) {'ok' if c / b <= CHECK_TARGET else 'MISSED'}")
    print(f"in-editor verdict (pre-started worker)    {e * 1000:7.1f} ms   {e / b:4.2f}x  "
          f"(target <= {EDITOR_TARGET}x) {'ok' if e / b <= EDITOR_TARGET else 'MISSED'}")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
