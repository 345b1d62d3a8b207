"""Mock interview scoring: rubric to SM-2, coding points, per-topic scores, drill next, trend."""

from __future__ import annotations

import numpy as np
import pytest

from dlquiz.study.mock_score import (
    RUBRIC,
    Scored,
    coding_points,
    drill_next,
    format_seconds,
    numeric_quality,
    rubric_quality,
    session_score,
    sparkline,
    topic_scores,
    trend,
)
from dlquiz.study.session import SELF_GRADES, exercise_quality


def test_rubric_maps_to_sm2_pass_and_fail_as_documented() -> None:
    assert [name for _, name, _ in RUBRIC] == ["missed", "partial", "right", "complete"]
    qualities = [rubric_quality(points) for points, _, _ in RUBRIC]
    assert qualities == sorted(qualities) and len(set(qualities)) == 4
    # SM-2 counts quality >= 3 as recalled: only "right" and "complete" are passes
    assert [q >= 3 for q in qualities] == [False, False, True, True]
    # the two passes are the review screen's Good and Easy, the miss is its Again
    assert qualities[0] == SELF_GRADES["again"]
    assert qualities[2:] == [SELF_GRADES["good"], SELF_GRADES["easy"]]
    with pytest.raises(ValueError, match="0-3"):
        rubric_quality(4)


def test_numeric_uses_the_auto_grades() -> None:
    assert numeric_quality(True) >= 3 > numeric_quality(False)


@pytest.mark.parametrize(("passed", "first", "hints", "gave_up", "cases", "points"), [
    (True, True, 0, False, 5, 3),
    (True, False, 0, False, 5, 2),
    (True, True, 1, False, 5, 2),
    (False, True, 0, False, 2, 1),
    (False, True, 0, False, 0, 0),
    (True, True, 0, True, 5, 0),
])
def test_coding_points(passed: bool, first: bool, hints: int, gave_up: bool, cases: int,
                       points: int) -> None:
    assert coding_points(passed, first, hints, gave_up, cases) == points
    # points agree in order with the quality the exercise screens log
    assert (points >= 2) == (exercise_quality(passed, first, hints, gave_up) >= 4)


def test_unanswered_questions_count_zero_in_the_session_score() -> None:
    qs = [Scored("a", "concept", 3, 10.0), Scored("a", "followup", None, 0.0)]
    assert session_score(qs) == pytest.approx(50.0)
    assert session_score([]) == 0.0


def test_topic_scores_weakest_first_and_drill_next() -> None:
    qs = [Scored("det.nms", "concept", 3, 60), Scored("det.nms", "followup", 2, 30),
          Scored("ml.ce", "concept", 1, 100), Scored("ml.ce", "numeric", 0, 20),
          Scored("arch.conv", "concept", 3, 50)]
    rows = topic_scores(qs)
    assert [r.topic for r in rows] == ["ml.ce", "det.nms", "arch.conv"]
    assert rows[0].score == pytest.approx(100 * 1 / 6) and rows[0].seconds == 120
    assert rows[1].score == pytest.approx(100 * 5 / 6)
    assert drill_next(qs) == "ml.ce"
    assert drill_next([Scored("a", "concept", 3, 1.0)]) is None
    # a topic the interview never reached is not the one to drill
    assert drill_next([Scored("a", "concept", 2, 1.0), Scored("b", "concept", None, 0.0)]) == "a"
    assert drill_next([Scored("b", "concept", None, 0.0)]) is None


def test_trend_slope_matches_a_least_squares_fit() -> None:
    scores = [40.0, 55.0, 50.0, 70.0, 65.0, 80.0]
    t = trend(scores)
    assert t.per_session == pytest.approx(np.polyfit(range(len(scores)), scores, 1)[0])
    assert t.direction == "improving" and t.scores == tuple(scores)
    assert trend(list(reversed(scores))).direction == "slipping"
    assert trend([60.0, 61.0, 60.0]).direction == "flat"
    # only the last ten count
    assert trend([0.0] * 5 + [50.0] * 10).scores == (50.0,) * 10
    assert "one interview" in trend([42.0]).describe()
    assert trend([]).describe() == "no mock interviews yet"


def test_sparkline_uses_a_fixed_scale() -> None:
    assert sparkline([0.0, 100.0]) == "▁█"
    assert sparkline([50.0]) in ("▄", "▅")
    assert len(sparkline([10.0, 20.0, 30.0])) == 3


def test_format_seconds() -> None:
    assert format_seconds(125) == "2:05"
    assert format_seconds(-3) == "0:00"
    assert format_seconds(3600) == "60:00"
