"""Core benchmark: today's queue and one answer over 100,000 items and 1,000,000 reviews.

Run: ``python bench/bench_core.py [--items N] [--reviews N]``. Everything lives in
a temp dir. Each figure is printed next to a baseline measured in the same run
on the same database, so the ratio says what dlquiz adds on this machine:

* queue (cold): a fresh connection builds today's session (limits, due list,
  new cards by per-deck runs, see dlquiz.study.newcards) -- baseline: a bare
  ``SELECT item_key FROM card_state``;
* queue (warm): a second session on the same connection (decks found all
  reviewed are remembered);
* queue (cold), previous method: the same queue with new cards found by reading
  every reviewed key into a set and walking the items (what dlquiz did before
  the per-deck runs), for a before/after ratio on the same database;
* deck counts (cold): ``queue_counts`` (due and new per deck, the home screen
  and ``dlquiz decks list``) on a fresh connection, next to the previous method;
* answer: ``Store.answer`` (read state, SM-2, log row + state in one
  transaction) -- baseline: a bare INSERT of one review row in a transaction.

The review log is synthetic (bulk-inserted rows with plausible values, states
generated directly) because replaying a million SM-2 steps is not what is being
measured. Targets: queue <= 20 ms, answer <= 5 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from dlquiz.model import Card
from dlquiz.store.database import Store
from dlquiz.study import session as session_module
from dlquiz.study.session import (
    ItemIndex,
    SchedulingConfig,
    StudySession,
    queue_counts,
)

TARGET_QUEUE_MS = 20.0
TARGET_ANSWER_MS = 5.0
NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn`` in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def build(db: Path, n_items: int, n_reviews: int, reviewed_share: float) -> list[Card]:
    rng = random.Random(0)
    cards = [Card(f"deck{i // 1000:03d}", f"card-{i:06d}", "basic", ("arch.conv",)) for i in range(n_items)]
    reviewed = [c.key for c in cards[: int(n_items * reviewed_share)]]  # introduced in deck order
    today = NOW.date()
    with Store.open(db) as store:
        con = store.connection
        con.execute("BEGIN")
        rows = []
        for n in range(n_reviews):
            key = reviewed[n % len(reviewed)]
            day = today - timedelta(days=rng.randint(1, 700))
            q = rng.choice((1, 3, 4, 4, 4, 5))
            rows.append((
                f"{n:032x}", key,
                f"{day.isoformat()}T10:00:00.000000+00:00", day.isoformat(), "good", q,
                6, 15, 2.5, 2.5, 2, 3, day.isoformat(), (day + timedelta(days=15)).isoformat(),
                3.0, "self", 1, None,
            ))  # fmt: skip
            if len(rows) == 50_000:
                con.executemany(f"INSERT INTO reviews VALUES ({','.join('?' * 18)})", rows)
                rows.clear()
        con.executemany(f"INSERT INTO reviews VALUES ({','.join('?' * 18)})", rows)
        con.executemany(
            "INSERT INTO card_state (item_key, repetitions, interval, easiness, due, last_reviewed, lapses, suspended, buried_until, introduced_on) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, ?)",
            (
                (key, 3, 15, 2.5, (today + timedelta(days=rng.randint(-30, 60))).isoformat(),
                 "2024-05-01T10:00:00.000000+00:00", 0, "2023-01-01")
                for key in reviewed
            ),
        )  # fmt: skip
        con.execute("COMMIT")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("ANALYZE")
    return cards


def previous_review_queue(
    store: Store, index: ItemIndex, today: date, config: SchedulingConfig, rng: random.Random
) -> list[Any]:
    """The review queue as built before dlquiz.study.newcards: every reviewed key read into a set."""
    day = today.isoformat()
    reviews_left, new_left = session_module.limits_left(store, day, config)
    by_key = index.by_key
    due = session_module._due_keys(store, index, day, reviews_left, rng)
    entries = [session_module._Entry(by_key[k], "due") for k in due]
    if new_left:
        known, hidden = store.known_keys(), store.hidden_keys(day)
        for key in index.keys:
            if key not in known and key not in hidden:
                entries.append(session_module._Entry(by_key[key], "new"))
                new_left -= 1
                if not new_left:
                    break
    return entries


def previous_queue_counts(
    store: Store, index: ItemIndex, today: date, config: SchedulingConfig
) -> dict[str, tuple[int, int]]:
    """queue_counts as built before dlquiz.study.newcards: every reviewed and due key, every item walked."""
    day = today.isoformat()
    reviews_left, new_left = session_module.limits_left(store, day, config)
    known, hidden = store.known_keys(), store.hidden_keys(day)
    due_keys = {k for k, _ in store.due_keys(day)}
    counts: dict[str, list[int]] = {}
    for key in index.keys:
        pair = counts.setdefault(key.split("/", 1)[0], [0, 0])
        if key in due_keys:
            pair[0] += 1
        elif key not in known and key not in hidden:
            pair[1] += 1
    return {deck: (min(d, reviews_left), min(n, new_left)) for deck, (d, n) in counts.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        t0 = time.perf_counter()
        cards = build(db, args.items, args.reviews, reviewed_share=0.6)
        print(f"built {args.items:,} items and {args.reviews:,} reviews in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        items = [c.items()[0] for c in cards]
        index = ItemIndex(items)
        index_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        runs = index.runs
        runs_ms = (time.perf_counter() - t0) * 1000
        print(f"item index over {len(index):,} items: {index_ms:.1f} ms, + {len(runs)} deck runs"
              f" {runs_ms:.1f} ms (both once per deck load)")

        store = Store.open(db)
        base_select = timed(lambda: store.connection.execute("SELECT item_key FROM card_state").fetchall(), args.repeat)

        def cold_queue() -> None:
            fresh = Store.open(db)
            StudySession.build(index, fresh, now=NOW, seed=1)
            fresh.close()

        def open_only() -> None:
            Store.open(db).close()

        current = session_module._review_queue
        opened = timed(open_only, args.repeat)
        cold = timed(cold_queue, args.repeat) - opened
        session_module._review_queue = previous_review_queue
        try:
            previous = StudySession.build(index, store, now=NOW, seed=1)
            cold_previous = timed(cold_queue, args.repeat) - opened
        finally:
            session_module._review_queue = current
        def cold_counts(method: Callable[..., object]) -> Callable[[], None]:
            def run() -> None:
                fresh = Store.open(db)
                method(fresh, index, NOW.date(), SchedulingConfig())
                fresh.close()

            return run

        counts_new = timed(cold_counts(queue_counts), args.repeat) - opened
        counts_previous = timed(cold_counts(previous_queue_counts), args.repeat) - opened
        if queue_counts(store, index, NOW.date(), SchedulingConfig()) != previous_queue_counts(
            store, index, NOW.date(), SchedulingConfig()
        ):
            raise SystemExit("the previous method counted differently")
        StudySession.build(index, store, now=NOW, seed=1)
        warm = timed(lambda: StudySession.build(index, store, now=NOW, seed=1), args.repeat)
        session = StudySession.build(index, store, now=NOW, seed=1)
        queue_len = len(session.queue)
        if [(e.kind, e.item.key) for e in session.queue] != [(e.kind, e.item.key) for e in previous.queue]:
            raise SystemExit("the previous method built a different queue")

        con = store.connection
        counter = iter(range(10**9))

        def bare_insert() -> None:
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                f"INSERT INTO reviews VALUES ({','.join('?' * 18)})",
                (uuid.uuid4().hex, f"bench/x{next(counter)}", NOW.isoformat(), "2024-06-01", "good",
                 4, 0, 1, 2.5, 2.5, 0, 1, None, "2024-06-02", 1.0, "self", 1, None),
            )  # fmt: skip
            con.execute("COMMIT")

        keys = iter(index.keys)
        base_insert = timed(bare_insert, args.repeat * 10)

        def one_answer() -> None:
            store.answer(next(keys), 4, grade="good", graded_by="self", duration_s=2.0, now=NOW)

        answer = timed(one_answer, args.repeat * 10)
        store.close()

    rows: list[tuple[str, float, str, float, float | None]] = [
        ("today's queue, cold", cold, "bare SELECT over card_state", base_select, TARGET_QUEUE_MS),
        ("today's queue, warm", warm, "bare SELECT over card_state", base_select, TARGET_QUEUE_MS),
        ("queue, cold, previous", cold_previous, "bare SELECT over card_state", base_select, TARGET_QUEUE_MS),
        ("deck counts, cold", counts_new, "bare SELECT over card_state", base_select, None),
        ("counts, cold, previous", counts_previous, "bare SELECT over card_state", base_select, None),
        ("one answer", answer, "bare INSERT in a transaction", base_insert, TARGET_ANSWER_MS),
    ]
    print(f"\nqueue: {queue_len} cards (due capped at 200 + 20 new); medians of {args.repeat}+ runs\n")
    print(f"{'measure':<22}{'ms':>8}  {'baseline':<30}{'ms':>8}{'ratio':>8}{'target':>9}  ok")
    for name, ms, base_name, base_ms, target in rows:
        ok = "-" if target is None else "yes" if ms <= target else "NO"
        goal = "-" if target is None else f"{target:.0f}ms"
        print(f"{name:<22}{ms:>8.2f}  {base_name:<30}{base_ms:>8.2f}{ms / base_ms:>7.2f}x{goal:>9}  {ok}")
    print(f"\ncold queue: {cold_previous / cold:.1f}x faster than the previous method (same queue, same run)")
    print(f"cold deck counts: {counts_previous / counts_new:.1f}x faster than the previous method (same counts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
