"""Mock interview plans: shape per length, topics, weakest, follow-ups and their fallbacks."""

from __future__ import annotations

import pytest

from dlquiz.model import Card, Item
from dlquiz.study.mock import (
    FOLLOWUP_TAG,
    SHAPES,
    MockPlanError,
    build_plan,
    is_followup,
)

#: The documented shape (docs/mock-interview.md): concept, follow-up, numeric, coding.
DOCUMENTED = {30: (3, 3, 1, 1), 45: (5, 4, 2, 1), 60: (7, 6, 2, 1)}


def basic(deck: str, cid: str, topic: str, front: str, tags: tuple[str, ...] = ()) -> Item:
    return Item(Card(deck, cid, "basic", (topic,), front=front, back=f"answer of {cid}", tags=tags))


def other(deck: str, cid: str, kind: str, topic: str) -> Item:
    extra = {"generator": "conv_output_size"} if kind == "numeric" else {"exercise": "add-one"}
    return Item(Card(deck, cid, kind, (topic,), **extra))  # type: ignore[arg-type]


def big_deck() -> list[Item]:
    """Eight topics over two areas, each with 3 concept and 3 follow-up cards; side cards."""
    items: list[Item] = []
    for n in range(8):
        topic = f"{'ab'[n % 2]}.t{n}"
        items += [basic("d", f"c{n}-{k}", topic, f"Define thing {n}.{k}.") for k in range(3)]
        items += [basic("d", f"f{n}-{k}", topic, f"Why does thing {n}.{k} fail on small inputs?")
                  for k in range(3)]
        items.append(other("d", f"num{n}", "numeric", topic))
        items.append(other("d", f"code{n}", "code", topic))
    return items


def kinds(plan) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    k = [s.kind for s in plan.slots]
    return k.count("concept"), k.count("followup"), k.count("numeric"), k.count("coding")


@pytest.mark.parametrize("minutes", [30, 45, 60])
def test_each_length_has_the_documented_shape_and_fills_its_time(minutes: int) -> None:
    plan = build_plan(big_deck(), minutes, ["a", "b"], seed=1)
    assert kinds(plan) == DOCUMENTED[minutes]
    assert plan.budget_s == minutes * 60
    assert [s.budget_s for s in plan.slots if s.kind == "concept"] == [180] * DOCUMENTED[minutes][0]
    assert all(s.budget_s == 120 for s in plan.slots if s.kind == "followup")
    assert plan.slots[-1].kind == "coding" and plan.slots[-1].budget_s >= 12 * 60
    assert plan.notes() == []
    keys = [s.item_key for s in plan.slots]
    assert len(keys) == len(set(keys)), "a question is never asked twice"


def test_every_follow_up_comes_right_after_a_concept_on_the_same_topic() -> None:
    items = big_deck()
    by_key = {i.key: i for i in items}
    plan = build_plan(items, 60, ["a.t0", "b.t1", "a.t2"], seed=5)
    for before, slot in zip(plan.slots, plan.slots[1:]):
        if slot.kind == "followup":
            assert before.kind == "concept" and before.topic == slot.topic
            card = by_key[slot.item_key].card
            assert slot.topic in card.topics and "Why" in card.front
    concepts = [by_key[s.item_key].card.front for s in plan.slots if s.kind == "concept"]
    assert all(f.startswith("Define") for f in concepts), "concept questions are not follow-ups"
    assert {s.topic for s in plan.slots} <= {"a.t0", "b.t1", "a.t2"}


def test_topics_are_taken_in_turn_and_an_area_covers_its_topics() -> None:
    plan = build_plan(big_deck(), 45, ["b"], seed=2)
    assert all(s.topic.startswith("b.") for s in plan.slots)
    plan = build_plan(big_deck(), 30, ["a.t0", "b.t3", "a.t4"], seed=2)
    assert [s.topic for s in plan.slots if s.kind == "concept"] == ["a.t0", "b.t3", "a.t4"]


def test_follow_up_detection_by_front_and_by_tag() -> None:
    assert is_followup(basic("d", "x", "a.t", "When would batch norm hurt you?"))
    assert is_followup(basic("d", "x", "a.t", "What is the trade-off of a larger stride?"))
    assert is_followup(basic("d", "x", "a.t", "Define stride.", tags=(FOLLOWUP_TAG,)))
    assert not is_followup(basic("d", "x", "a.t", "What is the output of ReLU for -1?"))
    assert not is_followup(Item(Card("d", "x", "cloze", ("a.t",), text="why {{c1::x}}")))


def test_a_topic_without_follow_ups_falls_back_to_its_area_and_says_so() -> None:
    items = [basic("d", f"y{k}", "a.y", f"Define y{k}.") for k in range(6)]
    items += [basic("d", "xw", "a.x", "Why does x fail?"), basic("d", "x0", "a.x", "Define x.")]
    plan = build_plan(items, 30, ["a.y"], seed=0)
    follow = [s for s in plan.slots if s.kind == "followup"]
    assert follow[0].item_key == "d/xw" and follow[0].topic == "a.x"
    assert "a.y" in follow[0].note and "from a" in follow[0].note
    # the area's only follow-up is used once: then a second question on the topic, noted
    assert all(s.item_key.startswith("d/y") for s in follow[1:])
    assert all("second question on a.y" in s.note for s in follow[1:])
    assert len(plan.notes()) == 3 + 2 and plan.notes()[0].startswith("Q2: ")  # + no numeric, no code


def test_missing_numeric_and_coding_cards_are_noted_not_silently_dropped() -> None:
    items = [basic("d", f"c{k}", "a.t", f"Define {k}.") for k in range(3)]
    items += [basic("d", f"f{k}", "a.t", f"Why {k}?") for k in range(3)]
    items.append(other("d", "num", "numeric", "z.far"))
    plan = build_plan(items, 30, ["a.t"], seed=0)
    numeric = [s for s in plan.slots if s.kind == "numeric"]
    assert numeric[0].item_key == "d/num" and "one on z.far" in numeric[0].note
    assert not [s for s in plan.slots if s.kind == "coding"]
    assert any("no code card" in n for n in plan.notes())


def test_weakest_takes_the_lowest_readiness_topics() -> None:
    levels = {f"{'ab'[n % 2]}.t{n}": 0.1 * (8 - n) for n in range(8)}  # t7 weakest, t0 strongest
    plan = build_plan(big_deck(), 30, [], seed=3, levels=levels)
    assert plan.weakest and plan.requested == ()
    assert plan.topics == ("b.t7", "a.t6", "b.t5")


def test_weakest_ties_are_shuffled_by_the_seed_and_deterministic() -> None:
    levels: dict[str, float] = {}  # nothing reviewed: every topic is 0
    plans = {seed: build_plan(big_deck(), 30, [], seed=seed, levels=levels) for seed in range(6)}
    assert build_plan(big_deck(), 30, [], seed=4, levels=levels) == plans[4]
    assert len({p.topics for p in plans.values()}) > 1, "ties do not always pick the same topics"
    assert len({p.slots for p in plans.values()}) > 1


def test_hidden_cards_are_never_asked() -> None:
    items = big_deck()
    hidden = {i.key for i in items if i.card.id.startswith(("c0-", "f0-", "num"))}
    plan = build_plan(items, 60, ["a"], seed=9, hidden=hidden)
    assert not {s.item_key for s in plan.slots} & hidden


def test_bad_lengths_and_empty_topics_are_clear_errors() -> None:
    with pytest.raises(MockPlanError, match="30, 45, 60 minutes, not 20"):
        build_plan(big_deck(), 20, ["a"])
    with pytest.raises(MockPlanError, match="no question cards on nope"):
        build_plan(big_deck(), 30, ["nope"])
    with pytest.raises(MockPlanError, match="suspended or buried"):
        build_plan(big_deck(), 30, ["a"], hidden={i.key for i in big_deck()})
    with pytest.raises(MockPlanError, match="no question cards to ask"):
        build_plan(big_deck(), 30, [], hidden={i.key for i in big_deck()})


def test_shapes_table_matches_the_documented_one() -> None:
    assert {m: (s.concept, s.followup, s.numeric, s.coding) for m, s in SHAPES.items()} == DOCUMENTED


def test_bundled_decks_give_full_plans_with_honest_follow_ups() -> None:
    """Over the real decks: every length plans fully; a follow-up is a why/when card of its
    topic, or its note says which fallback was taken."""
    from dlquiz.decks.catalog import load_catalog
    from dlquiz.paths import resolve_paths

    import tempfile

    items = load_catalog(resolve_paths(tempfile.mkdtemp())).items()
    by_key = {i.key: i for i in items}
    for minutes in (30, 45, 60):
        for seed in range(3):
            plan = build_plan(items, minutes, [], seed=seed, levels={})
            assert kinds(plan) == DOCUMENTED[minutes]
            for before, slot in zip(plan.slots, plan.slots[1:]):
                if slot.kind == "followup":
                    item = by_key[slot.item_key]
                    honest = is_followup(item) and before.topic in item.card.topics
                    assert honest or slot.note, slot


def test_a_small_deck_gives_a_shorter_interview_and_says_what_is_missing() -> None:
    items = [basic("d", "c0", "a.t", "Define it."), other("d", "n", "numeric", "a.t")]
    plan = build_plan(items, 30, ["a.t"], seed=0)
    assert kinds(plan) == (1, 0, 1, 0)
    assert plan.budget_s == 180 + 180
    notes = " / ".join(plan.notes())
    assert "follow-up to Q1" in notes and "only 1 concept question" in notes and "no code card" in notes
