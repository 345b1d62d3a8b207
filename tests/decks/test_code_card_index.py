"""The code-card index answers what the catalog answers, and misses whenever a bundled deck moves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dlquiz.decks import code_card_index
from dlquiz.decks.catalog import load_catalog
from dlquiz.grading.registry import bundled_exercises
from dlquiz.paths import bundled_decks_dir, resolve_paths


def _bundled_cards(paths):  # type: ignore[no-untyped-def]
    return [c for d in load_catalog(paths).decks if d.bundled for c in d.cards]


def test_every_exercise_gets_the_catalogs_code_cards(tmp_path: Path) -> None:
    paths = resolve_paths()
    catalog = load_catalog(paths)
    code_card_index.save(tmp_path, _bundled_cards(paths))
    linked = 0
    for exercise_id in bundled_exercises():
        expected = [c.key for c in catalog.code_cards_for(exercise_id)]
        assert code_card_index.code_card_keys(tmp_path, exercise_id) == expected
        linked += bool(expected)
    assert linked >= 30  # most bundled exercises have a code card
    assert code_card_index.code_card_keys(tmp_path, "no-such-exercise") == []


def test_no_cache_dir_no_file_or_a_bad_file_is_a_miss(tmp_path: Path) -> None:
    assert code_card_index.code_card_keys(None, "nms") is None
    assert code_card_index.code_card_keys(tmp_path, "nms") is None
    for junk in ("", "[]", '{"key": 1}', "{\x00"):
        (tmp_path / code_card_index.INDEX_FILE).write_text(junk, encoding="utf-8")
        assert code_card_index.code_card_keys(tmp_path, "nms") is None


@pytest.mark.parametrize("change", ["edit", "add", "remove"])
def test_a_changed_bundled_deck_makes_it_a_miss(change: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    decks = tmp_path / "decks"
    shutil.copytree(bundled_decks_dir(), decks)
    monkeypatch.setattr(code_card_index, "bundled_decks_dir", lambda: decks)
    cache = tmp_path / "cache"
    code_card_index.save(cache, _bundled_cards(resolve_paths()))
    assert code_card_index.code_card_keys(cache, "nms")
    first = min(decks.rglob("*.yaml"))
    if change == "edit":
        first.write_text(first.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    elif change == "add":
        (decks / "zz-new.yaml").write_text("id: zz\n", encoding="utf-8")
    else:
        first.unlink()
    assert code_card_index.code_card_keys(cache, "nms") is None
