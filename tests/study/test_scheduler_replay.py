"""Switching scheduler replays the log: SM-2 -> FSRS -> SM-2 gives back every state.

Also: the live FSRS path equals a replay and equals py-fsrs driven directly; the
recorded scheduler survives reopening; an old database (no record) is SM-2
without fuzz; ``db rebuild`` and ``scheduler use`` go through the same replay.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card as FCard
from fsrs import Rating, Scheduler

from dlquiz.cli import main
from dlquiz.store.database import Store
from dlquiz.store.scheduling import recorded_spec, use_scheduler
from dlquiz.study.scheduler import rating_of

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
FSRS = {"scheduler": "fsrs", "desired_retention": 0.9, "fuzz": True}
SM2 = {"scheduler": "sm2", "fuzz": True}


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def fill(store: Store, n_items: int = 30, n_reviews: int = 400, seed: int = 1) -> None:
    rng = random.Random(seed)
    moment = T0
    for _ in range(n_reviews):
        moment += timedelta(hours=rng.randint(1, 40))
        key = f"d/c{rng.randrange(n_items):02d}"
        store.answer(key, rng.choice([1, 3, 4, 4, 4, 5, 2, 0]), grade="g", graded_by="self",
                     duration_s=1, now=moment, scheduled=rng.random() > 0.1)  # fmt: skip
    store.set_suspended("d/c03", True)
    store.bury("d/c04", "2030-01-01")


def snapshot(store: Store) -> list[tuple]:
    return store.query("SELECT * FROM card_state ORDER BY item_key")


def test_sm2_fsrs_sm2_gives_back_every_state(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite3") as store:
        assert use_scheduler(store, SM2)
        fill(store)
        before = snapshot(store)
        assert use_scheduler(store, FSRS)
        during = snapshot(store)
        assert during != before
        assert all(row[10] is not None for row in during if row[5] is not None)  # stabilities
        assert use_scheduler(store, SM2)
        assert snapshot(store) == before
        # the flags are choices, not answers: kept through both replays
        assert store.state("d/c03").suspended and store.state("d/c04").buried_until == "2030-01-01"


def test_live_fsrs_answers_equal_a_replay(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite3") as store:
        use_scheduler(store, FSRS)
        fill(store, seed=2)
        live = snapshot(store)
        store.rebuild()
        assert snapshot(store) == live


def test_undo_under_fsrs_restores_the_state(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite3") as store:
        use_scheduler(store, FSRS)
        fill(store, n_reviews=50, seed=3)
        before = store.state("d/c01")
        review = store.answer("d/c01", 1, grade="again", graded_by="self", duration_s=1,
                              now=T0 + timedelta(days=200))  # fmt: skip
        assert store.state("d/c01") != before
        store.undo_review(review.id)
        assert store.state("d/c01") == before


def test_store_intervals_equal_py_fsrs_directly(tmp_path: Path) -> None:
    """Answers through the store (no fuzz) give py-fsrs's intervals for the same ratings."""
    qualities = [4, 4, 1, 3, 4, 5, 4, 1, 4, 4]
    engine = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card = FCard(card_id=1, due=datetime(2025, 3, 1, tzinfo=UTC))
    with Store.open(tmp_path / "db.sqlite3") as store:
        use_scheduler(store, {**FSRS, "fuzz": False})
        moment = T0
        for quality in qualities:
            day = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
            card, _ = engine.review_card(card, Rating(rating_of(quality)), day)
            review = store.answer("d/x", quality, grade="g", graded_by="self", duration_s=1, now=moment)
            assert review.interval_after == (card.due - day).days
            assert store.state("d/x").stability == pytest.approx(card.stability, rel=1e-12)
            moment = moment + timedelta(days=review.interval_after + 1)


def test_recorded_scheduler_survives_reopening_and_old_databases_are_sm2(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with Store.open(path) as store:
        assert recorded_spec(store) is None and store.scheduler.spec() == {"scheduler": "sm2", "fuzz": False}
        store.answer("d/a", 5, grade="g", graded_by="self", duration_s=1, now=T0)
        assert store.state("d/a").last_day == "2025-03-01"
        use_scheduler(store, FSRS)
        assert not use_scheduler(store, FSRS)  # unchanged: no replay
    with Store.open(path) as store:
        assert store.scheduler.name == "fsrs" and recorded_spec(store)["scheduler"] == "fsrs"


def test_migration_fills_the_last_study_day(tmp_path: Path) -> None:
    import sqlite3

    from dlquiz.store.migrations import MIGRATIONS

    path = tmp_path / "old.sqlite3"
    with Store.open(path) as store:
        store.answer("d/a", 4, grade="g", graded_by="self", duration_s=1, now=T0)
        store.answer("d/a", 4, grade="g", graded_by="self", duration_s=1, now=T0 + timedelta(days=1))
    con = sqlite3.connect(path)
    con.execute("UPDATE card_state SET last_day = NULL")  # as before migration 6 ...
    con.execute("DROP TABLE meta")
    for statement in MIGRATIONS[5]:
        if "ADD COLUMN" not in statement:  # ... then run its statements again
            con.execute(statement)
    con.commit()
    assert con.execute("SELECT last_day FROM card_state").fetchone()[0] == "2025-03-02"
    con.close()


def test_cli_switch_and_rebuild_use_the_configured_scheduler(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    with Store.open(home / "dlquiz.sqlite3") as store:
        fill(store, n_reviews=120, seed=4)
        sm2_states = snapshot(store)
    assert main(["--data-dir", str(home), "scheduler", "use", "fsrs", "--retention", "0.85"]) == 0
    assert "fsrs" in capsys.readouterr().out
    assert 'scheduler = "fsrs"' in (home / "config.toml").read_text()
    with Store.open(home / "dlquiz.sqlite3") as store:
        assert store.scheduler.desired_retention == 0.85  # type: ignore[attr-defined]
        fsrs_states = snapshot(store)
    assert main(["--data-dir", str(home), "db", "rebuild"]) == 0
    with Store.open(home / "dlquiz.sqlite3") as store:
        assert snapshot(store) == fsrs_states
    assert main(["--data-dir", str(home), "scheduler", "use", "sm2"]) == 0
    with Store.open(home / "dlquiz.sqlite3") as store:
        back = snapshot(store)
    # the first switch also turned fuzz on (config default); compare with a fresh SM-2 replay
    with Store.open(home / "dlquiz.sqlite3") as store:
        use_scheduler(store, {"scheduler": "sm2", "fuzz": False})
        assert snapshot(store) == sm2_states
        use_scheduler(store, SM2)
        assert snapshot(store) == back
    assert main(["--data-dir", str(home), "scheduler", "use", "fsrs", "--retention", "1.5"]) == 2
    assert "--retention" in capsys.readouterr().err
