"""Scheduler benchmark: ``evaluate`` and a full replay on a 1,000,000-review log.

Run: ``python bench/bench_scheduler.py [--reviews N]``. Everything lives in a temp
dir. The log comes from :func:`dlquiz.study.simulate.synthetic_log` (a learner
whose memory is FSRS-6, reviewing on SM-2's schedule), written straight into
the ``reviews`` table. Each figure is printed next to a baseline measured in the
same run on the same database:

* baseline: a bare ``SELECT * FROM reviews`` of the whole log (fetch every row);
* ``evaluate``: read the scheduled log in time order, replay it three times
  (SM-2, FSRS default, FSRS with given parameters: the defaults nudged, as
  fitted ones would be) and score every test review (no fitting: py-fsrs's
  optimizer is timed separately, on a part of the log, because it is PyTorch
  code and not what a replay costs);
* replay: ``Store.rebuild`` under SM-2, then under FSRS (what a scheduler switch
  and ``dlquiz db rebuild`` do): read the log, step every review, write every
  card state, in one transaction.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dlquiz.store.database import REVIEW_COLUMNS, Store
from dlquiz.store.scheduling import use_scheduler
from dlquiz.study.evaluate import LOG_QUERY, evaluate
from dlquiz.study.fsrs_scheduler import FSRSScheduler
from dlquiz.study.simulate import synthetic_log


def build(path: Path, reviews: int) -> int:
    """A log of about ``reviews`` rows (items scale with the target; 400 study days)."""
    items = max(50, reviews // 10)
    log = synthetic_log(items, 400, seed=11)[:reviews]
    rows = []
    for n, r in enumerate(log):
        at = datetime.fromisoformat(r.day).replace(hour=12, tzinfo=UTC) + timedelta(microseconds=n % 10**6)
        rows.append((uuid.uuid4().hex, r.item_key, at.isoformat(timespec="microseconds"), r.day, "g", r.quality,
                     0, 0, 2.5, 2.5, 0, 0, None, None, 1.0, "self", 1, None))  # fmt: skip
    with Store.open(path) as store, store.transaction():
        store.connection.executemany(
            f"INSERT INTO reviews VALUES ({', '.join('?' * len(REVIEW_COLUMNS))})", rows)
    return len(rows)


def seconds(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--fit-reviews", type=int, default=5_000, help="log size for the optimizer timing")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        made = seconds(lambda: build(path, args.reviews))
        with Store.open(path) as store:
            n = store.review_count()
            print(f"log: {n} reviews, built in {made:.1f} s")
            bare = seconds(lambda: store.query("SELECT * FROM reviews"))
            ordered = seconds(lambda: store.query(LOG_QUERY))
            log = store.query(LOG_QUERY)
            result: list[object] = []
            given = tuple(p * 1.05 if i < 4 else p for i, p in enumerate(FSRSScheduler().parameters))
            ev = seconds(lambda: result.append(evaluate(store.query(LOG_QUERY), fitted=given)))
            sm2 = seconds(lambda: use_scheduler(store, {"scheduler": "sm2", "fuzz": True}))
            fsrs = seconds(lambda: use_scheduler(store, {"scheduler": "fsrs", "fuzz": True}))
            states = store.query("SELECT count(*) FROM card_state")[0][0]
        rows = [
            ("bare SELECT * FROM reviews (baseline)", bare),
            ("the scheduled log in time order (evaluate's read)", ordered),
            ("evaluate: SM-2 + FSRS default + FSRS given, scored", ev),
            (f"replay under SM-2 (rebuild, {states} states)", sm2),
            ("replay under FSRS (rebuild)", fsrs),
        ]
        print(f"{'measure':<52}{'s':>8}{'x baseline':>12}")
        for label, value in rows:
            print(f"{label:<52}{value:8.2f}{value / bare:12.1f}")
        evaluation = result[0]
        for m in evaluation.models:  # type: ignore[attr-defined]
            print(f"  {m.model:<13} log loss {m.log_loss:.4f}  RMSE(bins) {m.rmse_bins:.4f}  ({m.reviews} scored)")
        from dlquiz.study.optimize import fit_parameters, optimizer_available

        if optimizer_available():
            part = log[: args.fit_reviews]
            fit = seconds(lambda: fit_parameters(part))
            print(f"optimizer (py-fsrs, torch) on the first {len(part)} reviews: {fit:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
