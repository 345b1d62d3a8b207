"""Mock interview: which questions a timed session asks, in which order, with what time.

Shape (see docs/mock-interview.md). A session of ``minutes`` holds concept
questions, each usually followed by a *follow-up* on the same topic ("why /
when would it fail"), then numeric questions, then one coding exercise:

======  =======  ==========  =======  ======
length  concept  follow-up   numeric  coding
======  =======  ==========  =======  ======
30 min  3        3           1        1 (12 min)
45 min  5        4           2        1 (16 min)
60 min  7        6           2        1 (21 min)
======  =======  ==========  =======  ======

A concept question gets :data:`BUDGET_S` ``concept`` seconds (3 min), a
follow-up 2 min, a numeric question 3 min; the coding exercise gets what is
left of the length. Questions come in interview order: concept 1, its
follow-up, concept 2, its follow-up, ..., the numeric questions, the coding
exercise last.

What counts as which card (cards in any loaded deck, never a suspended or
buried one -- cram's rule):

* **concept**: a ``basic`` card of the topic whose front is *not* a
  follow-up; when a topic has only follow-up fronts, one of those;
* **follow-up**: a ``basic`` card of the *same* topic whose front asks why,
  when, what fails, a trade-off or a drawback (:data:`FOLLOWUP_RE`), or that
  carries the tag ``followup``. When the topic has none, the plan falls back,
  in this order, and says so in :attr:`Slot.note`: a follow-up of the same
  area (``detection`` for ``detection.nms``), else a second concept question
  on the topic;
* **numeric** / **coding**: a ``numeric`` / ``code`` card of one of the
  session's topics, else of one of their areas, else of any deck (noted).

Topics: the learner names topic ids (prefix match: ``detection`` covers
``detection.nms``) or asks for the *weakest*: the topics with the lowest
readiness (:mod:`dlquiz.study.readiness`, predicted recall on the interview
day, else today), one per concept question; equal readiness (every unseen
topic is 0) is broken by a seeded shuffle, so a new learner does not get the
alphabetically first topics every time. A slot's ``topic`` is the card's own
topic that matched (``detection.nms``, not ``detection``): the report scores
and the drill-next cram use it.

Everything is pure and deterministic for a given seed: the same items,
readiness and seed give the same plan.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from dlquiz.model import Item

Kind = Literal["concept", "followup", "numeric", "coding"]
KINDS: tuple[str, ...] = ("concept", "followup", "numeric", "coding")

#: Session lengths offered, in minutes.
LENGTHS: tuple[int, ...] = (30, 45, 60)
DEFAULT_LENGTH = 45

#: Seconds per question of each kind; coding gets what the length leaves.
BUDGET_S: Mapping[str, int] = {"concept": 180, "followup": 120, "numeric": 180}

#: Tag that marks a card as a follow-up whatever its front says.
FOLLOWUP_TAG = "followup"

#: Fronts that ask the "why / when would it fail" an interviewer follows up with.
FOLLOWUP_RE = re.compile(
    r"\b(why|when|fails?|failure|failing|trade-?offs?|drawbacks?|downsides?|limitations?"
    r"|pitfalls?|breaks?|worse|instead|hurts?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Shape:
    """How many questions of each kind a length holds."""

    minutes: int
    concept: int
    followup: int
    numeric: int
    coding: int = 1

    def coding_budget_s(self) -> int:
        fixed = (self.concept * BUDGET_S["concept"] + self.followup * BUDGET_S["followup"]
                 + self.numeric * BUDGET_S["numeric"])
        return max(0, self.minutes * 60 - fixed) // max(1, self.coding)


SHAPES: Mapping[int, Shape] = {
    30: Shape(30, concept=3, followup=3, numeric=1),
    45: Shape(45, concept=5, followup=4, numeric=2),
    60: Shape(60, concept=7, followup=6, numeric=2),
}


@dataclass(frozen=True)
class Slot:
    """One question of the plan. ``note`` says why a fallback card was used ("" if none)."""

    kind: str
    item_key: str
    topic: str
    budget_s: int
    note: str = ""


@dataclass(frozen=True)
class MockPlan:
    """A whole interview: its questions in order, and what the learner asked for."""

    minutes: int
    requested: tuple[str, ...]
    weakest: bool
    seed: int
    topics: tuple[str, ...]
    slots: tuple[Slot, ...]
    #: Kinds the decks have no card for at all (the slot is left out), one line each.
    gaps: tuple[str, ...] = ()

    @property
    def budget_s(self) -> int:
        return sum(s.budget_s for s in self.slots)

    def notes(self) -> list[str]:
        """The fallbacks the plan had to take, one line each (shown before the start)."""
        return [f"Q{n}: {s.note}" for n, s in enumerate(self.slots, 1) if s.note] + list(self.gaps)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["budget_s"] = self.budget_s
        return data


class MockPlanError(ValueError):
    """The plan cannot be built (no length like that, no cards on the topics)."""


def is_followup(item: Item) -> bool:
    """A basic card that asks why / when / what fails (or is tagged ``followup``)."""
    card = item.card
    return card.type == "basic" and (FOLLOWUP_TAG in card.tags or bool(FOLLOWUP_RE.search(card.front)))


def topic_matches(topic: str, wanted: str) -> bool:
    """``detection`` matches ``detection.nms`` and itself, not ``detections``."""
    return topic == wanted or topic.startswith(wanted + ".")


def area_of(topic: str) -> str:
    return topic.split(".", 1)[0]


def weakest_topics(levels: Mapping[str, float], candidates: Collection[str], n: int,
                   rng: random.Random) -> list[str]:
    """The ``n`` candidate topics with the lowest readiness (missing = 0), ties shuffled."""
    names = sorted(candidates)
    rng.shuffle(names)
    names.sort(key=lambda t: levels.get(t, 0.0))  # stable: the shuffle orders equal levels
    return names[:n]


class _Picker:
    """Draws cards without repeats, seeded; candidates are sorted by key first."""

    def __init__(self, items: Iterable[Item], rng: random.Random) -> None:
        self.items = sorted(items, key=lambda i: i.key)
        self.rng = rng
        self.used: set[str] = set()

    def pick(self, ok: Any) -> Item | None:
        pool = [i for i in self.items if i.key not in self.used and ok(i)]
        if not pool:
            return None
        item = self.rng.choice(pool)
        self.used.add(item.key)
        return item


def _own_topic(item: Item, wanted: Sequence[str]) -> str:
    """The card's first topic that matches one of ``wanted`` (else its first topic)."""
    for topic in item.card.topics:
        if any(topic_matches(topic, w) for w in wanted):
            return topic
    return item.card.topics[0] if item.card.topics else ""


def _of(item: Item, kind: str, wanted: Sequence[str]) -> bool:
    return item.card.type == kind and any(topic_matches(t, w) for t in item.card.topics for w in wanted)


def build_plan(
    items: Sequence[Item],
    minutes: int = DEFAULT_LENGTH,
    topics: Sequence[str] = (),
    *,
    seed: int = 0,
    levels: Mapping[str, float] | None = None,
    hidden: Collection[str] = (),
) -> MockPlan:
    """The interview for ``minutes`` over ``topics`` (empty: the weakest, from ``levels``).

    ``levels``: readiness per topic id (:meth:`Readiness.topics`), used only
    for the weakest; ``hidden``: suspended or buried item keys, never asked.
    """
    shape = SHAPES.get(minutes)
    if shape is None:
        raise MockPlanError(f"a mock interview is {', '.join(map(str, LENGTHS))} minutes, not {minutes}")
    rng = random.Random(seed)
    pool = [i for i in items if i.key not in hidden]
    basic_topics = {t for i in pool if i.card.type == "basic" for t in i.card.topics}
    weakest = not topics
    if weakest:
        chosen = weakest_topics(levels or {}, basic_topics, shape.concept, rng)
        if not chosen:
            raise MockPlanError("no question cards to ask: load a deck with basic cards "
                                "(or unsuspend some)")
    else:
        chosen = [w for w in dict.fromkeys(topics) if any(topic_matches(t, w) for t in basic_topics)]
        if not chosen:
            every = {t for i in items if i.card.type == "basic" for t in i.card.topics}
            named = ", ".join(topics)
            if any(topic_matches(t, w) for t in every for w in topics):
                raise MockPlanError(f"every question card on {named} is suspended or buried today")
            raise MockPlanError(f"no question cards on {named}: pick other topics")
    picker = _Picker(pool, rng)
    slots: list[Slot] = []
    asked: list[str] = []
    gaps: list[str] = []
    for n in range(shape.concept):
        wanted = chosen[n % len(chosen)]
        concept = (picker.pick(lambda i: _of(i, "basic", [wanted]) and not is_followup(i))
                   or picker.pick(lambda i: _of(i, "basic", [wanted])))
        if concept is None:  # this topic ran out of cards: ask the others
            concept = picker.pick(lambda i: _of(i, "basic", chosen))
        if concept is None:
            gaps.append(f"only {n} concept question{'s' if n != 1 else ''}: "
                        "these topics have no more cards")
            break
        topic = _own_topic(concept, chosen)
        asked.append(topic)
        slots.append(Slot("concept", concept.key, topic, BUDGET_S["concept"]))
        if n < shape.followup:
            follow = _followup(picker, topic)
            if follow is None:
                gaps.append(f"no card left for a follow-up to Q{len(slots)}: left out")
            else:
                slots.append(follow)
    if not slots:
        raise MockPlanError("no question cards left on these topics (all suspended or buried?)")
    session_topics = tuple(dict.fromkeys(asked))
    for kind, count in (("numeric", shape.numeric), ("code", shape.coding)):
        for _ in range(count):
            slot = _side_question(picker, kind, session_topics, shape)
            if slot is not None:
                slots.append(slot)
            else:
                gaps.append(f"no {kind} card left in any deck: that question is left out")
    return MockPlan(minutes, tuple(topics), weakest, seed, session_topics, tuple(slots), tuple(gaps))


def _followup(picker: _Picker, topic: str) -> Slot | None:
    """A follow-up for ``topic`` (see the module docstring); None when no basic card is left."""
    budget = BUDGET_S["followup"]
    item = picker.pick(lambda i: is_followup(i) and topic in i.card.topics)
    if item is not None:
        return Slot("followup", item.key, topic, budget)
    area = area_of(topic)
    item = picker.pick(lambda i: is_followup(i) and any(topic_matches(t, area) for t in i.card.topics))
    if item is not None:
        return Slot("followup", item.key, _own_topic(item, [area]), budget,
                    f"no unused why/when card on {topic}: a follow-up from {area} instead")
    item = picker.pick(lambda i: i.card.type == "basic" and topic in i.card.topics)
    if item is not None:
        return Slot("followup", item.key, topic, budget,
                    f"no unused why/when card on {topic} or {area}: a second question on {topic}")
    item = picker.pick(lambda i: is_followup(i))
    note = f"no other card on {topic} or {area}: a follow-up from another topic"
    if item is None:  # not a single follow-up left anywhere: any basic card
        item = picker.pick(lambda i: i.card.type == "basic")
        note = f"no other card on {topic}: a question from another topic"
    if item is None:
        return None
    return Slot("followup", item.key, item.card.topics[0] if item.card.topics else "", budget, note)


def _side_question(picker: _Picker, card_type: str, topics: Sequence[str], shape: Shape) -> Slot | None:
    """A numeric or coding question on the session's topics, else their areas, else anywhere."""
    kind = "numeric" if card_type == "numeric" else "coding"
    budget = BUDGET_S["numeric"] if kind == "numeric" else shape.coding_budget_s()
    areas = list(dict.fromkeys(area_of(t) for t in topics))
    item = picker.pick(lambda i: _of(i, card_type, topics))
    if item is not None:
        return Slot(kind, item.key, _own_topic(item, topics), budget)
    item = picker.pick(lambda i: _of(i, card_type, areas))
    if item is not None:
        return Slot(kind, item.key, _own_topic(item, areas), budget,
                    f"no {kind} card on these topics: one from {area_of(_own_topic(item, areas))}")
    item = picker.pick(lambda i: i.card.type == card_type)
    if item is None:
        return None
    topic = item.card.topics[0] if item.card.topics else ""
    return Slot(kind, item.key, topic, budget, f"no {kind} card on these topics or areas: one on {topic}")
