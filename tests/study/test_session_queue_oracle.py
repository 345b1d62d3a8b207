"""Queue and queue counts equal naive oracles (the original whole-table algorithms) on random stores.

The oracle reads every ``card_state`` and ``reviews`` row into Python and
applies the documented rules literally; the session finds new cards by
per-deck runs on the primary-key index with a per-connection memo
(dlquiz.study.newcards). Random stores mix what makes the shortcut unsafe: history
of cards that are not loaded (same deck range), decks split over several runs,
keys without ``/``, duplicate items, rows of never-reviewed items (suspended,
buried, undone), and writes from a second connection between two builds.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dlquiz.clock import study_day
from dlquiz.model import Card, Item
from dlquiz.store.database import Store
from dlquiz.study.session import (
    ItemIndex,
    SchedulingConfig,
    StudySession,
    limits_left,
    queue_counts,
)

NOW = datetime(2024, 6, 10, 12, 0, tzinfo=UTC)
TODAY = date(2024, 6, 10)


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def oracle(
    store: Store, items: list[Item], day: date, config: SchedulingConfig, seed: int
) -> list[tuple[str, str]]:
    """``(kind, key)`` of today's review queue, computed naively from every row."""
    rng = random.Random(seed)
    iso = day.isoformat()
    states = {
        row[0]: row
        for row in store.query(
            "SELECT item_key, due, last_reviewed, suspended, buried_until, introduced_on FROM card_state"
        )
    }
    introduced_today = sum(1 for s in states.values() if s[5] == iso)
    reviewed_today = {
        key
        for (key,) in store.query(
            "SELECT item_key FROM reviews WHERE study_day = ? AND scheduled = 1", (iso,)
        )
        if key in states and states[key][5] != iso
    }
    reviews_left = max(0, config.reviews_per_day - len(reviewed_today))
    new_left = max(0, config.new_per_day - introduced_today)
    loaded = {item.key for item in items}

    def visible(s: tuple) -> bool:
        return not s[3] and (s[4] is None or s[4] <= iso)

    groups: dict[str, list[str]] = {}
    for key, s in states.items():
        if key in loaded and s[1] is not None and s[1] <= iso and visible(s):
            groups.setdefault(s[1], []).append(key)
    due: list[str] = []
    for when in sorted(groups):
        if len(due) >= reviews_left:
            break
        group = sorted(groups[when])
        rng.shuffle(group)
        due += group
    queue = [("due", key) for key in due[:reviews_left]]
    for item in items:
        if len(queue) - len(due[:reviews_left]) >= new_left:
            break
        s = states.get(item.key)
        reviewed = s is not None and s[2] is not None
        hidden = s is not None and (bool(s[3]) or (s[4] is not None and s[4] > iso))
        if not reviewed and not hidden:
            queue.append(("new", item.key))
    return siblings_apart(queue)


def siblings_apart(queue: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Anki's rule, naively: when an entry's note (its key before ``#``) is the previous
    entry's, the first later entry of another note is brought forward."""
    out = list(queue)
    for i in range(1, len(out)):
        note = out[i - 1][1].split("#")[0]
        if out[i][1].split("#")[0] == note:
            later = [j for j in range(i + 1, len(out)) if out[j][1].split("#")[0] != note]
            if later:
                out.insert(i, out.pop(later[0]))
    return out


def session_queue(
    store: Store, index: ItemIndex, config: SchedulingConfig, seed: int, now: datetime = NOW
) -> list[tuple[str, str]]:
    session = StudySession.build(index, store, config=config, seed=seed, now=now)
    return [(entry.kind, entry.item.key) for entry in session.queue]


def random_items(rng: random.Random) -> list[Item]:
    """Several decks, some split into two runs, a few odd keys and cloze items."""
    decks = [f"d{n}" for n in range(rng.randint(1, 5))] + ["d1-x", "d1.y"]
    items: list[Item] = []
    for deck in decks:
        cards = [Card(deck, f"c{i:03d}", "basic", ("x",)) for i in range(rng.randint(1, 30))]
        items += [card.items()[0] for card in cards]
        if rng.random() < 0.3:
            cloze = Card(deck, "z", "cloze", ("x",), text="{{c1::a}} {{c2::b}}")
            items += list(cloze.items())
    if rng.random() < 0.4:  # one deck split in two runs
        half = len(items) // 2
        items = items[half:] + items[:half]
    if rng.random() < 0.3:
        items += rng.sample(items, min(3, len(items)))  # duplicates
    return items


class _OddItem:
    """An item whose key has no ``/``: ItemIndex only needs ``.key``."""

    def __init__(self, key: str) -> None:
        self.key = key


def fill_store(store: Store, items: list[Item], rng: random.Random) -> None:
    """Random states (reviewed, never reviewed, suspended, buried, unloaded) and today's reviews."""
    keys = sorted({item.key for item in items})
    foreign = [
        f"{k.split('/')[0]}/gone{n}" for n, k in enumerate(rng.sample(keys, min(4, len(keys))))
    ]
    iso = TODAY.isoformat()
    rows = []
    for key in keys + foreign:
        if rng.random() < 0.35:
            continue
        reviewed = rng.random() < 0.8
        odd = (
            not reviewed and rng.random() < 0.2
        )  # a due date but no review: only outside edits do this
        due = (TODAY + timedelta(days=rng.randint(-4, 3))).isoformat() if reviewed or odd else None
        last = "2024-06-01T10:00:00.000000+00:00" if reviewed else None
        suspended = int(rng.random() < 0.1)
        buried = rng.choice([None, None, None, iso, "2024-06-09", "2024-06-11"])
        introduced = rng.choice([None, iso, "2024-05-01"]) if reviewed else None
        rows.append((key, 1, 1, 2.5, due, last, 0, suspended, buried, introduced))
    today_reviews = [
        (f"r{n}", key, f"{iso}T09:00:00.000000+00:00", iso, "good", 4, 0, 1, 2.5, 2.5, 0, 1,
         None, iso, 1.0, "self", rng.choice([0, 1]), None)
        for n, key in enumerate(rng.sample(keys, min(5, len(keys))))
    ]  # fmt: skip
    with store.transaction():
        store.connection.executemany("INSERT INTO card_state (item_key, repetitions, interval, easiness, due, last_reviewed, lapses, suspended, buried_until, introduced_on) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        store.connection.executemany(
            f"INSERT INTO reviews VALUES ({','.join('?' * 18)})", today_reviews
        )


@pytest.mark.parametrize("seed", range(60))
def test_queue_matches_oracle_on_random_stores(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    items = random_items(rng)
    if seed % 7 == 0:
        items = [*items[:3], _OddItem("loose"), _OddItem("d0"), *items[3:]]  # type: ignore[list-item]
    with Store.open(tmp_path / "db.sqlite3") as store:
        fill_store(store, items, rng)
        index = ItemIndex(items)
        for _ in range(3):
            config = SchedulingConfig(
                new_per_day=rng.choice([0, 1, 5, 20, 200]), reviews_per_day=rng.choice([0, 3, 200])
            )
            queue_seed = rng.randrange(1000)
            assert session_queue(store, index, config, queue_seed) == oracle(
                store, items, TODAY, config, queue_seed
            )


def counts_oracle(
    store: Store, items: list[Item], day: date, config: SchedulingConfig
) -> dict[str, tuple[int, int]]:
    """queue_counts as first written: every reviewed key, every due key, every item walked."""
    iso = day.isoformat()
    reviews_left, new_left = limits_left(store, iso, config)
    rows = store.query(
        "SELECT item_key, due, last_reviewed, suspended, buried_until FROM card_state"
    )
    known = {key for key, _, last, _, _ in rows if last is not None}
    hidden = {
        key for key, _, _, susp, buried in rows if susp or (buried is not None and buried > iso)
    }
    due = {
        key for key, when, _, susp, buried in rows
        if when is not None and when <= iso and not susp and (buried is None or buried <= iso)
    }  # fmt: skip
    counts: dict[str, list[int]] = {}
    for item in items:
        pair = counts.setdefault(item.key.split("/", 1)[0], [0, 0])
        if item.key in due:
            pair[0] += 1
        elif item.key not in known and item.key not in hidden:
            pair[1] += 1
    return {deck: (min(d, reviews_left), min(n, new_left)) for deck, (d, n) in counts.items()}


@pytest.mark.parametrize("seed", range(40))
def test_queue_counts_match_oracle_on_random_stores(tmp_path: Path, seed: int) -> None:
    rng = random.Random(1000 + seed)
    items = random_items(rng)
    if seed % 5 == 0:
        items = [_OddItem("loose"), *items, _OddItem("d0")]  # type: ignore[list-item]
    with Store.open(tmp_path / "db.sqlite3") as store:
        fill_store(store, items, rng)
        index = ItemIndex(items)
        for _ in range(2):  # the second call runs with the memo filled
            config = SchedulingConfig(
                new_per_day=rng.choice([0, 3, 200]), reviews_per_day=rng.choice([0, 2, 200])
            )
            expected = counts_oracle(store, items, TODAY, config)
            assert queue_counts(store, index, TODAY, config) == expected
            assert list(queue_counts(store, items, TODAY, config)) == list(
                expected
            )  # deck order too


def test_memo_follows_answers_undo_and_other_connections(tmp_path: Path) -> None:
    """A second build in the same process reuses per-deck results; undo and other writers invalidate them."""
    items = [
        Card(deck, f"c{i}", "basic", ("x",)).items()[0] for deck in ("a", "b") for i in range(4)
    ]
    index = ItemIndex(items)
    config = SchedulingConfig(new_per_day=2)
    path = tmp_path / "db.sqlite3"
    with Store.open(path) as store, Store.open(path) as other:
        yesterday = NOW - timedelta(days=1)
        for item in items[:4]:  # deck a all reviewed yesterday (due today)
            store.answer(item.key, 4, grade="good", graded_by="self", duration_s=1, now=yesterday
            )

        def check() -> list[tuple[str, str]]:
            got = session_queue(store, index, config, 0)
            assert got == oracle(store, items, TODAY, config, 0)
            return got

        assert [k for kind, k in check() if kind == "new"] == ["b/c0", "b/c1"]
        check()  # memo says deck a is all reviewed
        store.undo_last()  # a/c3 is new again (a row with last_reviewed NULL remains)
        assert [k for kind, k in check() if kind == "new"] == ["a/c3", "b/c0"]
        store.answer("a/c3", 4, grade="good", graded_by="self", duration_s=1, now=yesterday)
        assert [k for kind, k in check() if kind == "new"] == ["b/c0", "b/c1"]
        other.undo_last()  # another connection: data_version drops the memo
        assert [k for kind, k in check() if kind == "new"] == ["a/c3", "b/c0"]
        other.rebuild()
        check()
        store.rebuild()
        check()
        other.set_suspended("a/c3", True)
        assert [k for kind, k in check() if kind == "new"] == ["b/c0", "b/c1"]


def test_rebuild_that_forgets_states_clears_the_memo(tmp_path: Path) -> None:
    """States with no log behind them (written directly) vanish on rebuild: their cards are new again."""
    items = [Card("a", f"c{i}", "basic", ("x",)).items()[0] for i in range(3)]
    index = ItemIndex(items)
    config = SchedulingConfig(new_per_day=5)
    with Store.open(tmp_path / "db.sqlite3") as store:
        with store.transaction():
            store.connection.executemany(
                "INSERT INTO card_state (item_key, repetitions, interval, easiness, due, last_reviewed, lapses, suspended, buried_until, introduced_on) VALUES (?, 1, 1, 2.5, '2024-07-01', '2024-06-01T00:00:00.000000+00:00',"
                " 0, 0, NULL, '2024-06-01')",
                [(item.key,) for item in items],
            )
        assert (
            session_queue(store, index, config, 0) == oracle(store, items, TODAY, config, 0) == []
        )
        store.rebuild()
        expected = [("new", item.key) for item in items]
        assert (
            session_queue(store, index, config, 0)
            == oracle(store, items, TODAY, config, 0)
            == expected
        )


def test_answering_new_cards_in_one_process_matches_oracle(tmp_path: Path) -> None:
    """Many sessions in one process over several days, each answered through: always the oracle's queue."""
    rng = random.Random(5)
    items = [
        Card(deck, f"c{i:02d}", "basic", ("x",)).items()[0]
        for deck in ("p", "q", "r")
        for i in range(12)
    ]
    index = ItemIndex(items)
    config = SchedulingConfig(new_per_day=7, reviews_per_day=9)
    with Store.open(tmp_path / "db.sqlite3") as store:
        for day in range(8):
            now = NOW + timedelta(days=day)
            expected = oracle(store, items, study_day(now), config, day)
            session = StudySession.build(index, store, config=config, seed=day, now=now)
            assert [(e.kind, e.item.key) for e in session.queue] == expected
            while session.current() is not None:
                action = rng.random()
                if action < 0.1:
                    session.bury()
                elif action < 0.15:
                    session.suspend()
                else:
                    session.answer(
                        rng.choice([1, 3, 4, 5]), grade="g", graded_by="self", duration_s=1, now=now
                    )
                    if rng.random() < 0.15:
                        session.undo()
