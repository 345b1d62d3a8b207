"""grading.readiness: a worker and the next cases ready before the verdict is asked for."""

from __future__ import annotations

from dlquiz.grading import preparation, readiness
from dlquiz.grading.pool import default_pool
from dlquiz.grading.registry import bundled_exercises


def test_get_ready_starts_a_worker_and_draws_the_next_seeds_cases(monkeypatch) -> None:
    monkeypatch.setattr(readiness, "_waiting", 0)  # no other screen of this process waits
    exercise = bundled_exercises()["iou"]
    ahead = readiness.NextRun(exercise, None)
    try:
        ahead.get_ready()
        assert [w for w in default_pool()._idle if w.alive()]
        upcoming = ahead.seed
        assert any(p.seed == upcoming for p in preparation._MEMO.values())
        assert ahead.take_seed() == upcoming and ahead.seed != upcoming  # fresh cases each run
    finally:
        readiness.stand_down()
    assert not [w for w in default_pool()._idle if w.alive()]


def test_the_worker_stays_while_another_screen_still_waits(monkeypatch) -> None:
    monkeypatch.setattr(readiness, "_waiting", 0)
    exercise = bundled_exercises()["iou"]
    leaving = readiness.NextRun(exercise, None)  # the screen being closed
    coming = readiness.NextRun(exercise, None)  # "next exercise": opened before it closed
    try:
        coming.get_ready()
        readiness.stand_down()  # the old screen's unmount
        assert [w for w in default_pool()._idle if w.alive()]
    finally:
        readiness.stand_down()
    assert not [w for w in default_pool()._idle if w.alive()]
    del leaving


def test_the_memo_of_prepared_runs_stays_bounded() -> None:
    iou = bundled_exercises()["iou"]
    seeds = range(1000, 1000 + 3 * preparation.MEMO_SIZE)
    first = preparation.prepare(iou, seeds[0])
    assert preparation.prepare(iou, seeds[0]) is first  # memoised
    for seed in seeds[1:]:
        preparation.prepare(iou, seed)
    assert len(preparation._MEMO) <= preparation.MEMO_SIZE
    kept = [p.seed for p in preparation._MEMO.values()]
    assert kept == list(seeds[-len(kept):])  # the newest runs are the ones kept
    again = preparation.prepare(iou, seeds[0])  # dropped: drawn again, the same cases
    assert again is not first and again.encoded == first.encoded
