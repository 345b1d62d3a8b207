"""What the mock interview screens and ``dlquiz mock`` read: a plan for today, a report, history.

These take the store first so the TUI can run them on its database thread
(:meth:`dlquiz.tui.context.AppContext.db`) and the CLI can call them directly;
they return plain data, and the screens only render it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dlquiz.model import Item
from dlquiz.store import mock_log
from dlquiz.store.database import Store
from dlquiz.study.mock import MockPlan, area_of, build_plan
from dlquiz.study.mock_score import Scored, TopicScore, Trend, drill_next, topic_scores, trend
from dlquiz.study.mock_score import TREND_SESSIONS
from dlquiz.study.readiness import compute_readiness


def topic_levels(store: Store, items: Sequence[Item], today: str,
                 interview_date: str | None = None) -> dict[str, float]:
    """Readiness per topic (on the interview day when one is set and ahead, else today)."""
    readiness = compute_readiness(store, ((i.key, i.card.topics) for i in items), today,
                                  interview_date or None)
    return {g.name: (g.on_date if g.on_date is not None else g.today) for g in readiness.topics}


def plan_for_today(store: Store, items: Sequence[Item], minutes: int, topics: Sequence[str], *,
                   seed: int, today: str, interview_date: str | None = None) -> MockPlan:
    """:func:`build_plan` with today's suspended/buried cards left out and readiness for "weakest"."""
    levels = topic_levels(store, items, today, interview_date) if not topics else None
    return build_plan(items, minutes, topics, seed=seed, levels=levels,
                      hidden=store.hidden_keys(today))


def topic_choices(items: Sequence[Item]) -> list[tuple[str, str, int]]:
    """(topic id, label, question cards) for the setup list: each area, then its topics.

    Only topics with ``basic`` cards can hold concept questions, so only those are listed.
    """
    counts: dict[str, int] = {}
    for item in items:
        if item.card.type == "basic":
            for topic in dict.fromkeys(item.card.topics):
                counts[topic] = counts.get(topic, 0) + 1
    areas: dict[str, int] = {}
    for topic, n in counts.items():
        areas[area_of(topic)] = areas.get(area_of(topic), 0) + n
    rows: list[tuple[str, str, int]] = []
    for area in sorted(areas):
        rows.append((area, f"{area} (all)", areas[area]))
        rows += [(t, f"  {t}", counts[t]) for t in sorted(counts) if area_of(t) == area and t != area]
    return rows


@dataclass(frozen=True)
class QuestionLine:
    """One row of the report's time table."""

    number: int
    kind: str
    topic: str
    item_key: str
    title: str
    budget_s: float
    seconds: float | None
    points: int | None
    timed_out: bool


@dataclass(frozen=True)
class MockReport:
    session: mock_log.SessionRow
    questions: tuple[QuestionLine, ...]
    topics: tuple[TopicScore, ...]
    drill: str | None
    history: tuple[mock_log.SessionRow, ...]
    trend: Trend


def _title(item: Item | None, key: str) -> str:
    if item is None:
        return key
    card = item.card
    # numeric fronts are optional lead-ins and code cards have none: their id reads better
    text = card.front or card.text or (card.exercise if card.type == "code" else card.id.replace("-", " "))
    line = " ".join(text.split())
    return line if len(line) <= 60 else line[:59] + "…"


def build_report(store: Store, session_id: str,
                 lookup: Callable[[str], Item | None]) -> MockReport | None:
    """The report of one session, with the history and trend up to and including it."""
    row = mock_log.session(store, session_id)
    if row is None:
        return None
    rows = mock_log.questions(store, session_id)
    lines = tuple(QuestionLine(q.position + 1, q.kind, q.topic, q.item_key,
                               _title(lookup(q.item_key), q.item_key), q.budget_s, q.seconds,
                               q.points, q.timed_out) for q in rows)
    scored = [Scored(q.topic, q.kind, q.points, q.seconds or 0.0) for q in rows]
    past = [s for s in mock_log.history(store) if s.started_at <= row.started_at]
    recent = tuple(past[-TREND_SESSIONS:])
    return MockReport(row, lines, tuple(topic_scores(scored)), drill_next(scored), recent,
                      trend([s.score for s in recent]))


def history_with_trend(store: Store, limit: int = TREND_SESSIONS) -> tuple[list[mock_log.SessionRow], Trend]:
    """The last ``limit`` sessions (oldest first) and the trend of their scores."""
    rows = mock_log.history(store, limit)
    return rows, trend([s.score for s in rows])
