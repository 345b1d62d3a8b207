"""The app's half of the launch splash: the decks screen saves its first frame, the driver takes over."""

from __future__ import annotations

import json

from textual.drivers.linux_driver import LinuxDriver
from textual.widgets import DataTable

from dlquiz import splash
from dlquiz.tui import launch_frame
from tests.tui.conftest import until


def counts_shown(app) -> bool:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#decks", DataTable)
    return table.row_count > 0 and str(table.get_cell_at((0, 1))) != "…"


async def test_the_decks_screen_saves_its_frame_with_the_counts_pending(make_app, tmp_path, monkeypatch):
    target = tmp_path / "splash" / "100x30-test.frame"
    monkeypatch.setattr(splash, "_wanted", (target, (100, 30)))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: counts_shown(app))
        assert splash.wanted() is None  # saved once; no second try
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved["format"] == splash.FORMAT and tuple(saved["size"]) == (100, 30)
    frame = saved["frame"]
    assert frame.startswith("\x1b[1;1H") and frame.count("\x1b[") > 30  # placed, styled lines
    assert "TUI fixture deck" in frame and "…" in frame  # the deck row, its counts still pending
    assert "today:" not in frame  # the totals come with the counts, after the save
    depends = dict(saved["depends"])
    assert str(app.ctx.paths.config_file) in depends  # a theme or keymap change retires it
    assert any(path.endswith("home.py") for path in depends)
    assert any(path.endswith("tuideck.yaml") for path in depends), sorted(depends)
    assert splash.still_valid(saved["depends"])


async def test_a_resized_terminal_saves_nothing(make_app, tmp_path, monkeypatch):
    target = tmp_path / "splash" / "80x24-test.frame"
    monkeypatch.setattr(splash, "_wanted", (target, (80, 24)))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: counts_shown(app))
    assert not target.exists()
    assert splash.wanted() is None


async def test_without_a_splash_wanted_nothing_is_saved_and_counts_follow(make_app, tmp_path):
    assert splash.wanted() is None
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: counts_shown(app))
    assert not list(tmp_path.rglob("*.frame"))


class FakeWriter:
    def __init__(self) -> None:
        self.written: list[str] = []

    def write(self, data: str) -> None:
        self.written.append(data)


def test_the_driver_skips_entering_the_alternate_screen_only_after_a_splash(monkeypatch):
    assert launch_frame.driver_class(LinuxDriver) is LinuxDriver  # no splash: Textual's own
    shown = splash.Splash(2, None)
    monkeypatch.setattr(splash, "_current", shown)
    cls = launch_frame.driver_class(LinuxDriver)
    assert issubclass(cls, LinuxDriver) and cls is not LinuxDriver
    other = type("OtherDriver", (LinuxDriver,), {})
    assert launch_frame.driver_class(other) is other  # a TEXTUAL_DRIVER choice is left alone
    driver = object.__new__(cls)
    driver._writer_thread = FakeWriter()  # type: ignore[attr-defined]
    driver.write("\x1b[?1000h")
    driver.write(splash.ALT_SCREEN_ON)  # the splash is already on the alternate screen
    driver.write(splash.ALT_SCREEN_ON)
    driver.write(splash.ALT_SCREEN_OFF)
    assert driver._writer_thread.written == ["\x1b[?1000h", splash.ALT_SCREEN_ON, splash.ALT_SCREEN_OFF]


def driver_started_at(monkeypatch, size: tuple[int, int]):  # type: ignore[no-untyped-def]
    """A driver taking over from a 100x30 splash, started with the terminal at ``size``."""
    monkeypatch.setattr(splash, "_current", splash.Splash(2, None, (100, 30)))
    cls = launch_frame.driver_class(LinuxDriver)
    driver = object.__new__(cls)
    driver._writer_thread = FakeWriter()  # type: ignore[attr-defined]
    monkeypatch.setattr(LinuxDriver, "start_application_mode", lambda self: None)
    monkeypatch.setattr(cls, "_get_terminal_size", lambda self: size)
    driver.start_application_mode()
    return driver


def test_after_a_resize_the_splash_is_cleared_not_drawn_over(monkeypatch):
    driver = driver_started_at(monkeypatch, (80, 24))
    assert splash.current() is None  # handed over
    driver.write(splash.ALT_SCREEN_ON)
    assert driver._writer_thread.written == [splash.ALT_SCREEN_ON + launch_frame.CLEAR_SCREEN]


def test_at_the_same_size_the_driver_draws_over_the_splash(monkeypatch):
    driver = driver_started_at(monkeypatch, (100, 30))
    driver.write(splash.ALT_SCREEN_ON)
    driver.write("frame")
    assert driver._writer_thread.written == ["frame"]
