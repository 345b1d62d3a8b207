"""``dlquiz mock --history [--json]`` and ``dlquiz mock --plan``: mock interviews from the shell.

A mock interview is taken in the app (``m`` on the decks screen, or "Mock
interview" in the command palette): it is timed and typed, which a pipe is
not. Here ``--history`` prints the past sessions with their trend, and
``--plan`` prints the questions a session would ask (``--length``,
``--topic``, ``--seed``: the same plan the app builds for that seed).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from dlquiz.clock import today as study_today
from dlquiz.commands._core import load_catalog_for, open_store, paths_of, settings_of
from dlquiz.errors import UsageError
from dlquiz.study.mock import DEFAULT_LENGTH, LENGTHS, MockPlanError
from dlquiz.study.mock_score import format_seconds


def _history(args: argparse.Namespace) -> int:
    from dlquiz.study.mock_report import history_with_trend

    with open_store(paths_of(args), backup=False) as store:
        rows, tr = history_with_trend(store, limit=args.last)
    if args.json:
        print(json.dumps({
            "sessions": [r.to_dict() for r in rows],
            "trend": {"scores": [round(s, 1) for s in tr.scores], "sparkline": tr.sparkline,
                      "per_session": round(tr.per_session, 2), "direction": tr.direction},
        }, indent=1))  # fmt: skip
        return 0
    if not rows:
        print("no mock interviews yet: open the app (dlquiz) and press m")
        return 0
    print(f"trend: {tr.describe()}")
    print(f"{'started (UTC)':16}  {'length':>6}  {'answered':>8}  {'score':>5}  topics")
    for r in reversed(rows):
        topics = ("weakest: " if r.weakest else "") + ", ".join(r.topics)
        left = "" if r.ended_at else " (left)"
        print(f"{r.started_at[:16].replace('T', ' '):16}  {r.minutes:>4} m  "
              f"{f'{r.answered}/{r.questions}':>8}  {r.score:>4.0f}%  {topics}{left}")
    return 0


def _plan(args: argparse.Namespace) -> int:
    from dlquiz.study.mock_report import plan_for_today

    settings = settings_of(args)
    catalog = load_catalog_for(args)
    day = study_today(settings.day_start_hour).isoformat()
    with open_store(paths_of(args), backup=False) as store:
        try:
            plan = plan_for_today(store, list(catalog.items()), args.length, args.topic or [],
                                  seed=args.seed, today=day,
                                  interview_date=settings.interview_date or None)
        except MockPlanError as exc:
            raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(plan.to_dict(), indent=1))
        return 0
    print(f"{plan.minutes} min, seed {plan.seed}, "
          + ("weakest topics: " if plan.weakest else "topics: ") + ", ".join(plan.topics))
    for n, slot in enumerate(plan.slots, 1):
        print(f"Q{n:<2} {slot.kind:9} {format_seconds(slot.budget_s):>5}  {slot.topic:28} {slot.item_key}")
    for note in plan.notes():
        print(f"note: {note}")
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.history == args.plan:
        raise UsageError("say --history (past mock interviews) or --plan (what one would ask); "
                         "take one in the app: dlquiz, then m")
    return _history(args) if args.history else _plan(args)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "mock", help="mock interviews: --history (past sessions, trend) or --plan",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )  # fmt: skip
    parser.add_argument("--history", action="store_true", help="past mock interviews and their trend")
    parser.add_argument("--plan", action="store_true", help="the questions a mock would ask")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--last", type=int, default=None, metavar="N",
                        help="--history: only the last N sessions")
    parser.add_argument("--length", type=int, choices=LENGTHS, default=DEFAULT_LENGTH,
                        help=f"--plan: minutes (default {DEFAULT_LENGTH})")
    parser.add_argument("--topic", action="append", metavar="TOPIC",
                        help="--plan: a topic id or area (repeatable; default: the weakest)")
    parser.add_argument("--seed", type=int, default=0, help="--plan: the plan's seed (default 0)")
    parser.set_defaults(handler=_run)
