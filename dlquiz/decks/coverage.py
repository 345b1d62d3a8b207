"""How well the bundled decks cover the topic checklist (``dlquiz/topics.yaml``).

The checklist names, for every interview topic, a minimum number of cards and
the kinds it needs (Q question cards, N numeric cards, C coding exercises).
This module counts what the decks hold per topic so that ``docs/content.md``
can show the figures and a test can keep that table true: a count printed in
the docs that nobody recomputes goes stale with the next deck edit.

Counts are of *cards as written* (one YAML entry each, a cloze card with two
deletions counts once); a card that names several topics counts for each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dlquiz.decks.context import TOPICS_FILE
from dlquiz.model import Card

#: Which card types satisfy each kind letter of the checklist.
KIND_TYPES = {"Q": frozenset({"basic", "choice", "cloze"}),
              "N": frozenset({"numeric"}),
              "C": frozenset({"code"})}


@dataclass(frozen=True)
class Topic:
    """One row of the checklist."""

    id: str
    title: str
    kinds: tuple[str, ...]
    minimum: int


@dataclass(frozen=True)
class TopicCount:
    """What the decks hold for one topic, and whether that meets the checklist."""

    topic: Topic
    questions: int
    numeric: int
    code: int

    @property
    def total(self) -> int:
        return self.questions + self.numeric + self.code

    @property
    def missing_kinds(self) -> tuple[str, ...]:
        have = {"Q": self.questions, "N": self.numeric, "C": self.code}
        return tuple(k for k in self.topic.kinds if not have.get(k))

    @property
    def ok(self) -> bool:
        return self.total >= self.topic.minimum and not self.missing_kinds


def load_checklist(path: Path = TOPICS_FILE) -> list[Topic]:
    """The checklist rows in file order (the order of ``TOPICS.md``)."""
    from yaml import safe_load

    data = safe_load(path.read_text(encoding="utf-8")) or {}
    return [Topic(id=str(t["id"]), title=str(t.get("title", t["id"])),
                  kinds=tuple(str(k) for k in t.get("kinds", ())), minimum=int(t.get("min", 0)))
            for t in data.get("topics", []) if isinstance(t, dict)]


def covers(card: Card, topic_id: str) -> bool:
    """A card covers a topic it names, or one it names a finer id under."""
    return any(t == topic_id or t.startswith(topic_id + ".") for t in card.topics)


def count_topics(cards: Iterable[Card], checklist: Sequence[Topic]) -> list[TopicCount]:
    """Per-topic counts of question, numeric and code cards."""
    cards = list(cards)
    rows = []
    for topic in checklist:
        mine = [c for c in cards if covers(c, topic.id)]
        rows.append(TopicCount(
            topic=topic,
            questions=sum(c.type in KIND_TYPES["Q"] for c in mine),
            numeric=sum(c.type in KIND_TYPES["N"] for c in mine),
            code=sum(c.type in KIND_TYPES["C"] for c in mine)))
    return rows


def markdown_table(rows: Sequence[TopicCount]) -> str:
    """The per-topic table of ``docs/content.md`` (one line per topic)."""
    lines = ["| topic | title | needs | min | Q | N | C | total |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        mark = "" if r.ok else " ✗"
        lines.append(f"| `{r.topic.id}` | {r.topic.title} | {', '.join(r.topic.kinds)} | "
                     f"{r.topic.minimum} | {r.questions} | {r.numeric} | {r.code} | "
                     f"{r.total}{mark} |")
    return "\n".join(lines)


def totals_line(cards: Sequence[Card], exercises: int) -> str:
    """The "in all" sentence above the table."""
    per = {kind: sum(c.type == kind for c in cards)
           for kind in ("basic", "choice", "cloze", "numeric", "code")}
    mix = ", ".join(f"{n} {kind}" for kind, n in per.items())
    return f"In all: **{len(cards)} cards** ({mix}) and **{exercises} graded exercises**."


def doc_section(cards: Sequence[Card], checklist: Sequence[Topic], exercises: int) -> str:
    """What goes between the ``topic-counts`` markers of ``docs/content.md``."""
    return totals_line(cards, exercises) + "\n\n" + markdown_table(count_topics(cards, checklist))


def bundled_cards() -> list[Card]:
    """Every card of the bundled decks, loaded without the user's files or cache."""
    import tempfile

    from dlquiz.decks.catalog import load_catalog
    from dlquiz.paths import resolve_paths

    with tempfile.TemporaryDirectory() as home:
        catalog = load_catalog(resolve_paths(home), use_cache=False)
    return [card for deck in catalog.decks if deck.bundled for card in deck.cards]


def main() -> None:
    """Print the table: ``python -m dlquiz.decks.coverage`` (pasted into docs/content.md)."""
    from dlquiz.grading.registry import bundled_exercises

    print(doc_section(bundled_cards(), load_checklist(), len(bundled_exercises())))


if __name__ == "__main__":
    main()
