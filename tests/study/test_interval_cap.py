"""Intervals stop at MAXIMUM_INTERVAL (100 years), in the live answer and in a replay alike.

A long SM-2 streak of 5s used to overflow the due date past the year 9999
(``OverflowError`` in ``Store.answer``): SM-2 multiplies the interval by
EF >= 1.3 on every success, and a 5 raises EF. The expected SM-2 intervals
here come from the published recurrence worked by hand (1, 6, then
``round(I * EF)`` with EF before the update), not from dlquiz's code.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from dlquiz.interop.review_rows import ReviewFileError, parse_row
from dlquiz.store.database import Store
from dlquiz.store.scheduling import use_scheduler
from dlquiz.study.scheduler import MAXIMUM_INTERVAL

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
KEY = "deck/streak"


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def capped_sm2_intervals(n: int, cap: int) -> tuple[list[int], int]:
    """SM-2 intervals after n answers of quality 5 (EF +0.1 each), each capped at ``cap``,
    and the answer at which the published (uncapped) interval first exceeded it."""
    out, interval, ef, first_over = [], 0, Decimal("2.5"), -1
    for rep in range(n):
        interval = 1 if rep == 0 else 6 if rep == 1 else int(
            (interval * ef).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if interval > cap and first_over < 0:
            first_over = rep
        interval = min(interval, cap)
        ef += Decimal("0.1")
        out.append(interval)
    return out, first_over


def streak(store: Store, n: int) -> None:
    """n answers of 5, one per day (a streak no scheduler would show, so the cap is reached)."""
    for i in range(n):
        store.answer(KEY, 5, grade="easy", graded_by="self", duration_s=1.0,
                     now=T0 + timedelta(days=i))


def states(store: Store) -> list[tuple]:
    return store.query("SELECT * FROM card_state ORDER BY item_key")


@pytest.mark.parametrize("spec", [{"scheduler": "sm2", "fuzz": False},
                                  {"scheduler": "sm2", "fuzz": True},
                                  {"scheduler": "fsrs", "desired_retention": 0.9, "fuzz": True}],
                         ids=["sm2", "sm2-fuzz", "fsrs"])
def test_a_long_streak_of_fives_is_capped_and_replays_exactly(tmp_path: Path,
                                                               spec: dict) -> None:
    n = 60
    with Store.open(tmp_path / "db.sqlite3") as store:
        use_scheduler(store, spec)
        streak(store, n)  # raised OverflowError at the 9th-10th answer before the cap
        rows = store.query("SELECT study_day, interval_after, due_after FROM reviews "
                           "ORDER BY reviewed_at")
        assert len(rows) == n
        for day, interval, due in rows:
            assert 1 <= interval <= MAXIMUM_INTERVAL
            gap = (date.fromisoformat(due) - date.fromisoformat(day)).days
            assert 1 <= gap <= MAXIMUM_INTERVAL
        live = states(store)
        store.rebuild()
        assert states(store) == live  # the replay applies the same cap
    if spec["scheduler"] == "sm2":
        expected, first_over = capped_sm2_intervals(n, MAXIMUM_INTERVAL)
        assert [r[1] for r in rows] == expected
        assert 0 < first_over < 20 and rows[-1][1] == MAXIMUM_INTERVAL
        if not spec["fuzz"]:
            assert rows[-1][2] == (T0.date() + timedelta(days=n - 1 + MAXIMUM_INTERVAL)).isoformat()


def test_switching_schedulers_after_a_capped_streak_gives_back_the_states(tmp_path: Path) -> None:
    sm2 = {"scheduler": "sm2", "fuzz": True}
    with Store.open(tmp_path / "db.sqlite3") as store:
        use_scheduler(store, sm2)
        streak(store, 40)
        before = states(store)
        use_scheduler(store, {"scheduler": "fsrs", "desired_retention": 0.9, "fuzz": True})
        use_scheduler(store, sm2)
        assert states(store) == before


def far_row(**changes: object) -> dict:
    row = {"id": "far1", "item_key": KEY, "reviewed_at": "9999-12-30T12:00:00+00:00",
           "study_day": "9999-12-31", "grade": "easy", "quality": 5, "interval_before": 0,
           "interval_after": 1, "easiness_before": 2.5, "easiness_after": 2.6,
           "repetitions_before": 0, "repetitions_after": 1, "due_before": "",
           "due_after": "", "duration_s": 1.0, "graded_by": "self", "scheduled": 1,
           "drawn": ""}
    row.update(changes)
    return row


def test_a_study_day_no_interval_can_follow_is_refused_even_with_allow_future() -> None:
    with pytest.raises(ReviewFileError) as info:
        parse_row(far_row(), "r.csv:2", now=T0, allow_future=True)
    assert info.value.message.startswith("r.csv:2: study_day: 9999-12-31 is too far in the future")
    assert "36,500 days" in info.value.message
    # The last day that leaves room for the longest interval is still accepted.
    last = date(9999, 12, 31) - timedelta(days=MAXIMUM_INTERVAL)
    review, day = parse_row(far_row(reviewed_at=f"{last}T12:00:00+00:00", study_day=str(last)),
                            "r.csv:2", now=T0, allow_future=True)
    assert day == str(last)


def test_importing_the_far_row_writes_nothing(tmp_path: Path) -> None:
    from dlquiz.interop.reviews import import_reviews

    path = tmp_path / "far.json"
    path.write_text(json.dumps({"format": "dlquiz-reviews", "version": 1,
                                "reviews": [far_row()]}), encoding="utf-8")
    with Store.open(tmp_path / "db.sqlite3") as store:
        streak(store, 3)
        before = (store.query("SELECT * FROM reviews ORDER BY id"), states(store))
        with pytest.raises(ReviewFileError, match="too far in the future"):
            import_reviews(store, path, allow_future=True)
        assert (store.query("SELECT * FROM reviews ORDER BY id"), states(store)) == before
