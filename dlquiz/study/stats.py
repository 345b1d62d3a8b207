"""Study statistics as plain data, for ``dlquiz stats`` and the TUI stats screen.

Definitions (README "Stats"):

* *new*: loaded items never reviewed and not suspended/buried; *new available*
  is that capped by what is left of today's new-card limit;
* *due today*: loaded, visible items whose due date is today or earlier;
* *retention*: among scheduled reviews of mature items (interval >= 21 days
  before the answer), the share graded >= 3 -- Anki's "mature retention";
  None when there are no such reviews;
* *mastery* of a topic: the mean over its items of ``min(interval, 21) / 21``
  (new items count 0), so a topic is 1.0 when every item is mature;
* *readiness*: predicted recall per topic and deck, today and on the interview
  date (:mod:`dlquiz.study.readiness`); *leeches*: cards with at least
  ``leech_threshold`` lapses (:mod:`dlquiz.study.leeches`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from dlquiz.model import Item
from dlquiz.store.database import Store
from dlquiz.study.leeches import leeches
from dlquiz.study.readiness import Readiness, compute_readiness
from dlquiz.study.session import ItemIndex, SchedulingConfig, as_index, limits_left

MATURE_INTERVAL = 21
HISTORY_DAYS = 365
FORECAST_DAYS = 30


@dataclass(frozen=True)
class Totals:
    cards: int
    new: int
    new_available: int
    due_today: int
    reviews_total: int
    reviews_today: int
    retention: float | None
    mature_reviews: int
    exercises_solved: int


@dataclass(frozen=True)
class DeckStats:
    deck_id: str
    title: str
    cards: int
    new: int
    due: int
    mature: int


@dataclass(frozen=True)
class TopicMastery:
    topic: str
    items: int
    reviewed: int
    mature: int
    mastery: float


@dataclass(frozen=True)
class Stats:
    today: str
    totals: Totals
    decks: tuple[DeckStats, ...]
    topics: tuple[TopicMastery, ...]
    #: ``(study day, reviews)`` for each of the last 365 days, oldest first.
    reviews_per_day: tuple[tuple[str, int], ...]
    #: ``(day, items due)`` for today and the next 29 days; overdue counts as today.
    forecast: tuple[tuple[str, int], ...]
    readiness: Readiness | None = None
    #: Keys of the loaded leeches, most lapses first.
    leeches: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the totals at the top level, plus the detail lists."""
        data: dict[str, Any] = {"today": self.today, **asdict(self.totals)}
        data["decks"] = [asdict(d) for d in self.decks]
        data["topics"] = [asdict(t) for t in self.topics]
        data["reviews_per_day"] = [list(p) for p in self.reviews_per_day]
        data["forecast"] = [list(p) for p in self.forecast]
        data["readiness"] = self.readiness.to_dict() if self.readiness else None
        data["leeches"] = list(self.leeches)
        return data


def _days(start: date, n: int) -> list[str]:
    return [(start + timedelta(days=i)).isoformat() for i in range(n)]


def compute_stats(
    store: Store,
    items: Sequence[Item] | ItemIndex,
    today: date,
    config: SchedulingConfig | None = None,
    deck_titles: Mapping[str, str] | None = None,
) -> Stats:
    """Everything ``dlquiz stats`` shows, for the loaded ``items`` as of study day ``today``."""
    config = config or SchedulingConfig()
    index = as_index(items)
    day = today.isoformat()
    states = {
        key: (interval, due, bool(suspended), buried, last)
        for key, interval, due, suspended, buried, last in store.query(
            "SELECT item_key, interval, due, suspended, buried_until, last_reviewed FROM card_state"
        )
    }
    decks: dict[str, list[int]] = {}
    topics: dict[str, list[float]] = {}
    forecast: Counter[str] = Counter()
    new_total = due_total = 0
    for key in index.keys:
        interval, due, suspended, buried, last = states.get(key, (0, None, False, None, None))
        hidden = suspended or (buried is not None and buried > day)
        is_new = last is None and not hidden
        is_due = last is not None and not hidden and due is not None and due <= day
        mature = last is not None and interval >= MATURE_INTERVAL
        row = decks.setdefault(key.split("/", 1)[0], [0, 0, 0, 0])
        row[0] += 1
        row[1] += is_new
        row[2] += is_due
        row[3] += mature
        new_total += is_new
        due_total += is_due
        if last is not None and not suspended and due is not None:
            forecast[max(due, day)] += 1
        for topic in index.by_key[key].card.topics:
            t = topics.setdefault(topic, [0, 0, 0, 0.0])
            t[0] += 1
            t[1] += last is not None
            t[2] += mature
            t[3] += min(interval, MATURE_INTERVAL) / MATURE_INTERVAL if last is not None else 0.0
    _, new_left = limits_left(store, day, config)
    mature_total, mature_ok = store.query(
        "SELECT count(*), coalesce(sum(quality >= 3), 0) FROM reviews"
        " WHERE scheduled = 1 AND interval_before >= ?",
        (MATURE_INTERVAL,),
    )[0]
    first = today - timedelta(days=HISTORY_DAYS - 1)
    per_day = dict(
        store.query(
            "SELECT study_day, count(*) FROM reviews WHERE study_day >= ? AND study_day <= ?"
            " GROUP BY study_day",
            (first.isoformat(), day),
        )
    )
    titles = deck_titles or {}
    totals = Totals(
        cards=len(index),
        new=new_total,
        new_available=min(new_total, new_left),
        due_today=due_total,
        reviews_total=store.review_count(),
        reviews_today=int(per_day.get(day, 0)),
        retention=mature_ok / mature_total if mature_total else None,
        mature_reviews=int(mature_total),
        exercises_solved=len(store.solved_exercises()),
    )
    return Stats(
        today=day,
        totals=totals,
        decks=tuple(
            DeckStats(deck_id, titles.get(deck_id, deck_id), *row)
            for deck_id, row in decks.items()
        ),
        topics=tuple(
            TopicMastery(topic, int(n), int(seen), int(mature), score / n)
            for topic, (n, seen, mature, score) in sorted(topics.items())
        ),
        reviews_per_day=tuple((d, int(per_day.get(d, 0))) for d in _days(first, HISTORY_DAYS)),
        forecast=tuple((d, forecast.get(d, 0)) for d in _days(today, FORECAST_DAYS)),
        readiness=compute_readiness(
            store, ((key, index.by_key[key].card.topics) for key in index.by_key), day,
            config.interview_date,
        ),
        leeches=tuple(lee.item_key for lee in leeches(store, config.leech_threshold) if lee.item_key in index.by_key),
    )
