"""Issue 4's must-show, through the real CLI: every bundled deck is valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlquiz.cli import main


def test_validate_bundled_decks_by_relative_path(
        repo_root: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`dlquiz decks validate decks/*.yaml` from the repo root checks every bundled deck."""
    monkeypatch.chdir(repo_root)
    files = sorted(str(p.relative_to(repo_root)) for p in (repo_root / "decks").glob("*.yaml"))
    assert len(files) >= 9
    assert main(["decks", "validate", *files]) == 0
    captured = capsys.readouterr()
    assert f"{len(files)} deck file(s): {len(files)} valid, 0 broken, 0 error(s)" in captured.out
    assert captured.err == ""


def test_decks_list_shows_every_bundled_deck_valid(
        repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decks", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    rows = listed if isinstance(listed, list) else listed.get("decks", [])
    ids = {row["id"] for row in rows}
    on_disk = {p.stem for p in (repo_root / "decks").glob("*.yaml")}
    assert on_disk <= ids
    assert not [row for row in rows if row.get("broken") or row.get("errors")]


def test_new_decks_may_not_take_a_bundled_id(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decks", "new", "detection", "--dir", str(tmp_path)]) == 2
    assert "already used by" in capsys.readouterr().err
    assert not (tmp_path / "detection.yaml").exists()
    notes = tmp_path / "notes.txt"
    notes.write_text("front\tback\n", encoding="utf-8")
    assert main(["import", "anki-text", str(notes), "--deck-id", "ml",
                 "--output", str(tmp_path / "ml.yaml")]) == 2
    assert not (tmp_path / "ml.yaml").exists()
