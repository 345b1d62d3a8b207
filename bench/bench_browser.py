"""Card browser benchmark: search over 100,000 cards, per keystroke, in the core and the app.

Run: ``python bench/bench_browser.py [--cards N] [--skip-app]``. Everything lives in a
temp dir; the cards are synthetic (100 decks of 1,000 basic cards, a front of ~12
and a back of ~20 words drawn from a 2,000-word vocabulary, as bench_core's 100k
items but with text to search) and their states are bulk-inserted (a third
reviewed, some suspended, buried and leeches). Figures are printed next to a
baseline measured in the same run on the same strings, never alone:

* core, per keystroke: ``BrowseIndex.search(parse(prefix), states)`` for every
  prefix of a few queries typed one character at a time (words, a phrase,
  ``deck:``/``type:``/``is:`` filters, a negation) -- baseline: a bare Python
  ``[s for s in strings if word in s]`` over the same 100k lowercased strings
  for the same prefixes' words (what any search must at least do);
* index build (once per catalog) and the state snapshot (one query), next to
  ``[c.front.lower() for c in cards]`` and a bare ``SELECT item_key FROM card_state``;
* the app through a Textual pilot, at 120x40: key press -> the results table
  updated for that query (``BrowserScreen.ResultsShown``), typing one key at a
  time and waiting for each result -- baseline: a bare Textual app with an
  Input and a DataTable that runs the bare scan on the UI thread and fills the
  table with the same number of rows; plus "typing fast": every key of a query
  pressed without waiting, then the time until the last query's results are
  shown, and the longest stall of the UI loop meanwhile (a 5 ms ticker), for
  the browser (search in a thread worker) and the same bare app.

The machine is shared and has 2 cores: read the ratios, not the milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from dlquiz.model import Card, Deck
from dlquiz.store.database import Store
from dlquiz.study.browse import BrowseIndex, load_states
from dlquiz.study.browse_query import parse

QUERIES = ["gradient descent", '"batch norm" -type:cloze', "deck:deck042 is:due anchor",
           "is:suspended -relu"]
TODAY = "2024-06-01"
SHOWN_ROWS = 100  # = dlquiz.tui.screens.browser.SHOWN_ROWS
#: Time between keys when "typing fast" (a very fast typist; a paste is faster still).
FAST_KEY_GAP_S = 0.03


def vocabulary(rng: random.Random, n: int = 2000) -> list[str]:
    base = ["gradient", "descent", "batch", "norm", "anchor", "relu", "kernel", "stride",
            "attention", "softmax", "loss", "focal", "box", "iou", "layer", "dropout"]
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = [*base]
    while len(words) < n:
        words.append("".join(rng.choice(letters) for _ in range(rng.randint(3, 10))))
    return words


def make_cards(n: int) -> list[Card]:
    rng = random.Random(0)
    words = vocabulary(rng)
    text = lambda k: " ".join(rng.choice(words) for _ in range(k))  # noqa: E731
    return [Card(f"deck{i // 1000:03d}", f"card-{i:06d}", "basic" if i % 7 else "cloze",
                 ("arch.conv",), front=text(12) if i % 7 else "",
                 back=text(20) if i % 7 else "",
                 text="" if i % 7 else f"{text(8)} {{{{c1::{text(2)}}}}}")
            for i in range(n)]


def fill_states(db: Path, cards: list[Card]) -> None:
    """A third reviewed (half of them due), every 50th suspended, every 97th buried, leeches."""
    rows = []
    for i, card in enumerate(cards):
        key = card.items()[0].key
        reviewed = i % 3 == 0
        rows.append((key, 2 if reviewed else 0, 5 if reviewed else 0, 2.5,
                     ("2024-05-30" if i % 2 else "2024-06-20") if reviewed else None,
                     "2024-05-25T10:00:00.000000+00:00" if reviewed else None,
                     9 if i % 301 == 0 and reviewed else 0, int(i % 50 == 0),
                     "2024-06-02" if i % 97 == 0 else None, "2024-01-01" if reviewed else None,
                     None, None, "2024-05-25" if reviewed else None))
    with Store.open(db) as store:
        with store.transaction():
            store.connection.executemany(
                f"INSERT INTO card_state VALUES ({', '.join('?' * 13)})", rows)


def prefixes(query: str) -> list[str]:
    return [query[: n] for n in range(1, len(query) + 1)]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def bare_scan(strings: list[str], text: str) -> list[str]:
    """The baseline: every plain word of the text as a bare substring scan, AND-ed."""
    found = strings
    for word in text.lower().replace('"', " ").split():
        if ":" in word or word.startswith("-"):
            continue
        found = [s for s in found if word in s]
    return found[:SHOWN_ROWS]


def core(cards: list[Card], db: Path) -> tuple[BrowseIndex, float]:
    items = [item for card in cards for item in card.items()]
    build_ms = timed(lambda: BrowseIndex.build(items))
    base_build = timed(lambda: [c.front.lower() for c in cards])
    index = BrowseIndex.build(items)
    with Store.open(db) as store:
        states_ms = statistics.median(timed(lambda: load_states(store, TODAY, 8)) for _ in range(3))
        bare_ms = statistics.median(timed(lambda: store.query("SELECT item_key FROM card_state"))
                                    for _ in range(3))
        states = load_states(store, TODAY, 8)
    print(f"{len(items):,} items · index build {build_ms:.0f} ms (baseline: lowercase every "
          f"front {base_build:.0f} ms; x{build_ms / base_build:.1f}) · state snapshot "
          f"{states_ms:.0f} ms (bare SELECT item_key {bare_ms:.0f} ms; x{states_ms / bare_ms:.1f})")
    strings = list(index.haystacks)
    fresh, typed, base = [], [], []
    for query in QUERIES:
        previous = None
        for text in prefixes(query):
            try:
                parsed = parse(text)
            except ValueError:
                continue  # e.g. "deck:" with no value yet: an error message, no search
            fresh.append(timed(lambda: index.search(parsed, states, limit=SHOWN_ROWS)))
            out: list[object] = []
            typed.append(timed(lambda: out.append(
                index.search(parsed, states, limit=SHOWN_ROWS, previous=previous))))
            previous = out[0]  # type: ignore[assignment]
            base.append(timed(lambda: bare_scan(strings, text)))
    bmed = statistics.median(base)
    for name, ours in (("from scratch", fresh), ("as typed (narrowing the previous result, "
                                                  "as the app does)", typed)):
        med, mx = statistics.median(ours), max(ours)
        print(f"core search per keystroke, {name} ({len(ours)} keystrokes of {len(QUERIES)} "
              f"queries): median {med:.1f} ms, max {mx:.1f} ms; baseline bare substring scan "
              f"median {bmed:.1f} ms; ratio x{med / bmed:.2f}")
    return index, bmed


async def app_figures(cards: list[Card], home: Path, keys: int) -> None:
    from dlquiz.decks.catalog import Catalog
    from dlquiz.paths import resolve_paths
    from dlquiz.tui.app import DlquizApp
    from dlquiz.tui.context import AppContext
    from dlquiz.tui.screens.browser import BrowserScreen

    by_deck: dict[str, list[Card]] = {}
    for card in cards:
        by_deck.setdefault(card.deck_id, []).append(card)
    catalog = Catalog(decks=tuple(Deck(d, d, "", tuple(c)) for d, c in by_deck.items()), broken=())
    ctx = AppContext(paths=resolve_paths(home), now=lambda: datetime(2024, 6, 1, 12, tzinfo=UTC),
                     seed=1, _catalog=catalog)
    shown: list[tuple[str, float]] = []

    class TimedApp(DlquizApp):
        def on_browser_screen_results_shown(self, event: BrowserScreen.ResultsShown) -> None:
            shown.append((event.query, time.perf_counter()))

    app = TimedApp(ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        app.action_browse()
        while not (isinstance(app.screen, BrowserScreen) and app.screen.shown_query == ""):
            await pilot.pause(0.01)
        one = await type_and_wait(pilot, lambda: app.screen.shown_query, shown, keys)
        await clear(pilot, lambda: app.screen.shown_query)
        fast, stall = await type_fast(pilot, app, lambda: app.screen.shown_query, shown)
    base_one, base_fast, base_stall = await bare_app(cards, keys)
    m, b = statistics.median(one), statistics.median(base_one)
    print(f"app, key -> results table updated (median of {len(one)} keys, waiting for each): "
          f"{m:.1f} ms, p90 {sorted(one)[int(len(one) * .9)]:.1f} ms; baseline bare Textual "
          f"app scanning on the UI thread {b:.1f} ms; ratio x{m / b:.2f}")
    print(f"app, typing fast ({len(QUERIES[0])} keys {FAST_KEY_GAP_S * 1000:.0f} ms apart): "
          "last key -> its results "
          f"{fast:.0f} ms (bare app {base_fast:.0f} ms); longest UI-loop stall meanwhile "
          f"{stall:.0f} ms (bare app, scan on the UI thread: {base_stall:.0f} ms)")


def key_name(c: str) -> str:
    return {" ": "space", ":": "colon", "-": "minus", '"': "quotation_mark"}.get(c, c)


async def type_and_wait(pilot, current: Callable[[], str | None],  # type: ignore[no-untyped-def]
                        shown: list[tuple[str, float]], keys: int) -> list[float]:
    timings: list[float] = []
    for query in QUERIES:
        typed = ""
        for c in query:
            typed += c
            count = len(shown)
            started = time.perf_counter()
            await pilot.press(key_name(c))
            while not shown[count:] or shown[-1][0] != typed:
                await pilot.pause(0)
            timings.append((shown[-1][1] - started) * 1000)
        await clear(pilot, current)
        if len(timings) >= keys:
            break
    return timings


async def clear(pilot, current: Callable[[], str | None]) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+a", "ctrl+k")
    while current() != "":
        await pilot.pause(0.01)


async def type_fast(pilot, app, current, shown):  # type: ignore[no-untyped-def]
    """Send the first query's keys FAST_KEY_GAP_S apart, without waiting for anything.

    Returns (last key sent -> its results shown, longest gap of a 5 ms UI-loop ticker).
    The keys go straight to the driver, as a terminal delivers them (the pilot's
    ``press`` would wait for the app to be idle after each key).
    """
    from textual import events

    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    timer = app.set_interval(0.005, tick)
    await pilot.pause(0.05)
    gaps.clear()
    before = len(shown)
    for c in QUERIES[0]:
        app._driver.send_message(events.Key(key_name(c), c))
        await asyncio.sleep(FAST_KEY_GAP_S)
    sent = time.perf_counter() - FAST_KEY_GAP_S
    while not any(q == QUERIES[0] for q, _ in shown[before:]):
        await pilot.pause(0)
    done = next(t for q, t in shown[before:] if q == QUERIES[0])
    await pilot.pause(0.05)
    timer.stop()
    return (done - sent) * 1000, max(gaps)


async def bare_app(cards: list[Card], keys: int) -> tuple[list[float], float, float]:
    """The same harness on a bare Input + DataTable app scanning on the UI thread."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    strings = [f"{c.id}\n{c.front}\n{c.back}\n{c.text}".lower() for c in cards]
    shown: list[tuple[str, float]] = []

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="q")
            yield DataTable(id="t")

        def on_mount(self) -> None:
            self.query_one(DataTable).add_columns("Card", "Front")
            self.value = ""

        def on_input_changed(self, event: Input.Changed) -> None:
            found = bare_scan(strings, event.value)
            table = self.query_one(DataTable)
            table.clear()
            for s in found:
                table.add_row(s[:20], s[20:90])
            self.value = event.value
            self.call_after_refresh(lambda: shown.append((event.value, time.perf_counter())))

    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        one = await type_and_wait(pilot, lambda: app.value, shown, keys)
        await clear(pilot, lambda: app.value)
        fast, stall = await type_fast(pilot, app, lambda: app.value, shown)
    return one, fast, stall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=40, help="keys timed in the app")
    parser.add_argument("--skip-app", action="store_true")
    args = parser.parse_args(argv)
    cards = make_cards(args.cards)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp, "home")
        home.mkdir()
        from dlquiz.paths import resolve_paths

        db = resolve_paths(home).database
        fill_states(db, cards)
        core(cards, db)
        if not args.skip_app:
            asyncio.run(app_figures(cards, home, args.keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
