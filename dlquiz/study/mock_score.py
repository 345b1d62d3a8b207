"""Mock interview scoring: the self-grading rubric, points per kind, the report, the trend.

Every question scores 0-3 points (:data:`MAX_POINTS`):

* **concept / follow-up** (typed, then self-graded against the card's answer)
  with the rubric :data:`RUBRIC`: 0 *missed* (blank, wrong, off the point),
  1 *partial* (some of it, the key point missing), 2 *right* (the card's
  answer in your words), 3 *complete* (right, and says why / when it fails).
  A blank answer is 0 without asking;
* **numeric**: 3 when the typed number is within the card's tolerance, else 0;
* **coding**: 3 for a pass on the first run without hints, 2 for a pass
  after failed runs or with hints, 1 when some cases passed, 0 otherwise
  (no run, gave up, nothing passed).

Each scored question is logged as a review with an SM-2 quality
(:func:`quality_for`): the rubric maps 0/1/2/3 to 1/2/4/5 (a partial answer
is a fail, below 3, as SM-2 counts it); numeric uses the auto grades (4 / 1);
coding uses :func:`dlquiz.study.session.exercise_quality`. Those reviews are
``scheduled=0``, so the qualities feed history and statistics, never a due date.

A session's score is its points over the points of *every* planned question
(unanswered ones count 0: walking out of an interview does not raise the
score), as a percentage. A topic's score is the same over its questions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_POINTS = 3

#: (points, name, what it means): the self-grading rubric, shown on screen.
RUBRIC: tuple[tuple[int, str, str], ...] = (
    (0, "missed", "blank, wrong, or off the point"),
    (1, "partial", "some of it; the key point is missing"),
    (2, "right", "the card's answer, in your words"),
    (3, "complete", "right, and says why / when it fails"),
)
RUBRIC_NAMES: Mapping[int, str] = {points: name for points, name, _ in RUBRIC}
#: Rubric points -> SM-2 quality of the logged review.
RUBRIC_QUALITY: Mapping[int, int] = {0: 1, 1: 2, 2: 4, 3: 5}
NUMERIC_POINTS: Mapping[bool, int] = {True: 3, False: 0}

#: How many past sessions the trend covers.
TREND_SESSIONS = 10
SPARK = "▁▂▃▄▅▆▇█"
#: Points per session the fitted trend must move to count as improving / slipping.
TREND_FLAT_PER_SESSION = 2.0


def rubric_quality(points: int) -> int:
    if points not in RUBRIC_QUALITY:
        raise ValueError(f"rubric points are 0-3, got {points}")
    return RUBRIC_QUALITY[points]


def numeric_quality(correct: bool) -> int:
    from dlquiz.study.session import AUTO_CORRECT, AUTO_WRONG

    return AUTO_CORRECT if correct else AUTO_WRONG


def coding_points(passed: bool, first_try: bool, hints_used: int, gave_up: bool,
                  cases_passed: int = 0) -> int:
    """Points of the coding question (see the module docstring)."""
    if gave_up:
        return 0
    if passed:
        return 3 if first_try and hints_used == 0 else 2
    return 1 if cases_passed > 0 else 0


@dataclass(frozen=True)
class Scored:
    """One question as the report sees it: ``points`` None when it was never answered."""

    topic: str
    kind: str
    points: int | None
    seconds: float


def session_score(questions: Sequence[Scored]) -> float:
    """Points over every planned question's points, in percent (0 for an empty list)."""
    if not questions:
        return 0.0
    return 100.0 * sum(q.points or 0 for q in questions) / (MAX_POINTS * len(questions))


@dataclass(frozen=True)
class TopicScore:
    topic: str
    questions: int
    points: int
    score: float
    seconds: float


def topic_scores(questions: Iterable[Scored]) -> list[TopicScore]:
    """Score per topic, weakest first (ties by topic id)."""
    groups: dict[str, list[Scored]] = {}
    for q in questions:
        groups.setdefault(q.topic, []).append(q)
    rows = [TopicScore(topic, len(qs), sum(q.points or 0 for q in qs), session_score(qs),
                       sum(q.seconds for q in qs)) for topic, qs in groups.items()]
    return sorted(rows, key=lambda r: (r.score, r.topic))


def drill_next(questions: Iterable[Scored]) -> str | None:
    """The topic to cram next: the lowest-scoring one below full marks (None if all full).

    Only answered questions count: an interview ended early says nothing about the
    topics it never reached (they score 0 in the report, not in this choice).
    """
    answered = [q for q in questions if q.points is not None]
    rows = [r for r in topic_scores(answered) if r.topic and r.score < 100.0]
    return rows[0].topic if rows else None


@dataclass(frozen=True)
class Trend:
    """Scores of the last sessions (oldest first), a sparkline, and the fitted direction."""

    scores: tuple[float, ...]
    sparkline: str
    per_session: float
    direction: str

    def describe(self) -> str:
        if not self.scores:
            return "no mock interviews yet"
        if len(self.scores) == 1:
            return f"{self.scores[0]:.0f}% (one interview so far)"
        return (f"{self.sparkline}  {self.scores[0]:.0f}% → {self.scores[-1]:.0f}% "
                f"over {len(self.scores)} · {self.direction} ({self.per_session:+.1f} per interview)")


def sparkline(values: Sequence[float], top: float = 100.0) -> str:
    """One block character per value on a fixed 0..``top`` scale (so runs compare)."""
    out = []
    for v in values:
        level = min(len(SPARK) - 1, max(0, int(v / top * (len(SPARK) - 1) + 0.5)))
        out.append(SPARK[level])
    return "".join(out)


def trend(scores: Sequence[float]) -> Trend:
    """The last :data:`TREND_SESSIONS` scores (oldest first), with a least-squares slope."""
    last = tuple(float(s) for s in scores[-TREND_SESSIONS:])
    n = len(last)
    slope = 0.0
    if n >= 2:
        mean_x = (n - 1) / 2
        mean_y = sum(last) / n
        slope = (sum((x - mean_x) * (y - mean_y) for x, y in enumerate(last))
                 / sum((x - mean_x) ** 2 for x in range(n)))
    if n < 2 or abs(slope) < TREND_FLAT_PER_SESSION:
        direction = "flat" if n >= 2 else "-"
    else:
        direction = "improving" if slope > 0 else "slipping"
    return Trend(last, sparkline(last), slope, direction)


def format_seconds(seconds: float) -> str:
    """``2:05`` (minutes:seconds), for budgets, clocks and the time table."""
    total = max(0, int(round(seconds)))
    return f"{total // 60}:{total % 60:02d}"
