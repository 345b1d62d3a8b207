"""What Anki users expect from a session: next intervals before a press, siblings apart
(and optionally buried), leeches, per-deck limits, a reason when there is nothing to do,
and the interview plan (weakest on the day first, cram never touching the schedule)."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dlquiz.model import Card, Item
from dlquiz.store.database import Store
from dlquiz.store.scheduling import use_scheduler
from dlquiz.study.limits import DeckLimit
from dlquiz.study.session import SchedulingConfig, StudySession, nothing_to_study, queue_counts
from dlquiz.study.siblings import note_of
from dlquiz.study.stats import compute_stats

DAY1 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "db.sqlite3")
    yield s
    s.close()


def basics(deck: str, n: int, topic: str = "x") -> list[Item]:
    return [Card(deck, f"c{i:02d}", "basic", (topic,)).items()[0] for i in range(n)]


def clozes(deck: str, n: int) -> list[Item]:
    out: list[Item] = []
    for i in range(n):
        out += Card(deck, f"z{i}", "cloze", ("x",), text="{{c1::a}} {{c2::b}} {{c3::c}}").items()
    return out


def answer(session: StudySession, q: int, at: datetime = DAY1) -> None:
    session.answer(q, grade="g", graded_by="self", duration_s=1.0, now=at)


@pytest.mark.parametrize("spec", [{"scheduler": "sm2", "fuzz": True}, {"scheduler": "fsrs", "fuzz": True}])
def test_next_due_days_are_what_the_answer_sets(tmp_path: Path, spec: dict) -> None:
    for quality in (1, 3, 4, 5):
        with Store.open(tmp_path / f"{spec['scheduler']}{quality}.sqlite3") as store:
            use_scheduler(store, spec)
            deck = basics("d", 1)
            for n, q in enumerate((4, 4, 5)):  # some history first
                store.answer("d/c00", q, grade="g", graded_by="self", duration_s=1, now=DAY1 + timedelta(days=20 * n))
            at = DAY1 + timedelta(days=200)
            session = StudySession.build(deck, store, now=at)
            shown = session.next_due_days()
            assert shown is not None and set(shown) == {1, 3, 4, 5}
            answer(session, quality, at)
            due = date.fromisoformat(store.state("d/c00").due)
            assert (due - session.today).days == shown[quality]


def test_no_intervals_in_cram(store: Store) -> None:
    session = StudySession.build(basics("d", 2), store, mode="cram", now=DAY1)
    assert session.next_due_days() is None


def test_siblings_are_never_back_to_back(store: Store) -> None:
    deck = clozes("d", 2) + basics("d", 3)
    session = StudySession.build(deck, store, now=DAY1)
    order = [e.item.key for e in session.queue]
    assert sorted(order) == sorted(i.key for i in deck)
    assert all(note_of(a) != note_of(b) for a, b in itertools.pairwise(order))
    cram = StudySession.build(deck, store, mode="cram", seed=3, now=DAY1)
    order = [e.item.key for e in cram.queue]
    assert all(note_of(a) != note_of(b) for a, b in itertools.pairwise(order))


def test_redrill_never_lands_next_to_a_sibling(store: Store) -> None:
    deck = clozes("d", 1) + basics("d", 6)
    session = StudySession.build(deck, store, now=DAY1)
    while session.current() is not None:
        answer(session, 1 if session.current().card.type == "cloze" and session.current_kind() != "redrill" else 4)
    order = [e.item.key for e in session.queue]
    assert all(note_of(a) != note_of(b) for a, b in itertools.pairwise(order))


def test_bury_siblings_and_undo(store: Store) -> None:
    deck = clozes("d", 1) + basics("d", 4)
    config = SchedulingConfig(bury_siblings=True)
    session = StudySession.build(deck, store, config=config, now=DAY1)
    while session.current().card.type != "cloze":
        answer(session, 4)
    first = session.current().key
    answer(session, 4)
    left = [e.item.key for e in session.queue[session.position:]]
    assert not any(note_of(k) == note_of(first) for k in left)
    siblings = [f"d/z0#c{n}" for n in (1, 2, 3) if f"d/z0#c{n}" != first]
    assert all(store.state(k).buried_until == "2024-03-02" for k in siblings)
    session.undo()
    assert all(store.state(k).buried_until is None for k in siblings)
    assert session.current().key == first


def test_leech_is_flagged_suspended_and_undone(store: Store) -> None:
    config = SchedulingConfig(leech_threshold=3, leech_suspend=True)
    deck = basics("d", 1)
    at = DAY1
    for n in range(3):
        store.answer("d/c00", 4, grade="g", graded_by="self", duration_s=1, now=at)
        at += timedelta(days=2)
        if n < 2:
            store.answer("d/c00", 1, grade="g", graded_by="self", duration_s=1, now=at)
            at += timedelta(days=2)
    assert store.state("d/c00").lapses == 2
    session = StudySession.build(deck, store, config=config, now=at)
    answer(session, 1, at)
    assert session.new_leeches == ["d/c00"]
    assert store.state("d/c00").lapses == 3 and store.state("d/c00").suspended
    assert session.current() is None  # the suspended leech left the re-drill queue too
    from dlquiz.study.leeches import leeches

    assert [lee.item_key for lee in leeches(store, 3)] == ["d/c00"]
    session.undo()
    assert not store.state("d/c00").suspended and session.new_leeches == []
    assert compute_stats(store, deck, session.today, config).leeches == ()


def test_per_deck_limits(store: Store) -> None:
    deck = basics("a", 10) + basics("b", 10)
    config = SchedulingConfig(new_per_day=12, deck_limits=(DeckLimit("a", new_per_day=3),))
    session = StudySession.build(deck, store, config=config, now=DAY1)
    decks = [e.item.key.split("/")[0] for e in session.queue]
    assert decks.count("a") == 3 and decks.count("b") == 9
    assert queue_counts(store, deck, session.today, config) == {"a": (0, 3), "b": (0, 10)}
    for _ in range(3):
        answer(session, 5)
    assert queue_counts(store, deck, session.today, config)["a"] == (0, 0)
    # due reviews are capped per deck too
    later = DAY1 + timedelta(days=1)
    due_config = SchedulingConfig(new_per_day=0, deck_limits=(DeckLimit("a", reviews_per_day=1),))
    session = StudySession.build(deck, store, config=due_config, now=later)
    assert [e.item.key.split("/")[0] for e in session.queue].count("a") == 1


def test_nothing_to_study_says_why(store: Store) -> None:
    deck = basics("d", 5)
    config = SchedulingConfig(new_per_day=2)
    session = StudySession.build(deck, store, config=config, now=DAY1)
    while session.current() is not None:
        answer(session, 5)
    reason = nothing_to_study(store, deck, session.today, config)
    assert "new-card limit (2) is reached; 3 new cards wait" in reason and "Cram (c)" in reason


def test_interview_plan_orders_by_recall_on_the_day_and_cram_is_untouched(store: Store) -> None:
    deck = basics("d", 4)
    # c00: interval 1 (weak), c01: 6-day interval reviewed long ago (due), c02: long interval
    for key, qualities in (("d/c00", [4]), ("d/c01", [5, 5]), ("d/c02", [5, 5, 5, 5])):
        at = DAY1
        for q in qualities:
            review = store.answer(key, q, grade="g", graded_by="self", duration_s=1, now=at)
            at += timedelta(days=review.interval_after)
    interview = "2024-09-01"
    today = DAY1 + timedelta(days=120)
    config = SchedulingConfig(interview_date=interview, new_per_day=0)
    session = StudySession.build(deck, store, config=config, now=today)
    keys = [e.item.key for e in session.queue if e.kind == "due"]
    assert [e.kind for e in session.queue][len(keys):] == ["new"]  # the plan starts d/c03 in time
    scheduler = store.scheduler
    recall = {k: scheduler.retrievability(store.state(k).memory, interview) for k in keys}
    assert keys == sorted(keys, key=lambda k: (recall[k], k))
    assert {"d/c00", "d/c01"} <= set(keys)
    before = store.query("SELECT * FROM card_state ORDER BY item_key")
    cram = StudySession.build(deck, store, config=config, mode="cram", now=today)
    while cram.current() is not None:
        answer(cram, 1, today)
        if cram.progress.done > 12:
            break
    assert store.query("SELECT * FROM card_state ORDER BY item_key") == before
    # after the date: the normal order (by due date) resumes
    after = StudySession.build(deck, store, config=config, now=datetime(2024, 9, 2, 12, tzinfo=UTC))
    dues = [store.state(e.item.key).due for e in after.queue]
    assert dues == sorted(dues)


def test_interview_plan_starts_new_cards_in_time(store: Store) -> None:
    deck = basics("d", 40)
    config = SchedulingConfig(interview_date="2024-03-11", new_per_day=2)  # 10 days: 4 start days
    session = StudySession.build(deck, store, config=config, now=DAY1)
    assert sum(e.kind == "new" for e in session.queue) == 10  # ceil(40 / 4) > 2


def test_readiness_in_stats(store: Store) -> None:
    deck = basics("a", 2, "arch.conv") + basics("b", 2, "detection.nms")
    store.answer("a/c00", 5, grade="g", graded_by="self", duration_s=1, now=DAY1)
    store.answer("a/c01", 5, grade="g", graded_by="self", duration_s=1, now=DAY1)
    store.answer("b/c00", 1, grade="g", graded_by="self", duration_s=1, now=DAY1)
    config = SchedulingConfig(interview_date="2024-03-11")
    stats = compute_stats(store, deck, date(2024, 3, 2), config)
    r = stats.readiness
    assert r is not None and r.interview_date == "2024-03-11"
    topics = {g.name: g for g in r.topics}
    # SM-2: interval 1 each, one day later R = 0.9; on the 11th (10 days) 0.9^10
    assert topics["arch.conv"].today == pytest.approx(0.9)
    assert topics["arch.conv"].on_date == pytest.approx(0.9 ** 10)
    assert topics["detection.nms"].today == pytest.approx(0.9 / 2)  # b/c01 is new: 0
    assert r.weakest(1)[0].name == "detection.nms"
    data = stats.to_dict()["readiness"]
    assert data["weakest"][0] == "detection.nms" and {d["name"] for d in data["decks"]} == {"a", "b"}
