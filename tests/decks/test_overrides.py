"""Edits of bundled cards live in override files in the user's decks folder."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dlquiz.decks import catalog as catalog_module
from dlquiz.decks import overrides
from dlquiz.decks.catalog import load_catalog
from dlquiz.decks.overrides import edit_target, override_path
from dlquiz.paths import Paths
from dlquiz.store.database import Store

BUNDLED = """\
id: vision
title: Vision basics
description: A stand-in for a bundled deck.
cards:
  # -------------------------------------------- first topic
  - id: relu
    type: basic
    topics: [arch.transformer]
    front: What does ReLU return for a negative input?   # a comment kept in the copy
    back: |
      Zero.

      Always zero.
  - id: iou
    type: cloze
    topics: [detection.nms]
    text: "IoU = {{c1::intersection}} / {{c2::union}}"
  - id: pick
    type: choice
    topics: [ml.metrics]
    front: Which metric ignores true negatives?
    choices: [Accuracy, Precision]
    answer: 1
    explanation: Precision is TP / (TP + FP).
"""

USER = """\
id: mine
title: Mine
description: A user deck.
cards:
  - id: own
    type: basic
    topics: [ml.metrics]
    front: Q
    back: A
"""


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Paths, Path]:
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "vision.yaml").write_text(BUNDLED, encoding="utf-8")
    monkeypatch.setattr(catalog_module, "bundled_decks_dir", lambda: bundled)
    monkeypatch.setattr(overrides, "bundled_decks_dir", lambda: bundled)
    home = tmp_path / "home"
    paths = Paths(home, home)
    paths.user_decks_dir.mkdir(parents=True)
    (paths.user_decks_dir / "mine.yaml").write_text(USER, encoding="utf-8")
    return paths, bundled


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def test_a_bundled_path_is_never_opened_for_editing(setup) -> None:
    paths, bundled = setup
    catalog = load_catalog(paths)
    for card in catalog.deck("vision").cards:
        path, line = edit_target(catalog, card, paths)
        assert not _inside(path, bundled)
        assert path == override_path(paths, "vision", card.id)
        assert path.read_text(encoding="utf-8").splitlines()[line - 1].strip() == f"- id: {card.id}"
    own = catalog.deck("mine").cards[0]
    assert edit_target(catalog, own, paths) == (paths.user_decks_dir / "mine.yaml", own.source.line)
    # Reloaded, the untouched copies are the bundled cards exactly (only the source moved).
    again = load_catalog(paths)
    for before, after in zip(catalog.deck("vision").cards, again.deck("vision").cards):
        assert dataclasses.replace(after, source=before.source) == before
        assert _inside(Path(after.source.path), overrides.overrides_dir(paths))
        # editing an overridden card opens the override, never the bundled file
        assert edit_target(again, after, paths)[0] == Path(after.source.path)
    assert "a comment kept in the copy" in override_path(paths, "vision", "relu").read_text()


def test_override_applied_keeps_item_keys_and_history(setup) -> None:
    paths, _ = setup
    catalog = load_catalog(paths)
    keys = [item.key for item in catalog.items()]
    with Store.open(paths.database) as store:
        store.answer("vision/iou#c2", 4, grade="good", graded_by="self", duration_s=1.0)
        before = store.state("vision/iou#c2")
    path, _ = edit_target(catalog, catalog.item("vision/iou#c1").card, paths)
    path.write_text(path.read_text().replace("intersection", "overlap area"), encoding="utf-8")
    relu, _ = edit_target(catalog, catalog.item("vision/relu").card, paths)
    relu.write_text(relu.read_text().replace("Zero.", "0 (zero)."), encoding="utf-8")
    assert set(catalog.changed()) == {str(path), str(relu)}  # the app's watcher reloads on it
    edited = load_catalog(paths)
    assert [item.key for item in edited.items()] == keys  # same items, same order
    assert "overlap area" in edited.item("vision/iou#c1").card.text
    assert edited.item("vision/relu").card.back.startswith("0 (zero).")
    assert edited.item("vision/pick").card == catalog.item("vision/pick").card  # untouched
    assert {o.key for o in edited.overrides} == {"vision/iou", "vision/relu"}
    assert not edited.broken and not edited.stale_overrides
    with Store.open(paths.database) as store:
        assert store.state("vision/iou#c2") == before
        assert len(list(store.reviews("vision/iou#c2"))) == 1
    # An existing override is never overwritten by a second edit.
    assert edit_target(edited, edited.item("vision/relu").card, paths)[0] == relu
    assert "0 (zero)." in relu.read_text()


def test_stale_and_broken_overrides_are_reported_not_fatal(setup) -> None:
    paths, bundled = setup
    catalog = load_catalog(paths)
    edit_target(catalog, catalog.item("vision/pick").card, paths)
    broken, _ = edit_target(catalog, catalog.item("vision/relu").card, paths)
    broken.write_text(broken.read_text().replace("type: basic", "type: qa"), encoding="utf-8")
    # An upgrade drops the card 'pick' from the bundled deck.
    (bundled / "vision.yaml").write_text(BUNDLED.split("  - id: pick")[0], encoding="utf-8")
    after = load_catalog(paths)
    assert after.item("vision/pick") is None
    assert [e.path for e in after.stale_overrides] == [str(override_path(paths, "vision", "pick"))]
    message = after.stale_overrides[0].message
    assert "stale override of vision/pick" in message and "no card 'pick'" in message
    # The broken override is listed with the broken decks; the bundled card stays in use.
    assert [b.path for b in after.broken] == [str(broken)]
    assert after.broken[0].deck_id == ""
    assert after.item("vision/relu").card.source.path == str(bundled / "vision.yaml")
    assert after.deck("vision") is not None and after.deck("mine") is not None
    # An override file never shows up as a deck of its own.
    assert sorted(d.id for d in after.decks) == ["mine", "vision"]


def test_decks_list_and_validate_mention_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from dlquiz.cli import main
    from dlquiz.paths import resolve_paths

    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "vision.yaml").write_text(BUNDLED, encoding="utf-8")
    monkeypatch.setattr(catalog_module, "bundled_decks_dir", lambda: bundled)
    monkeypatch.setattr(overrides, "bundled_decks_dir", lambda: bundled)
    paths = resolve_paths()  # the test's own DLQUIZ_HOME
    catalog = load_catalog(paths)
    edit_target(catalog, catalog.item("vision/relu").card, paths)
    gone, _ = edit_target(catalog, catalog.item("vision/pick").card, paths)
    gone.write_text(gone.read_text().replace("- id: pick", "- id: renamed"), encoding="utf-8")

    assert main(["decks", "list"]) == 0
    out, err = capsys.readouterr()
    (vision,) = [line for line in out.splitlines() if line.startswith("vision ")]
    assert "bundled, 1 note(s) edited by you" in vision
    assert f"are in {overrides.overrides_dir(paths)}" in out
    assert f"warning: {gone}:" in err and "stale override of vision/renamed" in err

    assert main(["decks", "validate", "--no-grade"]) == 0  # stale: reported, not an error
    out, err = capsys.readouterr()
    assert f"{override_path(paths, 'vision', 'relu')}: your edit of bundled card vision/relu" in out
    assert "stale override of vision/renamed" in err


def test_an_abandoned_edit_leaves_no_override(setup) -> None:
    from dlquiz.decks.overrides import forget_unchanged

    paths, _ = setup
    catalog = load_catalog(paths)
    relu, pick = catalog.item("vision/relu").card, catalog.item("vision/pick").card
    untouched, _ = edit_target(catalog, relu, paths)
    assert forget_unchanged(untouched, relu, catalog, paths) and not untouched.exists()
    edited, _ = edit_target(catalog, pick, paths)
    edited.write_text(edited.read_text().replace("Precision is", "Precision ="), encoding="utf-8")
    assert not forget_unchanged(edited, pick, catalog, paths) and edited.exists()
    # An override that was already in use is never removed, even when left as is.
    again = load_catalog(paths)
    card = again.item("vision/pick").card
    path, _ = edit_target(again, card, paths)
    assert path == edited and not forget_unchanged(path, card, again, paths)
    own = again.deck("mine").cards[0]  # a user deck's own file is never touched
    assert not forget_unchanged(Path(own.source.path), own, again, paths)
    assert Path(own.source.path).exists()
