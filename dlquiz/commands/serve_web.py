"""The web server behind ``dlquiz serve``: textual-serve, locked to a token and to local assets.

textual-serve runs the app command once per browser connection (a subprocess
speaking Textual's web driver protocol over a websocket) and serves a page
with xterm.js. Because the app runs code (the grader, a deck's own Python),
the page is a shell on this machine for whoever opens it, so this subclass
adds what Jupyter does:

* **a token** (``secrets.token_urlsafe``) on every request: ``?token=`` in
  the printed URL, then an ``HttpOnly``, ``SameSite=Strict`` cookie (named
  after the port, as cookies ignore ports) for the page's own CSS, script,
  font and websocket requests. Anything else gets 403. Tokens are compared in
  constant time.
* **an Origin check** on the websocket: a page from another site cannot open
  it even in a browser that holds the cookie.
* **a Host check** when bound to loopback: a DNS-rebinding page cannot reach
  the server under its own name.

And it serves the page **offline**: textual-serve's template links Roboto Mono
from Google Fonts although the font files ship in its ``static/fonts``. The
template is read from textual-serve and that one link is replaced by an
``@font-face`` on the bundled file; any other ``http(s)://`` script or
stylesheet left in it stops the server at start (fail closed), so an upgrade
of textual-serve cannot quietly make the page load from the network.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server

from dlquiz.errors import DlquizError

TEMPLATE = "app_index.html"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: The link textual-serve's template uses for its font (the files are in its static/fonts).
_FONT_LINK = re.compile(r'<link[^>]*href="https?://fonts\.googleapis\.com[^"]*"[^>]*/?>', re.S)
_LOCAL_FONT = """<style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
        font-style: normal;
      }
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype");
        font-style: italic;
      }
    </style>"""
#: A script, stylesheet, image or font fetched from another host.
_REMOTE_ASSET = re.compile(r'''(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//''', re.I)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ServeError(DlquizError):
    """The server cannot start as asked."""

    title = "Cannot serve"


def offline_page(template: str) -> str:
    """textual-serve's page with the font served locally; raises if anything else is remote."""
    page = _FONT_LINK.sub(_LOCAL_FONT, template)
    remote = _REMOTE_ASSET.search(page)
    if remote:
        line = page[: remote.start()].count("\n") + 1
        raise ServeError(f"textual-serve's page template loads an asset from the network "
                         f"(line {line} of {TEMPLATE}); dlquiz serves only local assets. "
                         "Install a textual-serve version from pyproject.toml's range.")
    return page


class _OfflineLoader(jinja2.BaseLoader):
    """Loads textual-serve's template through :func:`offline_page`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.folder / template
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise jinja2.TemplateNotFound(template) from exc
        return offline_page(text), str(path), lambda: True


def token_matches(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


class TokenServer(Server):
    """textual-serve's Server with the token, origin and host checks and the offline page.

    ``on_ready(port)`` is called once the socket is bound, with the real port
    (``port=0`` asks for any free one: tests use it).
    """

    def __init__(self, command: str, *, host: str, port: int, token: str, loopback: bool,
                 on_ready: Callable[[int], None], title: str = "dlquiz") -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.token = token
        self.loopback = loopback
        self.on_ready = on_ready
        self.bound_port = port
        self.tabs: set[asyncio.Task[Any]] = set()

    @property
    def cookie_name(self) -> str:
        return f"dlquiz_token_{self.bound_port}"

    # -- the checks ----------------------------------------------------------------------

    def refusal(self, request: web.Request) -> str | None:
        """Why this request is refused, or None when it may go on."""
        if self.loopback and (request.url.host or "").strip("[]") not in LOOPBACK_NAMES:
            return "this server answers only to localhost / 127.0.0.1"
        if request.path == "/ws":
            origin = request.headers.get("Origin")
            if origin is not None and origin not in (f"http://{request.host}", f"https://{request.host}"):
                return "a websocket from another site"
        if not (token_matches(request.query.get("token"), self.token)
                or token_matches(request.cookies.get(self.cookie_name), self.token)):
            return "open the URL with the token that `dlquiz serve` printed"
        return None

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        reason = self.refusal(request)
        if reason is not None:
            raise web.HTTPForbidden(text=f"403 Forbidden: {reason}.\n")
        response = await handler(request)
        if token_matches(request.query.get("token"), self.token) and not response.prepared:
            response.set_cookie(self.cookie_name, self.token, httponly=True, samesite="Strict",
                                path="/")
        return response

    # -- the page ------------------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        aiohttp_jinja2.setup(app, loader=_OfflineLoader(Path(self.templates_path)))
        return app

    @aiohttp_jinja2.template(TEMPLATE)
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page, with URLs on the host the browser used (so the cookie goes along)."""
        origin = f"{request.scheme}://{request.host}"
        try:
            font_size = int(request.query.get("fontsize", "16"))
        except ValueError:
            font_size = 16
        return {
            "font_size": font_size,
            "app_websocket_url": f"ws{origin[4:]}/ws",
            "config": {"static": {"url": f"{origin}/static/"}},
            "application": {"name": self.title},
        }

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: the URL is printed once the port is known (see :meth:`serve`)."""

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab's app; its task is kept so that shutting down can end it at once."""
        task = asyncio.current_task()
        assert task is not None
        self.tabs.add(task)
        try:
            return await super().handle_websocket(request)
        finally:
            self.tabs.discard(task)

    async def on_shutdown(self, app: web.Application) -> None:
        """End every tab now: its websocket closes and its app is told to quit.

        Without this aiohttp waits for its shutdown timeout before cancelling
        the open websockets (Ctrl+C took 10 s with one tab open).
        """
        tabs = list(self.tabs)
        for task in tabs:
            task.cancel()
        if tabs:
            await asyncio.wait(tabs, timeout=10)

    # -- running -------------------------------------------------------------------------

    def serve(self, debug: bool = False) -> None:
        """Bind, report the URL, run until Ctrl+C / SIGTERM; each tab's app is then told to quit."""
        self.debug = debug
        self.initialize_logging()
        # Render the page once now: a template that would load remote assets stops here.
        offline_page((Path(self.templates_path) / TEMPLATE).read_text(encoding="utf-8"))
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        runner = web.AppRunner(await self._make_app(), handle_signals=False, access_log=None,
                               shutdown_timeout=5.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise ServeError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}"
                             " (another --port, or --port 0 for any free one)") from None
        self.bound_port = int(runner.addresses[0][1])
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        self.on_ready(self.bound_port)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
