"""Loading valid decks into the model, the schema, and robustness against any input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from dlquiz.decks.loader import (
    ValidationContext,
    load_deck_bytes,
    load_deck_file,
    load_topic_ids,
)
from dlquiz.decks.positions import ALIAS_BUDGET
from dlquiz.decks.schema import deck_schema
from dlquiz.model import BrokenDeck, Deck

FULL_DECK = """\
id: demo
title: Demo deck
description: Every card type once.
tags: [cv, demo]
cards:
  - id: fl-gamma
    type: basic
    topics: [detection.focal-loss]
    front: What does gamma do?
    back: Down-weights easy examples.
    explanation: Because easy negatives dominate.
    refs: ["Lin et al. 2017"]
    tags: [loss]
  - id: dsc
    type: choice
    topics: [arch.conv-variants]
    front: Which are true?
    choices: [one, two, three]
    answer: [0, 2]
    explanation: One and three.
  - id: single
    type: choice
    topics: [arch.conv-variants]
    front: Which one?
    choices: [one, two]
    answer: 1
    explanation: Two.
  - id: iou-def
    type: cloze
    topics: [detection.nms.soft]
    text: "IoU = {{c1::intersection}} / {{c2::union::the bigger one}}"
  - id: conv-size
    type: numeric
    topics: [arch.conv]
    generator: conv_output_size
    params: {dilation: true}
  - id: nms-code
    type: code
    topics: [detection.nms]
    exercise: nms
"""


def make_context() -> ValidationContext:
    dilation = {"type": "object", "properties": {"dilation": {"type": "boolean"}},
                "additionalProperties": False}
    return ValidationContext(topics=load_topic_ids(),
                             generators={"conv_output_size": dilation},
                             exercise_ids=frozenset({"iou", "nms"}))


def load(text: str | bytes, path: str = "deck.yaml") -> Deck | BrokenDeck:
    data = text.encode() if isinstance(text, str) else text
    return load_deck_bytes(data, path, make_context())


def test_every_card_type_becomes_a_card() -> None:
    deck = load(FULL_DECK)
    assert isinstance(deck, Deck), deck
    assert (deck.id, deck.title, deck.tags) == ("demo", "Demo deck", ("cv", "demo"))
    basic, multi, single, cloze, numeric, code = deck.cards
    assert basic.front == "What does gamma do?" and basic.back == "Down-weights easy examples."
    assert basic.refs == ("Lin et al. 2017",) and basic.tags == ("loss",)
    assert multi.choices == ("one", "two", "three") and multi.answer == (0, 2)
    assert single.answer == (1,)
    assert cloze.topics == ("detection.nms.soft",)
    assert [item.key for item in cloze.items()] == ["demo/iou-def#c1", "demo/iou-def#c2"]
    assert numeric.generator == "conv_output_size" and dict(numeric.params) == {"dilation": True}
    assert code.exercise == "nms"
    assert len(deck.items()) == 7


def test_sources_point_at_the_card_and_the_deck_id() -> None:
    deck = load(FULL_DECK, "decks/demo.yaml")
    assert isinstance(deck, Deck)
    assert str(deck.source) == "decks/demo.yaml:1:5"
    assert str(deck.cards[1].source) == "decks/demo.yaml:14:5"


def test_utf8_bom_and_non_ascii_text_are_fine() -> None:
    deck = load(b"\xef\xbb\xbf" + FULL_DECK.replace("Demo deck", "Démo 两阶段").encode())
    assert isinstance(deck, Deck) and deck.title == "Démo 两阶段"


def test_aliases_within_budget_are_allowed() -> None:
    text = FULL_DECK.replace("tags: [cv, demo]", "tags: &t [cv, demo]").replace(
        "    tags: [loss]", "    tags: *t")
    deck = load(text)
    assert isinstance(deck, Deck) and deck.cards[0].tags == ("cv", "demo")


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    result = load("\n".join(lines))
    assert isinstance(result, BrokenDeck)
    assert "alias bomb" in result.errors[0].message
    assert str(ALIAS_BUDGET) in result.errors[0].message


def test_unknown_generator_when_none_is_registered_says_so() -> None:
    ctx = ValidationContext(topics=load_topic_ids())
    result = load_deck_bytes(FULL_DECK.encode(), "d.yaml", ctx)
    assert isinstance(result, BrokenDeck)
    messages = [e.message for e in result.errors]
    assert messages == ["unknown numeric generator 'conv_output_size'; known: none"]


def test_code_cards_are_not_checked_without_an_exercise_registry() -> None:
    ctx = ValidationContext(topics=make_context().topics, generators=make_context().generators,
                            exercise_ids=None)
    assert isinstance(load_deck_bytes(FULL_DECK.encode(), "d.yaml", ctx), Deck)


def test_exercise_defined_in_the_same_deck_satisfies_a_code_card(tmp_path: Path) -> None:
    (tmp_path / "mine_refs.py").write_text("def f(x):\n    return x\n")
    deck_file = tmp_path / "mine.yaml"
    deck_file.write_text("""\
id: mine
title: Mine
description: With an exercise.
cards:
  - id: k
    type: code
    topics: [ml.terms]
    exercise: my-identity
exercises:
  - id: my-identity
    title: Identity
    topics: [ml.terms]
    function: f
    signature: f(x)
    prompt: Return x.
    starter: "def f(x):\\n    return None\\n"
    hints: [Just return it.]
    solution: "def f(x):\\n    return x\\n"
    reference: mine_refs.py:f
    cases: mine_refs.py:cases
    checker: {name: allclose, rtol: 0.001}
    limits: {time_s: 2}
""")
    deck = load_deck_file(deck_file, make_context())
    assert isinstance(deck, Deck), deck
    (ex,) = deck.exercises
    assert ex.id == "my-identity" and ex.base_dir == str(tmp_path.resolve())
    assert ex.checker.name == "allclose" and dict(ex.checker.options) == {"rtol": 0.001}
    assert ex.time_limit_s == 2.0 and ex.memory_mb == 1024
    assert ex.hints == ("Just return it.",)


def test_one_message_per_problem_and_all_problems_reported() -> None:
    text = FULL_DECK.replace("type: basic", "type: qa").replace("answer: 1", "answer: 7")
    result = load(text)
    assert isinstance(result, BrokenDeck)
    assert result.deck_id == "demo"
    assert [(e.line, e.doc_path) for e in result.errors] == [
        (7, "cards[0].type"), (26, "cards[2].answer")]


def test_schema_is_valid_draft_2020_12_and_accepts_the_full_deck() -> None:
    import yaml

    schema = deck_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator(schema).validate(yaml.safe_load(FULL_DECK))
    json.dumps(schema)  # publishable as JSON


def test_finer_topic_is_accepted_but_unrelated_prefix_is_not() -> None:
    ctx = make_context()
    assert ctx.topic_known("detection.nms") and ctx.topic_known("detection.yolo.v5")
    assert not ctx.topic_known("detection") and not ctx.topic_known("detection.nmsx")


def test_context_fingerprint_changes_with_generators() -> None:
    a = make_context()
    b = ValidationContext(topics=a.topics, generators={}, exercise_ids=a.exercise_ids)
    assert a.fingerprint() != b.fingerprint()
    assert a.fingerprint() == make_context().fingerprint()


SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    result = load_deck_bytes(data, "fuzz.yaml", make_context())
    assert isinstance(result, (Deck, BrokenDeck))
    if isinstance(result, BrokenDeck):
        assert result.errors and all(e.line >= 1 and e.column >= 1 for e in result.errors)


YAML_ALPHABET = st.sampled_from(list("abc:- \n\t[]{},'\"&*!#|>?%@`0123.\\")) | st.sampled_from(
    ["id: ", "cards:", "  - ", "type: ", "basic", "choice", "answer: ", "topics: ",
     "{{c1::x}}", "&a ", "*a", "<<: ", "!!int ", "---\n", "- id: x\n"])


@SETTINGS
@given(st.lists(YAML_ALPHABET, max_size=60).map("".join))
def test_yamlish_text_never_raises(text: str) -> None:
    assert isinstance(load(text), (Deck, BrokenDeck))


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "type", "topics", "front", "back", "answer", "choices", "text",
                         "cards", "params", "generator", "exercise", "x"]), inner, max_size=5),
    max_leaves=20,
)


@SETTINGS
@given(st.fixed_dictionaries({"id": JSONISH, "title": JSONISH, "description": JSONISH,
                              "cards": st.lists(JSONISH, max_size=3)}))
def test_arbitrary_deck_shaped_data_never_raises(data: dict[str, object]) -> None:
    import yaml

    text = yaml.safe_dump(data, allow_unicode=True)
    assert isinstance(load(text), (Deck, BrokenDeck))


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    result = load("a: " + "[" * 5000 + "]" * 5000)
    assert isinstance(result, BrokenDeck)
    assert "nesting" in result.errors[0].message or "depth" in result.errors[0].message


@pytest.mark.parametrize("bad", [b"\x00", b"id: \x07", "é".encode("utf-16")])
def test_control_characters_and_utf16_are_reported(bad: bytes) -> None:
    result = load(bad)
    assert isinstance(result, BrokenDeck) and result.errors


def test_per_card_validation_agrees_with_the_published_schema() -> None:
    """The loader validates card by card for speed; the verdict must match the full schema."""
    import yaml

    from dlquiz.decks.positions import YamlFatal, load_located
    from dlquiz.decks.schema import schema_errors

    full = Draft202012Validator(deck_schema())
    corpus = Path(__file__).parent / "malformed"
    texts = [FULL_DECK] + [p.read_text(encoding="utf-8", errors="replace")
                           for p in sorted(corpus.glob("*.yaml"))]
    checked = 0
    for text in texts:
        try:
            data = yaml.safe_load(text)
            located = load_located(text)
        except (yaml.YAMLError, YamlFatal, UnicodeDecodeError):
            continue  # unparseable corpus files are not schema cases
        if located is None or not isinstance(data, dict) or "<<:" in text:
            continue  # merge keys are refused by the YAML layer; PyYAML applies them
        located_errors = [p for p in schema_errors(located) if "duplicate key" not in p.message]
        assert bool(located_errors) == (not full.is_valid(data)), text
        checked += 1
    assert checked >= 25


SPEC_DECK = """\
id: spec
title: Spec
description: An exercise whose cases are described in YAML.
cards: []
exercises:
  - id: my-smooth-l1
    title: Smooth L1
    topics: [detection.stages]
    function: smooth_l1
    signature: smooth_l1(x, beta)
    prompt: Smooth L1 of x.
    starter: "def smooth_l1(x, beta):\\n    return x\\n"
    hints: [Use np.where.]
    solution: "def smooth_l1(x, beta):\\n    return x\\n"
    reference: refs.py:smooth_l1
    cases:
      dims: {n: [1, 10]}
      args:
        x: {shape: [n], dtype: float64, low: -3, high: 3}
        beta: {float: [0.5, 2.0]}
      random: 5
"""


def test_user_exercise_with_yaml_described_cases(tmp_path: Path) -> None:
    (tmp_path / "refs.py").write_text("def smooth_l1(x, beta):\n    return x\n")
    deck_file = tmp_path / "spec.yaml"
    deck_file.write_text(SPEC_DECK)
    deck = load_deck_file(deck_file, make_context())
    assert isinstance(deck, Deck), deck
    assert deck.exercises[0].cases.startswith("spec:")
    assert json.loads(deck.exercises[0].cases[len("spec:"):])["random"] == 5


def test_exercise_problems_found_by_the_grader_parser_are_located(tmp_path: Path) -> None:
    (tmp_path / "refs.py").write_text("def smooth_l1(x, beta):\n    return x\n")
    deck_file = tmp_path / "spec.yaml"
    deck_file.write_text(SPEC_DECK.replace("signature: smooth_l1(x, beta)",
                                           "signature: smooth(x, beta)"))
    result = load_deck_file(deck_file, make_context())
    assert isinstance(result, BrokenDeck)
    (error,) = result.errors
    # "    signature: " is 15 characters: the value starts at column 16 of line 10.
    assert (error.line, error.column, error.doc_path) == (10, 16, "exercises[0].signature")
    assert "smooth" in error.message and "smooth_l1" in error.message


def test_a_bad_checker_dtype_in_a_user_exercise_is_located(tmp_path: Path) -> None:
    (tmp_path / "refs.py").write_text("def smooth_l1(x, beta):\n    return x\n")
    deck_file = tmp_path / "spec.yaml"
    text = SPEC_DECK + "    checker: {name: allclose, dtype: float}\n"
    deck_file.write_text(text)
    result = load_deck_file(deck_file, make_context())
    assert isinstance(result, BrokenDeck)
    (error,) = result.errors
    assert error.doc_path == "exercises[0].checker.dtype"
    assert error.line == len(text.splitlines())
    assert "unknown dtype 'float'" in error.message and "float64" in error.message
    deck_file.write_text(SPEC_DECK + "    checker: {name: allclose, dtype: float64}\n")
    deck = load_deck_file(deck_file, make_context())
    assert isinstance(deck, Deck), deck
    assert deck.exercises[0].checker.options["dtype"] == "float64"
