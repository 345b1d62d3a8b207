"""Reset: the schedule is forgotten, the history kept, and every replay of the log agrees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dlquiz.store.database import Store
from dlquiz.store.resets import reset_item, reset_time
from dlquiz.store.verify import check_replay

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _answer(store: Store, key: str, quality: int, day: float) -> None:
    store.answer(key, quality, grade="g", graded_by="self", duration_s=1.0,
                 now=T0 + timedelta(days=day))


def test_reset_forgets_the_schedule_and_keeps_the_history(tmp_path) -> None:
    with Store.open(tmp_path / "db.sqlite3") as store:
        for day in (0, 1, 7):
            _answer(store, "d/a", 5, day)
        _answer(store, "d/b", 4, 0)
        store.set_suspended("d/a", True)
        before_b = store.state("d/b")
        state = reset_item(store, "d/a", now=T0 + timedelta(days=8))
        assert state.is_new and state.suspended  # the flag is the learner's choice: kept
        assert store.state("d/a") == state
        assert len(list(store.reviews("d/a"))) == 3
        assert reset_time(store, "d/a") == "2025-03-09T12:00:00.000000+00:00"
        assert "d/a" not in store.known_keys()  # new again for the queue
        store.rebuild()  # a replay of the log reproduces the reset
        assert store.state("d/a").is_new and store.state("d/a").suspended
        assert store.state("d/b") == before_b
        assert check_replay(store).ok


def test_answers_after_a_reset_start_from_a_new_card(tmp_path) -> None:
    with Store.open(tmp_path / "a.sqlite3") as fresh:
        _answer(fresh, "d/a", 3, 10)  # what a never-seen card gets from one answer on day 10
        expected = fresh.state("d/a")
    with Store.open(tmp_path / "b.sqlite3") as store:
        for day in (0, 1, 7):
            _answer(store, "d/a", 5, day)
        reset_item(store, "d/a", now=T0 + timedelta(days=9))
        _answer(store, "d/a", 3, 10)
        assert store.state("d/a") == expected
        store.rebuild()
        assert store.state("d/a") == expected
        assert check_replay(store).ok
        store.undo_last()  # undo replays the item: back to new, not to the old schedule
        assert store.state("d/a").is_new


def test_the_scheduler_fit_and_evaluation_leave_out_reviews_before_a_reset(tmp_path) -> None:
    from dlquiz.study.evaluate import LOG_QUERY

    with Store.open(tmp_path / "e.sqlite3") as store:
        for day in (0, 1, 7):
            _answer(store, "d/a", 5, day)
        _answer(store, "d/b", 4, 2)
        reset_item(store, "d/a", now=T0 + timedelta(days=8))
        _answer(store, "d/a", 2, 9)
        rows = [(key, quality) for key, _, quality in store.query(LOG_QUERY)]
    # d/a's three answers before its reset are history, not what the learner knows now
    assert rows == [("d/b", 4), ("d/a", 2)]
