"""A child answering in a loop is SIGKILLed at random moments; nothing it reported is lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlquiz.store.database import Store

CHILD = """
import sys
from dlquiz.store.database import Store
store = Store.open(sys.argv[1])
n = 0
while True:
    r = store.answer(f"d/c{n % 50}", n % 6, grade="g", graded_by="auto", duration_s=0.1)
    print(r.id, flush=True)
    n += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_never_loses_a_reported_review(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    rng = random.Random(1234)
    reported: list[str] = []
    for _ in range(5):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        first = child.stdout.readline().strip()  # wait until it is really answering
        reported.append(first)
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(child.pid, signal.SIGKILL)
        reported += [line.strip() for line in child.stdout if line.strip()]
        child.wait()
    with Store.open(db) as store:
        logged = {r.id for r in store.reviews()}
        assert store.integrity_check() == []
        assert set(reported) <= logged
        # the states still agree with the log after all those kills
        states = list(store.states())
        store.rebuild()
        assert list(store.states()) == states
    assert len(reported) > 5
