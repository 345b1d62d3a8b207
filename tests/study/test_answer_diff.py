"""Typed answers against the card's answer: word runs tagged same / missing / extra."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.study.answer_diff import (
    mark_differences,
    matched_words,
    side_by_side,
    tokens,
    word_key,
)

# Words from a small vocabulary (so typed and expected share some), decorated the way
# people and deck authors write them: capitals, a full stop, Markdown emphasis.
WORD = st.sampled_from(["zero", "relu", "max", "input", "negative", "the", "of", "x", "1/2"])
DECORATED = st.tuples(WORD, st.sampled_from(["", ".", ",", "?", "**", "`"]),
                      st.booleans()).map(
    lambda t: (t[0].upper() if t[2] else t[0]) + t[1] if t[1] not in ("**", "`")
    else f"{t[1]}{t[0]}{t[1]}")
SPACE = st.sampled_from([" ", "  ", "\n", "\t", " - ", " — "])


@st.composite
def phrase(draw: st.DrawFn) -> str:
    words = draw(st.lists(DECORATED, max_size=12))
    out = ""
    for word in words:
        out += word + draw(SPACE)
    return out


def words_of(segments: list[tuple[str, str]], tags: set[str]) -> list[str]:
    return [w for tag, text in segments if tag in tags for w in text.split()]


@settings(max_examples=300, deadline=None)
@given(phrase(), phrase())
def test_same_and_missing_rebuild_the_expected_words(typed: str, expected: str) -> None:
    segments = mark_differences(typed, expected)
    assert words_of(segments, {"same", "missing"}) == tokens(expected)
    assert {tag for tag, _ in segments} <= {"same", "missing", "extra"}


@settings(max_examples=300, deadline=None)
@given(phrase(), phrase())
def test_same_and_extra_rebuild_the_typed_words(typed: str, expected: str) -> None:
    segments = mark_differences(typed, expected)
    # 'same' runs are in the answer's wording: equal to the typed words up to case/punctuation
    rebuilt = [word_key(w) for w in words_of(segments, {"same", "extra"})]
    assert rebuilt == [word_key(w) for w in tokens(typed)]
    mine, theirs = side_by_side(typed, expected)
    assert words_of(mine, {"same", "extra"}) == tokens(typed)  # exact, in the learner's words
    assert words_of(theirs, {"same", "missing"}) == tokens(expected)
    assert [word_key(w) for w in words_of(mine, {"same"})] == \
        [word_key(w) for w in words_of(theirs, {"same"})]


@settings(max_examples=200, deadline=None)
@given(phrase())
def test_an_answer_typed_back_differs_in_nothing(expected: str) -> None:
    shouted = expected.upper().replace(".", "").replace("\n", " ")
    segments = mark_differences(shouted, expected)
    assert all(tag == "same" for tag, _ in segments)
    assert matched_words(segments) == (len(tokens(expected)), len(tokens(expected)))


def test_case_whitespace_and_punctuation_do_not_count() -> None:
    assert mark_differences("  zero\n", "**Zero.**") == [("same", "**Zero.**")]
    assert mark_differences("Down-weights easy examples", "down-weights  EASY examples!") == [
        ("same", "down-weights EASY examples!")]


def test_missing_and_extra_words_are_marked_in_place() -> None:
    segments = mark_differences("it returns one for negatives",
                                "It returns zero for negative inputs.")
    assert segments == [
        ("same", "It returns"),
        ("extra", "one"),
        ("missing", "zero"),
        ("same", "for"),
        ("extra", "negatives"),
        ("missing", "negative inputs."),
    ]
    assert matched_words(segments) == (3, 6)


def test_an_empty_answer_is_all_missing_and_lone_punctuation_is_not_a_word() -> None:
    assert mark_differences("", "IoU = A / B") == [("missing", "IoU = A B")]
    assert mark_differences("anything — at all", "") == [("extra", "anything at all")]
    assert tokens("a - b / c") == ["a", "b", "c"]
    assert mark_differences("", "") == []
