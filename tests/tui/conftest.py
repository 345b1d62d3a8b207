"""Fixtures for the TUI tests: a small deck with every card type and one user exercise.

Everything is written into a temp dir and passed as an extra deck path, so the
tests never depend on the bundled content; the clock and seeds are fixed so
snapshots are stable.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dlquiz.paths import resolve_paths
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.context import AppContext

FIXED_NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)

DECK = """\
id: tuideck
title: TUI fixture deck
description: One card of each type, for the TUI tests.
cards:
  - id: relu
    type: basic
    topics: [arch.transformer]
    front: What does **ReLU** return for a negative input?
    back: Zero.
    explanation: ReLU is max(0, x).
  - id: pick
    type: choice
    topics: [ml.metrics]
    front: Which metric ignores true negatives?
    choices: [Accuracy, Precision, Specificity]
    answer: 1
    explanation: Precision is TP / (TP + FP).
  - id: iou
    type: cloze
    topics: [detection.nms]
    text: "IoU = {{c1::intersection}} over union"
  - id: convsize
    type: numeric
    topics: [arch.conv]
    front: Work out the output size.
    generator: conv_output_size
  - id: addone
    type: code
    topics: [arch.conv]
    exercise: add-one
exercises:
  - id: add-one
    title: Add one
    topics: [arch.conv]
    function: add_one
    signature: "add_one(x)"
    prompt: Return `x + 1` element-wise.
    starter: |
      import numpy as np

      def add_one(x):
          return np.zeros_like(x)
    hints:
      - NumPy broadcasts scalars.
      - Just return x + 1.
    solution: |
      import numpy as np

      def add_one(x):
          return np.asarray(x) + 1
    reference: tuideck_refs.py:add_one
    cases: tuideck_refs.py:add_one_cases
    checker: {name: allclose}
"""

REFS = """\
import numpy as np

from dlquiz.grading.case import Case


def add_one(x):
    return np.asarray(x) + 1


def add_one_cases(rng):
    return [
        Case("zeros", {"x": np.zeros(3)}, "edge"),
        Case("random n=5", {"x": rng.normal(size=5)}, "random"),
    ]
"""


@pytest.fixture(autouse=True)
def utc_timezone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Study days are local dates: pin the zone so dates in snapshots never move."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "tuideck.yaml").write_text(DECK, encoding="utf-8")
    (folder / "tuideck_refs.py").write_text(REFS, encoding="utf-8")
    return folder


@pytest.fixture
def make_app(deck_dir: Path, isolated_home: Path) -> Callable[..., DlquizApp]:
    """Build an app over the fixture deck only (bundled decks filtered out for determinism)."""

    def build() -> DlquizApp:
        ctx = AppContext(paths=resolve_paths(isolated_home), deck_paths=(str(deck_dir),),
                         now=lambda: FIXED_NOW, seed=7, only_decks=("tuideck",))
        return DlquizApp(ctx)

    return build


def clear_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    os.environ.pop("VISUAL", None)


async def until(pilot: object, predicate: Callable[[], bool], *, limit_s: float = 30.0) -> None:
    """Let the app run until ``predicate()`` holds (workers and the db thread are async).

    Not a timing assertion: the limit only turns a hang into a readable failure.
    """
    deadline = time.monotonic() + limit_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the app never reached the expected state")
        await pilot.pause(0.02)  # type: ignore[attr-defined]


def review_screen(app: DlquizApp) -> object:
    from dlquiz.tui.screens.review import ReviewScreen

    screen = app.screen
    assert isinstance(screen, ReviewScreen), f"expected the review screen, got {type(screen).__name__}"
    return screen


async def start_deck(app: DlquizApp, pilot: object) -> object:
    """From home, press enter on the (only) deck and wait for the first card."""
    from dlquiz.tui.screens.review import ReviewScreen

    await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count > 0)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.state == "front")
    return app.screen


def open_store(home: Path):  # type: ignore[no-untyped-def]
    from dlquiz.store.database import Store

    return Store.open(resolve_paths(home).database)


def seed_for_snapshots(home: Path) -> None:
    """A few weeks of reviews ending at the fixed clock, through the core's write path."""
    from datetime import timedelta

    keys = ["tuideck/relu", "tuideck/pick", "tuideck/iou#c1", "tuideck/convsize"]
    with open_store(home) as store:
        for day in range(40, 0, -3):
            for n, key in enumerate(keys[: 1 + day % 4]):
                store.answer(key, 4 if (day + n) % 3 else 3, grade="good", graded_by="self",
                              duration_s=1.0, now=FIXED_NOW - timedelta(days=day))
        store.record_attempt("add-one", "pass", 2, 2, 0, 0.5, at="2025-03-13T10:00:00.000000+00:00")


def choice_key(screen: object, card_index: int) -> str:
    """The digit that picks the card's choice ``card_index`` where it is shown now (shuffled)."""
    order = list(screen.view.choice_order)  # type: ignore[attr-defined]
    return str(order.index(card_index) + 1)
