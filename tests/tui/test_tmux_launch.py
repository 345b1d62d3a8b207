"""The installed ``dlquiz`` in a real terminal (tmux): ``enter`` pressed at the first frame studies.

A fresh data dir is a cold start (every bundled deck parsed, caches and the
database created), the case where the first frame comes before the deck list:
the key must be held and replayed, not dropped. The pane is polled, never
slept on, and the limits are generous so a loaded CI machine only makes it
slower. tmux is required (CI installs it with the system packages).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

LIMIT_S = 60.0


def dlquiz_command() -> str:
    found = shutil.which("dlquiz") or str(Path(sys.executable).with_name("dlquiz"))
    assert Path(found).exists(), "the dlquiz command is not installed (pip install -e .)"
    return found


class Pane:
    """One detached tmux session on a private server socket."""

    def __init__(self, socket: str, name: str) -> None:
        self.socket, self.name = socket, name

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              check=False, timeout=30).stdout

    def alive(self) -> bool:
        return subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", self.name],
                              capture_output=True, check=False, timeout=30).returncode == 0

    def text(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, *needles: str) -> str:
        """The screen once it shows any of ``needles`` (polled every 10 ms)."""
        deadline = time.monotonic() + LIMIT_S
        while True:
            screen = self.text()
            if any(needle in screen for needle in needles):
                return screen
            assert time.monotonic() < deadline, f"never saw {needles!r}; the screen was:\n{screen}"
            time.sleep(0.01)


def start(pane: Pane, env: dict[str, str], command: str, size: tuple[int, int]) -> None:
    subprocess.run(["tmux", "-L", pane.socket, "new-session", "-d", "-s", pane.name,
                    "-x", str(size[0]), "-y", str(size[1]),
                    *(a for k, v in env.items() for a in ("-e", f"{k}={v}")), command],
                   check=True, timeout=30)


def quit_and_wait(pane: Pane) -> None:
    pane.tmux("send-keys", "-t", pane.name, "C-q")
    deadline = time.monotonic() + LIMIT_S
    while pane.alive():
        assert time.monotonic() < deadline, "dlquiz did not quit on ctrl+q"
        time.sleep(0.05)


def test_enter_at_the_first_frame_opens_the_review_screen(tmp_path):
    assert shutil.which("tmux"), "tmux is required for this test"
    home = tmp_path / "home"
    home.mkdir()
    pane = Pane(f"dlquiz-test-{os.getpid()}", "launch")
    env = {"DLQUIZ_HOME": str(home), "TERM": "xterm-256color"}
    start(pane, env, f"env -u DLQUIZ_DECKS {dlquiz_command()}", (100, 30))
    try:
        pane.wait_for("dlquiz ·")  # the first frame (the title bar), decks listed or not
        pane.tmux("send-keys", "-t", pane.name, "Enter")
        # The session's header, or its first card's footer once the card is shown.
        screen = pane.wait_for("Study ·", "Show answer")
        # tmux can be read mid-frame (the new header drawn, the old footer not yet): the
        # review screen counts once the decks screen's footer is gone too.
        deadline = time.monotonic() + LIMIT_S
        while "Study deck" in screen and time.monotonic() < deadline:
            time.sleep(0.01)
            screen = pane.text()
        assert "Study deck" not in screen, screen  # the decks screen is gone: this is the review
        assert "Study ·" in screen or "Show answer" in screen, screen
        quit_and_wait(pane)
    finally:
        pane.tmux("kill-server")
    assert (home / "dlquiz.sqlite3").exists()


def test_a_later_launch_shows_the_saved_decks_screen_and_enter_on_it_studies(tmp_path):
    """The splash (dlquiz.splash): saved by one launch, drawn by the next, keys kept, tty restored."""
    import re

    assert shutil.which("tmux"), "tmux is required for this test"
    home = tmp_path / "home"
    home.mkdir()
    pane = Pane(f"dlquiz-splash-{os.getpid()}", "launch")
    env = {"DLQUIZ_HOME": str(home), "TERM": "xterm-256color"}
    pending_row = re.compile(r"^ \S.*…\s+…\s+\d+", re.MULTILINE)  # a deck row, counts pending
    stty = tmp_path / "stty.txt"
    try:
        start(pane, env, f"env -u DLQUIZ_DECKS -u COLUMNS -u LINES {dlquiz_command()}", (80, 24))
        pane.wait_for("today:")  # the live app with its counts: the frame was saved before them
        quit_and_wait(pane)
        frames = list((home / "cache" / "splash").glob("80x24-*.frame"))
        assert len(frames) == 1, frames
        start(pane, env, f"sh -c 'env -u DLQUIZ_DECKS -u COLUMNS -u LINES {dlquiz_command()}; stty -a > {stty}'", (80, 24))
        deadline = time.monotonic() + LIMIT_S
        while not pending_row.search(screen := pane.text()):
            assert time.monotonic() < deadline, f"no deck row; the screen was:\n{screen}"
            time.sleep(0.005)
        pane.tmux("send-keys", "-t", pane.name, "Enter")  # at once: the app may not be running yet
        screen = pane.wait_for("Study ·", "Show answer")
        deadline = time.monotonic() + LIMIT_S
        while "Study deck" in screen and time.monotonic() < deadline:
            time.sleep(0.01)
            screen = pane.text()
        assert "Study deck" not in screen, screen
        quit_and_wait(pane)
    finally:
        pane.tmux("kill-server")
    settings = stty.read_text()
    for flag in ("echo", "icanon", "icrnl"):  # the shell gets its terminal back as it was
        assert re.search(rf"(?<![-\w]){flag}\b", settings), (flag, settings)


def test_an_enter_typed_right_after_the_command_studies(tmp_path):
    """``dlquiz`` then ``enter`` at once, from a shell: before the splash or the app is up.

    In that moment the terminal is still the shell's (line mode), which turns the
    ``enter`` into a newline; it reaches the app as ``ctrl+j``. Tried on a cold
    start, then on a start with a splash (saved by a launch in between).
    """
    assert shutil.which("tmux"), "tmux is required for this test"
    home = tmp_path / "home"
    home.mkdir()
    pane = Pane(f"dlquiz-early-{os.getpid()}", "shell")
    env = {"DLQUIZ_HOME": str(home), "TERM": "xterm-256color"}

    def back_at_the_prompt() -> None:
        deadline = time.monotonic() + LIMIT_S
        while "dlquiz ·" in (screen := pane.text()) or "ready>" not in screen:
            assert time.monotonic() < deadline, f"dlquiz did not quit; the screen was:\n{screen}"
            time.sleep(0.02)

    try:
        start(pane, env, "env -u DLQUIZ_DECKS -u COLUMNS -u LINES PS1='ready> ' sh -i", (100, 30))
        pane.wait_for("ready>")
        for launch in ("cold start", "saves the splash", "with the splash"):
            pane.tmux("send-keys", "-t", pane.name, f"clear; {dlquiz_command()}", "Enter",
                      *(["Enter"] if launch != "saves the splash" else []))
            if launch == "saves the splash":
                pane.wait_for("today:")
            else:
                screen = pane.wait_for("Study ·", "Show answer")
                assert "Study ·" in screen or "Show answer" in screen, (launch, screen)
            pane.tmux("send-keys", "-t", pane.name, "C-q")
            back_at_the_prompt()
            if launch == "saves the splash":
                assert len(list((home / "cache" / "splash").glob("100x30-*.frame"))) == 1
    finally:
        pane.tmux("kill-server")
