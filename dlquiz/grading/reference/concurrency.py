"""A thread-safe bounded buffer, a producer-consumer pipeline, and its checker.

Contract of ``run_pipeline(capacity, items, n_producers, n_consumers)``:

* ``BoundedBuffer(capacity)``: FIFO; ``put`` blocks while ``capacity`` items
  are stored, ``get`` blocks while none is; both wait on a
  :class:`threading.Condition` in a ``while`` loop (never ``if``: another
  thread may take the slot between the notify and the wake-up).
* Producer ``p`` (0-based) puts ``items[p::n_producers]`` in that order.
  After every producer has been joined, the main thread puts one sentinel
  ``None`` per consumer; a consumer stops at the first ``None`` it gets (test
  ``item is None``: 0 is a valid item).
* Returns ``(taken, max_occupancy)``: ``taken`` lists the non-sentinel items in
  the order ``get`` removed them (appended under the buffer's lock), and
  ``max_occupancy`` is the most items (sentinels included) the buffer held,
  recorded under the lock right after each put.

The outcome is not deterministic, so :func:`check_pipeline` ignores the
reference's own run and checks what must hold for *every* interleaving:
``taken`` is a permutation of ``items``; each producer's items come out in the
order it put them (items are distinct, and the buffer is FIFO); and
``1 <= max_occupancy <= capacity`` (exactly 1 when ``capacity`` is 1). It cannot
prove the absence of a race: a missing lock or an ``if`` instead of ``while``
may go unseen on a lucky run, and a deadlock shows up as a time limit.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from dlquiz.grading.case import Case
from dlquiz.grading.checkers import CheckResult, describe, summarize


class BoundedBuffer:
    """FIFO of at most ``capacity`` items; one lock, two conditions (not full / not empty)."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be >= 1, got {capacity}")
        self.capacity = capacity
        self._items: deque[Any] = deque()
        self._lock = threading.Lock()
        self._not_full = threading.Condition(self._lock)
        self._not_empty = threading.Condition(self._lock)
        self.taken: list[Any] = []
        self.max_occupancy = 0

    def put(self, item: Any) -> None:
        with self._not_full:
            while len(self._items) >= self.capacity:
                self._not_full.wait()
            self._items.append(item)
            self.max_occupancy = max(self.max_occupancy, len(self._items))
            self._not_empty.notify()

    def get(self) -> Any:
        with self._not_empty:
            while not self._items:
                self._not_empty.wait()
            item = self._items.popleft()
            if item is not None:
                self.taken.append(item)
            self._not_full.notify()
            return item


def run_pipeline(capacity: int, items: Sequence[Any], n_producers: int,
                 n_consumers: int) -> tuple[list[Any], int]:
    """Run producers and consumers on real threads; return ``(taken, max_occupancy)``."""
    if n_producers < 1 or n_consumers < 1:
        raise ValueError("need at least one producer and one consumer")
    buf = BoundedBuffer(capacity)
    values = list(items)

    def produce(p: int) -> None:
        for item in values[p::n_producers]:
            buf.put(item)

    def consume() -> None:
        while buf.get() is not None:
            pass

    consumers = [threading.Thread(target=consume) for _ in range(n_consumers)]
    producers = [threading.Thread(target=produce, args=(p,)) for p in range(n_producers)]
    for t in consumers + producers:
        t.start()
    for t in producers:
        t.join()
    for _ in consumers:
        buf.put(None)
    for t in consumers:
        t.join()
    return list(buf.taken), buf.max_occupancy


def _as_items(value: Any) -> list[Any] | None:
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return [v.item() for v in value]
    if isinstance(value, (list, tuple)):
        return [v.item() if isinstance(v, np.generic) else v for v in value]
    return None


def check_pipeline(options: Mapping[str, Any], expected: Any, got: Any, case: Case) -> CheckResult:
    """What every correct interleaving satisfies (see the module docstring)."""
    args = case.args
    items = [int(v) for v in args["items"]]
    capacity, n_prod = int(args["capacity"]), int(args["n_producers"])
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return CheckResult(False, f"expected a tuple (taken, max_occupancy), got {describe(got)}")
    taken = _as_items(got[0])
    if taken is None:
        return CheckResult(False, f"taken: expected a list of items, got {describe(got[0])}")
    if any(v is None for v in taken):
        return CheckResult(False, "taken contains None: the sentinels must not be counted as items")
    if sorted(map(int, taken)) != sorted(items):
        missing = sorted(set(items) - set(map(int, taken)))
        extra = len(taken) - len(items)
        why = f"missing {summarize(missing)}" if missing else f"{extra} item(s) too many"
        return CheckResult(False, f"taken is not a permutation of items ({len(taken)} taken, "
                                  f"{len(items)} produced): {why}")
    position = {int(v): i for i, v in enumerate(taken)}
    for p in range(n_prod):
        own = items[p::n_prod]
        for a, b in pairwise(own):
            if position[a] > position[b]:
                return CheckResult(False, f"producer {p} put {a} before {b}, but {b} was taken "
                                          "first: the buffer must be FIFO")
    occ = got[1]
    if isinstance(occ, np.generic):
        occ = occ.item()
    if isinstance(occ, bool) or not isinstance(occ, int):
        return CheckResult(False, f"max_occupancy: expected an int, got {describe(got[1])}")
    if occ > capacity:
        return CheckResult(False, f"max_occupancy {occ} > capacity {capacity}: put must block "
                                  "while the buffer is full")
    if occ < 1:
        return CheckResult(False, f"max_occupancy {occ}: every put leaves at least one item in "
                                  "the buffer; record the size after appending")
    return CheckResult(True)
