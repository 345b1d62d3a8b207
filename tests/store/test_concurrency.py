"""Two processes answering at once: nothing lost, no "database is locked"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dlquiz.store.database import Store

WORKER = """
import sys
from dlquiz.store.database import Store
store = Store.open(sys.argv[1])
tag = sys.argv[2]
for n in range(150):
    # both workers hit the same ten items, so they contend for the same rows
    r = store.answer(f"d/c{n % 10}", 4 if n % 3 else 2, grade=tag, graded_by="auto", duration_s=0)
    print(r.id, flush=True)
"""


def test_two_writers_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    Store.open(db).close()  # created once; the race is about answering, not creating
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(db), tag],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for tag in ("a", "b")
    ]  # fmt: skip
    outputs = [w.communicate(timeout=120) for w in workers]
    for worker, (_, err) in zip(workers, outputs):
        assert worker.returncode == 0, err
        assert "locked" not in err
    ids = {line for out, _ in outputs for line in out.split()}
    assert len(ids) == 300
    with Store.open(db) as store:
        assert {r.id for r in store.reviews()} == ids
        states = list(store.states())
        store.rebuild()  # every step was read-modify-written inside its own transaction
        assert list(store.states()) == states


def test_two_processes_creating_the_database_at_once(tmp_path: Path) -> None:
    db = tmp_path / "fresh" / "db.sqlite3"
    code = "import sys; from dlquiz.store.database import Store; Store.open(sys.argv[1]).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db)], stderr=subprocess.PIPE, text=True)
             for _ in range(3)]  # fmt: skip
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    with Store.open(db) as store:
        assert store.integrity_check() == []
