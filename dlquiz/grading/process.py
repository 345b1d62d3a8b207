"""The parent side of one sandbox process: start it, feed it a job, collect events.

The child is ``sys.executable -I -B sandbox_runner.py WORKDIR FD`` started in
its own session (``start_new_session=True``) with a fresh temp dir as cwd,
``HOME`` and ``TMPDIR``, a scrubbed environment (minimal ``PATH``, ``LANG``,
BLAS threads = 1, plus ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE`` when the
parent has them) and its results on a dedicated pipe (fd ``FD``), never on
stdout. The runner itself sets the rlimits, takes the network away and, when
we are root, drops to a uid of its own (see :mod:`.sandbox_runner`); nothing
runs in ``preexec_fn``, so starting a sandbox is safe from a threaded TUI.

Teardown is thorough because learner code is hostile by assumption: the
process group is SIGKILLed repeatedly, and every process still owned by the
sandbox's uid (root mode) or still in its session (unprivileged mode) is
killed too, until none is left; then whatever the sandbox's uid left in the
shared temp folders or as SysV IPC objects is removed (:mod:`.reaper`), when
its private namespaces did not already take it away. A process that ran
learner code is never reused; :class:`WorkerPool` keeps *fresh* runners warm (NumPy imported,
waiting on stdin) so a verdict does not pay the interpreter start-up.

:mod:`dlquiz.grading.sandbox` is the public face of this module and of the pool.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from dlquiz.grading import wire
from dlquiz.grading.protocol import CaseRun, Driver, SandboxRun
from dlquiz.grading.reaper import kill_sandbox, remove_leftovers, remove_tree
from dlquiz.grading.spawn import Spawned, start_runner
from dlquiz.grading.wire import UID_BASE

DRAIN_TIMEOUT_S = 0.05  # a finished run's wait for raw output already in its pipes
#: Bytes of fd-level stdout/stderr kept for the report (the rest is counted).
STREAM_KEEP_BYTES = 64 * 1024
#: Seconds a fresh runner may take to import NumPy and report ``ready``.
STARTUP_TIMEOUT_S = 30.0
#: Most bytes of result lines the parent reads before giving up on the run.
MAX_RESULTS_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits for one run (the runner applies them as rlimits)."""

    time_s: float = 10.0
    memory_mb: int = 1024
    file_mb: int = 16
    open_files: int = 64
    processes: int = 32

    def to_json(self) -> dict[str, Any]:
        return {"time_s": self.time_s, "memory_mb": self.memory_mb, "file_mb": self.file_mb,
                "open_files": self.open_files, "processes": self.processes}


class _StreamReader(threading.Thread):
    """Drains one pipe, keeping the first bytes and counting the rest."""

    def __init__(self, stream: BinaryIO, on_overflow: threading.Event) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.kept = bytearray()
        self.total = 0
        self.on_overflow = on_overflow
        self.lock = threading.Lock()  # held while a chunk is read and kept (see drain)

    def run(self) -> None:
        fd = self.stream.fileno()
        try:
            while True:
                select.select([fd], [], [])
                with self.lock:
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        return
                    self.total += len(chunk)
                    if len(self.kept) < STREAM_KEEP_BYTES:
                        self.kept += chunk[: STREAM_KEEP_BYTES - len(self.kept)]
                    if self.total > wire.OUTPUT_HARD_LIMIT:
                        self.on_overflow.set()
        except (OSError, ValueError):
            return

    def drain(self, timeout_s: float = DRAIN_TIMEOUT_S) -> None:
        """Wait (at most ``timeout_s``) until what is in the pipe now has been read: a
        learner's raw writes precede its last result line, so they are there by now."""
        deadline = time.perf_counter() + timeout_s
        while True:
            with self.lock:
                if self.stream.closed or not select.select([self.stream], [], [], 0)[0]:
                    return
            if not self.is_alive() or time.perf_counter() > deadline:
                return
            time.sleep(0.0002)

    def text(self) -> str:
        shown = self.kept.decode("utf-8", errors="replace")
        if self.total > len(self.kept):
            shown += f"\n[output truncated: {self.total - len(self.kept)} more bytes not shown]"
        return shown


def parse_line(line: bytes) -> dict[str, Any]:
    """One result line as an event; anything malformed becomes a ``bad_results`` event."""
    try:
        message = json.loads(line)
    except (ValueError, RecursionError, MemoryError):
        return {"event": "bad_results", "why": "a result line is not JSON"}
    if not isinstance(message, dict):
        return {"event": "bad_results", "why": "a result line is not an object"}
    return message


class _ResultsReader(threading.Thread):
    """Parses JSON lines from the results pipe into a queue of (time, message)."""

    def __init__(self, fd: int) -> None:
        super().__init__(daemon=True)
        self.file = os.fdopen(fd, "rb")
        self.messages: queue.Queue[tuple[float, dict[str, Any] | None]] = queue.Queue()
        self.total = 0

    def run(self) -> None:
        try:
            for line in self.file:
                stamp = time.perf_counter()
                self.total += len(line)
                if self.total > MAX_RESULTS_BYTES:
                    self.messages.put((stamp, {"event": "bad_results", "why": "too much data"}))
                    break
                self.messages.put((stamp, parse_line(line)))
        except Exception:  # noqa: BLE001 - a broken channel ends the run, never the parent
            pass
        finally:
            self.messages.put((time.perf_counter(), None))
            self.file.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process, read by the parent from ``/proc``."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        fields = stat[stat.rindex(b")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def crash_outcome(returncode: int, cpu_s: float, cpu_budget_s: float | None) -> str:
    """What a child that died on its own means: a CPU overrun is a ``timeout``.

    SIGXCPU is the soft CPU limit; SIGKILL after the child used more CPU than
    its budget (as read from ``/proc`` by the parent) is the hard limit of a
    child that ignored SIGXCPU. Anything else is a crash (or the output limit).
    """
    if returncode == -signal.SIGXCPU:
        return "timeout"
    if returncode == -signal.SIGKILL and cpu_budget_s is not None and cpu_s >= cpu_budget_s:
        return "timeout"
    return "output_limit" if returncode == wire.EXIT_OUTPUT_LIMIT else "crashed"


class SandboxProcess:
    """One runner process: started at construction, serves one job, then is killed."""

    def __init__(self, spawned: Spawned | None = None) -> None:
        """Start a runner, or adopt one already started (:mod:`dlquiz.grading.spawn`)."""
        started = spawned if spawned is not None else start_runner()
        self.proc, self.workdir, read_fd = started.proc, started.workdir, started.results_fd
        self.overflow = threading.Event()
        self.uid = UID_BASE + self.proc.pid if os.geteuid() == 0 else None
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.stdout = _StreamReader(self.proc.stdout, self.overflow)  # type: ignore[arg-type]
        self.stderr = _StreamReader(self.proc.stderr, self.overflow)  # type: ignore[arg-type]
        self.results = _ResultsReader(read_fd)
        for thread in (self.stdout, self.stderr, self.results):
            thread.start()
        self.ready = False
        self.closed = False
        #: CPU seconds after which the child is over its budget (set when a job is sent).
        self.cpu_soft_s: float | None = None
        #: Namespaces the child obtained (``ready``) and what it mounted (``isolated``).
        self.namespaces: dict[str, Any] = {}
        self.isolation: dict[str, Any] = {}

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return not self.closed and self.proc.poll() is None

    def run(self, job: dict[str, Any], limits: Limits, cases: Sequence[Any],
            arity_problem: Callable[[Any], str] | None = None,
            strict: Collection[int] = ()) -> SandboxRun:
        """Run ``job`` (source, function, result_index, forbidden, hide) on ``cases``.

        ``cases`` are encoded positional argument lists. A ``strict`` case (the
        timed perf case) is handed over alone (``case-N.json``, then ``N`` on
        stdin) only after the previous one's result and input fingerprints came
        back, and timed here from ``go`` to its result line: a child cannot read
        it early or shorten its own clock. The others go over in batches of
        consecutive cases (``cases-I-J.json``, ``batch I J``), whose times are
        shown but not judged (:mod:`dlquiz.grading.protocol`). ``arity_problem``
        judges the function's reported signature ("" when it can be called).
        """
        started = time.perf_counter()
        run = SandboxRun(outcome="crashed", cases=[CaseRun(i) for i in range(len(cases))])
        try:
            self._wait_ready(run)
        except _Stop:
            return self._finish(run, started)
        job = dict(job, limits=limits.to_json())
        if not self._write("job.json", job) or not self._send(b"job.json\n"):
            return self._finish(run, started)
        self.cpu_soft_s = cpu_seconds(self.pid) + limits.time_s

        def send_case(index: int) -> bool:
            return self._write(f"case-{index}.json", cases[index]) and self._send(b"%d\n" % index)

        def go() -> float | None:
            return time.perf_counter() if self._send(b"go\n") else None

        def send_batch(first: int, end: int) -> float | None:
            if not self._write(f"cases-{first}-{end}.json", list(cases[first:end])):
                return None
            return time.perf_counter() if self._send(b"batch %d %d\n" % (first, end)) else None

        driver = Driver(run, len(cases), send_case, go, lambda: self._send(b"end\n"),
                        arity_problem, send_batch=send_batch, strict=strict)
        deadline = time.perf_counter() + limits.time_s
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                run.outcome = "timeout"
                break
            if self.overflow.is_set():
                run.outcome = "output_limit"
                break
            try:
                stamp, message = self.results.messages.get(timeout=min(remaining, 0.05))
            except queue.Empty:
                run.cpu_s = max(run.cpu_s, cpu_seconds(self.pid))
                continue
            if message is None:
                break
            if driver.handle(stamp, message):
                break
        run.cpu_s = max(run.cpu_s, cpu_seconds(self.pid))
        mounted = run.isolation.get("mounted")
        self.isolation = {"mounted": [m for m in mounted if isinstance(m, str)]
                          if isinstance(mounted, list) else []}
        return self._finish(run, started)

    def _write(self, name: str, data: Any) -> bool:
        """Write a file into the sandbox's folder without following anything it planted.

        The folder belongs to the child's uid, so a solution may have put a
        symlink (or file) under the name first: it is unlinked, and the file is
        created with ``O_EXCL | O_NOFOLLOW`` (a race lost to the child ends the run).
        """
        path = os.path.join(self.workdir, name)
        try:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, separators=(",", ":"))
        except OSError:
            return False
        return True

    def _send(self, line: bytes) -> bool:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(line)
            self.proc.stdin.flush()
        except (OSError, ValueError):
            return False
        return True

    def _wait_ready(self, run: SandboxRun) -> None:
        if self.ready:
            return
        deadline = time.perf_counter() + STARTUP_TIMEOUT_S
        while time.perf_counter() < deadline:
            try:
                _, message = self.results.messages.get(timeout=0.1)
            except queue.Empty:
                continue
            if message is None:
                run.outcome, run.message = "sandbox_error", "the sandbox exited while starting"
                raise _Stop
            if message.get("event") == "ready":
                spaces = message.get("namespaces")
                self.namespaces = dict(spaces) if isinstance(spaces, dict) else {}
                self.ready = True
                return
            if message.get("event") == "sandbox_error":
                run.outcome, run.message = "sandbox_error", str(message.get("message", ""))
                raise _Stop
        run.outcome, run.message = "sandbox_error", "the sandbox did not start in time"
        raise _Stop

    def _finish(self, run: SandboxRun, started: float) -> SandboxRun:
        run.wall_s = time.perf_counter() - started
        if run.outcome == "done":
            # Every case is in: the verdict needs nothing more from the child, so the
            # teardown (kill, stray scan, leftovers, temp dir) runs beside the judging.
            # Printed text goes through the results channel; raw stdout/stderr is
            # whatever the readers have by now.
            self.stdout.drain()
            self.stderr.drain()
            run.output = _join_output(run.import_output, self.stdout.text(), self.stderr.text())
            close_later(self)
            return run
        if run.outcome == "crashed":
            try:
                self.proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
        if run.outcome == "timeout" and run.running_case is not None:
            run.cases[run.running_case].status = "timeout"
        self.close()
        run.returncode = self.proc.returncode
        if run.outcome == "crashed" and run.returncode is not None:
            run.outcome = crash_outcome(run.returncode, run.cpu_s, self.cpu_soft_s)
            if run.outcome == "timeout" and run.running_case is not None:
                run.cases[run.running_case].status = "timeout"
        run.output = _join_output(run.import_output, self.stdout.text(), self.stderr.text())
        return run

    def close(self) -> None:
        """Kill the runner and everything it spawned, then remove its temp dir."""
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(OSError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        kill_sandbox(self.proc, self.uid)
        if self.uid is not None:
            remove_leftovers(self.uid, private_temp=self.isolation.get("mounted", ()),
                             private_ipc=bool(self.namespaces.get("ipc")))
        for thread in (self.stdout, self.stderr, self.results):
            thread.join(timeout=2.0)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        remove_tree(self.workdir)


_CLOSING: list[threading.Thread] = []
_CLOSING_LOCK = threading.Lock()


def close_later(worker: SandboxProcess) -> None:
    """Tear ``worker`` down in a thread; :func:`wait_closed` (run at exit) waits for it.

    A non-daemon thread, so even a one-shot ``dlquiz check`` finishes the
    teardown before the interpreter exits: nothing of a sandbox outlives dlquiz.
    """
    thread = threading.Thread(target=worker.close, name="dlquiz-sandbox-close")
    with _CLOSING_LOCK:
        _CLOSING[:] = [t for t in _CLOSING if t.is_alive()]
        _CLOSING.append(thread)
    thread.start()


def wait_closed() -> None:
    """Wait for every teardown started by :func:`close_later`."""
    with _CLOSING_LOCK:
        pending = list(_CLOSING)
    for thread in pending:
        thread.join()


class _Stop(Exception):
    """Internal: the runner failed before the job could be sent."""


def _join_output(*parts: str) -> str:
    return "\n".join(p.rstrip("\n") for p in parts if p.strip())
