"""Pure parts: sibling spreading, the interview new-card plan, the empty-queue reason, leeches."""

from __future__ import annotations

import itertools
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.study.leeches import is_new_leech
from dlquiz.study.limits import nothing_to_study_reason, take_within
from dlquiz.study.plan import LEARN_DAYS, days_until, new_card_plan, plan_due_keys
from dlquiz.study.scheduler import Memory, SM2Scheduler
from dlquiz.study.siblings import insert_apart, note_of, spread

keys = st.lists(
    st.tuples(st.sampled_from("abcde"), st.integers(0, 3)).map(lambda t: f"d/{t[0]}#c{t[1]}" if t[1] else f"d/{t[0]}"),
    max_size=30,
)


def adjacent_siblings(seq: list[str]) -> int:
    return sum(note_of(a) == note_of(b) for a, b in itertools.pairwise(seq))


@settings(max_examples=50)
@given(keys)
def test_spread_is_a_permutation_and_keeps_siblings_apart_when_it_can(seq: list[str]) -> None:
    out = spread(seq, lambda k: k)
    assert sorted(out) == sorted(seq)
    assert adjacent_siblings(out) <= adjacent_siblings(seq)
    for i in range(1, len(out)):
        if note_of(out[i]) == note_of(out[i - 1]):
            # only when nothing of another note was left to put in between
            assert {note_of(k) for k in out[i:]} == {note_of(out[i])}


def test_spread_examples() -> None:
    assert spread(["d/a#c1", "d/a#c2", "d/b", "d/a#c3", "d/c"], lambda k: k) == [
        "d/a#c1", "d/b", "d/a#c2", "d/c", "d/a#c3"]
    assert spread(["d/a#c1", "d/a#c2"], lambda k: k) == ["d/a#c1", "d/a#c2"]  # nothing to put between


def test_insert_apart_skips_sibling_neighbours() -> None:
    queue = ["d/x", "d/a#c1", "d/b", "d/a#c2", "d/c"]
    at = insert_apart(queue, 1, "d/a#c3", lambda k: k)
    assert queue[at] == "d/a#c3" and adjacent_siblings(queue) == 0


def test_days_until_and_new_card_plan() -> None:
    today = date(2027, 1, 1)
    assert days_until(today, "2027-01-15") == 14
    assert days_until(today, "2026-12-31") is None and days_until(today, None) is None
    plan = new_card_plan(today, "2027-01-15", waiting=100, configured=5)
    assert plan is not None
    assert plan.start_days == 14 - LEARN_DAYS + 1 == 8
    assert plan.per_day == 13 and plan.late == 0  # ceil(100 / 8)
    assert plan.last_start_day == "2027-01-08"  # 7 days before the interview
    relaxed = new_card_plan(today, "2027-01-15", waiting=10, configured=20)
    assert relaxed is not None and relaxed.per_day == 20
    too_late = new_card_plan(today, "2027-01-05", waiting=30, configured=20)
    assert too_late is not None and too_late.start_days == 0 and too_late.late == 30


def test_plan_orders_by_recall_on_the_interview_day() -> None:
    s = SM2Scheduler(fuzz=False)
    memories = {
        "d/weak": Memory(1, 1, 2.5, last_day="2027-01-01"),      # due 01-02, R(01-20) = 0.9^19
        "d/strong": Memory(3, 60, 2.5, last_day="2027-01-01"),   # due 03-02 (after), R = 0.9^(19/60)
        "d/risky": Memory(2, 6, 2.5, last_day="2026-12-30"),     # due 01-05 <= date: not at risk
        "d/late": Memory(2, 15, 2.5, last_day="2027-01-01"),     # due 01-21 > date, R = 0.9^(19/15)
        "d/fine": Memory(2, 25, 2.5, last_day="2026-12-31"),     # due 01-25 > date, R = 0.9^(20/25)
    }
    due_dates = {"d/weak": "2027-01-02", "d/strong": "2027-03-02", "d/risky": "2027-01-05", "d/late": "2027-01-21",
                 "d/fine": "2027-01-25"}
    order = plan_due_keys(["d/weak"], memories, due_dates, s, "2027-01-20")
    assert order == ["d/weak", "d/late"]  # strong, fine stay above 0.9; risky comes up by itself


def test_take_within_deck_quota() -> None:
    assert take_within(["a/1", "a/2", "b/1", "a/3", "b/2"], {"a": 2}, 4) == ["a/1", "a/2", "b/1", "b/2"]


def test_reason_names_the_limit_and_the_key() -> None:
    text = nothing_to_study_reason(due_waiting=12, new_waiting=0, reviews_per_day=200, reviews_left=0,
                                   new_per_day=20, new_left=5)  # fmt: skip
    assert "review limit (200) is reached" in text and "settings (o)" in text and "Cram (c)" in text
    text = nothing_to_study_reason(due_waiting=0, new_waiting=0, reviews_per_day=200, reviews_left=10,
                                   new_per_day=20, new_left=5, next_due="2027-02-01")  # fmt: skip
    assert "due on 2027-02-01" in text
    text = nothing_to_study_reason(due_waiting=0, new_waiting=9, reviews_per_day=200, reviews_left=10,
                                   new_per_day=20, new_left=0)  # fmt: skip
    assert "new-card limit (20) is reached; 9 new" in text


def test_leech_flags_at_threshold_and_every_half_step() -> None:
    flagged = [n for n in range(1, 20) if is_new_leech(n, 1, 1, 8)]
    assert flagged == [8, 12, 16]
    assert not is_new_leech(8, 0, 1, 8)  # not a lapse: never recalled before
    assert not is_new_leech(8, 2, 4, 8)  # a pass
    assert not is_new_leech(8, 2, 1, 0)  # off
