"""Child side of the dlquiz sandbox: runs learner code, reports plain data.

This file is executed as a standalone script (``python -I -B sandbox_runner.py
WORKDIR RESULTS_FD``) and imports only the standard library and NumPy; it never
imports dlquiz. The wire codec and protocol constants live in ``wire.py`` next
to it, loaded here by path (the parent imports the same file as
:mod:`dlquiz.grading.wire`), so both sides speak exactly the same format.

Life of a runner:

1. *Warm up* while still privileged: import NumPy and the stdlib modules
   learners commonly use, take the network away (``unshare(CLONE_NEWNET)``,
   best effort), and, when started as root, drop to an unprivileged uid
   (``UID_BASE + pid``: unique per sandbox, so the parent can find and kill
   every process it spawned, and ``RLIMIT_NPROC`` counts only this sandbox)
   with gid ``nogroup``. Then report ``ready`` on the results pipe.
2. Wait for one line on stdin: the name of the job file in WORKDIR.
3. Read the job (JSON: source, function name, encoded case arguments,
   limits), set the rlimits, refuse ``import dlquiz``, run the learner's
   module, then call the function once per case, streaming one JSON line per
   event to the results pipe (never stdout, which belongs to the learner).
4. Exit. A runner serves exactly one job: a process that ran learner code is
   never reused.

The runner never sees expected outputs and never decides a verdict; whatever
the learner does to this process (monkeypatching NumPy, printing fake results,
exiting early) can at worst make its own answers wrong or missing.
"""

from __future__ import annotations

import ctypes
import importlib
import importlib.util
import io
import json
import os
import resource
import select
import sys
import time
import traceback
import types
from typing import Any



def _load_wire() -> Any:
    """``wire.py`` from this script's folder, under a private module name."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire.py")
    spec = importlib.util.spec_from_file_location("_dlquiz_sandbox_wire", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wire = _load_wire()
UID_BASE, SOLUTION_FILENAME = wire.UID_BASE, wire.SOLUTION_FILENAME
OUTPUT_HARD_LIMIT, EXIT_OUTPUT_LIMIT = wire.OUTPUT_HARD_LIMIT, wire.EXIT_OUTPUT_LIMIT
MAX_RESULT_BYTES, WireError = wire.MAX_RESULT_BYTES, wire.WireError
encode, decode = wire.encode, wire.decode

#: ``nogroup`` on Debian-like systems.
SANDBOX_GID = 65534
#: Printed text kept per case / for the import phase, in characters.
OUTPUT_KEEP_CHARS = 4096
#: Seconds an idle pre-started runner waits for a job before exiting.
IDLE_TIMEOUT_S = 900.0
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000

#: Stdlib modules imported before privileges are dropped: when the interpreter
#: lives somewhere the sandbox uid cannot read (e.g. under /root), these are
#: the modules a solution can still import.
PRELOAD = (
    "encodings.ascii", "encodings.latin_1", "encodings.utf_8", "linecache", "tokenize",
    "abc", "array", "bisect", "cmath", "collections", "collections.abc", "copy",
    "dataclasses", "decimal", "enum", "fractions", "functools", "heapq", "itertools",
    "math", "numbers", "operator", "random", "re", "statistics", "string", "typing",
    "numpy.random", "numpy.fft", "numpy.linalg", "numpy.lib.stride_tricks",
)


# -------------------------------------------------------------- the channel


class Channel:
    """JSON lines written with raw ``os.write`` to the results pipe."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]


class CappedText(io.TextIOBase):
    """A text stream that keeps the first characters and counts the rest.

    Shared totals across all instances enforce :data:`OUTPUT_HARD_LIMIT`: a
    run that prints more than that is stopped (the learner cannot catch
    ``os._exit``).
    """

    total = 0

    def __init__(self, channel: Channel) -> None:
        super().__init__()
        self.channel = channel
        self.kept: list[str] = []
        self.kept_len = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        CappedText.total += len(text)
        if CappedText.total > OUTPUT_HARD_LIMIT:
            self.channel.send({"event": "output_limit", "chars": CappedText.total})
            os._exit(EXIT_OUTPUT_LIMIT)
        room = OUTPUT_KEEP_CHARS - self.kept_len
        if room > 0:
            self.kept.append(text[:room])
            self.kept_len += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def take(self) -> dict[str, Any]:
        out = {"text": "".join(self.kept), "dropped": self.dropped}
        self.kept, self.kept_len, self.dropped = [], 0, 0
        return out


# ---------------------------------------------------------- isolation steps


def _preload() -> None:
    import numpy  # noqa: F401 - imported for the learner, before privileges go

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            continue


def _drop_network() -> bool:
    """Best effort: move into a fresh network namespace (no interfaces but lo)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWNET) == 0:
            return True
        if os.geteuid() != 0 and libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:
            return True
    except (OSError, AttributeError):
        return False
    return False


def _drop_privileges(workdir: str) -> int:
    """When root, become ``UID_BASE + pid`` / nogroup; returns the uid in force."""
    if os.geteuid() != 0:
        return os.getuid()
    uid = UID_BASE + os.getpid()
    os.chown(workdir, uid, SANDBOX_GID)
    os.chmod(workdir, 0o700)
    os.setgroups([])
    os.setresgid(SANDBOX_GID, SANDBOX_GID, SANDBOX_GID)
    os.setresuid(uid, uid, uid)
    if os.geteuid() != uid or os.getuid() != uid:
        raise OSError("could not drop privileges")
    return uid


def _processes_of(uid: int) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += 1
            except OSError:
                continue
    return count


def _vm_size_bytes() -> int:
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _set_limits(limits: dict[str, Any], dropped_root: bool) -> None:
    """Apply the job's limits (all lowering, so an unprivileged runner can too)."""

    def lower(which: int, value: int) -> None:
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            resource.setrlimit(which, (min(value, soft) if soft >= 0 else value, hard))

    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu_used = used.ru_utime + used.ru_stime
    lower(resource.RLIMIT_CPU, int(cpu_used + float(limits["time_s"]) + 2))
    lower(resource.RLIMIT_AS, _vm_size_bytes() + int(limits["memory_mb"]) * 1024 * 1024)
    lower(resource.RLIMIT_FSIZE, int(limits.get("file_mb", 16)) * 1024 * 1024)
    lower(resource.RLIMIT_NOFILE, int(limits.get("open_files", 64)))
    lower(resource.RLIMIT_CORE, 0)
    nproc = int(limits.get("processes", 32))
    if not dropped_root:
        nproc += _processes_of(os.getuid())
    lower(resource.RLIMIT_NPROC, nproc)


class DlquizImportBlocker:
    """Meta-path finder that refuses ``import dlquiz`` (and its submodules)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "dlquiz" or name.startswith("dlquiz."):
            raise ImportError("solutions may not import dlquiz (write the code yourself)")


def _hide_dlquiz() -> None:
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != root]
    sys.meta_path.insert(0, DlquizImportBlocker())
    for name in [m for m in sys.modules if m == "dlquiz" or m.startswith("dlquiz.")]:
        del sys.modules[name]


# ------------------------------------------------------------- running code


def learner_traceback(exc: BaseException) -> str:
    """The exception with only the learner's own frames (plus where it surfaced)."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if f.filename == SOLUTION_FILENAME]
    lines = ["Traceback (your code, most recent call last):"]
    for frame in mine:
        lines.append(f'  File "{SOLUTION_FILENAME}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    if frames and frames[-1].filename != SOLUTION_FILENAME:
        last = frames[-1]
        lines.append(f"  (raised inside {os.path.basename(last.filename)}, in {last.name})")
    lines.extend(s.rstrip("\n") for s in traceback.format_exception_only(type(exc), exc))
    return "\n".join(lines)


def _classify(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "memory"
    return "error"


def _run_job(job: dict[str, Any], channel: Channel, dropped_root: bool) -> None:
    _set_limits(job["limits"], dropped_root)
    _hide_dlquiz()
    source = job["source"]
    with open(SOLUTION_FILENAME, "w", encoding="utf-8") as fh:
        fh.write(source)
    import linecache

    linecache.cache[SOLUTION_FILENAME] = (len(source), None, source.splitlines(True), SOLUTION_FILENAME)
    stream = CappedText(channel)
    sys.stdout = sys.stderr = stream
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    module = types.ModuleType("solution")
    module.__file__ = os.path.abspath(SOLUTION_FILENAME)
    sys.modules["solution"] = module
    try:
        code = compile(source, SOLUTION_FILENAME, "exec")
        exec(code, module.__dict__)  # noqa: S102 - this is the sandbox's purpose
    except BaseException as exc:  # noqa: BLE001 - report everything, decide nothing
        status = "exit" if isinstance(exc, SystemExit) else _classify(exc)
        channel.send({"event": "import_failed", "status": status,
                      "traceback": learner_traceback(exc), "output": stream.take()})
        return
    channel.send({"event": "imported", "output": stream.take()})
    function = module.__dict__.get(job["function"])
    if not callable(function):
        channel.send({"event": "no_function", "found": type(function).__name__})
        return
    result_arg = job.get("result_arg") or ""
    for index, encoded_args in enumerate(job["cases"]):
        args = decode(encoded_args)
        # The inputs exactly as sent: the parent refuses a result whose function
        # changed its inputs in place (except ``result_arg``, the in-place result).
        sent = encoded_args.get("__map__", {}) if isinstance(encoded_args, dict) else {}
        watched = {name: json.dumps(encoded, sort_keys=True)
                   for name, encoded in sent.items() if name != result_arg}
        channel.send({"event": "start", "case": index})
        started = time.perf_counter()
        try:
            value = function(**args)
            elapsed = time.perf_counter() - started
            if value is None and result_arg:
                value = args.get(result_arg)
            payload = encode(value)
            text = json.dumps(payload, separators=(",", ":"))
            if len(text) > MAX_RESULT_BYTES:
                raise ValueError(f"result too large to send back ({len(text)} bytes)")
            mutated = sorted(name for name, before in watched.items()
                             if _encoded_text(args.get(name)) != before)
            channel.send({"event": "result", "case": index, "status": "ok", "value": payload,
                          "mutated": mutated, "time": elapsed, "output": stream.take()})
        except BaseException as exc:  # noqa: BLE001
            elapsed = time.perf_counter() - started
            channel.send({"event": "result", "case": index, "status": _classify(exc),
                          "traceback": learner_traceback(exc), "time": elapsed,
                          "output": stream.take()})
    channel.send({"event": "done"})


def _encoded_text(value: Any) -> str:
    """``value`` encoded as canonical JSON text (NaN-safe to compare), or "" if it cannot be."""
    try:
        return json.dumps(encode(value), sort_keys=True)
    except (WireError, TypeError, ValueError):
        return ""


def main(argv: list[str]) -> int:
    workdir, results_fd = argv[1], int(argv[2])
    channel = Channel(results_fd)
    os.chdir(workdir)
    _preload()
    network = _drop_network()
    try:
        uid = _drop_privileges(workdir)
    except OSError as exc:
        channel.send({"event": "sandbox_error", "message": f"could not drop privileges: {exc}"})
        return 2
    channel.send({"event": "ready", "pid": os.getpid(), "uid": uid, "network": not network})
    ready, _, _ = select.select([sys.stdin], [], [], IDLE_TIMEOUT_S)
    if not ready:
        return 0
    line = sys.stdin.readline().strip()
    if not line:
        return 0
    with open(os.path.join(workdir, os.path.basename(line)), encoding="utf-8") as fh:
        job = json.load(fh)
    _run_job(job, channel, dropped_root=uid >= UID_BASE)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
