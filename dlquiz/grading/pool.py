"""Pre-started sandbox runners, so a verdict does not pay interpreter start-up.

A worker is a :class:`~dlquiz.grading.process.SandboxProcess` that has
imported NumPy, dropped its privileges and waits for a job on stdin. It serves
exactly one job and is then killed: a process that ran learner code is never
reused. The TUI calls :func:`warm_up` when a coding screen opens; a one-shot
``dlquiz check`` only :meth:`WorkerPool.prestart`s one runner so its NumPy
import overlaps the parent's own work.
"""

from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass, field

from dlquiz.grading import process, spawn
from dlquiz.grading.process import SandboxProcess


@dataclass
class WorkerPool:
    """Pre-started runners (NumPy imported, waiting for a job on stdin).

    Disabled until :meth:`warm` is called: a one-shot CLI run should not leave
    an idle worker to kill at exit. Once warm, every :meth:`acquire` starts a
    replacement (in a thread, so the job it serves does not wait for the
    spawn) and the next verdict finds one ready.
    """

    size: int = 1
    enabled: bool = False
    _idle: list[SandboxProcess] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def warm(self, size: int | None = None) -> None:
        with self._lock:
            self.enabled = True
            if size is not None:
                self.size = size
            self._idle = [w for w in self._idle if w.alive()]
            while len(self._idle) < self.size:
                self._idle.append(process.SandboxProcess())

    def prestart(self) -> None:
        """Start one runner now without keeping the pool warm afterwards.

        A one-shot ``dlquiz check`` calls this first, so the child imports
        NumPy while the parent loads decks and computes expected outputs; the
        runner :func:`dlquiz.grading.spawn.start_early` started even before
        that is adopted when there is one.
        """
        with self._lock:
            if not any(w.alive() for w in self._idle):
                self._idle.append(process.SandboxProcess(spawn.take_early()))

    def acquire(self) -> SandboxProcess:
        with self._lock:
            worker = None
            while self._idle:
                candidate = self._idle.pop(0)
                if candidate.alive():
                    worker = candidate
                    break
                candidate.close()
            refill = self.enabled
        if refill:  # the replacement starts beside this job, not before it
            threading.Thread(target=self._refill, name="dlquiz-pool-refill", daemon=True).start()
        return worker if worker is not None else process.SandboxProcess()

    def _refill(self) -> None:
        with self._lock:
            while self.enabled and len(self._idle) < self.size:
                self._idle.append(process.SandboxProcess())

    def shutdown(self) -> None:
        with self._lock:
            self.enabled = False
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()
        process.wait_closed()


_POOL = WorkerPool()
atexit.register(_POOL.shutdown)


def default_pool() -> WorkerPool:
    """The process-wide pool the grader uses."""
    return _POOL


def warm_up(size: int = 1) -> None:
    """Start ``size`` runners now so the next verdicts skip interpreter start-up.

    The TUI calls this when a coding screen opens; it costs one idle Python
    process per worker (killed at exit or after the runner's idle timeout).
    """
    _POOL.warm(size)
