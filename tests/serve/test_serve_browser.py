"""``dlquiz serve`` in headless Chromium, as a learner uses it.

One server process (``dlquiz --data-dir D --deck deck.yaml serve --port 0``)
and one browser for the module. The browser reads the screen the way xterm.js
draws it: every websocket frame the page receives is fed to pyte, an
independent VT100 emulator, so the test sees rows of text and not canvas
pixels. Every request the page makes is recorded (and anything not to the
server is aborted) to show the page works offline. The answer is checked in
the SQLite file with plain ``sqlite3``, not through dlquiz.

Needs Debian's ``chromium`` (``.ci/run`` installs it); Playwright drives it
through ``executable_path``, so no browser is downloaded.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyte
import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_S = 60.0

DECK = """\
id: browserdeck
title: Browser deck
description: The one deck of the headless-browser test (zebra-7431).
cards:
  - id: q1
    type: basic
    topics: [arch.conv]
    front: Which test opens this card in a browser?
    back: The serve test, through xterm.js.
"""


def wait_for(predicate: Any, what: str, timeout: float = TIMEOUT_S, page: Page | None = None,
             terminal: Terminal | None = None) -> Any:
    """Poll ``predicate`` until it returns something truthy (pumping the page's events)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if page is not None:
            page.wait_for_timeout(100)
        else:
            time.sleep(0.1)
    shown = f"; the screen:\n{terminal.text()}" if terminal is not None else ""
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{shown}")


class Server:
    """``dlquiz serve`` in a subprocess; ``url`` is the printed URL with the token."""

    def __init__(self, data_dir: Path, deck: Path) -> None:
        self.data_dir = data_dir
        env = {k: v for k, v in os.environ.items() if k not in ("DLQUIZ_HOME", "DLQUIZ_DECKS")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dlquiz", "--data-dir", str(data_dir), "--deck", str(deck),
             "serve", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.output: list[str] = []
        self.url = self._read_url()

    def _read_url(self) -> str:
        """The URL from stdout; a thread keeps draining it (the server logs each tab)."""

        def drain() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.output.append(line)

        threading.Thread(target=drain, daemon=True).start()

        def found() -> str | None:
            match = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", "".join(self.output))
            if match is None and self.process.poll() is not None:
                raise AssertionError("dlquiz serve exited early:\n" + "".join(self.output))
            return match.group(0) if match else None

        return str(wait_for(found, "the URL on stdout"))

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Terminal:
    """What xterm.js shows, rebuilt from the websocket frames by pyte."""

    def __init__(self) -> None:
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.urls: list[str] = []

    def attach(self, ws: Any) -> None:
        self.urls.append(ws.url)
        query = parse_qs(urlsplit(ws.url).query)
        self.screen.resize(int(query["height"][0]), int(query["width"][0]))
        ws.on("framereceived", self._received)
        ws.on("framesent", self._sent)

    def _received(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            self.stream.feed(payload)

    def _sent(self, payload: bytes | str) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.screen.resize(size["height"], size["width"])

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def settle(self, page: Page, quiet_s: float = 0.5) -> None:
        """Wait until the screen has not changed for ``quiet_s`` (at most TIMEOUT_S)."""
        deadline = time.monotonic() + TIMEOUT_S
        last, since = self.text(), time.monotonic()
        while time.monotonic() - since < quiet_s:
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen never settled:\n{self.text()}")
            page.wait_for_timeout(100)
            if (now := self.text()) != last:
                last, since = now, time.monotonic()

    def below_rule(self) -> str:
        """The home screen's detail panel: the rows under the table's ──── rule."""
        rows = self.screen.display
        rule = max((i for i, row in enumerate(rows) if row.strip().startswith("────")), default=-1)
        return "\n".join(rows[rule + 1:])


def app_processes(data_dir: Path, server_pid: int) -> list[int]:
    """Running processes of the served app (their command line names the data dir)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == server_pid:
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(data_dir.resolve()).encode() in argv and b"dlquiz" in argv and b"serve" not in argv:
            found.append(int(entry.name))
    return found


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root = tmp_path
    deck = root / "browserdeck.yaml"
    deck.write_text(DECK, encoding="utf-8")
    running = Server(root / "data", deck)
    try:
        yield running
    finally:
        running.stop()


def assert_the_token_is_needed(server: Server) -> None:
    """Without the token (or with a wrong one) every path is 403; with it the page loads."""
    for path in ("/", "/static/js/textual.js", "/?token=wrong", "/ws"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.origin + path, timeout=TIMEOUT_S)
        assert refused.value.code == 403, path
    with urllib.request.urlopen(server.url, timeout=TIMEOUT_S) as page:
        assert page.status == 200 and b"textual-terminal" in page.read()


def test_the_browser_answers_a_card_and_the_answer_is_in_the_store(server: Server) -> None:
    """One server for every check: starting it is a good part of the test's time."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (as .ci/run does)")
    assert_the_token_is_needed(server)
    requests: list[str] = []
    terminal = Terminal()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 760})

            def only_the_server(route: Any) -> None:
                url = route.request.url
                requests.append(url)
                if url.startswith(server.origin + "/"):
                    route.continue_()
                else:
                    route.abort()

            context.route("**/*", only_the_server)
            page = context.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("websocket", terminal.attach)
            page.goto(server.url, timeout=TIMEOUT_S * 1000)
            wait_for(lambda: "Browser deck" in terminal.text(), "the deck list", page=page, terminal=terminal)
            page.focus(".xterm-helper-textarea")
            # Walk down the deck list until the detail line shows this deck, then study it.
            # Each step waits for the screen to settle (no key in flight, the list filled):
            # typing ahead is not under test here, and a late key would move past the deck.
            for _ in range(40):
                terminal.settle(page)
                shown = terminal.below_rule()
                if "zebra-7431" in shown:
                    break
                page.keyboard.press("ArrowDown")
                wait_for(lambda: terminal.below_rule() != shown, "the highlight to move",
                         page=page, terminal=terminal)
            terminal.settle(page)
            assert "zebra-7431" in terminal.below_rule(), terminal.text()
            page.keyboard.press("Enter")
            wait_for(lambda: "Which test opens this card" in terminal.text(), "the card", page=page, terminal=terminal)
            page.keyboard.press(" ")
            wait_for(lambda: "through xterm.js" in terminal.text(), "the answer", page=page, terminal=terminal)
            page.keyboard.press("3")

            def logged() -> list[tuple[Any, ...]]:
                db = server.data_dir / "dlquiz.sqlite3"
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                    return conn.execute("SELECT item_key, quality, grade FROM reviews").fetchall()

            rows = wait_for(logged, "the review row", page=page, terminal=terminal)
            # Stopping the server with the tab open ends the tab's app and says so on the page.
            apps = app_processes(server.data_dir, server.process.pid)
            assert apps, "the tab's app process was not found"
            server.stop()
            assert server.process.returncode == 0, "".join(server.output)
            wait_for(lambda: page.evaluate("document.body.classList.contains('-closed')"),
                     "the page to say the session ended", page=page)
            wait_for(lambda: not app_processes(server.data_dir, server.process.pid),
                     "the tab's app to exit")
            page.close()
        finally:
            browser.close()
    assert rows == [("browserdeck/q1", 4, "good")]
    assert requests and all(url.startswith(server.origin + "/") for url in requests), requests
    fonts = [url for url in requests if "/static/fonts/" in url]
    assert fonts, "the page did not load its font from the server"
    assert terminal.urls and all(url.startswith(f"ws://{urlsplit(server.url).netloc}/ws?")
                                 for url in terminal.urls), terminal.urls
