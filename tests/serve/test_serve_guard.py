"""The checks of ``dlquiz serve`` in-process: token, cookie, Origin, Host, the offline page.

The browser test (test_serve_browser.py) shows the whole path works; these
show each refusal on its own, with requests a browser would not make.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer, make_mocked_request

from dlquiz.commands.serve import app_command, is_loopback, urls
from dlquiz.commands.serve_web import ServeError, TokenServer, offline_page

TOKEN = "s3cret-token_value"
UPSTREAM_TEMPLATE = Path(__import__("textual_serve").__file__).parent / "templates" / "app_index.html"


@pytest.fixture
async def site() -> AsyncIterator[tuple[TestServer, TokenServer]]:
    server = TokenServer("true", host="127.0.0.1", port=0, token=TOKEN, loopback=True,
                         on_ready=lambda port: None)
    test_server = TestServer(await server._make_app(), host="127.0.0.1")
    await test_server.start_server()
    server.bound_port = test_server.port  # type: ignore[assignment]
    try:
        yield test_server, server
    finally:
        await test_server.close()


async def status(url: str, **headers: str) -> int:
    async with ClientSession() as client, client.get(url, headers=headers,
                                                     allow_redirects=False) as response:
        return response.status


async def test_the_token_opens_the_page_and_sets_a_cookie_for_the_rest(
        site: tuple[TestServer, TokenServer]) -> None:
    test_server, server = site
    base = f"http://127.0.0.1:{test_server.port}"
    assert await status(f"{base}/") == 403
    assert await status(f"{base}/?token=nope") == 403
    assert await status(f"{base}/static/css/xterm.css") == 403
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as client:  # unsafe: IP hosts
        async with client.get(f"{base}/?token={TOKEN}") as page:
            assert page.status == 200
            html = await page.text()
            cookie = page.cookies[server.cookie_name]
            assert cookie.value == TOKEN and cookie["httponly"] and cookie["samesite"] == "Strict"
        # The page's own assets come with the cookie alone.
        async with client.get(f"{base}/static/css/xterm.css") as css:
            assert css.status == 200
    assert f'data-session-websocket-url="ws://127.0.0.1:{test_server.port}/ws"' in html


async def test_another_sites_websocket_and_a_rebound_host_name_are_refused(
        site: tuple[TestServer, TokenServer]) -> None:
    test_server, server = site
    base = f"http://127.0.0.1:{test_server.port}"
    cookie = f"{server.cookie_name}={TOKEN}"
    ws_headers = {"Cookie": cookie, "Connection": "Upgrade", "Upgrade": "websocket",
                  "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    assert await status(f"{base}/ws", Origin="http://evil.example", **ws_headers) == 403
    host = f"127.0.0.1:{test_server.port}"
    same_site = make_mocked_request("GET", "/ws", headers={**ws_headers, "Host": host,
                                                           "Origin": f"http://{host}"})
    assert server.refusal(same_site) is None
    no_cookie = make_mocked_request("GET", "/ws", headers={"Host": host, "Origin": f"http://{host}"})
    assert server.refusal(no_cookie) is not None
    # DNS rebinding: the right token, but the page was loaded under another name.
    assert await status(f"{base}/?token={TOKEN}", Host=f"evil.example:{test_server.port}") == 403
    assert await status(f"{base}/?token={TOKEN}", Host=f"localhost:{test_server.port}") == 200


def test_the_page_loads_nothing_from_the_network() -> None:
    page = offline_page(UPSTREAM_TEMPLATE.read_text(encoding="utf-8"))
    assert "googleapis" not in page and "fonts/RobotoMono-VariableFont_wght.ttf" in page
    for remote in ('<script src="https://cdn.example/xterm.js"></script>',
                   '<link rel="stylesheet" href="//cdn.example/x.css">',
                   "<style>body { background: url('http://cdn.example/bg.png') }</style>"):
        with pytest.raises(ServeError, match="from the network"):
            offline_page(f"<html><head>{remote}</head></html>")


def test_the_served_app_gets_this_invocations_data_dir_and_decks(tmp_path: Path) -> None:
    args = argparse.Namespace(data_dir=str(tmp_path / "my data"), deck_paths=["rel/deck.yaml"])
    argv = shlex.split(app_command(args))
    assert argv[:3] == [sys.executable, "-m", "dlquiz"]
    assert argv[3:] == ["--data-dir", str(tmp_path / "my data"),
                        "--deck", str(Path("rel/deck.yaml").resolve())]
    assert shlex.split(app_command(argparse.Namespace(data_dir=None, deck_paths=[])))[3:] == []


def test_only_loopback_hosts_count_as_local() -> None:
    assert all(map(is_loopback, ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.168.1.4", "example.org"]))
    assert urls("127.0.0.1", 8123, "T") == ["http://127.0.0.1:8123/?token=T"]
    assert urls("::1", 8123, "T") == ["http://[::1]:8123/?token=T"]
    assert urls("0.0.0.0", 8123, "T")[-1] == "http://127.0.0.1:8123/?token=T"
