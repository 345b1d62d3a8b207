"""dlquiz.study.newcards: runs of keys and the key range that bounds exactly one prefix."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dlquiz.study.newcards import _successor, make_runs


def test_runs_follow_study_order_and_split_on_deck_changes() -> None:
    keys = ["b/x", "b/a#c1", "b/a#c2", "a/z", "a/y", "b/q", "loose", "b/q"]
    runs = make_runs(keys)
    assert [(r.prefix, r.keys) for r in runs] == [
        ("b/", ("b/x", "b/a#c1", "b/a#c2")),
        ("a/", ("a/z", "a/y")),
        ("b/", ("b/q",)),
        ("loose", ("loose",)),
        ("b/", ("b/q",)),
    ]
    assert runs[0].sorted_text == "b/a#c1\nb/a#c2\nb/x"
    assert (runs[0].low, runs[0].high) == ("b/", "b0")


def test_fast_grouping_equals_the_general_one() -> None:
    """Without slash-less keys runs are grouped by deck with C helpers; same runs as the general path."""
    keys = ["b/x", "b/a#c1", "a/z", "a/y", "b/q", "b/q", "ab/c", "a/w"]
    fast = make_runs(keys)
    general = make_runs([*keys, "loose"])[:-1]
    assert fast == general
    assert [r.prefix for r in fast] == ["b/", "a/", "b/", "ab/", "a/"]
    assert make_runs(["d/b", "d/a"], unique=True) == make_runs(["d/b", "d/a"])


def test_duplicates_stay_in_keys_but_not_in_sorted_text() -> None:
    (run,) = make_runs(["d/b", "d/a", "d/b"])
    assert run.keys == ("d/b", "d/a", "d/b") and run.sorted_text == "d/a\nd/b"


def test_successor_edge_cases() -> None:
    assert _successor("d/") == "d0"
    assert _successor("a\ud7ff") == "a\ue000"  # surrogates are skipped
    assert _successor("a\U0010ffff") == "b"
    assert _successor("\U0010ffff") is None


@given(st.text(min_size=1, max_size=4), st.text(max_size=6))
def test_range_holds_exactly_the_strings_with_the_prefix(prefix: str, other: str) -> None:
    high = _successor(prefix)
    for s in (other, prefix + other, prefix[:-1] + other):
        inside = prefix <= s and (high is None or s < high)
        assert inside == s.startswith(prefix), (prefix, s, high)
