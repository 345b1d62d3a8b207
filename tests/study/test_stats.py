"""Stats: totals, retention on mature items, per deck, per topic, history, forecast."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dlquiz.model import Card
from dlquiz.store.database import Store
from dlquiz.study.session import SchedulingConfig
from dlquiz.study.stats import compute_stats

T0 = datetime(2024, 1, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_stats(tmp_path: Path) -> None:
    a = [Card("a", f"c{i}", "basic", ("arch.conv",)).items()[0] for i in range(3)]
    b = [Card("b", "x", "basic", ("ml.metrics", "arch.conv")).items()[0]]
    with Store.open(tmp_path / "db.sqlite3") as store:
        key = a[0].key

        def ans(q: int, day: int, scheduled: bool = True, k: str = key) -> None:
            store.answer(k, q, grade="g", graded_by="self", duration_s=1,
                          now=T0 + timedelta(days=day), scheduled=scheduled)  # fmt: skip

        # a/c0: 5 on day 0 (I=1), 5 on day 1 (I=6), 5 on day 7 (I=round(6*2.7)=16),
        # 5 on day 23 (I=round(16*2.8)=45): still not mature before that answer (16 < 21);
        # day 68: answered 2 with interval_before 45 (mature review, failed),
        # day 69: answered 4 with interval_before 1 (not mature).
        for q, day in [(5, 0), (5, 1), (5, 7), (5, 23), (2, 68), (4, 69)]:
            ans(q, day)
        ans(1, 69, scheduled=False)  # a cram answer: counted in totals, not retention
        ans(4, 69, k="gone/card")  # a card that is not loaded: history kept, not counted
        store.set_suspended(a[2].key, True)
        stats = compute_stats(store, a + b, date(2024, 3, 12), SchedulingConfig(new_per_day=1),
                              {"a": "Deck A"})  # fmt: skip
    t = stats.totals
    # day 69 = 2024-03-10; interval 1 after the answer 4 (rep 0 -> 1) -> due 2024-03-11 <= 03-12
    assert (t.cards, t.due_today, t.new, t.new_available) == (4, 1, 2, 1)
    assert (t.reviews_total, t.reviews_today, t.mature_reviews, t.retention) == (8, 0, 1, 0.0)
    decks = {d.deck_id: d for d in stats.decks}
    assert (decks["a"].title, decks["a"].cards, decks["a"].new, decks["a"].due) == ("Deck A", 3, 1, 1)
    assert decks["b"].title == "b" and decks["b"].new == 1
    topics = {t.topic: t for t in stats.topics}
    # arch.conv: a/c0 (interval 1 -> 1/21), a/c1, a/c2, b/x new -> mastery (1/21)/4
    assert topics["arch.conv"].items == 4 and topics["arch.conv"].reviewed == 1
    assert topics["arch.conv"].mastery == pytest.approx(1 / 21 / 4)
    assert len(stats.reviews_per_day) == 365 and stats.reviews_per_day[-1][0] == "2024-03-12"
    per_day = dict(stats.reviews_per_day)
    assert per_day["2024-03-10"] == 3 and per_day["2024-01-01"] == 1
    assert stats.forecast[0] == ("2024-03-12", 1)  # overdue counts as today
    assert len(stats.forecast) == 30
    data = stats.to_dict()
    assert {"reviews_total", "due_today", "new_available"} <= data.keys()


def test_retention_counts_passes_on_mature_reviews(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite3") as store:
        # qualities 5,5,5,5 give intervals 1, 6, 16, 45; the 5th answer (3) is on a
        # 45-day item (mature, passed), the 6th (0) on a round(45*2.8)=126-day item (mature, failed)
        for n, q in enumerate([5, 5, 5, 5, 3, 0]):
            store.answer("a/c", q, grade="g", graded_by="self", duration_s=0,
                          now=T0 + timedelta(days=n * 200))  # fmt: skip
        stats = compute_stats(store, [], date(2030, 1, 1))
    assert (stats.totals.mature_reviews, stats.totals.retention) == (2, 0.5)
