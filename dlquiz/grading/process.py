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
killed too, until none is left. A process that ran learner code is never
reused; :class:`WorkerPool` keeps *fresh* runners warm (NumPy imported,
waiting on stdin) so a verdict does not pay the interpreter start-up.

:mod:`dlquiz.grading.sandbox` is the public face of this module and of the pool.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from dlquiz.grading import wire
from dlquiz.grading.reaper import kill_sandbox, remove_tree
from dlquiz.grading.wire import UID_BASE, decode

#: The child script (never imported by the parent).
RUNNER_PATH = str(Path(__file__).resolve().with_name("sandbox_runner.py"))
#: Bytes of fd-level stdout/stderr kept for the report (the rest is counted).
STREAM_KEEP_BYTES = 64 * 1024
#: Seconds a fresh runner may take to import NumPy and report ``ready``.
STARTUP_TIMEOUT_S = 30.0
#: Most bytes of result lines the parent reads before giving up on the run.
MAX_RESULTS_BYTES = 256 * 1024 * 1024
#: Environment variables passed through when set (this machine's OpenBLAS needs them).
PASSTHROUGH_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin"


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


@dataclass
class CaseRun:
    """What the child reported for one case (``status``: ok/error/memory/timeout/not_run)."""

    index: int
    status: str = "not_run"
    value: Any = None
    traceback: str = ""
    output: str = ""
    elapsed_s: float = 0.0
    #: Arguments the learner's function changed in place (``result_arg`` excepted).
    mutated: list[str] = field(default_factory=list)


@dataclass
class SandboxRun:
    """Everything the parent learned from one run; the grader turns it into a verdict.

    ``outcome`` is ``done`` (every case reported), ``import_failed``
    (``import_status``: error / exit / memory), ``no_function``, ``timeout``,
    ``output_limit``, ``crashed`` (the process died without finishing),
    ``bad_results`` (unreadable result data) or ``sandbox_error``.
    """

    outcome: str
    cases: list[CaseRun]
    import_status: str = ""
    import_traceback: str = ""
    import_output: str = ""
    output: str = ""
    returncode: int | None = None
    message: str = ""
    running_case: int | None = None
    wall_s: float = 0.0


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


class _StreamReader(threading.Thread):
    """Drains one pipe, keeping the first bytes and counting the rest."""

    def __init__(self, stream: BinaryIO, on_overflow: threading.Event) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.kept = bytearray()
        self.total = 0
        self.on_overflow = on_overflow

    def run(self) -> None:
        try:
            while chunk := self.stream.read1(65536):  # type: ignore[attr-defined]
                self.total += len(chunk)
                if len(self.kept) < STREAM_KEEP_BYTES:
                    self.kept += chunk[: STREAM_KEEP_BYTES - len(self.kept)]
                if self.total > wire.OUTPUT_HARD_LIMIT:
                    self.on_overflow.set()
        except (OSError, ValueError):
            return

    def text(self) -> str:
        shown = self.kept.decode("utf-8", errors="replace")
        if self.total > len(self.kept):
            shown += f"\n[output truncated: {self.total - len(self.kept)} more bytes not shown]"
        return shown


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
                try:
                    message = json.loads(line)
                except ValueError:
                    message = {"event": "bad_results", "why": "a result line is not JSON"}
                if not isinstance(message, dict):
                    message = {"event": "bad_results", "why": "a result line is not an object"}
                self.messages.put((stamp, message))
        except (OSError, ValueError):
            pass
        finally:
            self.messages.put((time.perf_counter(), None))
            self.file.close()


class SandboxProcess:
    """One runner process: started at construction, serves one job, then is killed."""

    def __init__(self) -> None:
        self.workdir = tempfile.mkdtemp(prefix="dlquiz-sandbox-")
        os.chmod(self.workdir, 0o755)
        read_fd, write_fd = os.pipe()
        self.overflow = threading.Event()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-B", RUNNER_PATH, self.workdir, str(write_fd)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(write_fd,),
                cwd=self.workdir,
                env=sandbox_env(self.workdir),
                start_new_session=True,
                close_fds=True,
            )
        except BaseException:
            os.close(read_fd)
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise
        finally:
            os.close(write_fd)
        self.uid = UID_BASE + self.proc.pid if os.geteuid() == 0 else None
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.stdout = _StreamReader(self.proc.stdout, self.overflow)  # type: ignore[arg-type]
        self.stderr = _StreamReader(self.proc.stderr, self.overflow)  # type: ignore[arg-type]
        self.results = _ResultsReader(read_fd)
        for thread in (self.stdout, self.stderr, self.results):
            thread.start()
        self.ready = False
        self.closed = False

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return not self.closed and self.proc.poll() is None

    def run(self, job: dict[str, Any], limits: Limits, n_cases: int) -> SandboxRun:
        """Send ``job`` (source, function, encoded cases, result_arg) and collect events."""
        started = time.perf_counter()
        run = SandboxRun(outcome="crashed", cases=[CaseRun(i) for i in range(n_cases)])
        try:
            self._wait_ready(run)
        except _Stop:
            return self._finish(run, started)
        job = dict(job, limits=limits.to_json())
        job_path = os.path.join(self.workdir, "job.json")
        with open(job_path, "w", encoding="utf-8") as fh:
            json.dump(job, fh, separators=(",", ":"))
        os.chmod(job_path, 0o644)
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(b"job.json\n")
            self.proc.stdin.close()
        except OSError:
            return self._finish(run, started)
        deadline = time.perf_counter() + limits.time_s
        starts: dict[int, float] = {}
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
                continue
            if message is None:
                break
            if self._handle(run, stamp, message, starts):
                break
        return self._finish(run, started)

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
                self.ready = True
                return
            if message.get("event") == "sandbox_error":
                run.outcome, run.message = "sandbox_error", str(message.get("message", ""))
                raise _Stop
        run.outcome, run.message = "sandbox_error", "the sandbox did not start in time"
        raise _Stop

    def _handle(self, run: SandboxRun, stamp: float, msg: dict[str, Any],
                starts: dict[int, float]) -> bool:
        """Apply one event; True when the run is over."""
        event = msg.get("event")
        try:
            if event == "imported":
                run.import_output = _output_text(msg.get("output"))
            elif event == "import_failed":
                run.outcome = "import_failed"
                run.import_status = str(msg.get("status", "error"))
                run.import_traceback = str(msg.get("traceback", ""))
                run.import_output = _output_text(msg.get("output"))
                return True
            elif event == "no_function":
                run.outcome = "no_function"
                run.message = str(msg.get("found", ""))
                return True
            elif event == "start":
                index = _case_index(msg, len(run.cases))
                starts[index] = stamp
                run.running_case = index
            elif event == "result":
                index = _case_index(msg, len(run.cases))
                case = run.cases[index]
                case.elapsed_s = stamp - starts.get(index, stamp)
                case.output = _output_text(msg.get("output"))
                status = msg.get("status")
                if status == "ok":
                    case.status, case.value = "ok", decode(msg.get("value"))
                    case.mutated = [str(name) for name in msg.get("mutated") or []]
                else:
                    case.status = "memory" if status == "memory" else "error"
                    case.traceback = str(msg.get("traceback", ""))
                run.running_case = None
            elif event == "done":
                run.outcome = "done"
                return True
            elif event == "output_limit":
                run.outcome = "output_limit"
                return True
            elif event == "bad_results":
                run.outcome, run.message = "bad_results", str(msg.get("why", ""))
                return True
        except (wire.WireError, ValueError, TypeError, KeyError, IndexError) as exc:
            run.outcome, run.message = "bad_results", f"unreadable result data: {exc}"
            return True
        return False

    def _finish(self, run: SandboxRun, started: float) -> SandboxRun:
        run.wall_s = time.perf_counter() - started
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
            if run.returncode == -signal.SIGXCPU:
                run.outcome = "timeout"
                if run.running_case is not None:
                    run.cases[run.running_case].status = "timeout"
            elif run.returncode == wire.EXIT_OUTPUT_LIMIT:
                run.outcome = "output_limit"
        run.output = _join_output(run.import_output, self.stdout.text(), self.stderr.text())
        return run

    def close(self) -> None:
        """Kill the runner and everything it spawned, then remove its temp dir."""
        if self.closed:
            return
        self.closed = True
        for stream in (self.proc.stdin,):
            try:
                if stream is not None and not stream.closed:
                    stream.close()
            except OSError:
                pass
        kill_sandbox(self.proc, self.uid)
        for thread in (self.stdout, self.stderr, self.results):
            thread.join(timeout=2.0)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        remove_tree(self.workdir)


class _Stop(Exception):
    """Internal: the runner failed before the job could be sent."""


def _case_index(msg: dict[str, Any], n_cases: int) -> int:
    index = msg.get("case")
    if not isinstance(index, int) or not 0 <= index < n_cases:
        raise ValueError(f"bad case index {index!r}")
    return index


def _output_text(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    text = str(data.get("text", ""))
    dropped = data.get("dropped", 0)
    if isinstance(dropped, int) and dropped > 0:
        text += f"\n[output truncated: {dropped} more characters not shown]"
    return text


def _join_output(*parts: str) -> str:
    return "\n".join(p.rstrip("\n") for p in parts if p.strip())
