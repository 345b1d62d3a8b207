"""Keys that hand the terminal to ``$EDITOR`` in an app that has no terminal (``dlquiz serve``).

Textual's web driver, like the pilot's headless one, cannot suspend the app:
``App.suspend`` raises ``SuspendNotSupported``. Pressing such a key in the
browser must say so, not end the tab's app with a traceback.
"""

from __future__ import annotations

from textual.widgets import TextArea

from tests.tui.conftest import deck_dir, make_app, until, utc_timezone  # noqa: F401  (fixtures)


async def test_ctrl_e_on_the_coding_screen_says_there_is_no_editor_and_keeps_the_app(make_app):  # noqa: F811
    from dlquiz.tui.screens.coding import CodingScreen

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        assert not app._driver.can_suspend  # the same as the web driver's
        await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
        app.push_screen(CodingScreen(app.ctx.catalog.exercise("add-one")))
        await until(pilot, lambda: isinstance(app.screen, CodingScreen) and app.screen.query("#editor"))
        before = app.screen.query_one("#editor", TextArea).text
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, CodingScreen)
        assert any("Could not start the editor" in str(n.message) for n in app._notifications)
        assert app.screen.query_one("#editor", TextArea).text == before
