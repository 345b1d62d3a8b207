"""Disk full in the app: the answer is not saved, the app says "disk full" and shows the next card."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlquiz.store import database
from dlquiz.store.dbfile import DiskFullError
from tests.tui.conftest import deck_dir, make_app, open_store, start_deck, until  # noqa: F401


async def test_disk_full_keeps_the_session_going(make_app, isolated_home: Path,  # noqa: F811
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    real = database.Store.answer
    calls: list[str] = []

    def answer(self: database.Store, key: str, *args: object, **kwargs: object) -> object:
        calls.append(key)
        if len(calls) == 1:
            raise DiskFullError("disk full: the database cannot grow.")
        return real(self, key, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(database.Store, "answer", answer)
    app = make_app()
    shown: list[str] = []
    app.notify = lambda message, **kwargs: shown.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        assert screen.view.item.key == "tuideck/relu"
        await pilot.press("space")
        await until(pilot, lambda: screen.state == "revealed")
        await pilot.press("3")
        await until(pilot, lambda: screen.view is not None
                    and screen.view.item.key == "tuideck/pick")
        assert any(m.startswith("disk full") and "was not saved" in m for m in shown)
        assert app.is_running
    with open_store(isolated_home) as store:
        assert store.review_count() == 0
