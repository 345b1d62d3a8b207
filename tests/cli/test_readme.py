"""The README's how-to sections, run as written.

For each section ("Write your own deck", "Write your own exercise", "Use with
Anki", "Sync two machines") the test writes every ``<!-- example-file: PATH -->``
block into a temp dir and runs every ``dlquiz ...`` line of the section's ``sh``
blocks through the real CLI. A comment ``# on the laptop`` / ``# on the desktop``
switches to another data dir, so "Sync two machines" really moves reviews between
two machines. A line whose comment says ``(exit 1)`` must fail with exit code 1;
every other line must succeed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import pytest

from dlquiz.cli import main
from dlquiz.paths import resolve_paths
from dlquiz.store.database import Store

README = Path(__file__).resolve().parents[2] / "README.md"
FILE_BLOCK = re.compile(r"<!-- example-file: (\S+) -->\n```\w*\n(.*?)```", re.DOTALL)
SH_BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def run_section(title: str, workdir: Path, monkeypatch: pytest.MonkeyPatch,
                homes: dict[str, Path]) -> list[tuple[str, int]]:
    body = section(title)
    for name, content in FILE_BLOCK.findall(body):
        target = workdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("HOME", str(workdir / "home"))
    (workdir / "home" / "Sync").mkdir(parents=True, exist_ok=True)
    machine = "default"
    ran = []
    for block in SH_BLOCK.findall(body):
        for raw in block.splitlines():
            line = raw.strip()
            if line.startswith("# on the "):
                machine = line.removeprefix("# on the ")
                continue
            if not line.startswith("dlquiz "):
                continue
            command, _, comment = line.partition("#")
            monkeypatch.setenv("DLQUIZ_HOME", str(homes.setdefault(machine, workdir / machine)))
            argv = [os.path.expanduser(a) for a in shlex.split(command)[1:]]
            code = main(argv)
            expected = 1 if "(exit 1)" in comment else 0
            assert code == expected, f"{title}: `{command.strip()}` exited {code}"
            ran.append((command.strip(), code))
    assert ran, f"no dlquiz commands in {title!r}"
    return ran


def test_write_your_own_deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    homes: dict[str, Path] = {}
    run_section("Write your own deck", tmp_path, monkeypatch, homes)
    deck = homes["default"] / "decks" / "my-notes.yaml"
    assert deck.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    assert json.loads((tmp_path / "deck.schema.json").read_text())["type"] == "object"
    assert "my-notes" in capsys.readouterr().out  # `decks list` shows the new deck


def test_write_your_own_exercise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    homes: dict[str, Path] = {}
    run_section("Write your own exercise", tmp_path, monkeypatch, homes)
    out = capsys.readouterr().out
    assert "smooth-l1.py" in out  # practice printed the workspace path
    assert (homes["default"] / "workspace" / "smooth-l1.py").is_file()
    assert "wrong_answer" in out.lower().replace(" ", "_")


def test_use_with_anki(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    homes: dict[str, Path] = {}
    run_section("Use with Anki", tmp_path, monkeypatch, homes)
    assert (tmp_path / "dlquiz.apkg").stat().st_size > 10_000
    assert (tmp_path / "detection.apkg").stat().st_size < (tmp_path / "dlquiz.apkg").stat().st_size
    imported = (homes["default"] / "decks" / "my-anki.yaml").read_text(encoding="utf-8")
    assert "What does **RoI Align** fix?" in imported
    assert "{{c1::Bilinear}}" in imported


def _answer_some(home: Path, keys: list[str]) -> None:
    with Store.open(resolve_paths(home).database) as store:
        for key in keys:
            store.answer(key, 4, grade="good", graded_by="self", duration_s=3.0)


def _review_keys(home: Path) -> list[str]:
    with Store.open(resolve_paths(home).database) as store:
        return sorted(r.item_key for r in store.reviews())


def test_sync_two_machines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    homes = {"laptop": tmp_path / "laptop", "desktop": tmp_path / "desktop"}
    _answer_some(homes["laptop"], ["detection/fl-formula", "ml/em-e-step"])
    _answer_some(homes["desktop"], ["systems/mutex-what-it-protects"])
    run_section("Sync two machines", tmp_path, monkeypatch, homes)
    both = sorted(["detection/fl-formula", "ml/em-e-step", "systems/mutex-what-it-protects"])
    assert _review_keys(homes["laptop"]) == both
    assert _review_keys(homes["desktop"]) == both
    # Importing the same file again adds nothing.
    monkeypatch.setenv("DLQUIZ_HOME", str(homes["laptop"]))
    assert main(["import", "reviews", str(tmp_path / "home" / "Sync" / "desktop-reviews.csv")]) == 0
    assert _review_keys(homes["laptop"]) == both
