"""Child side of the dlquiz sandbox: runs learner code, reports plain data.

This file is executed as a standalone script (``python -I -B sandbox_runner.py
WORKDIR RESULTS_FD``) and imports only the standard library and NumPy; it never
imports dlquiz. ``wire.py`` (the codec both sides speak) and
``sandbox_guard.py`` (isolation and the run-time guard) are loaded from this
script's folder by path, before anything of the learner's runs.

Life of a runner:

1. *Warm up*: import NumPy and the stdlib modules learners commonly use, take
   the network away and (as root) enter private mount and IPC namespaces;
   report ``ready`` on the results pipe, then wait (idle workers of the pool
   wait here, having paid the interpreter start-up already).
2. Read one line on stdin: the job file's name. The job holds the source,
   the function name, how many positional arguments it will get, which one is
   the in-place result, the forbidden names, the folders to hide and limits.
3. Isolate (:mod:`sandbox_guard`): private temp folders and hidden folders,
   drop to the sandbox uid, rlimits, the audit hook and guarded names.
4. Run the learner's module, report ``imported`` and what the function
   accepts (``signature``); then, for each ``N`` line on stdin (the parent
   writes ``case-N.json`` just before), decode the inputs, send ``loaded``,
   wait for ``go``, call the function positionally and send ``result`` (value
   or error) and then ``inputs`` (a fingerprint of each argument after the
   call). ``end`` or EOF: exit.

The runner never sees expected outputs and decides nothing: the parent times
each case from outside (from writing ``go`` to reading ``result``), compares
the fingerprints with those of what it sent, and judges the values. Whatever
the learner does to this process can at worst make its own answers wrong,
missing, or late.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import json
import os
import re
import select
import sys
import traceback
import types
from collections.abc import Iterable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name: str) -> Any:
    """A sibling file of this script as a private module (not in ``sys.modules``)."""
    spec = importlib.util.spec_from_file_location(f"_dlquiz_sandbox_{name}",
                                                  os.path.join(HERE, f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wire = _load("wire")
guard = _load("sandbox_guard")
UID_BASE, SOLUTION_FILENAME = wire.UID_BASE, wire.SOLUTION_FILENAME
OUTPUT_HARD_LIMIT, EXIT_OUTPUT_LIMIT = wire.OUTPUT_HARD_LIMIT, wire.EXIT_OUTPUT_LIMIT
MAX_RESULT_BYTES = wire.MAX_RESULT_BYTES
#: Printed text kept per case / for the import phase, in characters.
OUTPUT_KEEP_CHARS = 4096
#: Seconds an idle pre-started runner waits for a job before exiting.
IDLE_TIMEOUT_S = 900.0
#: ``CO_VARARGS`` in a code object's flags.
CO_VARARGS = 0x04

#: Modules imported before privileges are dropped: when the interpreter lives
#: somewhere the sandbox uid cannot read (e.g. under /root), these are the
#: modules a solution can still import. NumPy and what the runner itself needs
#: come first, before ``ready``; the rest (about 20 ms, numpy.random alone 9) is
#: imported while the runner waits for its job (:func:`_preload_while_idle`),
#: so a pool worker has all of it, and a runner whose job is already waiting,
#: as ``dlquiz check``'s is, imports only those its job's source names.
WARM_UP = ("numpy", "encodings.ascii", "encodings.latin_1", "encodings.utf_8", "linecache",
           "tokenize", "_blake2", "hashlib")  # the last two: wire.make_fingerprint
PRELOAD = (
    "abc", "array", "bisect", "cmath", "collections", "collections.abc", "copy",
    "dataclasses", "decimal", "enum", "fractions", "functools", "heapq", "itertools",
    "math", "numbers", "operator", "random", "re", "signal", "statistics", "string", "typing",
    "threading", "mmap",
    "numpy.random", "numpy.fft", "numpy.linalg", "numpy.lib.stride_tricks",
)


def _import_quietly(name: str) -> None:
    try:
        importlib.import_module(name)
    except ImportError:
        pass


def _preload_while_idle(control: Any) -> list[str]:
    """Import :data:`PRELOAD` until a job line is waiting on ``control``; what is left."""
    for index, name in enumerate(PRELOAD):
        if select.select([control], [], [], 0)[0]:
            return list(PRELOAD[index:])
        _import_quietly(name)
    return []


def named_in(source: str, modules: Iterable[str]) -> list[str]:
    """The modules of ``modules`` whose every dotted part is a word of ``source``.

    A leading ``numpy`` is not needed (``np.random.rand`` names numpy.random).
    Over-inclusive on purpose (``np.copy`` brings ``copy``): an import too many
    costs a millisecond, one too few an ImportError under an unreadable
    interpreter, and only for a name spelled out of the source's sight.
    """
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source))
    named = []
    for module in modules:
        parts = module.split(".")
        if parts[0] == "numpy":
            parts = parts[1:]
        if all(part in words for part in parts):
            named.append(module)
    return named


class Channel:
    """JSON lines written with raw ``os.write`` to the results pipe."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, message: dict[str, Any]) -> None:
        self.send_raw(json.dumps(message, separators=(",", ":")))

    def send_raw(self, line: str) -> None:
        """One already-encoded JSON object (large results are not encoded twice)."""
        data = (line + "\n").encode("utf-8")
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
    if isinstance(exc, guard.ForbiddenName):
        return "forbidden"
    if isinstance(exc, SystemExit):
        return "exit"
    if isinstance(exc, MemoryError):
        return "memory"
    return "error"


def _arity(function: Any) -> dict[str, Any] | None:
    """What a plain Python function accepts (``None`` for other callables)."""
    if type(function) is not types.FunctionType:
        return None
    code = function.__code__
    positional = code.co_argcount
    kwonly = code.co_varnames[positional:positional + code.co_kwonlyargcount]
    kwdefaults = function.__kwdefaults__ or {}
    return {"positional": positional, "varargs": bool(code.co_flags & CO_VARARGS),
            "required": positional - len(function.__defaults__ or ()),
            "required_kwonly": [k for k in kwonly if k not in kwdefaults]}


def _isolate(job: dict[str, Any], workdir: str, spaces: dict[str, bool]) -> dict[str, Any]:
    """Private folders, hidden folders, uid, limits and the guard, in that order."""
    inside = os.path.realpath(workdir) + os.sep
    hidden = [d for d in job.get("hide", []) if isinstance(d, str) and os.path.isabs(d)
              and not inside.startswith(os.path.realpath(d).rstrip(os.sep) + os.sep)]
    mounted: list[str] = []
    if os.geteuid() == 0 and spaces.get("mount"):
        mounted = guard.private_mounts(workdir, hidden, int(job["limits"].get("file_mb", 16)))
    uid = guard.drop_privileges(workdir, UID_BASE)
    # The cwd is already the workdir and stays so across setuid. No chdir by path: a
    # checkout (and so the venv) under a 0700 /tmp keeps /tmp unmounted, and the
    # dropped uid could not walk that path again.
    guard.set_limits(job["limits"], uid >= UID_BASE)
    guard.install_guard(job.get("forbidden", []), hidden)
    sys.argv[:] = [SOLUTION_FILENAME]
    return {"uid": uid, "mounted": mounted}


def _serve(job: dict[str, Any], channel: Channel, control: Any) -> None:
    """Run the learner's module, then one case per control line (see the module docstring)."""
    fingerprint, encode, decode, dumps = wire.make_fingerprint(), wire.encode, wire.decode, json.dumps
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
    sys.modules["solution"] = sys.modules["__main__"] = module
    try:
        exec(compile(source, SOLUTION_FILENAME, "exec"), module.__dict__)  # noqa: S102
    except BaseException as exc:  # noqa: BLE001 - report everything, decide nothing
        channel.send({"event": "import_failed", "status": _classify(exc),
                      "traceback": learner_traceback(exc), "output": stream.take()})
        return
    channel.send({"event": "imported", "output": stream.take()})
    function = module.__dict__.get(job["function"])
    if not callable(function):
        channel.send({"event": "no_function", "found": type(function).__name__})
        return
    channel.send({"event": "signature", "arity": _arity(function)})
    result_index = int(job.get("result_index", -1))

    def call(index: int, args: list[Any]) -> None:
        try:
            value = function(*args)
            if value is None and 0 <= result_index < len(args):
                value = args[result_index]
            text = dumps(encode(value), separators=(",", ":"))
            if len(text) > MAX_RESULT_BYTES:
                raise ValueError(f"result too large to send back ({len(text)} bytes)")
            channel.send_raw(f'{{"event":"result","case":{index},"status":"ok","value":{text},'
                             f'"output":{dumps(stream.take())}}}')
        except BaseException as exc:  # noqa: BLE001
            channel.send({"event": "result", "case": index, "status": _classify(exc),
                          "traceback": learner_traceback(exc), "output": stream.take()})
        prints = {str(i): fingerprint(arg) for i, arg in enumerate(args) if i != result_index}
        channel.send({"event": "inputs", "case": index, "prints": prints})

    while True:
        line = control.readline().strip()
        if not line or line == b"end":
            return
        if line.startswith(b"batch "):
            first, end = (int(v) for v in line.split()[1:3])
            with open(f"cases-{first}-{end}.json", "rb") as fh:
                batch = json.load(fh)
            for offset, encoded in enumerate(batch):
                call(first + offset, decode(encoded))
            continue
        index = int(line)
        with open(f"case-{index}.json", "rb") as fh:
            args = decode(json.load(fh))
        channel.send({"event": "loaded", "case": index})
        if control.readline().strip() != b"go":
            return
        call(index, args)


def main(argv: list[str]) -> int:
    workdir, results_fd = argv[1], int(argv[2])
    channel = Channel(results_fd)
    os.chdir(workdir)
    for module in WARM_UP:
        _import_quietly(module)
    spaces = guard.unshare_namespaces()
    channel.send({"event": "ready", "pid": os.getpid(), "namespaces": spaces})
    control = io.open(0, "rb", closefd=False)  # noqa: SIM115 - the parent's control lines
    left = _preload_while_idle(control)
    ready, _, _ = select.select([control], [], [], IDLE_TIMEOUT_S)
    if not ready:
        return 0
    name = control.readline().strip().decode("utf-8", "replace")
    if not name:
        return 0
    with open(os.path.join(workdir, os.path.basename(name)), encoding="utf-8") as fh:
        job = json.load(fh)
    for module in named_in(str(job.get("source", "")), left):
        _import_quietly(module)
    try:
        isolation = _isolate(job, workdir, spaces)
    except OSError as exc:
        channel.send({"event": "sandbox_error", "message": f"could not isolate the run: {exc}"})
        return 2
    channel.send({"event": "isolated", **isolation})
    _serve(job, channel, control)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
