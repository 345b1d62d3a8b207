"""``dlquiz plan [--until DATE | --clear] [--json]``: aim the reviews at an interview day.

``--until 2027-01-15`` saves ``interview_date`` in ``config.toml`` (the app's
settings screen edits the same field); ``--clear`` removes it. Then, and with no
option, it prints the plan: days left, new cards a day so none starts too late
(:mod:`dlquiz.study.plan`), the predicted recall on the day and the weakest
topics (:mod:`dlquiz.study.readiness`) with the command that crams them.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from datetime import date
from typing import Any

from dlquiz.clock import today as study_today
from dlquiz.commands._core import load_catalog_for, open_store, paths_of, settings_of
from dlquiz.config import save_settings
from dlquiz.errors import UsageError
from dlquiz.study.plan import days_until, new_card_plan
from dlquiz.study.queue import ItemIndex, uncapped_counts
from dlquiz.study.readiness import compute_readiness


def _parse_day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(f"--until: expected a date YYYY-MM-DD, got {text!r}") from None


def collect(args: argparse.Namespace) -> dict[str, Any]:
    settings = settings_of(args)
    day = study_today(settings.day_start_hour)
    catalog = load_catalog_for(args)
    index = ItemIndex(catalog.items())
    with open_store(paths_of(args), backup=False) as store:
        waiting = sum(n for _, n in uncapped_counts(store, index, day.isoformat()).values())
        readiness = compute_readiness(
            store, ((key, item.card.topics) for key, item in index.by_key.items()),
            day.isoformat(), settings.interview_date or None,
        )  # fmt: skip
    left = days_until(day, settings.interview_date or None)
    plan = new_card_plan(day, settings.interview_date, waiting, settings.new_per_day) if left is not None else None
    overall = [g for g in readiness.decks]
    items = sum(g.items for g in overall) or 1
    return {
        "today": day.isoformat(),
        "interview_date": settings.interview_date or None,
        "days_left": left,
        "active": left is not None,
        "new_cards": plan.to_dict() if plan else None,
        "recall_today": sum(g.today * g.items for g in overall) / items,
        "recall_on_date": (sum((g.on_date or 0.0) * g.items for g in overall) / items) if left is not None else None,
        "weakest_topics": [
            {"topic": g.name, "today": g.today, "on_date": g.on_date} for g in readiness.weakest()
        ],
    }


def _run(args: argparse.Namespace) -> int:
    paths = paths_of(args)
    if args.until and args.clear:
        raise UsageError("give --until DATE or --clear, not both")
    if args.until or args.clear:
        settings = settings_of(args)
        chosen = "" if args.clear else _parse_day(args.until)
        save_settings(paths, replace(settings, interview_date=chosen))
    data = collect(args)
    if args.json:
        print(json.dumps(data, indent=1))
        return 0
    if data["interview_date"] is None:
        print("no interview date set: `dlquiz plan --until YYYY-MM-DD` aims your reviews at one")
        return 0
    if not data["active"]:
        print(f"the interview date {data['interview_date']} has passed: the normal schedule applies "
              "(`dlquiz plan --clear` removes it)")  # fmt: skip
        return 0
    print(f"interview in {data['days_left']} days ({data['interview_date']})")
    new = data["new_cards"]
    if new["start_days"]:
        print(f"new cards: {new['waiting']} waiting, {new['per_day']} a day until {new['last_start_day']} "
              "(the last day a new card can start and still be learned)")  # fmt: skip
    if new["late"]:
        print(f"{new['late']} new cards cannot be learned in time: cram them (`dlquiz study --cram`)")
    print(f"predicted recall: {100 * data['recall_today']:.0f}% today, "
          f"{100 * data['recall_on_date']:.0f}% on the day without further reviews")
    if data["weakest_topics"]:
        print("weakest topics on the day:")
        for row in data["weakest_topics"]:
            print(f"  {100 * (row['on_date'] or 0):4.0f}%  {row['topic']}"
                  f"   (dlquiz study --cram --topic {row['topic']})")  # fmt: skip
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "plan", help="aim reviews at an interview date (--until YYYY-MM-DD)",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )  # fmt: skip
    parser.add_argument("--until", metavar="DATE", help="the interview day, YYYY-MM-DD")
    parser.add_argument("--clear", action="store_true", help="remove the interview date")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=_run)
