"""The sandbox's isolation: environment, uid, limits, network, cleanup, worker pool."""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from dlquiz.grading import process, reaper, sandbox
from dlquiz.grading.pool import WorkerPool
from dlquiz.grading.process import crash_outcome
from dlquiz.grading.sandbox import Limits, SandboxProcess
from dlquiz.grading.wire import UID_BASE, WireError, decode, encode

PROBE = r'''
import json, os, resource

def probe(x):
    print(json.dumps({
        "env": dict(os.environ),
        "cwd": os.getcwd(),
        "uid": os.getuid(),
        "core": resource.getrlimit(resource.RLIMIT_CORE)[0],
        "nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        "fsize": resource.getrlimit(resource.RLIMIT_FSIZE)[0],
        "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0],
        "cpu": resource.getrlimit(resource.RLIMIT_CPU)[0],
        "cpu_hard": resource.getrlimit(resource.RLIMIT_CPU)[1],
        "tmp": sorted(os.listdir("/tmp")),
        "argv": __import__("sys").argv,
        "net": sorted(line.split(":")[0].strip()
                      for line in open("/proc/self/net/dev").read().splitlines()[2:]),
    }))
    return x
'''


def run(source: str, function: str, cases: list[dict], limits: Limits | None = None):  # type: ignore[no-untyped-def,type-arg]
    worker = SandboxProcess()
    job = {"source": source, "function": function, "result_index": -1}
    return worker, worker.run(job, limits or Limits(time_s=5), [encode(list(c.values())) for c in cases])


def test_child_environment_and_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_TOKEN", "do-not-leak")
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    worker, result = run(PROBE, "probe", [{"x": 1}])
    assert result.outcome == "done" and result.cases[0].value == 1
    info = json.loads(result.cases[0].output)
    env = info["env"]
    assert "SECRET_TOKEN" not in env and "DLQUIZ_HOME" not in env
    assert env["OPENBLAS_NUM_THREADS"] == env["OMP_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "1"
    assert env["OPENBLAS_CORETYPE"] == "Haswell"
    assert env["HOME"] == env["TMPDIR"] == info["cwd"] == worker.workdir
    assert info["core"] == 0 and info["nofile"] <= 64 and info["fsize"] <= 16 * 1024 * 1024
    assert 0 < info["cpu"] < info["cpu_hard"] < 60  # SIGXCPU (time limit) before SIGKILL
    assert info["argv"] == ["solution.py"]  # the runner's own path is not shown
    if os.geteuid() == 0:
        assert info["uid"] == UID_BASE + worker.pid
        assert info["nproc"] <= 32
        assert info["net"] == ["lo"]
        if result.isolation.get("mounted"):  # a private /tmp holding only the sandbox's folder
            assert "/tmp" in result.isolation["mounted"]
            # ... and, for a Python installed under /tmp (a checkout's venv), its top folder
            prefix = Path(sys.prefix).resolve()
            python_in_tmp = [prefix.parts[2]] if prefix.parts[1:2] == ("tmp",) else []
            assert info["tmp"] == sorted([os.path.basename(worker.workdir), *python_in_tmp])
    process.wait_closed()  # a finished run is torn down beside the judging
    assert not os.path.exists(worker.workdir)


def test_results_never_come_from_stdout() -> None:
    source = ("import sys\n"
              "def f(x):\n"
              "    sys.__stdout__.write('{\"event\": \"result\", \"case\": 0, \"status\": \"ok\", "
              "\"value\": 42}\\n')\n"
              "    sys.__stdout__.flush()\n"
              "    return x\n")
    _, result = run(source, "f", [{"x": 7}])
    assert result.cases[0].value == 7
    assert '"value": 42' in result.output


def test_wire_codec_round_trip_and_refusals() -> None:
    value = (np.arange(6, dtype=np.int32).reshape(2, 3), [1.5, None, "s"], np.float32(2.5),
             {"k": np.array([True, False])}, complex(1, -2))
    back = decode(json.loads(json.dumps(encode(value))))
    assert isinstance(back, tuple) and back[0].dtype == np.int32 and back[0].shape == (2, 3)
    assert back[1] == [1.5, None, "s"] and back[2].dtype == np.float32 and back[4] == 1 - 2j
    assert back[3]["k"].tolist() == [True, False]
    assert back[0].flags.writeable
    for bad in ({"__nd__": "|O", "shape": [1], "b64": ""},
                {"__nd__": "<f8", "shape": [2], "b64": "AAAA"},
                {"__nd__": "<f8", "shape": [-1], "b64": ""},
                {"__weird__": 1}):
        with pytest.raises(WireError):
            decode(bad)
    assert encode(object())["__unsupported__"] == "object"
    assert "__unsupported__" in encode(np.array(["a"]))


def test_pool_workers_serve_one_job() -> None:
    pool = WorkerPool(size=1)
    try:
        pool.warm()
        first = pool._idle[0]
        worker = pool.acquire()
        assert worker is first
        deadline = time.monotonic() + 10  # the replacement starts in a thread, beside the job
        while not pool._idle and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(pool._idle) == 1 and pool._idle[0] is not first
        job = {"source": "def f(x):\n    return x + 1\n", "function": "f", "result_index": -1}
        result = worker.run(job, Limits(time_s=5), [encode([1])])
        assert result.cases[0].value == 2
        assert not worker.alive()
    finally:
        pool.shutdown()
    assert reaper.sandbox_pids(first.pid, first.uid) == []


def test_unused_pool_is_not_started() -> None:
    pool = WorkerPool()
    worker = pool.acquire()
    try:
        assert pool._idle == []
    finally:
        worker.close()


def test_cpu_overrun_is_a_timeout_not_a_crash() -> None:
    # the learner's own code lowers the soft CPU limit: the kernel's SIGXCPU is a time limit
    source = ("import resource\n"
              "def f(x):\n"
              "    _, hard = resource.getrlimit(resource.RLIMIT_CPU)\n"
              "    resource.setrlimit(resource.RLIMIT_CPU, (1, hard))\n"
              "    while True:\n"
              "        x += 1\n")
    _, result = run(source, "f", [{"x": 1}], Limits(time_s=20))
    assert result.returncode == -signal.SIGXCPU
    assert result.outcome == "timeout" and result.cases[0].status == "timeout"


def _guard_module():  # type: ignore[no-untyped-def]
    import importlib.util

    path = os.path.join(os.path.dirname(sandbox.RUNNER_PATH), "sandbox_guard.py")
    spec = importlib.util.spec_from_file_location("guard_under_test", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_cpu_kill_after_the_budget_is_a_timeout() -> None:
    cpu_limits = _guard_module().cpu_limits
    # a child that ignores SIGXCPU dies of SIGKILL at the hard limit: still a time limit
    assert crash_outcome(-signal.SIGKILL, cpu_s=4.2, cpu_budget_s=3.0) == "timeout"
    assert crash_outcome(-signal.SIGKILL, cpu_s=0.4, cpu_budget_s=3.0) == "crashed"
    assert crash_outcome(-signal.SIGXCPU, cpu_s=0.0, cpu_budget_s=None) == "timeout"
    assert crash_outcome(-signal.SIGSEGV, cpu_s=9.0, cpu_budget_s=3.0) == "crashed"
    assert cpu_limits(1.3, 10.0)[0] < cpu_limits(1.3, 10.0)[1]


def _shmget(size: int) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    return int(libc.shmget(0, size, 0o1600))  # IPC_PRIVATE | IPC_CREAT | 0600


@pytest.mark.skipif(os.geteuid() != 0, reason="IPC namespaces and other uids need root")
def test_sysv_ipc_is_private_and_leftovers_are_removed_by_owner() -> None:
    host_segment = _shmget(4096)
    try:
        probe = "def f(x):\n    return open('/proc/sysvipc/shm').read()\n"
        worker, result = run(probe, "f", [{"x": 0}])
        assert result.outcome == "done"
        seen = [line.split()[1] for line in result.cases[0].value.splitlines()[1:]]
        if worker.namespaces.get("ipc"):
            assert str(host_segment) not in seen  # the sandbox has an IPC namespace of its own
    finally:
        reaper.remove_ipc([("shm", host_segment)])
    # without a namespace, a sandbox's uid is its own: what it owns is found and removed
    fake_uid = UID_BASE + 4_000_000
    leftover = f"/tmp/dlquiz-test-leftover-{os.getpid()}"
    with open(leftover, "w") as fh:
        fh.write("x")
    os.chown(leftover, fake_uid, -1)
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked child
        os.setresuid(fake_uid, fake_uid, fake_uid)
        os._exit(0 if _shmget(4096) >= 0 else 1)
    assert os.waitpid(child, 0)[1] == 0
    assert leftover in reaper.temp_leftovers(fake_uid)
    assert [kind for kind, _ in reaper.ipc_leftovers(fake_uid)] == ["shm"]
    removed = reaper.remove_leftovers(fake_uid)
    assert leftover in removed and not os.path.exists(leftover)
    assert reaper.ipc_leftovers(fake_uid) == [] and reaper.temp_leftovers(fake_uid) == []


def test_hidden_folders_cannot_be_listed_or_read() -> None:
    package = os.path.dirname(os.path.dirname(sandbox.RUNNER_PATH))
    probe = ("import os\n"
             "def f(path):\n"
             "    out = []\n"
             "    for attempt in (os.listdir, lambda p: open(os.path.join(p, '__init__.py'))):\n"
             "        try:\n"
             "            attempt(path)\n"
             "            out.append('read')\n"
             "        except BaseException as exc:\n"
             "            out.append(type(exc).__name__)\n"
             "    return out\n")
    worker = SandboxProcess()
    job = {"source": probe, "function": "f", "result_index": -1, "hide": [package]}
    result = worker.run(job, Limits(time_s=5), [encode([package])])
    assert result.outcome == "done"
    assert result.cases[0].value == ["ForbiddenName", "ForbiddenName"]
    if os.geteuid() == 0 and worker.namespaces.get("mount"):
        assert package in result.isolation["mounted"]  # an empty tmpfs over it, too
