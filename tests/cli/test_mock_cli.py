"""``dlquiz mock --history [--json]`` and ``--plan``: in process, over a store with sessions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dlquiz.cli import main
from dlquiz.paths import resolve_paths
from dlquiz.store.database import Store
from dlquiz.study.mock import MockPlan, Slot
from dlquiz.study.mock_session import MockRun

T0 = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
PLAN = MockPlan(30, (), True, 3, ("a.x",), (Slot("concept", "d/c", "a.x", 180),
                                             Slot("numeric", "d/n", "a.x", 180)))


def seed_sessions(home: Path, points: list[list[int]]) -> None:
    with Store.open(resolve_paths(home).database) as store:
        for day, answers in enumerate(points):
            now = T0 + timedelta(days=day)
            run = MockRun.start(store, PLAN, now)
            for p in answers:
                run.begin(now)
                run.answer(store, points=p, quality=4, grade="right", graded_by="self",
                           now=now + timedelta(seconds=20))
            if len(answers) == len(PLAN.slots):
                run.finish(store, now + timedelta(minutes=1))


def test_history_json_lists_sessions_oldest_first_with_the_trend(
        isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_sessions(isolated_home, [[0, 0], [3, 0], [3, 3]])
    assert main(["mock", "--history", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["score"] for s in data["sessions"]] == [0.0, 50.0, 100.0]
    assert data["sessions"][0]["weakest"] is True and data["sessions"][0]["topics"] == ["a.x"]
    assert data["trend"]["direction"] == "improving" and data["trend"]["sparkline"] == "▁▅█"
    assert data["trend"]["per_session"] == pytest.approx(50.0)


def test_history_table_newest_first_and_unfinished_marked(
        isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_sessions(isolated_home, [[3, 3], [1]])
    assert main(["mock", "--history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("trend: ") and "over 2" in lines[0]
    assert "2025-03-15 12:00" in lines[2] and "1/2" in lines[2] and "(left)" in lines[2]
    assert "2025-03-14 12:00" in lines[3] and "100%" in lines[3]


def test_no_history_and_usage_errors_are_one_line(
        isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mock", "--history"]) == 0
    assert "no mock interviews yet" in capsys.readouterr().out
    assert main(["mock"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--history" in err


def test_plan_prints_the_questions_and_refuses_unknown_topics(
        isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mock", "--plan", "--length", "30", "--topic", "detection", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["minutes"] == 30 and plan["budget_s"] == 1800
    assert [s["kind"] for s in plan["slots"]].count("concept") == 3
    assert all(s["topic"].startswith("detection") for s in plan["slots"])
    assert main(["mock", "--plan", "--topic", "no-such-topic"]) == 2
    assert "no question cards on no-such-topic" in capsys.readouterr().err
