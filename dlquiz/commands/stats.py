"""``dlquiz stats [--json]``: totals, per deck, and the last days of reviews."""

from __future__ import annotations

import argparse
import json
from typing import Any

from dlquiz.clock import today
from dlquiz.commands._core import load_catalog_for, open_store, paths_of, settings_of
from dlquiz.study.session import ItemIndex
from dlquiz.study.stats import Stats, compute_stats


def collect(args: argparse.Namespace) -> Stats:
    catalog = load_catalog_for(args)
    settings = settings_of(args)
    index = ItemIndex(catalog.items())
    with open_store(paths_of(args)) as store:
        return compute_stats(
            store, index, today(settings.day_start_hour), settings.scheduling,
            {deck.id: deck.title for deck in catalog.decks},
        )  # fmt: skip


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _print_tables(stats: Stats) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    t = stats.totals
    totals = Table(title=f"dlquiz stats for {stats.today}", show_header=False)
    for label, value in (
        ("cards", t.cards), ("new (available today)", f"{t.new} ({t.new_available})"),
        ("due today", t.due_today), ("reviews total", t.reviews_total),
        ("reviews today", t.reviews_today),
        ("retention (interval >= 21 d)", f"{_pct(t.retention)} of {t.mature_reviews}"),
        ("exercises solved", t.exercises_solved),
    ):  # fmt: skip
        totals.add_row(label, str(value))
    console.print(totals)
    decks = Table(title="Decks")
    for column in ("deck", "title", "cards", "new", "due", "mature"):
        decks.add_column(column, justify="right" if column in ("cards", "new", "due", "mature") else "left")
    for d in stats.decks:
        decks.add_row(d.deck_id, d.title, str(d.cards), str(d.new), str(d.due), str(d.mature))
    console.print(decks)
    recent = [(day, n) for day, n in stats.reviews_per_day[-14:]]
    # One row a day (a column a day does not fit 80 columns); the bar scales to the busiest.
    week = Table(title="Reviews, last 14 days")
    week.add_column("day")
    week.add_column("reviews", justify="right")
    week.add_column("")
    busiest = max((n for _, n in recent), default=0) or 1
    for day, n in recent:
        week.add_row(day, str(n), "█" * round(30 * n / busiest))
    console.print(week)


def _run(args: argparse.Namespace) -> int:
    stats = collect(args)
    if args.json:
        print(json.dumps(stats.to_dict(), indent=1))
    else:
        _print_tables(stats)
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "stats", help="totals, per-deck counts, retention",
        description="Study statistics. --json prints one object (reviews_total, due_today, "
        "new_available, retention, decks, topics, reviews_per_day, forecast, ...).",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=_run)
