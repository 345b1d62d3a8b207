"""``dlquiz serve [--port N] [--host HOST]``: the app in a web browser, through textual-serve.

Each browser tab runs its own ``dlquiz`` (the same command, with this
invocation's ``--data-dir`` and ``--deck``), so the tab is the app, on the
same database and decks as the terminal. The app runs code (the grader,
trusted decks' Python), so the server is a way to run code on this machine:
it binds to 127.0.0.1 unless ``--host`` says otherwise (with a warning), and
every request needs the random token in the printed URL, as Jupyter does.
There is deliberately no way to turn the token off. The web server itself
(:mod:`dlquiz.commands.serve_web`) is imported only by this command, so no
other command pays for aiohttp. Threat model: docs/serve.md.
"""

from __future__ import annotations

import argparse
import ipaddress
import secrets
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from dlquiz.commands._core import open_store, paths_of, settings_of
from dlquiz.errors import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(args: argparse.Namespace) -> str:
    """The shell command textual-serve runs per tab: this Python, this data dir, these decks.

    ``--data-dir`` is passed only when given (``$DLQUIZ_HOME`` and
    ``$DLQUIZ_DECKS`` reach the child through the environment), made absolute
    so the child does not depend on the server's working directory.
    """
    argv = [sys.executable, "-m", "dlquiz"]
    if getattr(args, "data_dir", None):
        argv += ["--data-dir", str(Path(args.data_dir).expanduser().resolve())]
    for deck in getattr(args, "deck_paths", ()) or ():
        argv += ["--deck", str(Path(deck).expanduser().resolve())]
    return shlex.join(argv)


def urls(host: str, port: int, token: str) -> list[str]:
    """What to open: the loopback URL, and this machine's name when bound to every address."""
    shown = host
    if host in ("0.0.0.0", "::", ""):
        shown = socket.gethostname()
    elif ":" in host and not host.startswith("["):
        shown = f"[{host}]"
    found = [f"http://{shown}:{port}/?token={token}"]
    if not is_loopback(host) and host in ("0.0.0.0", "::", ""):
        found.append(f"http://127.0.0.1:{port}/?token={token}")
    return found


def _serve(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: a port is 0 to 65535 (0: any free port)")
    try:
        from dlquiz.commands.serve_web import TokenServer
    except ModuleNotFoundError as exc:  # installed without its dependency
        raise UsageError(f"dlquiz serve needs textual-serve ({exc.name} is missing): "
                         "pip install textual-serve") from None
    # A bad config or a damaged database is reported here, not as a blank browser tab.
    paths = paths_of(args)
    settings_of(args)
    open_store(paths, backup=False).close()
    loopback = is_loopback(args.host)
    if not loopback:
        print(f"dlquiz: warning: serving on {args.host}: anyone who can reach this port and has "
              "the token can run code on this machine as you (the app grades Python). The "
              "connection is plain HTTP, so the token can be read on the network: use it only "
              "on a network you trust, or through an SSH tunnel.", file=sys.stderr, flush=True)
    token = secrets.token_urlsafe(32)

    def ready(port: int) -> None:
        print("dlquiz serve: open this URL in a browser (each tab runs its own dlquiz):",
              flush=True)
        for url in urls(args.host, port, token):
            print(f"    {url}", flush=True)
        print(f"Data: {paths.data_dir}. Press Ctrl+C to stop.", flush=True)

    server = TokenServer(app_command(args), host=args.host, port=args.port, token=token,
                         loopback=loopback, on_ready=ready)
    server.serve()
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve", help="open the app in a web browser (localhost, with a token)",
        description="Serve the app over HTTP with textual-serve: each browser tab runs its own "
        "dlquiz on this data dir and these decks. Binds to 127.0.0.1; every request needs the "
        "random token in the printed URL. See docs/serve.md.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"TCP port (default {DEFAULT_PORT}; 0: any free port)")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help="address to bind (default 127.0.0.1). Anything else lets other "
                        "machines run code here with the token: a warning is printed")
    parser.set_defaults(handler=_serve)
