"""What to study next: today's queue, re-drills, undo, cram, suspend and bury.

The TUI and ``dlquiz study --plain`` drive the same :class:`StudySession`;
:meth:`Store.answer` is the one write path for an answer everywhere else
(the exercise screen, imports of single answers, tests).

Quality mapping (SM-2 quality 0-5, see :mod:`dlquiz.study.sm2`):

* self-graded: Again=1, Hard=3, Good=4, Easy=5 (Again < 3 resets the item);
* auto-graded (choice, numeric, cloze typed): correct=4, wrong=1;
* exercises: see :func:`exercise_quality`.

Queue order (review mode): due items first, by due date, ties in a seeded
shuffle, capped by the review limit; then new items in deck order up to the
new-card limit minus the new items already introduced today. An item answered
below :data:`REDRILL_BELOW` comes back :data:`REDRILL_GAP` cards later until it
is answered 4 or 5; those repeats are logged with ``scheduled=0`` and never
move the schedule again (SM-2's same-day rule). Cram mode logs every answer
with ``scheduled=0`` and leaves ``card_state`` untouched.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any, Literal

from dlquiz.clock import DEFAULT_DAY_START_HOUR, now_utc, study_day
from dlquiz.model import Item, Review
from dlquiz.store.database import Store
from dlquiz.study.newcards import Run, first_new, make_runs, new_counts

AGAIN, HARD, GOOD, EASY = 1, 3, 4, 5
#: Self grades as the learner sees them, mapped to SM-2 quality.
SELF_GRADES: Mapping[str, int] = {"again": AGAIN, "hard": HARD, "good": GOOD, "easy": EASY}
AUTO_CORRECT, AUTO_WRONG = 4, 1
AUTO_GRADES: Mapping[str, int] = {"correct": AUTO_CORRECT, "wrong": AUTO_WRONG}
#: Answers below this come back later in the same session.
REDRILL_BELOW = 4
#: How many other cards come before a re-drilled one (fewer when the queue is short).
REDRILL_GAP = 3

DEFAULT_NEW_PER_DAY = 20
DEFAULT_REVIEWS_PER_DAY = 200

Mode = Literal["review", "cram"]
EntryKind = Literal["due", "new", "redrill", "cram"]


@dataclass(frozen=True)
class SchedulingConfig:
    """Daily limits and when the study day starts (local hour, 0-23)."""

    new_per_day: int = DEFAULT_NEW_PER_DAY
    reviews_per_day: int = DEFAULT_REVIEWS_PER_DAY
    day_start_hour: int = DEFAULT_DAY_START_HOUR


def exercise_quality(passed: bool, first_try: bool, hints_used: int, gave_up: bool) -> int:
    """SM-2 quality for a coding exercise.

    First-try pass without hints = 5; pass with hints or after failed runs = 4;
    gave up (the solution was shown, so a later pass does not count) = 1; left
    without passing = 2.
    """
    if gave_up:
        return 1
    if not passed:
        return 2
    return 5 if first_try and hints_used == 0 else 4



class ItemIndex:
    """Items in study order with their keys computed once.

    Building the index is part of loading decks; a session over 100k items
    then never recomputes 100k keys. Pass one to :class:`StudySession` and
    :func:`queue_counts` to share it.
    """

    def __init__(self, items: Sequence[Item]) -> None:
        self.keys: list[str] = [item.key for item in items]
        self.by_key: dict[str, Item] = dict(zip(self.keys, items))

    @classmethod
    def from_mapping(cls, by_key: Mapping[str, Item]) -> ItemIndex:
        """An index over an existing ``{key: item}`` map (e.g. the catalog's), in its order."""
        index = cls.__new__(cls)
        index.by_key = dict(by_key)
        index.keys = list(index.by_key)
        return index

    def __len__(self) -> int:
        return len(self.keys)

    @cached_property
    def runs(self) -> tuple[Run, ...]:
        """The keys cut into per-deck runs for :func:`dlquiz.study.newcards.first_new` (made once)."""
        return make_runs(self.keys, unique=len(self.by_key) == len(self.keys))


def as_index(items: Sequence[Item] | ItemIndex) -> ItemIndex:
    return items if isinstance(items, ItemIndex) else ItemIndex(items)


@dataclass
class _Entry:
    item: Item
    kind: EntryKind


@dataclass
class _Step:
    """What undo needs: the queue and position before, and what was written."""

    queue: list[_Entry]
    position: int
    review_id: str | None = None
    flag: tuple[str, str, Any] | None = None  # (item_key, "suspended"|"buried_until", old value)


@dataclass(frozen=True)
class Progress:
    done: int
    remaining: int


@dataclass(frozen=True)
class Summary:
    cards: int
    answers: int
    correct_pct: float
    time_s: float
    next_due: str | None


@dataclass
class StudySession:
    """One sitting. Build with :meth:`build`; then ``current()`` / ``answer()`` / ``undo()``."""

    store: Store
    index: ItemIndex
    today: date
    config: SchedulingConfig = field(default_factory=SchedulingConfig)
    mode: Mode = "review"
    queue: list[_Entry] = field(default_factory=list)
    position: int = 0
    _history: list[_Step] = field(default_factory=list)
    _answers: list[Review] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        items: Sequence[Item] | ItemIndex,
        store: Store,
        *,
        config: SchedulingConfig | None = None,
        mode: Mode = "review",
        seed: int = 0,
        now: datetime | None = None,
    ) -> StudySession:
        config = config or SchedulingConfig()
        index = as_index(items)
        today = study_day(now or now_utc(), config.day_start_hour)
        session = cls(store, index, today, config, mode)
        rng = random.Random(seed)
        if mode == "cram":
            hidden = store.hidden_keys(today.isoformat())
            entries = [_Entry(index.by_key[k], "cram") for k in index.keys if k not in hidden]
            rng.shuffle(entries)
            session.queue = entries
        else:
            session.queue = _review_queue(store, index, today, config, rng)
        return session

    # -- what the UI reads -----------------------------------------------------------

    def current(self) -> Item | None:
        """The item to show now, or None when the session is over."""
        return self.queue[self.position].item if self.position < len(self.queue) else None

    def current_kind(self) -> EntryKind | None:
        return self.queue[self.position].kind if self.position < len(self.queue) else None

    @property
    def progress(self) -> Progress:
        return Progress(done=self.position, remaining=len(self.queue) - self.position)

    @property
    def can_undo(self) -> bool:
        return bool(self._history)

    def summary(self) -> Summary:
        answers = self._answers
        correct = sum(1 for review in answers if review.quality >= 3)
        rows = self.store.query(
            "SELECT min(due) FROM card_state WHERE due > ? AND suspended = 0",
            (self.today.isoformat(),),
        )
        return Summary(
            cards=len({review.item_key for review in answers}),
            answers=len(answers),
            correct_pct=100.0 * correct / len(answers) if answers else 0.0,
            time_s=sum(review.duration_s for review in answers),
            next_due=rows[0][0],
        )

    # -- actions ---------------------------------------------------------------------

    def answer(
        self,
        quality: int,
        *,
        grade: str,
        graded_by: str,
        duration_s: float,
        drawn: Mapping[str, Any] | None = None,
        now: datetime | None = None,
    ) -> Review:
        """Answer the current item and move on; a low answer queues a re-drill."""
        entry = self._require_current()
        scheduled = self.mode == "review" and entry.kind in ("due", "new")
        before = _Step(list(self.queue), self.position)
        review = self.store.answer(entry.item.key, quality, grade=grade, graded_by=graded_by,
            duration_s=duration_s, now=now, drawn=drawn, scheduled=scheduled,
            day_start_hour=self.config.day_start_hour,
        )  # fmt: skip
        before.review_id = review.id
        self._history.append(before)
        self._answers.append(review)
        self.position += 1
        if quality < REDRILL_BELOW:
            kind: EntryKind = "cram" if self.mode == "cram" else "redrill"
            at = min(self.position + REDRILL_GAP, len(self.queue))
            self.queue.insert(at, _Entry(entry.item, kind))
        return review

    def undo(self) -> bool:
        """Take back the last action (answer, suspend or bury); False when nothing to undo."""
        if not self._history:
            return False
        step = self._history.pop()
        if step.review_id is not None:
            self.store.undo_review(step.review_id)
            self._answers = [r for r in self._answers if r.id != step.review_id]
        if step.flag is not None:
            key, name, old = step.flag
            if name == "suspended":
                self.store.set_suspended(key, bool(old))
            else:
                self.store.bury(key, old)
        self.queue, self.position = step.queue, step.position
        return True

    def suspend(self) -> None:
        """Suspend the current item: it leaves every queue until unsuspended."""
        entry = self._require_current()
        old = self.store.state(entry.item.key).suspended
        self._drop_current(_Step(list(self.queue), self.position, flag=(entry.item.key, "suspended", old)))
        self.store.set_suspended(entry.item.key, True)

    def bury(self) -> None:
        """Hide the current item until the next study day."""
        entry = self._require_current()
        old = self.store.state(entry.item.key).buried_until
        self._drop_current(_Step(list(self.queue), self.position, flag=(entry.item.key, "buried_until", old)))
        self.store.bury(entry.item.key, (self.today + timedelta(days=1)).isoformat())

    def _drop_current(self, step: _Step) -> None:
        key = self.queue[self.position].item.key
        self._history.append(step)
        self.queue = self.queue[: self.position] + [
            e for e in self.queue[self.position :] if e.item.key != key
        ]

    def _require_current(self) -> _Entry:
        if self.position >= len(self.queue):
            raise IndexError("the session is over: nothing to answer")
        return self.queue[self.position]


def limits_left(store: Store, today: str, config: SchedulingConfig) -> tuple[int, int]:
    """(reviews left today, new items left today)."""
    reviews_left = max(0, config.reviews_per_day - store.reviewed_on(today))
    new_left = max(0, config.new_per_day - store.introduced_on(today))
    return reviews_left, new_left


def _due_keys(store: Store, index: ItemIndex, day: str, limit: int, rng: random.Random) -> list[str]:
    """The first ``limit`` loaded due items by due date, each date's items in a seeded shuffle.

    Rows stream in due order and reading stops at the end of the due date that
    fills the limit, so a large backlog costs only what the queue shows.
    """
    if limit <= 0:
        return []
    groups: dict[str, list[str]] = {}
    taken = 0
    boundary: str | None = None
    for key, due in store.iter_due(day):
        if boundary is not None and due != boundary:
            break
        if key in index.by_key:
            groups.setdefault(due, []).append(key)
            taken += 1
            if boundary is None and taken >= limit:
                boundary = due
    ordered: list[str] = []
    for due in sorted(groups):
        group = sorted(groups[due])
        rng.shuffle(group)
        ordered += group
    return ordered[:limit]


def _review_queue(
    store: Store, index: ItemIndex, today: date, config: SchedulingConfig, rng: random.Random
) -> list[_Entry]:
    day = today.isoformat()
    reviews_left, new_left = limits_left(store, day, config)
    by_key = index.by_key
    entries = [_Entry(by_key[k], "due") for k in _due_keys(store, index, day, reviews_left, rng)]
    if new_left:
        new_keys = first_new(store, index.runs, new_left, store.hidden_keys(day))
        entries += [_Entry(by_key[k], "new") for k in new_keys]
    return entries


def queue_counts(
    store: Store, items: Sequence[Item] | ItemIndex, today: date, config: SchedulingConfig
) -> dict[str, tuple[int, int]]:
    """Per deck: (due today, new available today), each capped by the day's limits.

    A deck is the part of a key before its first ``/``; items listed twice
    count twice. Due items are counted from today's due rows (a few thousand
    at most), new ones per deck run (see :func:`dlquiz.study.newcards.new_counts`),
    so no step reads every reviewed key or walks every item in Python.
    """
    index = as_index(items)
    day = today.isoformat()
    reviews_left, new_left = limits_left(store, day, config)
    counts: dict[str, list[int]] = {}
    runs = index.runs
    for run, new in zip(runs, new_counts(store, runs, store.hidden_keys(day))):
        counts.setdefault(run.prefix.removesuffix("/"), [0, 0])[1] += new
    repeats = None if len(index.by_key) == len(index.keys) else Counter(index.keys)
    unreviewed = store.unreviewed_keys()
    by_key = index.by_key
    for key in store.due_key_list(day):
        if key in by_key:
            times = repeats[key] if repeats else 1
            pair = counts[key.partition("/")[0]]
            pair[0] += times
            if key in unreviewed:  # a due date without a review (edited outside dlquiz): due only
                pair[1] -= times
    return {deck: (min(d, reviews_left), min(n, new_left)) for deck, (d, n) in counts.items()}
