"""Review import at scale: ``dlquiz import reviews`` of 1,000,000 rows next to a bare executemany.

In one run and one temp dir, for each format (CSV, JSON):

* **dlquiz**: the real command as a subprocess (``dlquiz --data-dir D import
  reviews FILE``), wall clock: interpreter start, reading, validating every
  row, writing rows and rebuilt card states in one transaction;
* **baseline**: a bare ``sqlite3`` ``executemany`` of the same rows (already
  parsed, as tuples) into a fresh database with the same schema, in one
  transaction, in this process: the floor for "write these rows".

Prints both times, the ratio (the baseline is run just before and just after
the command and averaged, so a change of machine load hits both) and the
command's own peak RSS. The rows are realistic: 200,000 items with
5 reviews each, spread over two years, every field filled as ``dlquiz export
reviews`` writes it. (With 17 mostly-passed reviews per item the SM-2 replay
runs past the year 9999 and the import is refused, rolled back whole.)

    python bench/bench_import.py              # 1,000,000 rows, CSV and JSON
    python bench/bench_import.py --rows 100000 --formats csv
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dlquiz.store.database import REVIEW_COLUMNS, Store


def make_rows(n: int, items: int = 200_000, seed: int = 1) -> list[tuple[object, ...]]:
    """``n`` review rows in the column order of the ``reviews`` table, oldest first."""
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(days=730)
    step = timedelta(days=720) / n
    rows = []
    for i in range(n):
        at = start + step * i
        day = (at - timedelta(hours=4)).date()
        quality = rng.choice((1, 3, 4, 4, 4, 5))
        before = rng.randrange(0, 60)
        after = 1 if quality < 3 else max(1, round(before * 2.5))
        rows.append((
            f"{i:032x}", f"deck{i % items // 1000:03d}/card-{i % items:06d}",
            at.isoformat(timespec="microseconds"), day.isoformat(),
            {1: "again", 3: "hard", 4: "good", 5: "easy"}[quality],
            quality, before, after, 2.5, 2.5 + (quality - 4) * 0.1, 3, 4,
            (day + timedelta(days=before)).isoformat() if before else None,
            (day + timedelta(days=after)).isoformat(), round(rng.uniform(1, 30), 3), "self", 1,
            None,
        ))
    return rows


def write_csv(rows: list[tuple[object, ...]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REVIEW_COLUMNS)
        writer.writerows(rows)


def write_json(rows: list[tuple[object, ...]], path: Path) -> None:
    payload = {"format": "dlquiz-reviews", "version": 1,
               "reviews": [dict(zip(REVIEW_COLUMNS, r)) for r in rows]}
    with path.open("w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=1)


def baseline(rows: list[tuple[object, ...]], folder: Path) -> float:
    """A bare executemany of the same rows into the same schema, one transaction."""
    db = folder / "baseline.sqlite3"
    for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        leftover.unlink(missing_ok=True)  # a fresh database each time
    Store.open(db).close()  # the schema, indexes and pragmas dlquiz uses
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    start = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.executemany(f"INSERT INTO reviews VALUES ({', '.join('?' * len(REVIEW_COLUMNS))})", rows)
    con.execute("COMMIT")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def run_dlquiz(path: Path, folder: Path) -> tuple[float, float, str]:
    """Wall time and peak RSS (MB) of the real command, and what it left in the database.

    The peak is this child's own (``os.wait4``), not the largest child so far.
    """
    home = folder / f"home-{path.suffix[1:]}"
    command = [shutil.which("dlquiz") or "dlquiz", "--data-dir", str(home), "import", "reviews",
               str(path)]
    errors = folder / "stderr.txt"
    with errors.open("w") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage
        elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"dlquiz import failed ({child.returncode}): {errors.read_text().strip()}")
    peak_mb = usage.ru_maxrss / 1024
    with Store.open(home / "dlquiz.sqlite3") as store:
        count = store.review_count()
        states = int(store.query("SELECT count(*) FROM card_state")[0][0])
    return elapsed, peak_mb, f"{count:,} reviews, {states:,} card states"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--formats", default="csv,json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = make_rows(args.rows)
        print(f"rows: {args.rows:,}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        for fmt in args.formats.split(","):
            path = folder / f"reviews.{fmt}"
            (write_csv if fmt == "csv" else write_json)(rows, path)
            size = path.stat().st_size / 1e6
            before = baseline(rows, folder)  # measured on each side of the command, same run
            elapsed, peak_mb, what = run_dlquiz(path, folder)
            after = baseline(rows, folder)
            base = (before + after) / 2
            print(f"baseline, bare executemany in one transaction: {before:6.2f} s / {after:6.2f} s")
            print(f"dlquiz import reviews ({fmt}, {size:.0f} MB, subprocess): {elapsed:8.2f} s  "
                  f"= {elapsed / base:5.1f}x baseline, peak RSS {peak_mb:,.0f} MB  [{what}]")
            path.unlink()


if __name__ == "__main__":
    main()
