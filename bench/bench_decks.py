"""Deck loading speed: cold (parse + validate) and warm (cache hit) vs bare baselines.

Builds a 100,000-card deck set (20 files x 5,000 cards, all five card types)
in a temp dir, then measures in the same run:

* ``yaml.load`` with the C safe loader of the same files: the floor for any
  YAML-based cold load (no positions, no validation);
* dlquiz's cold load: located parse, JSON Schema, rules, model, cache write;
* ``json.load`` of the cache files: the floor for a warm load;
* dlquiz's warm load: stat + read + SHA-256 + JSON + model objects.

Usage: ``python bench/bench_decks.py [--files 20] [--cards 5000] [--repeat 3]``.
Prints best-of-``repeat`` times and the ratios; no thresholds are asserted.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from dlquiz.decks.cache import DeckCache
from dlquiz.decks.catalog import DeckFile, load_files
from dlquiz.decks.loader import ValidationContext, load_topic_ids
from dlquiz.model import Deck

try:
    from yaml import CSafeLoader as FastLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as FastLoader  # type: ignore[assignment]

CARD_TEMPLATES = (
    "  - id: b{i}\n    type: basic\n    topics: [detection.nms]\n"
    "    front: What does card {i} ask about IoU thresholds?\n"
    "    back: An answer with some **Markdown** for card {i}.\n"
    "    explanation: Why card {i} matters in an interview.\n    tags: [bench]\n",
    "  - id: m{i}\n    type: choice\n    topics: [arch.conv-variants]\n"
    "    front: Which option is right for card {i}?\n"
    "    choices: [first option, second option, third option, fourth option]\n"
    "    answer: {a}\n    explanation: Option {a} is right.\n",
    "  - id: z{i}\n    type: cloze\n    topics: [detection.focal-loss]\n"
    "    text: \"Focal loss scales CE by {{{{c1::(1 - p_t)^gamma}}}} for card {i}\"\n",
    "  - id: n{i}\n    type: numeric\n    topics: [arch.conv]\n"
    "    generator: conv_output_size\n    params: {{dilation: true}}\n",
    "  - id: k{i}\n    type: code\n    topics: [detection.nms]\n    exercise: nms\n",
)


def context() -> ValidationContext:
    schema = {"type": "object", "properties": {"dilation": {"type": "boolean"}},
              "additionalProperties": False}
    return ValidationContext(topics=load_topic_ids(), generators={"conv_output_size": schema},
                             exercise_ids=frozenset({"nms", "iou"}))


def build(folder: Path, files: int, cards: int) -> list[Path]:
    paths = []
    for f in range(files):
        body = "".join(CARD_TEMPLATES[i % len(CARD_TEMPLATES)].format(i=i, a=i % 4)
                       for i in range(cards))
        path = folder / f"deck{f:02d}.yaml"
        path.write_text(f"id: bench-{f:02d}\ntitle: Bench {f}\ndescription: generated\n"
                        f"cards:\n{body}", encoding="utf-8")
        paths.append(path)
    return paths


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ctx = context()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "decks").mkdir()
        paths = build(root / "decks", args.files, args.cards)
        files = [DeckFile(p) for p in paths]
        cache_root = root / "cache"

        def bare_yaml() -> None:
            for p in paths:
                yaml.load(p.read_text(encoding="utf-8"), Loader=FastLoader)

        cold_runs = iter(range(args.repeat))

        def cold() -> None:
            # A fresh cache dir each time, so every file is parsed and validated.
            results = load_files(files, ctx, DeckCache(cache_root / str(next(cold_runs)), fp))
            assert all(isinstance(r, Deck) for r in results), results[0]

        def warm() -> None:
            cache = DeckCache(cache_root / "0", fp)
            results = load_files(files, ctx, cache)
            assert cache.hits == len(files) and all(isinstance(r, Deck) for r in results)

        def bare_json() -> None:
            for entry in (cache_root / "0" / "decks").glob("*.json"):
                with open(entry, encoding="utf-8") as fh:
                    json.load(fh)

        fp = ctx.fingerprint()
        t_yaml = best(bare_yaml, args.repeat)
        t_cold = best(cold, args.repeat)
        t_json = best(bare_json, args.repeat)
        t_warm = best(warm, args.repeat)
        total = args.files * args.cards
        size_mb = sum(p.stat().st_size for p in paths) / 1e6
        print(f"deck set: {args.files} files x {args.cards} cards = {total:,} cards, "
              f"{size_mb:.1f} MB YAML; C loader: {FastLoader.__name__}")
        print(f"baseline yaml.load (C safe loader): {t_yaml:7.3f} s")
        print(f"cold load (parse+validate+cache):   {t_cold:7.3f} s   "
              f"{t_cold / t_yaml:5.2f}x bare YAML")
        print(f"baseline json.load of the cache:    {t_json:7.3f} s")
        print(f"warm load (cache hit):              {t_warm:7.3f} s   "
              f"{t_warm / t_json:5.2f}x bare JSON, {t_yaml / t_warm:5.1f}x faster than bare YAML, "
              f"{t_cold / t_warm:5.1f}x faster than cold")


if __name__ == "__main__":
    main()
