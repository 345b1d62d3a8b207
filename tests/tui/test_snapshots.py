"""Snapshots of the main screens (fixture deck, fixed clock and seeds, UTC).

Regenerate after an intended change with ``pytest tests/tui --snapshot-update``
and review the SVGs in ``tests/tui/__snapshots__``.
"""

from __future__ import annotations

from textual.widgets import TextArea

from tests.tui.conftest import seed_for_snapshots, until

SIZE = (100, 32)


def test_home(make_app, snap_compare):
    app = make_app()

    async def ready(pilot):
        await until(pilot, lambda: "today:" in str(app.screen.query_one("#totals").render()))

    assert snap_compare(app, run_before=ready, terminal_size=SIZE)


def test_review_front(make_app, snap_compare):
    app = make_app()

    async def ready(pilot):
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
        await pilot.press("enter")
        await until(pilot, lambda: getattr(app.screen, "state", "") == "front")

    assert snap_compare(app, run_before=ready, terminal_size=SIZE)


def test_review_back(make_app, snap_compare):
    app = make_app()

    async def ready(pilot):
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
        await pilot.press("enter")
        await until(pilot, lambda: getattr(app.screen, "state", "") == "front")
        await pilot.press("space")
        await until(pilot, lambda: app.screen.state == "revealed")

    assert snap_compare(app, run_before=ready, terminal_size=SIZE)


def test_coding_result(make_app, snap_compare):
    from tests.tui.test_coding import open_from_exercise_list

    app = make_app()

    async def ready(pilot):
        screen = await open_from_exercise_list(app, pilot)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: screen.runs == 1)
        await app.workers.wait_for_complete()
        screen.query_one("#exercise-title").focus()  # no blinking cursor in the snapshot
        screen.query_one(TextArea).show_cursor = False

    assert snap_compare(app, run_before=ready, terminal_size=SIZE)


def test_stats(make_app, snap_compare, isolated_home):
    seed_for_snapshots(isolated_home)
    app = make_app()

    async def ready(pilot):
        await pilot.press("t")
        await until(pilot, lambda: app.screen.query("Heatmap"))

    assert snap_compare(app, run_before=ready, terminal_size=SIZE)
