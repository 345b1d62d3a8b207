"""``input: typed`` on a basic card or a whole deck: loaded, cached, checked with positions."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from dlquiz.decks.cache import from_json, to_json
from dlquiz.decks.schema import deck_schema
from dlquiz.model import BrokenDeck, Deck
from tests.decks.test_decks import load

DECK = """\
id: typing
title: Typed answers
description: d
input: {deck}
cards:
  - id: plain
    type: basic
    topics: [arch.conv]
    front: What does ReLU return for x < 0?
    back: Zero.
    difficulty: hard
  - id: own
    type: basic
    topics: [arch.conv]
    front: F
    back: B
    input: {card}
  - id: iou
    type: cloze
    topics: [detection.nms]
    text: "IoU = {{{{c1::intersection}}}} over union"
"""


def deck(deck_input: str = "typed", card_input: str = "reveal") -> Deck:
    loaded = load(DECK.format(deck=deck_input, card=card_input))
    assert isinstance(loaded, Deck), loaded
    return loaded


def test_a_deck_default_and_a_card_of_its_own() -> None:
    plain, own, cloze = deck("typed", "reveal").cards
    assert (plain.input_mode, own.input_mode) == ("typed", "reveal")  # the card's own wins
    assert cloze.input_mode == ""  # only basic cards are typed
    plain, own, _ = deck("reveal", "typed").cards
    assert (plain.input_mode, own.input_mode) == ("reveal", "typed")


def test_no_input_anywhere_leaves_it_to_the_setting() -> None:
    text = DECK.format(deck="typed", card="typed").replace("input: typed\ncards", "cards")
    plain, own, _ = load(text).cards
    assert (plain.input_mode, own.input_mode) == ("", "typed")


def test_the_parsed_deck_cache_keeps_input_and_difficulty() -> None:
    loaded = deck()
    back = from_json(json.loads(json.dumps(to_json(loaded))))
    assert back == loaded
    assert back.cards[0].difficulty == "hard" and back.cards[0].input_mode == "typed"


def test_bad_values_are_located_errors() -> None:
    broken = load(DECK.format(deck="typed", card="typing"))
    assert isinstance(broken, BrokenDeck)
    assert [str(e) for e in broken.errors] == [
        "deck.yaml:17:12: cards[1].input: 'typing' is not one of typed, reveal"]
    broken = load(DECK.format(deck="yes", card="typed"))  # YAML reads yes as true
    assert isinstance(broken, BrokenDeck)
    assert [str(e) for e in broken.errors] == [
        "deck.yaml:4:8: input: true/false (true) is not one of typed, reveal"]
    text = DECK.format(deck="typed", card="typed").replace(
        '    text: "IoU', '    input: typed\n    text: "IoU')
    broken = load(text)
    assert isinstance(broken, BrokenDeck)
    assert [str(e) for e in broken.errors] == [
        "deck.yaml:21:5: cards[2].input: key 'input' does not apply to cloze cards"]


def test_the_published_schema_says_the_same() -> None:
    validator = Draft202012Validator(deck_schema())
    card = {"id": "a", "type": "basic", "topics": ["arch.conv"], "front": "F", "back": "B"}
    base = {"id": "d", "title": "T", "description": "", "cards": [card]}
    assert not list(validator.iter_errors({**base, "input": "typed"}))
    assert not list(validator.iter_errors({**base, "cards": [{**card, "input": "reveal"}]}))
    assert list(validator.iter_errors({**base, "input": "typing"}))
    choice = {"id": "c", "type": "choice", "topics": ["arch.conv"], "front": "F",
              "choices": ["x", "y"], "answer": 0, "explanation": "e", "input": "typed"}
    assert list(validator.iter_errors({**base, "cards": [choice]}))


def test_a_choice_card_has_at_most_nine_choices() -> None:
    choices = ", ".join(f"c{n}" for n in range(10))
    text = ("id: many\ntitle: T\ndescription: d\ncards:\n  - id: c\n    type: choice\n"
            f"    topics: [arch.conv]\n    front: F\n    choices: [{choices}]\n    answer: 0\n"
            "    explanation: e\n")
    broken = load(text)
    assert isinstance(broken, BrokenDeck)
    assert [str(e) for e in broken.errors] == [
        "deck.yaml:9:51: cards[0].choices[9]: at most 9 choices (the keys 1-9 pick them), got 10"]
    assert isinstance(load(text.replace(", c9]", "]")), Deck)
