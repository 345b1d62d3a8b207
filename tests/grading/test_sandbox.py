"""The sandbox's isolation: environment, uid, limits, network, cleanup, worker pool."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from dlquiz.grading import reaper
from dlquiz.grading.pool import WorkerPool
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
    assert 0 < info["cpu"] < 60
    if os.geteuid() == 0:
        assert info["uid"] == UID_BASE + worker.pid
        assert info["nproc"] <= 32
        assert info["net"] == ["lo"]
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
