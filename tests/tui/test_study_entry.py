"""``dlquiz study`` opens the app straight into a session; plain ``dlquiz`` opens the decks."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlquiz.paths import resolve_paths
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.context import AppContext
from dlquiz.tui.study import StudyPlan, plan_items
from tests.tui.conftest import FIXED_NOW, until


def app_with_plan(home: Path, deck_dir: Path, plan: StudyPlan | None) -> DlquizApp:
    ctx = AppContext(paths=resolve_paths(home), deck_paths=(str(deck_dir),), now=lambda: FIXED_NOW,
                     seed=7, only_decks=("tuideck",))
    return DlquizApp(ctx, plan=plan)


async def test_a_plan_opens_its_session_over_the_decks(isolated_home, deck_dir):
    from dlquiz.tui.screens.home import HomeScreen
    from dlquiz.tui.screens.review import ReviewScreen

    plan = StudyPlan(decks=("tuideck",), topics=("detection",), cram=True)
    app = app_with_plan(isolated_home, deck_dir, plan)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.state == "front")
        screen = app.screen
        assert screen.plan == plan
        assert screen.view.item.key == "tuideck/iou#c1"  # the only detection card
        assert "cram" in str(screen.query_one("#card-header").render())
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_no_plan_opens_the_decks(isolated_home, deck_dir):
    from dlquiz.tui.screens.home import HomeScreen

    app = app_with_plan(isolated_home, deck_dir, None)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 1


def test_plan_items_combine_decks_and_topics(isolated_home, deck_dir):
    from dlquiz.decks.catalog import load_catalog

    catalog = load_catalog(resolve_paths(isolated_home), [deck_dir])
    keys = lambda plan: [i.key for i in plan_items(catalog, plan)]
    assert keys(StudyPlan(decks=("tuideck",), topics=("arch",))) == [
        "tuideck/relu", "tuideck/convsize", "tuideck/addone"]
    assert keys(StudyPlan(decks=("nope",))) == []
    assert "tuideck/pick" in keys(StudyPlan(topics=("ml.metrics",)))


@pytest.mark.parametrize(("argv", "plan"), [
    (["study"], StudyPlan()),
    (["study", "--cram", "--only", "tuideck", "--topic", "arch", "--topic", "ml"],
     StudyPlan(decks=("tuideck",), topics=("arch", "ml"), cram=True)),
])
def test_study_without_plain_runs_the_app_with_its_plan(monkeypatch, deck_dir, argv, plan):
    from dlquiz import cli
    from dlquiz.commands import app as app_cmd

    seen: list[StudyPlan | None] = []
    monkeypatch.setattr(app_cmd, "run_app", lambda args, plan=None, **_: seen.append(plan) or 0)
    assert cli.main(["--deck", str(deck_dir), *argv]) == 0
    assert seen == [plan]


def test_study_with_an_unknown_deck_is_a_usage_error(monkeypatch, deck_dir, capsys):
    from dlquiz import cli
    from dlquiz.commands import app as app_cmd

    monkeypatch.setattr(app_cmd, "run_app", lambda *a, **k: pytest.fail("the app must not open"))
    assert cli.main(["--deck", str(deck_dir), "study", "--only", "no-such-deck"]) == 2
    assert "no cards match" in capsys.readouterr().err
