"""The mock interview in the app: setup, a whole short interview at fake time, expiry, report.

The app's clock is a mutable fake (``Clock``): the countdown is driven by
moving it and calling the screen's ``tick`` (what the 1 s interval calls), so
no test waits for real seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dlquiz.paths import resolve_paths
from dlquiz.store import mock_log
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.context import AppContext
from tests.tui.conftest import FIXED_NOW, open_store, until

MOCK_DECK = """\
id: mockdeck
title: Mock fixture deck
description: Enough cards for a 30-minute mock on one topic.
cards:
  - {id: c1, type: basic, topics: [arch.conv], front: "Define a receptive field.", back: "The input region one output sees."}
  - {id: c2, type: basic, topics: [arch.conv], front: "Define stride.", back: "The step between windows."}
  - {id: c3, type: basic, topics: [arch.conv], front: "Define padding.", back: "Values added around the input."}
  - {id: f1, type: basic, topics: [arch.conv], front: "Why does a large stride hurt small objects?", back: "It skips detail."}
  - {id: f2, type: basic, topics: [arch.conv], front: "When does zero padding fail?", back: "At borders it biases features."}
  - {id: f3, type: basic, topics: [arch.conv], front: "What is the trade-off of dilation?", back: "Gridding artefacts."}
"""


class Clock:
    """The app's ``now``: fixed until a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock(FIXED_NOW)


@pytest.fixture
def mock_app(deck_dir: Path, isolated_home: Path, clock: Clock) -> Callable[[], DlquizApp]:
    (deck_dir / "mockdeck.yaml").write_text(MOCK_DECK, encoding="utf-8")

    def build() -> DlquizApp:
        ctx = AppContext(paths=resolve_paths(isolated_home), deck_paths=(str(deck_dir),),
                         now=clock, seed=7, only_decks=("tuideck", "mockdeck"))
        return DlquizApp(ctx)

    return build


async def open_setup(app: DlquizApp, pilot: object, *, palette: bool = False) -> object:
    """From home: ``m``, or the command palette's "Mock interview" entry."""
    from dlquiz.tui.screens.mock import MockSetupScreen

    await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count > 0)
    if palette:
        (command,) = [c for c in app.get_system_commands(app.screen) if c.title == "Mock interview"]
        command.callback()
    else:
        await pilot.press("m")  # type: ignore[attr-defined]
    await until(pilot, lambda: isinstance(app.screen, MockSetupScreen) and app.screen.plan is not None)
    return app.screen


async def pick_topic(app: DlquizApp, pilot: object, topic: str) -> None:
    screen = app.screen
    topics = screen.query_one("#mock-topics")
    old = screen.plan
    index = next(i for i in range(topics.option_count) if topics.get_option_at_index(i).value == topic)
    topics.highlighted = index
    await pilot.press("space")  # type: ignore[attr-defined]
    await until(pilot, lambda: screen.plan is not None and screen.plan is not old)


def question(app: DlquizApp) -> object:
    from dlquiz.tui.screens.mock_question import MockInterviewScreen

    assert isinstance(app.screen, MockInterviewScreen), type(app.screen).__name__
    return app.screen


async def at_state(app: DlquizApp, pilot: object, state: str, position: int | None = None) -> object:
    from dlquiz.tui.screens.mock_question import MockInterviewScreen

    def ready() -> bool:
        s = app.screen
        return (isinstance(s, MockInterviewScreen) and s.state == state and not s.busy
                and (position is None or (s.run is not None and s.run.position == position)))

    await until(pilot, ready)
    return app.screen


async def type_text(pilot: object, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])  # type: ignore[attr-defined]


def card_states(home: Path) -> list[tuple[object, ...]]:
    with open_store(home) as store:
        return store.query("SELECT * FROM card_state ORDER BY item_key")


async def test_a_whole_mock_at_fake_time_logs_unscheduled_reviews_and_reports(  # type: ignore[no-untyped-def]
        mock_app, clock, isolated_home) -> None:
    from dlquiz.store.typed_answers import typed_answer
    from dlquiz.tui.screens.mock_report import MockReportScreen
    from dlquiz.tui.screens.review import ReviewScreen

    with open_store(isolated_home) as store:  # one earlier, scheduled review: a real schedule
        store.answer("mockdeck/c1", 4, grade="good", graded_by="self", duration_s=1,
                     now=FIXED_NOW - timedelta(days=2))
    before = card_states(isolated_home)
    app = mock_app()
    async with app.run_test(size=(100, 30)) as pilot:
        setup = await open_setup(app, pilot)
        assert setup.plan.weakest and setup.plan.minutes == 45  # the defaults
        await pick_topic(app, pilot, "arch.conv")  # a topic replaces "weakest"
        assert not setup.plan.weakest and setup.plan.topics == ("arch.conv",)
        assert "@weakest" not in setup.query_one("#mock-topics").selected
        setup.query_one("#mock-topics").focus()
        await pilot.press("3")  # 3 / 4 / 6 pick the length from anywhere on the screen
        await until(pilot, lambda: setup.plan.minutes == 30)
        assert setup.query_one("#len-30").value and not setup.query_one("#len-45").value
        text = str(setup.query_one("#mock-plan").render())
        assert "30 min · 8 questions: 3 concept, 3 follow-up, 1 numeric, 1 coding (12:00)" in text
        slots = setup.plan.slots
        await pilot.press("enter")
        points = []
        for n, slot in enumerate(slots):
            if slot.kind in ("concept", "followup"):
                screen = await at_state(app, pilot, "ask", n)
                assert "left" in str(screen.query_one("#mock-header").render())
                clock.advance(40)
                await type_text(pilot, "rf")
                await pilot.press("enter")
                await at_state(app, pilot, "grade", n)
                assert screen.query_one("#mock-typed").display  # typed vs the card's answer
                grade = "3" if n == 0 else "1"
                points.append(int(grade))
                await pilot.press(grade)
            elif slot.kind == "numeric":
                screen = await at_state(app, pilot, "ask", n)
                clock.advance(60)
                await type_text(pilot, "1e9")  # wrong
                await pilot.press("enter")
                await at_state(app, pilot, "verdict", n + 1)
                assert "Wrong" in str(screen.query_one("#mock-verdict").render())
                points.append(0)
                await pilot.press("enter")
            else:  # coding: open it, leave without running: no pass, 0 points
                screen = await at_state(app, pilot, "code", n)
                await pilot.press("enter")
                await until(pilot, lambda: type(app.screen).__name__ == "MockCodingScreen")
                clock.advance(100)
                await pilot.press("escape")
                points.append(0)
        await until(pilot, lambda: isinstance(app.screen, MockReportScreen) and app.screen.report)
        report = app.screen.report
        assert [q.points for q in report.questions] == points
        assert [q.seconds for q in report.questions][:2] == [40.0, 40.0]
        assert report.drill == "arch.conv"
        text = app.screen.query_one("#mock-report-text").source
        assert "Drill next" in text and "| arch.conv |" in text and "Trend" in text
        await pilot.press("d")  # the drill key starts a cram of the topic
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert app.screen.plan.cram and app.screen.plan.topics == ("arch.conv",)
    assert card_states(isolated_home) == before, "a mock never moves a schedule (the cram rule)"
    with open_store(isolated_home) as store:
        (session,) = mock_log.history(store)
        assert session.ended_at is not None and session.answered == len(slots)
        rows = mock_log.questions(store, session.id)
        reviews = {r.id: r for r in store.reviews()}
        assert all(not reviews[q.review_id].scheduled for q in rows)
        concept = next(q for q in rows if q.kind == "concept")
        assert typed_answer(store, concept.review_id) == "rf"


async def test_the_countdown_hands_in_what_was_typed_and_a_blank_is_missed(  # type: ignore[no-untyped-def]
        mock_app, clock, isolated_home) -> None:
    app = mock_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_setup(app, pilot, palette=True)
        await pick_topic(app, pilot, "arch.conv")
        await pilot.press("enter")
        screen = await at_state(app, pilot, "ask", 0)
        await type_text(pilot, "half an answer")
        clock.advance(179)
        await screen.tick()
        assert screen.state == "ask" and "0:01 left" in str(screen.query_one("#mock-header").render())
        clock.advance(2)
        await screen.tick()
        await at_state(app, pilot, "grade", 0)
        assert screen.typed == "half an answer" and screen.timed_out
        app.set_keymap({"mock.grade_right": "r"})  # what [keys] in config.toml does
        screen.set_hint()
        assert "r right" in str(screen.query_one("#mock-hint").render())
        await pilot.press("r")
        await at_state(app, pilot, "ask", 1)
        clock.advance(121)  # the follow-up's 2 minutes, nothing typed
        await screen.tick()
        await at_state(app, pilot, "verdict", 2)
        assert "counted as missed" in str(screen.query_one("#mock-verdict").render())
        await pilot.press("escape")  # end early: confirm
        await pilot.press("y")
        from dlquiz.tui.screens.mock_report import MockReportScreen

        await until(pilot, lambda: isinstance(app.screen, MockReportScreen) and app.screen.report)
        qs = app.screen.report.questions
        assert [(q.points, q.timed_out) for q in qs[:2]] == [(2, True), (0, True)]
        assert all(q.points is None for q in qs[2:])
        assert app.screen.report.session.score == pytest.approx(100 * 2 / (3 * len(qs)))


async def test_coding_time_up_grades_the_editor_as_it_stands(mock_app, clock) -> None:  # type: ignore[no-untyped-def]
    """The coding question's deadline: the solution in the editor passes when time runs out."""
    from textual.widgets import TextArea

    from dlquiz.study.mock import MockPlan, Slot
    from dlquiz.tui.screens.mock_question import MockInterviewScreen
    from dlquiz.tui.screens.mock_report import MockReportScreen

    app = mock_app()
    plan = MockPlan(30, ("arch.conv",), False, 7, ("arch.conv",),
                    (Slot("coding", "tuideck/addone", "arch.conv", 600),))
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count > 0)
        app.push_screen(MockInterviewScreen(plan))
        await at_state(app, pilot, "code", 0)
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "MockCodingScreen")
        coding = app.screen
        coding.query_one("#editor", TextArea).load_text(coding.exercise.solution)
        clock.advance(599)
        coding.tick()
        assert "0:01 left" in str(coding.query_one("#exercise-title").render())
        clock.advance(2)
        coding.tick()
        await until(pilot, lambda: isinstance(app.screen, MockReportScreen) and app.screen.report,
                    limit_s=60)
        (q,) = app.screen.report.questions
        assert q.points == 3 and q.timed_out
