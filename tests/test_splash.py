"""The launch splash (dlquiz.splash): when a saved frame may be drawn, and that drawing it is undone.

The drawing itself is tried on a real pseudo-terminal: a child process with
the pty as its stdin and stderr draws, reports its terminal settings, then
withdraws, while the test reads what reached the terminal.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlquiz import splash
from dlquiz.paths import resolve_paths

SIZE = (100, 30)
#: The child's drawing environment (a set LANG: Python does not coerce the locale, PEP 538;
#: the size as Textual reads it, since the child's stdout is a pipe).
DRAWING_ENV = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "COLUMNS": str(SIZE[0]), "LINES": str(SIZE[1])}


def test_only_a_bare_dlquiz_or_one_with_a_data_dir_may_splash():
    assert splash.data_dir_of([]) is None
    assert splash.data_dir_of(["--data-dir", "/x"]) == "/x"
    assert splash.data_dir_of(["--data-dir=/x"]) == "/x"
    for tokens in (["study"], ["--deck", "d.yaml"], ["--data-dir", "/x", "stats"], ["-h"]):
        assert splash.data_dir_of(tokens) is False, tokens


def test_the_frame_file_is_per_terminal_size_and_drawing_environment(tmp_path):
    env = {"TERM": "xterm-256color", "HOME": "/root"}
    base = splash.frame_file(tmp_path, SIZE, env)
    assert splash.frame_file(tmp_path, SIZE, {**env, "HOME": "/elsewhere"}) == base  # not drawn by
    assert splash.frame_file(tmp_path, (80, 24), env) != base
    for name, value in (("TERM", "xterm"), ("COLORTERM", "truecolor"), ("NO_COLOR", "1"),
                        ("TEXTUAL_THEME", "nord"), ("LANG", "C"), ("DLQUIZ_DECKS", "/d")):
        assert splash.frame_file(tmp_path, SIZE, {**env, name: value}) != base, name


def test_a_frame_is_stale_once_anything_it_was_drawn_from_changes(tmp_path):
    deck = tmp_path / "d.yaml"
    deck.write_text("title: a\n")
    absent = tmp_path / "config.toml"
    depends = [(str(deck), splash.stamp_of(deck)), (str(absent), None)]
    assert splash.still_valid(depends)
    deck.write_text("title: ab\n")  # size changes
    assert not splash.still_valid(depends)
    depends = [(str(deck), splash.stamp_of(deck)), (str(absent), None)]
    absent.write_text("theme = 'nord'\n")  # a file that did not exist now does
    assert not splash.still_valid(depends)
    absent.unlink()
    os.utime(deck, ns=(1, 1))  # same size, other mtime
    assert not splash.still_valid(depends)


def test_save_replaces_atomically_and_keeps_the_newest_few(tmp_path):
    folder = tmp_path / "splash"
    for i in range(splash.KEEP + 3):
        path = folder / f"{i}x1-00000000.frame"
        splash.save(path, (i, 1), f"frame {i}", [])
        os.utime(path, ns=(i * 10**9, i * 10**9))
    splash.save(folder / "99x1-00000000.frame", (99, 1), "newest", [])
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == splash.KEEP
    assert "99x1-00000000.frame" in kept and "0x1-00000000.frame" not in kept
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary left


def test_no_splash_without_a_terminal(tmp_path):
    save_frame(tmp_path, "\x1b[1;1HDECKS-FRAME", [])
    done = subprocess.run([sys.executable, "-c", "from dlquiz import splash; print(splash.draw([]))"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "DLQUIZ_HOME": str(tmp_path)}, check=False)
    assert done.stdout.strip() == "None"
    assert "DECKS-FRAME" not in done.stderr


CHILD = """
import json, os, sys, termios
from dlquiz import splash
shown = splash.draw(sys.argv[1:])
def flags():
    attrs = termios.tcgetattr(0)
    return {"echo": bool(attrs[3] & termios.ECHO), "icanon": bool(attrs[3] & termios.ICANON),
            "icrnl": bool(attrs[0] & termios.ICRNL)}
report = {"shown": shown is not None, "during": flags(), "wanted": str(splash.wanted())}
if shown is not None and os.environ.get("HOW") == "message":
    print("dlquiz: a message", file=sys.stderr)  # withdraws first
elif shown is not None:
    shown.withdraw()
report["after"] = flags()
print(json.dumps(report), flush=True)
"""


def run_on_pty(home: Path, *args: str, env: dict[str, str] | None = None) -> tuple[dict, bytes]:
    """Run CHILD with a pty as stdin and stderr; its report and what reached the terminal."""
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(splash.ENV_PREFIXES)}
    child_env.update({"DLQUIZ_HOME": str(home), **DRAWING_ENV, **(env or {})})
    proc = subprocess.Popen([sys.executable, "-c", CHILD, *args], stdin=slave, stderr=slave,
                            stdout=subprocess.PIPE, env=child_env)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if select.select([master], [], [], 0.05)[0]:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
    out = proc.communicate(timeout=60)[0]
    try:
        seen += os.read(master, 65536)
    except OSError:
        pass
    os.close(master)
    return json.loads(out), seen


def save_frame(home: Path, frame: str, depends: list[splash.Stamp]) -> Path:
    env = {k: v for k, v in os.environ.items() if not k.startswith(splash.ENV_PREFIXES)}
    env.update(DRAWING_ENV)
    path = splash.frame_file(resolve_paths(home).cache_dir, SIZE, env)
    splash.save(path, SIZE, frame, depends)
    return path


def test_a_valid_frame_is_drawn_quietly_and_withdrawing_restores_the_terminal(tmp_path):
    deck = tmp_path / "deck.yaml"
    deck.write_text("x")
    save_frame(tmp_path, "\x1b[1;1HDECKS-FRAME", [(str(deck), splash.stamp_of(deck))])
    report, seen = run_on_pty(tmp_path)
    assert report["shown"]
    assert report["during"] == {"echo": False, "icanon": False, "icrnl": False}  # enter stays \r
    assert report["after"] == {"echo": True, "icanon": True, "icrnl": True}
    assert report["wanted"] == "None"  # a frame was there: the app saves none
    enter, leave = seen.find(splash.ENTER.encode()), seen.find(splash.LEAVE.encode())
    assert 0 <= enter < seen.find(b"DECKS-FRAME") < leave


def test_a_message_before_the_app_takes_the_splash_down_first(tmp_path):
    save_frame(tmp_path, "\x1b[1;1HDECKS-FRAME", [])
    report, seen = run_on_pty(tmp_path, env={"HOW": "message"})
    assert report["shown"] and report["after"]["echo"]
    assert seen.find(splash.LEAVE.encode()) < seen.find(b"dlquiz: a message")


@pytest.mark.parametrize("case", ["stale", "other-size", "corrupt", "hostile", "switched-off",
                                  "subcommand"])
def test_no_splash_when_the_frame_cannot_be_trusted_or_is_not_wanted(tmp_path, case):
    deck = tmp_path / "deck.yaml"
    deck.write_text("x")
    path = save_frame(tmp_path, "\x1b[1;1HDECKS-FRAME", [(str(deck), splash.stamp_of(deck))])
    env, args = {}, []
    if case == "stale":
        deck.write_text("changed")
    elif case == "other-size":
        splash.save(path, (80, 24), "\x1b[1;1HDECKS-FRAME", [])
    elif case == "hostile":
        # an fd number where a path belongs: never stat()ed as an fd, just refused
        path.write_text(json.dumps({"format": splash.FORMAT, "size": list(SIZE), "frame": "x",
                                    "depends": [[2, None]]}))
    elif case == "corrupt":
        path.write_bytes(b"\x00not json")
    elif case == "switched-off":
        env = {"DLQUIZ_SPLASH": "0"}
    else:
        args = ["stats"]
    report, seen = run_on_pty(tmp_path, *args, env=env)
    assert not report["shown"]
    assert b"DECKS-FRAME" not in seen
    assert report["after"] == {"echo": True, "icanon": True, "icrnl": True}
    if case in ("stale", "other-size", "corrupt", "hostile"):
        assert report["wanted"] != "None"  # the decks screen will save a fresh one


def test_the_size_is_the_one_textual_will_use(monkeypatch):
    import shutil

    for env in ({"COLUMNS": "80", "LINES": "24"}, {"COLUMNS": "132"}, {"LINES": "50"}, {},
                {"COLUMNS": "wide"}):
        for name in ("COLUMNS", "LINES"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert splash.terminal_size(os.environ) == tuple(shutil.get_terminal_size()), env


def test_a_frame_written_in_parts_is_written_whole(monkeypatch):
    read_fd, write_fd = os.pipe()
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:7])))  # 7 at a time
    splash.write_all(write_fd, b"\x1b[1;1H" + b"x" * 100)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as f:
        assert f.read() == b"\x1b[1;1H" + b"x" * 100
