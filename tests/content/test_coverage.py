"""Coverage of TOPICS.md by the bundled decks (issue 4).

Fails when a topic falls below its minimum, lacks a card kind it lists (Q, N,
C), a card names an unknown topic, or the manifest drifts from TOPICS.md.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from dlquiz.decks.catalog import load_catalog
from dlquiz.grading.registry import bundled_exercises
from dlquiz.model import Card
from dlquiz.paths import resolve_paths

MANIFEST = Path(__file__).resolve().parents[2] / "dlquiz" / "topics.yaml"
TOPICS_MD = Path(__file__).resolve().parents[3] / "shared" / "TOPICS.md"
KIND_TYPES = {"Q": {"basic", "choice", "cloze"}, "N": {"numeric"}, "C": {"code"}}
MIN_TOTAL_CARDS = 800
MIN_EXERCISES = 85


def manifest() -> list[dict[str, object]]:
    return list(yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["topics"])


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> list[Card]:
    home = tmp_path_factory.mktemp("coverage-home")
    catalog = load_catalog(resolve_paths(home), use_cache=False)
    assert not catalog.broken, [str(e) for b in catalog.broken for e in b.errors]
    return [card for deck in catalog.decks if deck.bundled for card in deck.cards]


def covers(card: Card, topic: str) -> bool:
    return any(t == topic or t.startswith(topic + ".") for t in card.topics)


@pytest.mark.parametrize("topic", manifest(), ids=lambda t: str(t["id"]))
def test_topic_meets_its_minimum_and_kinds(topic: dict[str, object], cards: list[Card]) -> None:
    mine = [c for c in cards if covers(c, str(topic["id"]))]
    assert len(mine) >= int(str(topic["min"])), f"{topic['id']}: {len(mine)} < {topic['min']}"
    types = {c.type for c in mine}
    for kind in topic["kinds"]:  # type: ignore[attr-defined]
        assert types & KIND_TYPES[kind], f"{topic['id']} has no {kind} card"


def test_every_card_names_known_topics(cards: list[Card]) -> None:
    ids = [str(t["id"]) for t in manifest()]
    unknown = [(c.key, t) for c in cards for t in c.topics
               if not any(t == i or t.startswith(i + ".") for i in ids)]
    assert unknown == []


def test_total_cards_and_type_mix(cards: list[Card]) -> None:
    assert len(cards) >= MIN_TOTAL_CARDS
    per_type = Counter(c.type for c in cards)
    assert set(per_type) == {"basic", "choice", "cloze", "numeric", "code"}


def test_card_ids_unique_and_no_repeated_questions(cards: list[Card]) -> None:
    keys = [c.key for c in cards]
    assert len(keys) == len(set(keys))
    fronts = Counter(re.sub(r"\W+", " ", (c.front or c.text).lower()).strip()
                     for c in cards if c.type in {"basic", "choice", "cloze"})
    assert [f for f, n in fronts.items() if n > 1] == []


def test_enough_exercises_and_each_has_a_code_card(cards: list[Card]) -> None:
    exercises = bundled_exercises()
    assert len(exercises) >= MIN_EXERCISES
    referenced = {c.exercise for c in cards if c.type == "code"}
    assert referenced <= set(exercises)
    assert set(exercises) - referenced == set()


def test_manifest_mirrors_topics_md() -> None:
    ids = [str(t["id"]) for t in manifest()]
    assert len(ids) == len(set(ids)) == 62
    if TOPICS_MD.is_file():  # the shared checklist sits beside the repo in dev and CI
        rows = re.findall(r"^\| ([a-z][\w.-]+) \| .*? \| .*? \| (.*?) \| (\d+) \|$",
                          TOPICS_MD.read_text(encoding="utf-8"), flags=re.M)
        expected = {tid: (int(mn), [k.strip() for k in kinds.split(",")])
                    for tid, kinds, mn in rows}
        actual = {str(t["id"]): (int(str(t["min"])), list(t["kinds"]))  # type: ignore[call-overload]
                  for t in manifest()}
        assert actual == expected
