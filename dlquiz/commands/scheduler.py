"""``dlquiz scheduler show|use|optimize|evaluate|leeches``: choose and judge the scheduler.

* ``use sm2|fsrs [--retention R]`` writes ``config.toml`` and replays every card
  state from the review log under the new scheduler (switching back to SM-2
  gives back exactly the SM-2 states);
* ``optimize`` fits FSRS parameters to your whole log (py-fsrs's optimizer, the
  ``dlquiz[optimizer]`` extra) and saves them as ``fsrs_parameters``;
* ``evaluate [--json]`` scores SM-2, FSRS with default and with fitted
  parameters on your own log (later reviews predicted from earlier ones, see
  :mod:`dlquiz.study.evaluate`);
* ``leeches [--json]`` lists cards with ``leech_threshold`` lapses or more.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from typing import Any

from dlquiz.commands._core import load_catalog_for, open_store, paths_of, settings_of
from dlquiz.config import RETENTION_RANGE, save_settings
from dlquiz.errors import UsageError
from dlquiz.study.evaluate import LOG_QUERY, Evaluation, evaluate
from dlquiz.study.leeches import leeches
from dlquiz.study.optimize import fit_parameters, fitter, optimizer_available


def _log(store: Any) -> list[tuple[str, str, int]]:
    return [(str(k), str(d), int(q)) for k, d, q in store.query(LOG_QUERY)]


def _show(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    with open_store(paths_of(args), backup=False) as store:
        spec = store.scheduler.spec()
        reviews = store.review_count()
    print(f"scheduler: {settings.scheduler}" + (" (default)" if settings.scheduler == "sm2" else ""))
    if settings.scheduler == "fsrs":
        print(f"desired retention: {settings.desired_retention:.2f}")
        print("parameters: " + ("fitted (`dlquiz scheduler optimize`)" if settings.fsrs_parameters
                                else "py-fsrs defaults"))  # fmt: skip
    print(f"fuzz: {'on' if settings.fuzz else 'off'}")
    print(f"card states derived with: {json.dumps(spec, sort_keys=True)[:120]}")
    print(f"reviews in the log: {reviews}")
    return 0


def _use(args: argparse.Namespace) -> int:
    paths = paths_of(args)
    settings = settings_of(args)
    new = replace(settings, scheduler=args.name)
    if args.retention is not None:
        low, high = RETENTION_RANGE
        if not low <= args.retention <= high:
            raise UsageError(f"--retention: expected a number {low}-{high}, got {args.retention}")
        new = replace(new, desired_retention=args.retention)
    save_settings(paths, new)
    with open_store(paths) as store:  # opening applies the new settings: a replay when they changed
        states = store.query("SELECT count(*) FROM card_state WHERE last_reviewed IS NOT NULL")[0][0]
        reviews = store.review_count()
    print(f"scheduler: {args.name}; {states} card states replayed from {reviews} reviews")
    return 0


def _optimize(args: argparse.Namespace) -> int:
    paths = paths_of(args)
    with open_store(paths, backup=False) as store:
        log = _log(store)
    parameters = fit_parameters(log)  # says which extra to install / that the log is too short
    print("fitted FSRS-6 parameters: " + ", ".join(f"{p:.4f}" for p in parameters))
    if args.dry_run:
        return 0
    settings = settings_of(args)
    save_settings(paths, replace(settings, fsrs_parameters=tuple(round(p, 6) for p in parameters)))
    print(f"saved to {paths.config_file} (fsrs_parameters)")
    if settings.scheduler == "fsrs":
        with open_store(paths):
            pass  # the replay under the fitted parameters happens on open
        print("card states replayed with the fitted parameters")
    else:
        print("they are used once the scheduler is FSRS: `dlquiz scheduler use fsrs`")
    return 0


def run_evaluation(args: argparse.Namespace) -> Evaluation:
    settings = settings_of(args)
    with open_store(paths_of(args), backup=False) as store:
        log = _log(store)
    if args.no_fit:
        given = settings.fsrs_parameters or None
        return evaluate(log, fitted=given, desired_retention=settings.desired_retention)
    if not optimizer_available():
        result = evaluate(log, desired_retention=settings.desired_retention, fit=None)
        note = 'install the optimizer extra to fit: pip install "dlquiz[optimizer]"'
        models = tuple(replace(m, note=note) if m.model == "fsrs-fitted" else m for m in result.models)
        return replace(result, models=models)
    return evaluate(log, fit=fitter, desired_retention=settings.desired_retention)


def _fmt(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:.4f}"


def _evaluate(args: argparse.Namespace) -> int:
    result = run_evaluation(args)
    if args.json:
        print(json.dumps(result.to_dict(), indent=1))
        return 0
    print(f"reviews: {result.reviews_total} scheduled; first {result.train_reviews} to fit, "
          f"{result.test_reviews} to predict (from {result.split_day or '-'}); "
          f"{result.scored_reviews} scored")  # fmt: skip
    print(f"SM-2 forgetting curve: {result.sm2_curve}")
    print(f"{'model':<14}{'log loss':>10}{'RMSE(bins)':>12}{'reviews':>9}  note")
    for m in result.models:
        print(f"{m.model:<14}{_fmt(m.log_loss):>10}{_fmt(m.rmse_bins):>12}{m.reviews:>9}  {m.note}")
    print("lower is better for both.")
    return 0


def _leeches(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    catalog = load_catalog_for(args)
    with open_store(paths_of(args), backup=False) as store:
        found = leeches(store, settings.leech_threshold)
    rows = []
    for leech in found:
        item = catalog.item(leech.item_key)
        front = (item.card.front or item.card.text) if item else ""
        rows.append({"key": leech.item_key, "lapses": leech.lapses, "suspended": leech.suspended,
                     "front": " ".join(front.split())[:60]})  # fmt: skip
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return 0
    if settings.leech_threshold == 0:
        print("leeches are off (leech_threshold = 0)")
        return 0
    if not rows:
        print(f"no leeches (a card becomes one after {settings.leech_threshold} lapses)")
    for row in rows:
        flag = "  suspended" if row["suspended"] else ""
        print(f"{row['key']}  {row['lapses']} lapses{flag}  {row['front']}")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "scheduler", help="choose SM-2 or FSRS, fit FSRS to your log, compare them, list leeches",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )  # fmt: skip
    sub = parser.add_subparsers(dest="scheduler_command", metavar="ACTION", required=True)
    p = sub.add_parser("show", help="the scheduler in use and its settings")
    p.set_defaults(handler=_show)
    p = sub.add_parser("use", help="switch scheduler (card states are replayed from the log)")
    p.add_argument("name", choices=("sm2", "fsrs"))
    p.add_argument("--retention", type=float, help="FSRS desired retention (0.70-0.99, default 0.90)")
    p.set_defaults(handler=_use)
    p = sub.add_parser("optimize", help='fit FSRS parameters to your log (needs "dlquiz[optimizer]")')
    p.add_argument("--dry-run", action="store_true", help="print the parameters, do not save them")
    p.set_defaults(handler=_optimize)
    p = sub.add_parser("evaluate", help="log loss and RMSE of SM-2 and FSRS on your own reviews")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--no-fit", action="store_true",
                   help="do not fit; score the saved fsrs_parameters (fitted on all reviews, so optimistic)")
    p.set_defaults(handler=_evaluate)
    p = sub.add_parser("leeches", help="cards failed leech_threshold (8) times or more")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=_leeches)
