"""Starting a sandbox runner process, with nothing but the standard library loaded.

Why a module of its own: ``dlquiz check`` starts its runner before it has
parsed its arguments or imported anything of dlquiz's (:func:`start_early`,
called first thing by :mod:`dlquiz.cli`), so the child's interpreter and NumPy
start-up overlap all of the parent's own work; the parent's imports are
then part of no wait. :class:`~dlquiz.grading.process.SandboxProcess` adopts
the process later (:func:`take_early`) and does everything else: the reader
threads, the job, the teardown. What the child is and gets is described in
:mod:`dlquiz.grading.process`.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile

#: The child script (never imported by the parent).
RUNNER_PATH = os.path.join(os.path.dirname(os.path.realpath(__file__)), "sandbox_runner.py")
#: Environment variables passed through when set (this machine's OpenBLAS needs them).
PASSTHROUGH_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin"


def sandbox_env(workdir: str) -> dict[str, str]:
    """The child's whole environment: nothing of the parent's leaks except BLAS tuning."""
    env = {
        "PATH": SANDBOX_PATH,
        "LANG": "C.UTF-8",
        "HOME": workdir,
        "TMPDIR": workdir,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    for key in PASSTHROUGH_ENV:
        if key in os.environ:
            env[key] = os.environ[key]
    return env


class Spawned:
    """A runner process just started: the process, its results pipe and its folder."""

    def __init__(self, proc: subprocess.Popen[bytes], results_fd: int, workdir: str) -> None:
        self.proc = proc
        self.results_fd = results_fd
        self.workdir = workdir

    def discard(self) -> None:
        """Kill it unused (it ran no learner code: its own process group is all of it)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        os.close(self.results_fd)
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_runner() -> Spawned:
    """Start ``python -I -B sandbox_runner.py WORKDIR FD`` in its own session and folder."""
    workdir = tempfile.mkdtemp(prefix="dlquiz-sandbox-")
    os.chmod(workdir, 0o755)
    read_fd, write_fd = os.pipe()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-B", RUNNER_PATH, workdir, str(write_fd)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(write_fd,),
            cwd=workdir,
            env=sandbox_env(workdir),
            start_new_session=True,
            close_fds=True,
        )
    except BaseException:
        os.close(read_fd)
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    finally:
        os.close(write_fd)
    return Spawned(proc, read_fd, workdir)


_early: Spawned | None = None


def start_early() -> None:
    """Start one runner now, for a grading command about to need it (once per process)."""
    global _early
    if _early is None:
        _early = start_runner()
        atexit.register(_discard_unused)


def take_early() -> Spawned | None:
    """The runner :func:`start_early` started, if it is still unclaimed (then it is yours)."""
    global _early
    spawned, _early = _early, None
    return spawned


def _discard_unused() -> None:
    spawned = take_early()
    if spawned is not None:
        spawned.discard()
