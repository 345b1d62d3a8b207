"""The malformed-deck corpus: every file in tests/decks/malformed/ has its exact errors here.

Each expected line was worked out by hand from the file (line and column
counted from 1, the document path, the message), not copied from the loader's
output. A few YAML syntax errors depend on where libyaml notices the problem;
those rows give the line and a message substring instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dlquiz.decks.loader import ValidationContext, load_deck_file, load_topic_ids
from dlquiz.model import BrokenDeck

CORPUS = Path(__file__).parent / "malformed"
SLUG = "(use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit)"


def make_context() -> ValidationContext:
    """Real topics; two fake generators and two exercise ids, so the corpus is self-contained."""
    dilation = {"type": "object", "properties": {"dilation": {"type": "boolean"}},
                "additionalProperties": False}
    return ValidationContext(
        topics=load_topic_ids(),
        generators={"conv_output_size": dilation, "box_iou": {"type": "object"}},
        exercise_ids=frozenset({"iou", "nms"}),
    )


EXACT: dict[str, list[str]] = {
    "bad_card_type.yaml": [
        "6:11: cards[0].type: 'qa' is not one of basic, choice, cloze, numeric, code"],
    "duplicate_card_id.yaml": [
        "10:9: cards[1].id: duplicate card id 'c1' (first used on line 5)"],
    "not_utf8.yaml": [
        "3:17: not valid UTF-8: byte 0xe9 at offset 37 (line 3); save the file as UTF-8"],
    "empty.yaml": [
        "1:1: empty deck file: expected a mapping with id, title, description and cards"],
    "alias_bomb.yaml": [
        "5:8: YAML aliases expand to more than 10000 values (an alias bomb, 'billion laughs'); "
        "refusing to load"],
    "alias_cycle.yaml": [
        "3:21: this alias refers to its own anchor (a cycle); decks must be plain trees"],
    "tab_indent.yaml": ["6:1: tab character in indentation; YAML indents with spaces only"],
    "deck_tags_number.yaml": ["4:7: tags: expected a list of strings, got a number (5)"],
    "unknown_card_key.yaml": [
        "5:5: cards[0]: missing required field 'front'",
        "8:5: cards[0].fornt: unknown key 'fornt' (did you mean 'front'?)"],
    "missing_back.yaml": ["5:5: cards[0]: missing required field 'back'"],
    "bad_card_id.yaml": [f"5:9: cards[0].id: 'Card One' is not a valid id {SLUG}"],
    "bad_deck_id.yaml": [f"1:5: id: 'Demo' is not a valid id {SLUG}"],
    "unknown_topic.yaml": [
        "7:14: cards[0].topics[0]: unknown topic 'detection.nmx' (did you mean "
        "'detection.nms'?); see dlquiz/topics.yaml"],
    "unknown_generator.yaml": [
        "8:16: cards[0].generator: unknown numeric generator 'conv_output_sise' (did you mean "
        "'conv_output_size'?); known: box_iou, conv_output_size"],
    "generator_param_type.yaml": [
        "9:24: cards[0].params.dilation: expected true/false, got a string ('sometimes')"],
    "generator_param_unknown.yaml": [
        "10:7: cards[0].params.dilatoin: unknown key 'dilatoin' (did you mean 'dilation'?)"],
    "unknown_exercise.yaml": [
        "8:15: cards[0].exercise: unknown exercise 'nmx' (did you mean 'nms'?)"],
    "cloze_without_deletion.yaml": [
        "8:11: cards[0].text: cloze text has no {{c1::...}} deletion"],
    "choice_answer_out_of_range.yaml": [
        "10:13: cards[0].answer: answer 3 is out of range: there are 3 choices, "
        "numbered 0 to 2"],
    "choice_answer_list_out_of_range.yaml": [
        "10:17: cards[0].answer[1]: answer 5 is out of range: there are 3 choices, "
        "numbered 0 to 2"],
    "choice_answer_negative.yaml": ["10:13: cards[0].answer: must be at least 0, got -1"],
    "choice_answer_repeated.yaml": ["10:13: cards[0].answer: items must not repeat"],
    "choice_missing_explanation.yaml": ["5:5: cards[0]: missing required field 'explanation'"],
    "duplicate_key.yaml": ["9:5: cards[0].front: duplicate key 'front' (first defined on line 8)"],
    "top_level_list.yaml": [
        "1:1: a deck file must be a mapping with id, title, description and cards; got a list"],
    "cards_not_a_list.yaml": ["4:8: cards: expected a list of cards, got a string ('none yet')"],
    "card_not_a_mapping.yaml": [
        "5:5: cards[0]: expected a mapping, got a string ('just a sentence')"],
    "key_for_other_type.yaml": [
        "10:5: cards[0].choices: key 'choices' does not apply to basic cards"],
    "python_tag.yaml": [
        "3:14: description: unsupported YAML tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'; decks hold plain data only"],
    "two_documents.yaml": [
        "5:1: YAML syntax error: expected a single document in the stream, "
        "but found another document"],
    "empty_title.yaml": ["2:8: title: must not be empty"],
    "null_back.yaml": ["9:10: cards[0].back: expected a string, got nothing (an empty value)"],
    "empty_topics.yaml": ["7:13: cards[0].topics: expected at least 1 item, got 0"],
    "numeric_missing_generator.yaml": ["5:5: cards[0]: missing required field 'generator'"],
    "unknown_deck_key.yaml": [
        "1:1: missing required field 'title'",
        "2:1: titel: unknown key 'titel' (did you mean 'title'?)"],
    "yes_is_a_boolean.yaml": [
        "9:11: cards[0].back: expected a string, got true/false (true); quote words like yes, "
        "no, on, off to keep them as text"],
    "topics_string.yaml": [
        "7:13: cards[0].topics: expected a list of strings, got a string ('detection.nms')"],
    "exercise_missing_reference_file.yaml": [
        "15:16: exercises[0].reference: 'missing_refs.py' not found next to the deck "
        "(looked in {dir})",
        "16:12: exercises[0].cases: 'missing_refs.py' not found next to the deck "
        "(looked in {dir})"],
    "exercise_duplicate_id.yaml": [
        "17:9: exercises[1].id: duplicate exercise id 'twice' (also exercises[0])"],
    # Accepted before, unusable in a session (issue 13).
    "choice_answer_float.yaml": [
        "10:13: cards[0].answer: expected a whole choice index like 0 or 1, got 1.0"],
    "choice_answer_float_list.yaml": [
        "10:14: cards[0].answer[0]: expected a whole choice index like 0 or 1, got 0.0",
        "10:19: cards[0].answer[1]: expected a whole choice index like 0 or 1, got 9.0"],
    "choice_duplicate.yaml": [
        "12:9: cards[0].choices[2]: choice 2 repeats choice 0 ('IoU  above the threshold'); "
        "each choice must differ"],
    "cloze_c0.yaml": [
        "8:11: cards[0].text: cloze numbers start at 1, got '{{c0::intersection}}'"],
    "cloze_empty.yaml": ["8:11: cards[0].text: empty cloze deletion '{{c1:: }}': it hides nothing"],
    "cloze_nested.yaml": [
        "8:11: cards[0].text: nested cloze deletion in '{{c1::intersection {{c2::over}}': "
        "a deletion cannot contain another"],
    "cloze_unclosed.yaml": [
        "8:11: cards[0].text: cloze deletion '{{c2::union.' is never closed with }}"],
    "merge_key.yaml": [
        "11:5: cards[1]: YAML merge key '<<' is not supported (decks are plain data): write the "
        "keys out instead of merging an anchor",
        "11:5: cards[1]: missing required field 'type'"],
    "control_char.yaml": [
        "8:20: control character U+0007 is not allowed in YAML; delete it or write it as an "
        "escape in a double-quoted string"],
}

#: (file, line, message substring) where the exact column is libyaml's choice.
LOOSE: dict[str, tuple[int, str]] = {
    "syntax_unclosed_flow.yaml": (8, "YAML syntax error"),
    # libyaml says "not allowed in this context", PyYAML's pure-Python scanner "here".
    "syntax_bad_indent.yaml": (3, "YAML syntax error: mapping values are not allowed"),
}


def test_corpus_is_complete() -> None:
    files = {p.name for p in CORPUS.glob("*.yaml")}
    assert files == set(EXACT) | set(LOOSE)
    assert len(files) >= 30


@pytest.mark.parametrize("name", sorted(EXACT))
def test_malformed_deck_exact_errors(name: str) -> None:
    path = CORPUS / name
    result = load_deck_file(path, make_context())
    assert isinstance(result, BrokenDeck)
    folder = str(path.resolve().parent)
    expected = [f"{path}:{line.replace('{dir}', folder)}" for line in EXACT[name]]
    assert [str(e) for e in result.errors] == expected


@pytest.mark.parametrize("name", sorted(LOOSE))
def test_malformed_deck_loose_errors(name: str) -> None:
    line, fragment = LOOSE[name]
    result = load_deck_file(CORPUS / name, make_context())
    assert isinstance(result, BrokenDeck)
    assert len(result.errors) == 1
    assert result.errors[0].line == line
    assert fragment in result.errors[0].message
