"""A verdict made ready before it is asked for: a sandbox worker started, the next cases drawn.

The app's coding screens call :meth:`NextRun.get_ready` (in a thread) when they
open and again after each verdict, so ``ctrl+r`` pays neither the sandbox's
interpreter and NumPy start-up nor drawing the cases and running the reference
on them: the seed of the next run is chosen now, and
:func:`~dlquiz.grading.preparation.prepare` memoises what it computes for it.
Each run still gets fresh random cases (a new seed per verdict). Leaving the
screen calls :func:`stand_down`, which kills the idle worker.
"""

from __future__ import annotations

import threading
from pathlib import Path

from dlquiz.grading.pool import default_pool, warm_up
from dlquiz.grading.preparation import fresh_seed, prepare
from dlquiz.model import Exercise


class NextRun:
    """The seed of the next verdict for one exercise, and its cases prepared ahead."""

    def __init__(self, exercise: Exercise, cache_dir: Path | None) -> None:
        global _waiting
        self.exercise = exercise
        self.cache_dir = cache_dir
        self.seed = fresh_seed()
        with _lock:
            _waiting += 1

    def get_ready(self) -> None:
        """Start a worker and prepare the next run's cases (blocking: call it from a thread).

        A failure here (an untrusted deck, a broken generator) is left for the
        verdict itself to report, where the learner sees it.
        """
        warm_up()
        try:
            prepare(self.exercise, self.seed, cache_dir=self.cache_dir)
        except Exception:  # noqa: BLE001, S110 - grade() raises the same error where it is shown
            pass

    def take_seed(self) -> int:
        """The seed prepared for this verdict; the next one gets a new seed."""
        seed, self.seed = self.seed, fresh_seed()
        return seed


def stand_down() -> None:
    """One :class:`NextRun` is done (its coding screen closed); the last one kills the idle worker.

    Counted, because "next exercise" opens a coding screen while the previous
    one is still closing: that one's stand-down must not kill the worker the new
    screen just started.
    """
    global _waiting
    with _lock:
        _waiting = max(0, _waiting - 1)
        last = _waiting == 0
    if last:
        default_pool().shutdown()


_lock = threading.Lock()
#: NextRuns whose screen is still open (see stand_down).
_waiting = 0
