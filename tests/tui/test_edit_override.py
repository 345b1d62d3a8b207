"""``e`` on the review screen: a bundled card is edited in its override file, never in place."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

from dlquiz.tui.study import StudyPlan
from tests.tui.conftest import until


async def test_review_edit_of_a_bundled_card_opens_its_override(make_app, isolated_home,
                                                               monkeypatch, tmp_path) -> None:
    from dlquiz.decks import catalog as catalog_module
    from dlquiz.decks import overrides
    from dlquiz.paths import resolve_paths
    from dlquiz.tui.screens.review import ReviewScreen
    from tests.decks.test_overrides import BUNDLED

    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "vision.yaml").write_text(BUNDLED, encoding="utf-8")
    monkeypatch.setattr(catalog_module, "bundled_decks_dir", lambda: bundled)
    monkeypatch.setattr(overrides, "bundled_decks_dir", lambda: bundled)
    opened: list[Path] = []

    def fake_editor(command, check=False):  # an editor that rewrites the answer
        path = Path(command[-1])
        path.write_text(path.read_text(encoding="utf-8").replace("Zero.", "Nothing at all."),
                        encoding="utf-8")
        opened.append(path)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setenv("EDITOR", "nano")
    monkeypatch.setattr(subprocess, "run", fake_editor)
    app = make_app()
    app.ctx.only_decks = ("vision",)
    app.suspend = contextlib.nullcontext  # the headless driver cannot hand the terminal over
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ReviewScreen(StudyPlan(keys=("vision/relu",))))
        await until(pilot, lambda: getattr(app.screen, "state", "") == "front")
        await pilot.press("e")
        await until(pilot, lambda: bool(opened)
                    and app.ctx.catalog.item("vision/relu").card.back.startswith("Nothing at all."))
    (path,) = opened
    assert path.resolve() == (resolve_paths(isolated_home).user_decks_dir / "overrides" / "vision"
                              / "relu.yaml").resolve()
    assert not path.resolve().is_relative_to(bundled.resolve())
    assert "Zero." in (bundled / "vision.yaml").read_text(encoding="utf-8")  # bundled untouched
