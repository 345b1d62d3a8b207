"""Launch to the first deck row, in a real terminal (tmux), against a bare Textual app.

What a user waits for is not the first frame but the first deck they can press
``enter`` on. Each run starts a detached ``tmux new-session -x 100 -y 30`` running

(a) a bare Textual app that shows one line (the baseline), or
(b) the installed ``dlquiz`` with a throwaway ``DLQUIZ_HOME`` (the bundled decks,
    an empty store, caches warmed by one untimed launch: a user's second start on),
    which shows the decks screen saved by the previous launch before Textual
    loads (dlquiz.splash), then the live app over it,
(c) the same with ``DLQUIZ_SPLASH=0``: the live app's own first deck row,

and polls ``tmux capture-pane -p`` every few milliseconds until that line, or the
first deck row (the alphabetically first bundled deck's title), is on the screen.
Runs alternate (a, b, c, a, b, c, ...) so load on the shared machine hits all
alike; reported: the median of each and the ratio, target <= 1.3x. Beside it,
the moment the deck row shows its counts (the ``Due`` cell is a number, not
"…"): only the live app fills them in, so that is when the app is running.

The tmux server is started once before the runs (a keeper session), so its own
start-up is in neither figure. ``PYTHONDONTWRITEBYTECODE`` is removed from the
children's environment and one untimed launch of each warms the bytecode.

Run: ``python bench/bench_launch.py [--runs 9] [--poll-ms 3]``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_APP = """
from textual.app import App
from textual.widgets import Static


class Bare(App):
    def compose(self):
        yield Static("bare-app-ready")


Bare().run()
"""
BARE_MARK = "bare-app-ready"
TIMEOUT_S = 30.0


def tmux(*args: str, socket: str) -> str:
    done = subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, check=False)
    return done.stdout


def first_deck_title() -> str:
    """The title the home table lists first (sorted case-insensitively, as the screen does)."""
    import yaml

    from dlquiz.paths import bundled_decks_dir

    titles = []
    for path in sorted(bundled_decks_dir().glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        titles.append(str(data["title"]))
    return min(titles, key=str.lower)


def launch(command: str, env: dict[str, str], socket: str, name: str,
           ready: re.Pattern[str], counted: re.Pattern[str] | None, poll_s: float) -> tuple[float, float]:
    """Seconds from ``new-session`` to ``ready`` on screen (and to ``counted``, if given)."""
    env_args = [a for k, v in env.items() for a in ("-e", f"{k}={v}")]
    started = time.perf_counter()
    subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-s", name, "-x", "100", "-y", "30",
                    *env_args, command], check=True)
    first = counted_at = 0.0
    try:
        while True:
            now = time.perf_counter()
            if now - started > TIMEOUT_S:
                screen = tmux("capture-pane", "-p", "-t", name, socket=socket)
                raise SystemExit(f"timed out waiting for {ready.pattern!r}; screen:\n{screen}")
            screen = tmux("capture-pane", "-p", "-t", name, socket=socket)
            if not first and ready.search(screen):
                first = now - started
            if first and (counted is None or counted.search(screen)):
                counted_at = now - started
                break
            time.sleep(poll_s)
    finally:
        tmux("kill-session", "-t", name, socket=socket)
    return first, counted_at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each (>= 7)")
    parser.add_argument("--poll-ms", type=float, default=3.0)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("bench_launch: tmux is not installed")
    dlquiz_bin = shutil.which("dlquiz") or str(Path(sys.executable).with_name("dlquiz"))
    title = first_deck_title()
    row = re.compile(re.escape(title[:40]))
    counted = re.compile(re.escape(title[:40]) + r"\s+│?\s*\d+")
    socket = f"bench-launch-{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="dlquiz-launch-") as tmp:
        bare = Path(tmp, "bare.py")
        bare.write_text(BARE_APP, encoding="utf-8")
        home = Path(tmp, "home")
        home.mkdir()
        env = {"DLQUIZ_HOME": str(home), "TERM": "xterm-256color", "COLORTERM": "truecolor"}
        clear = "env -u PYTHONDONTWRITEBYTECODE -u DLQUIZ_DECKS "
        bare_cmd = f"{clear}{sys.executable} {bare}"
        dlquiz_cmd = f"{clear}{dlquiz_bin}"
        no_splash_cmd = f"{clear}DLQUIZ_SPLASH=0 {dlquiz_bin}"
        bare_mark = re.compile(BARE_MARK)
        subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-s", "keeper", "sleep 3600"], check=True)
        try:
            poll = args.poll_ms / 1000
            launch(bare_cmd, env, socket, "warm-a", bare_mark, None, poll)  # bytecode, caches
            launch(dlquiz_cmd, env, socket, "warm-b", row, counted, poll)  # parses the decks
            launch(dlquiz_cmd, env, socket, "warm-c", row, counted, poll)  # saves the splash
            bare_times, row_times, count_times, live_rows, live_counts = [], [], [], [], []
            for i in range(args.runs):
                bare_times.append(launch(bare_cmd, env, socket, f"a{i}", bare_mark, None, poll)[0])
                first, full = launch(dlquiz_cmd, env, socket, f"b{i}", row, counted, poll)
                row_times.append(first)
                count_times.append(full)
                first, full = launch(no_splash_cmd, env, socket, f"c{i}", row, counted, poll)
                live_rows.append(first)
                live_counts.append(full)
        finally:
            tmux("kill-server", socket=socket)
    bare_med = statistics.median(bare_times)
    row_med = statistics.median(row_times)
    count_med = statistics.median(count_times)
    print(f"runs: {args.runs} of each, alternating, tmux 100x30, poll {args.poll_ms:g} ms")
    print(f"bare Textual app, one line:   median {bare_med * 1000:7.1f} ms")
    print(f"dlquiz, first deck row:       median {row_med * 1000:7.1f} ms   ratio {row_med / bare_med:.2f}x"
          "  (target <= 1.3x)")
    print(f"dlquiz, first row with counts: median {count_med * 1000:6.1f} ms   ratio {count_med / bare_med:.2f}x")
    live_med, live_count_med = statistics.median(live_rows), statistics.median(live_counts)
    print(f"DLQUIZ_SPLASH=0, first deck row: median {live_med * 1000:5.1f} ms   ratio {live_med / bare_med:.2f}x"
          "  (the live app's own first row)")
    print(f"DLQUIZ_SPLASH=0, row with counts: median {live_count_med * 1000:4.1f} ms   ratio "
          f"{live_count_med / bare_med:.2f}x")
    ratios = sorted(r / b for r, b in zip(row_times, bare_times, strict=True))
    print("per-pair ratios (row / bare): " + " ".join(f"{r:.2f}" for r in ratios))


if __name__ == "__main__":
    main()
