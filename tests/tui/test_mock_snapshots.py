"""Snapshots of the mock interview screens at 80x24 and 120x40 (fixture decks, fixed clock).

Regenerate after an intended change with
``pytest tests/tui/test_mock_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from dlquiz.study.mock import MockPlan, Slot
from tests.tui.conftest import FIXED_NOW, open_store, until
from tests.tui.test_mock import at_state, clock, mock_app, open_setup, pick_topic  # noqa: F401

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

PLAN = MockPlan(30, ("arch.conv",), False, 7, ("arch.conv", "arch.transformer"), (
    Slot("concept", "mockdeck/c1", "arch.conv", 180),
    Slot("followup", "mockdeck/f1", "arch.conv", 120),
    Slot("concept", "tuideck/relu", "arch.transformer", 180),
    Slot("numeric", "tuideck/convsize", "arch.conv", 180),
    Slot("coding", "tuideck/addone", "arch.conv", 1140),
))


def seed_history(home: Path) -> str:
    """Three past interviews (an improving trend); returns the last one's id."""
    from dlquiz.study.mock_session import MockRun

    with open_store(home) as store:
        for day, points in enumerate([[0, 1, 0, 0, 0], [2, 1, 2, 0, 1], [3, 2, 1, 3]]):
            now = FIXED_NOW - timedelta(days=3 - day)
            run = MockRun.start(store, PLAN, now)
            for p in points:
                run.begin(now)
                now += timedelta(seconds=50 + 20 * p)
                run.answer(store, points=p, quality=4, grade="right", graded_by="self", now=now,
                           timed_out=p == 0)
            run.finish(store, now)
    return run.session_id


async def home_ready(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count > 0)


@pytest.mark.parametrize("size", SIZES)
def test_mock_setup(mock_app, snap_compare, size) -> None:  # type: ignore[no-untyped-def]
    app = mock_app()

    async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_setup(app, pilot)
        await pick_topic(app, pilot, "arch.conv")

    assert snap_compare(app, run_before=ready, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_mock_question_graded_against_the_answer(mock_app, snap_compare, size) -> None:  # type: ignore[no-untyped-def]
    from dlquiz.tui.screens.mock_question import MockInterviewScreen

    app = mock_app()

    async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
        await home_ready(app, pilot)
        app.push_screen(MockInterviewScreen(PLAN))
        await at_state(app, pilot, "ask", 0)
        app.screen.query_one("#mock-answer").value = "the region one output sees"
        await pilot.press("enter")
        await at_state(app, pilot, "grade", 0)

    assert snap_compare(app, run_before=ready, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_mock_report(mock_app, snap_compare, size, isolated_home) -> None:  # type: ignore[no-untyped-def]
    from dlquiz.tui.screens.mock_report import MockReportScreen

    app = mock_app()
    session_id = seed_history(isolated_home)

    async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
        await home_ready(app, pilot)
        app.push_screen(MockReportScreen(session_id))
        await until(pilot, lambda: getattr(app.screen, "report", None) is not None)

    assert snap_compare(app, run_before=ready, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_mock_history(mock_app, snap_compare, size, isolated_home) -> None:  # type: ignore[no-untyped-def]
    from dlquiz.tui.screens.mock import MockHistoryScreen

    app = mock_app()
    seed_history(isolated_home)

    async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
        await home_ready(app, pilot)
        app.push_screen(MockHistoryScreen())
        await until(pilot, lambda: app.screen.query("#mock-history")
                    and app.screen.query_one("#mock-history").row_count == 3)

    assert snap_compare(app, run_before=ready, terminal_size=size)
