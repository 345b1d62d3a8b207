"""``dlquiz stats`` and ``dlquiz stats --json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from core_decks import write_deck

from dlquiz.cli import main
from dlquiz.paths import resolve_paths
from dlquiz.store.database import Store


def test_stats_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deck = write_deck(tmp_path / "decks")
    with Store.open(resolve_paths().database) as store:
        store.answer("tdeck/a", 4, grade="good", graded_by="self", duration_s=1)
        store.answer("tdeck/b", 1, grade="wrong", graded_by="auto", duration_s=1)
    assert main(["--deck", str(deck), "stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["reviews_total"] == 2 and data["reviews_today"] == 2
    assert data["due_today"] == 0
    deck_row = next(d for d in data["decks"] if d["deck_id"] == "tdeck")
    # 4 items (a, b, c#c1, c#c2); a and b answered -> 2 new
    assert (deck_row["cards"], deck_row["new"], deck_row["title"]) == (4, 2, "Test deck")
    assert data["new_available"] == min(20 - 2, data["new"])


def test_stats_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deck = write_deck(tmp_path / "decks")
    assert main(["--deck", str(deck), "stats"]) == 0
    out = capsys.readouterr().out
    assert "reviews total" in out and "tdeck" in out and "Test deck" in out
