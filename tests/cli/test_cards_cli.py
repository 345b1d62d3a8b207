"""`dlquiz cards suspended` / `dlquiz cards unsuspend`: a suspended card can come back."""

from __future__ import annotations

import json

import pytest

from dlquiz.cli import main
from dlquiz.paths import resolve_paths
from dlquiz.store.database import Store

KEY = "detection/stages-two-stage-pipeline"


def _hide(suspend: bool = True, bury: str | None = None) -> None:
    with Store.open(resolve_paths().database) as store:
        if suspend:
            store.set_suspended(KEY, True)
        if bury:
            store.bury("ml/em-e-step", bury)


def test_list_and_unsuspend_one(capsys: pytest.CaptureFixture[str]) -> None:
    _hide()
    assert main(["cards", "suspended", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["key"] for r in rows] == [KEY] and rows[0]["in_decks"] and rows[0]["front"]
    assert main(["cards", "unsuspend", KEY]) == 0
    with Store.open(resolve_paths().database) as store:
        assert not store.state(KEY).suspended
    capsys.readouterr()
    assert main(["cards", "suspended"]) == 0
    assert "no suspended cards" in capsys.readouterr().out


def test_unsuspend_all_also_unburies(capsys: pytest.CaptureFixture[str]) -> None:
    _hide(bury="2999-01-01")
    assert main(["cards", "unsuspend", "--all"]) == 0
    assert "2 card(s) back" in capsys.readouterr().out
    with Store.open(resolve_paths().database) as store:
        assert store.state("ml/em-e-step").buried_until is None


def test_unsuspending_a_visible_card_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cards", "unsuspend", "ml/nope"]) == 2
    assert "not suspended or buried: ml/nope" in capsys.readouterr().err
