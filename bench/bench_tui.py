"""TUI benchmarks: cold start to the first rendered home screen, and key press → next card.

1. Cold start. Each run is a fresh ``python`` subprocess that builds the app the
   way ``dlquiz`` does (paths, settings, store opened on the database thread,
   bundled decks) and runs it headless until the home screen shows its counts,
   then exits. It goes through ``dlquiz.cli.build_parser`` and
   ``dlquiz.commands.app.run_app``, the path ``dlquiz`` takes. The baseline is a
   bare Textual app with one ``Static``, started the same way in the same run.
   Reported: median wall time of each (spawn to exit) and the ratio. Target
   ≤ 1.3×. The caches are warmed by one untimed run first (a user's second
   start onwards); a few first-ever starts (empty data dir: every deck and
   exercise parsed, caches and database created) are timed separately.
2. Key → next card. In-process with Textual's pilot over a 300-card deck:
   reveal a card, then time from ``pilot.press("3")`` (Good) to the
   ``ReviewScreen.CardShown`` message, which the screen posts after the refresh
   that draws the next card: that includes committing the answer on the
   database thread. Median over the answers. Target ≤ 16 ms.

Run: ``python bench/bench_tui.py [--runs 11] [--first-runs 3] [--answers 60] [--skip-keys]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("numpy", "jsonschema", "yaml", "dlquiz.grading.registry", "dlquiz.grading.grader",
         "torch", "scipy")

BARE_CHILD = """
import sys
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.exit)

Bare().run(headless=True)
"""

DLQUIZ_CHILD = """
import sys
from dlquiz.cli import build_parser, opens_app
from dlquiz.commands.app import run_app

def configure(app):
    def check():
        screen = app.screen
        if screen.query("#totals") and "today:" in str(screen.query_one("#totals").render()):
            app.call_after_refresh(app.exit)

    app.call_later(lambda: app.set_interval(0.002, check))

# exactly what `dlquiz` with no arguments does (dlquiz.cli.main -> run_app)
run_app(build_parser(with_commands=not opens_app([])).parse_args([]), configure=configure)
heavy = [m for m in HEAVY if m in sys.modules]
print("heavy-modules:", ",".join(heavy) or "none", file=sys.stderr)
"""


def run_child(code: str, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True, timeout=120)
    return time.perf_counter() - started, done.stderr


def cold_start(runs: int, first_runs: int) -> None:
    dlquiz_code = f"HEAVY = {HEAVY!r}\n" + DLQUIZ_CHILD
    base_env = {k: v for k, v in os.environ.items() if k != "DLQUIZ_DECKS"}
    # Both apps run headless (no terminal here); run_app's plain app.run() picks it up.
    base_env["TEXTUAL_DRIVER"] = "textual.drivers.headless_driver:HeadlessDriver"
    # An installed dlquiz has its bytecode compiled, like Textual in site-packages; with
    # PYTHONDONTWRITEBYTECODE set (as in this repo's dev shell) every dlquiz module would be
    # compiled from source on each start. Bytecode goes to a private dir, not the repo.
    base_env.pop("PYTHONDONTWRITEBYTECODE", None)
    pycache = tempfile.TemporaryDirectory()
    base_env["PYTHONPYCACHEPREFIX"] = pycache.name
    with tempfile.TemporaryDirectory() as home:
        env = {**base_env, "DLQUIZ_HOME": home}
        first_note = run_child(dlquiz_code, env)[1]  # warms the caches, creates the database
        bare: list[float] = []
        warm: list[float] = []
        first: list[float] = []
        note = ""
        for n in range(runs):  # interleaved so drift hits all equally
            bare.append(run_child(BARE_CHILD, env)[0])
            seconds, note = run_child(dlquiz_code, env)
            warm.append(seconds)
            if n < first_runs:  # a brand-new data dir: no caches, no database yet
                with tempfile.TemporaryDirectory() as fresh:
                    first.append(run_child(dlquiz_code, {**base_env, "DLQUIZ_HOME": fresh})[0])
    b, w = statistics.median(bare), statistics.median(warm)
    print(f"cold start, warm caches (median of {runs}): bare Textual app {b * 1000:.0f} ms, "
          f"dlquiz home {w * 1000:.0f} ms, ratio {w / b:.2f}x (target <= 1.3x)")
    print(f"  {note.strip().splitlines()[-1] if note.strip() else ''}")
    if first:
        f = statistics.median(first)
        print(f"first-ever start, empty data dir (median of {len(first)}): {f * 1000:.0f} ms, "
              f"ratio {f / b:.2f}x (parses every deck and exercise, builds the caches)")
        print(f"  {first_note.strip().splitlines()[-1] if first_note.strip() else ''}")
    pycache.cleanup()


DECK_HEAD = "id: benchdeck\ntitle: Bench\ndescription: many basic cards\ncards:\n"
CARD = ("  - id: c{n}\n    type: basic\n    topics: [arch.conv]\n"
        "    front: Question number {n} with `code` and **bold**?\n    back: Answer {n}.\n")


async def key_to_next_card(answers: int) -> None:
    from dlquiz.paths import resolve_paths
    from dlquiz.tui.app import DlquizApp
    from dlquiz.tui.context import AppContext
    from dlquiz.tui.screens.review import ReviewScreen

    with tempfile.TemporaryDirectory() as tmp:
        decks = Path(tmp, "decks")
        decks.mkdir()
        body = "".join(CARD.format(n=n) for n in range(300))
        (decks / "bench.yaml").write_text(DECK_HEAD + body, encoding="utf-8")
        paths = resolve_paths(Path(tmp, "home"))
        ctx = AppContext(paths=paths, deck_paths=(str(decks),), seed=1, only_decks=("benchdeck",))
        ctx.save_config(ctx.config.__class__(new_per_day=answers + 5))
        shown: list[float] = []

        class TimedApp(DlquizApp):
            def on_review_screen_card_shown(self, event: ReviewScreen.CardShown) -> None:
                shown.append(time.perf_counter())

        app = TimedApp(ctx)
        timings: list[float] = []
        async with app.run_test(size=(100, 32)) as pilot:
            while not (app.screen.query("#decks") and app.screen.query_one("#decks").row_count):
                await pilot.pause(0.01)
            await pilot.press("enter")
            while not (isinstance(app.screen, ReviewScreen) and app.screen.state == "front"):
                await pilot.pause(0.01)
            screen = app.screen
            for _ in range(answers):
                await pilot.press("space")
                while screen.state != "revealed":
                    await pilot.pause(0)
                count = len(shown)
                started = time.perf_counter()
                await pilot.press("3")
                while len(shown) == count:
                    await pilot.pause(0)
                timings.append(shown[count] - started)
        median = statistics.median(timings) * 1000
        p90 = sorted(timings)[int(len(timings) * 0.9)] * 1000
        base = await bare_key_round_trip(answers)
        print(f"key press -> next card rendered (median of {answers}): {median:.1f} ms, "
              f"p90 {p90:.1f} ms (target <= 16 ms; includes the SQLite commit)")
        print(f"  baseline, same harness: bare app redrawing one Static on a key: {base:.1f} ms; "
              f"dlquiz's own share: {median - base:.1f} ms; ratio {median / base:.1f}x")


async def bare_key_round_trip(presses: int) -> float:
    """Median pilot key → refreshed frame for a bare app (the harness's own latency)."""
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Static

    stamps: list[float] = []

    class Bare(App[None]):
        BINDINGS = [Binding("3", "next", "next")]
        count = 0

        def compose(self) -> ComposeResult:
            yield Static("card 0", id="card")

        def action_next(self) -> None:
            self.count += 1
            self.query_one("#card", Static).update(f"card {self.count}")
            self.call_after_refresh(lambda: stamps.append(time.perf_counter()))

    timings = []
    async with Bare().run_test(size=(100, 32)) as pilot:
        for _ in range(presses):
            count = len(stamps)
            started = time.perf_counter()
            await pilot.press("3")
            while len(stamps) == count:
                await pilot.pause(0)
            timings.append(stamps[count] - started)
    return statistics.median(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--first-runs", type=int, default=3,
                        help="first-ever starts (empty data dir) to time")
    parser.add_argument("--skip-keys", action="store_true", help="only the start-up figures")
    parser.add_argument("--answers", type=int, default=60)
    args = parser.parse_args()
    cold_start(args.runs, args.first_runs)
    if not args.skip_keys:
        asyncio.run(key_to_next_card(args.answers))


if __name__ == "__main__":
    main()
