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

Anki's habits: siblings (cloze deletions of one card) are never back to back
(:mod:`dlquiz.study.siblings`) and, with ``bury_siblings``, the others are
buried until tomorrow once one is answered; a card whose lapses reach
``leech_threshold`` (8) is a leech (:mod:`dlquiz.study.leeches`), suspended
at that answer when ``leech_suspend`` is on. Undo takes all of that back.
With an interview date the due part of the queue follows
:mod:`dlquiz.study.plan`. The schedule itself is the store's scheduler
(SM-2 or FSRS, :mod:`dlquiz.study.scheduler`).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from dlquiz.clock import now_utc, study_day
from dlquiz.model import Item, Review
from dlquiz.store.database import Store
from dlquiz.store.dbfile import DiskFullError
from dlquiz.study import plan as interview
from dlquiz.study.leeches import is_new_leech
from dlquiz.study.limits import DeckLimit, deck_quotas, take_within
from dlquiz.study.queue import (  # re-exported: the session's public names
    DEFAULT_LEECH_THRESHOLD,
    DEFAULT_NEW_PER_DAY,
    DEFAULT_REVIEWS_PER_DAY,
    ItemIndex,
    SchedulingConfig,
    _due_keys,
    as_index,
    limits_left,
    new_keys_within,
    nothing_to_study,
    queue_counts,
    uncapped_counts,
)
from dlquiz.study.readiness import load_memories
from dlquiz.study.siblings import insert_apart, note_of, spread

__all__ = [
    "DEFAULT_LEECH_THRESHOLD", "DEFAULT_NEW_PER_DAY", "DEFAULT_REVIEWS_PER_DAY", "DeckLimit",
    "ItemIndex", "SchedulingConfig", "StudySession", "as_index", "exercise_quality",
    "limits_left", "nothing_to_study", "queue_counts",
]  # fmt: skip

AGAIN, HARD, GOOD, EASY = 1, 3, 4, 5
#: Self grades as the learner sees them, mapped to SM-2 quality.
SELF_GRADES: Mapping[str, int] = {"again": AGAIN, "hard": HARD, "good": GOOD, "easy": EASY}
AUTO_CORRECT, AUTO_WRONG = 4, 1
AUTO_GRADES: Mapping[str, int] = {"correct": AUTO_CORRECT, "wrong": AUTO_WRONG}
#: Answers below this come back later in the same session.
REDRILL_BELOW = 4
#: How many other cards come before a re-drilled one (fewer when the queue is short).
REDRILL_GAP = 3

Mode = Literal["review", "cram"]
EntryKind = Literal["due", "new", "redrill", "cram"]


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
    #: (item_key, "suspended"|"buried_until", old value), in the order they were set.
    flags: list[tuple[str, str, Any]] = field(default_factory=list)


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
    #: What the UI drew for a queue position (choice order, numeric numbers), keyed by
    #: (position, item key): undo comes back to the position and shows the same draw.
    draws: dict[tuple[int, str], Any] = field(default_factory=dict)
    #: Keys that became leeches in this session (for a notice).
    new_leeches: list[str] = field(default_factory=list)

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
            session.queue = spread(entries, _key)
        else:
            session.queue = spread(_review_queue(store, index, today, config, rng), _key)
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

    def next_due_days(self) -> dict[int, int] | None:
        """For each quality the answer could get: days until the card would be due again.

        What the grade buttons show before a press (Anki's "next interval"), from
        the store's scheduler and the card's state -- fuzz included, so the figure
        is the one the answer will set. None when the answer would not move the
        schedule (cram, a re-drill) or the session is over.
        """
        if self.position >= len(self.queue) or self.mode == "cram":
            return None
        entry = self.queue[self.position]
        if entry.kind not in ("due", "new"):
            return None
        state = self.store.state(entry.item.key)
        scheduler = self.store.scheduler
        day = self.today.isoformat()
        return {q: (date.fromisoformat(scheduler.review(state.memory, q, day, entry.item.key).due)
                    - self.today).days for q in (AGAIN, HARD, GOOD, EASY)}  # fmt: skip

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
        typed_answer: str | None = None,
    ) -> Review:
        """Answer the current item and move on; a low answer queues a re-drill.

        ``typed_answer``: what the learner typed before the reveal (kept with the review).
        """
        entry = self._require_current()
        scheduled = self.mode == "review" and entry.kind in ("due", "new")
        before = _Step(list(self.queue), self.position)
        try:
            review = self.store.answer(entry.item.key, quality, grade=grade, graded_by=graded_by,
                duration_s=duration_s, now=now, drawn=drawn, scheduled=scheduled,
                day_start_hour=self.config.day_start_hour, typed_answer=typed_answer,
            )  # fmt: skip
        except DiskFullError:
            self.position += 1  # seen, not saved: the session goes on read-only (data safety)
            raise
        before.review_id = review.id
        self._history.append(before)
        self._answers.append(review)
        self.position += 1
        if quality < REDRILL_BELOW:
            kind: EntryKind = "cram" if self.mode == "cram" else "redrill"
            at = min(self.position + REDRILL_GAP, len(self.queue))
            insert_apart(self.queue, at, _Entry(entry.item, kind), _key)
        if scheduled:
            self._after_scheduled(entry.item.key, review, before)
        return review

    def _after_scheduled(self, key: str, review: Review, step: _Step) -> None:
        """Leech check and sibling burial after an answer that moved the schedule."""
        config = self.config
        state = self.store.state(key)
        if is_new_leech(state.lapses, review.repetitions_before, review.quality, config.leech_threshold):
            self.new_leeches.append(key)
            if config.leech_suspend:
                step.flags.append((key, "suspended", state.suspended))
                self.store.set_suspended(key, True)
                self._remove_later(lambda k: k == key)
        if config.bury_siblings:
            note = note_of(key)
            tomorrow = (self.today + timedelta(days=1)).isoformat()
            later = {e.item.key for e in self.queue[self.position:]}
            for sibling in sorted(k for k in later if note_of(k) == note and k != key):
                step.flags.append((sibling, "buried_until", self.store.state(sibling).buried_until))
                self.store.bury(sibling, tomorrow)
            self._remove_later(lambda k: note_of(k) == note and k != key)

    def _remove_later(self, drop: Any) -> None:
        self.queue = self.queue[: self.position] + [
            e for e in self.queue[self.position :] if not drop(e.item.key)
        ]

    def undo(self) -> bool:
        """Take back the last action (answer, suspend or bury); False when nothing to undo."""
        if not self._history:
            return False
        step = self._history.pop()
        if step.review_id is not None:
            self.store.undo_review(step.review_id)
            self._answers = [r for r in self._answers if r.id != step.review_id]
        for key, name, old in reversed(step.flags):
            if name == "suspended":
                self.store.set_suspended(key, bool(old))
            else:
                self.store.bury(key, old)
        self.new_leeches = [k for k in self.new_leeches if k in self._answered_keys()]
        self.queue, self.position = step.queue, step.position
        return True

    def _answered_keys(self) -> set[str]:
        return {review.item_key for review in self._answers}

    def suspend(self) -> None:
        """Suspend the current item: it leaves every queue until unsuspended."""
        entry = self._require_current()
        old = self.store.state(entry.item.key).suspended
        self._drop_current(_Step(list(self.queue), self.position, flags=[(entry.item.key, "suspended", old)]))
        self.store.set_suspended(entry.item.key, True)

    def bury(self) -> None:
        """Hide the current item until the next study day."""
        entry = self._require_current()
        old = self.store.state(entry.item.key).buried_until
        self._drop_current(_Step(list(self.queue), self.position, flags=[(entry.item.key, "buried_until", old)]))
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


def _key(entry: _Entry) -> str:
    return entry.item.key


def _review_queue(
    store: Store, index: ItemIndex, today: date, config: SchedulingConfig, rng: random.Random
) -> list[_Entry]:
    day = today.isoformat()
    reviews_left, new_left = limits_left(store, day, config)
    quotas = deck_quotas(store, day, config.deck_limits)
    by_key = index.by_key
    left = interview.days_until(today, config.interview_date)
    if left is not None and config.interview_date:
        due = _interview_due(store, index, day, config.interview_date, reviews_left, quotas.reviews)
        plan = interview.new_card_plan(today, config.interview_date, 0, config.new_per_day)
        if plan is not None and plan.start_days:
            waiting = sum(n for _, n in uncapped_counts(store, index, day).values())
            plan = interview.new_card_plan(today, config.interview_date, waiting, config.new_per_day)
            assert plan is not None
            new_left = max(new_left, plan.per_day - store.introduced_on(day))
    else:
        due = _due_keys(store, index, day, reviews_left, rng, quotas.reviews)
    entries = [_Entry(by_key[k], "due") for k in due]
    if new_left:
        new_keys = new_keys_within(store, index, new_left, store.hidden_keys(day), quotas.new)
        entries += [_Entry(by_key[k], "new") for k in new_keys]
    return entries


def _interview_due(
    store: Store, index: ItemIndex, day: str, interview_date: str, limit: int, quota: Mapping[str, int]
) -> list[str]:
    """Due and at-risk keys, weakest on the interview day first (see dlquiz.study.plan)."""
    hidden = store.hidden_keys(day)
    due_dates = {k: d for k, d in store.query(
        "SELECT item_key, due FROM card_state WHERE last_reviewed IS NOT NULL AND due IS NOT NULL")
        if k in index.by_key and k not in hidden}  # fmt: skip
    memories = {k: m for k, m in load_memories(store).items() if k in due_dates}
    due_today = [k for k, d in due_dates.items() if d <= day]
    ordered = interview.plan_due_keys(due_today, memories, due_dates, store.scheduler, interview_date)
    return take_within(ordered, quota, limit)
