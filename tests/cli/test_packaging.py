"""The wheel ships the bundled decks, exercises and topic manifest; `python -m dlquiz` works."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dlquiz import __version__


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    from hatchling.builders.wheel import WheelBuilder

    repo = Path(__file__).resolve().parents[2]
    out = tmp_path_factory.mktemp("wheel")
    built = list(WheelBuilder(str(repo)).build(directory=str(out), versions=["standard"]))
    assert len(built) == 1
    return zipfile.ZipFile(built[0])


def test_wheel_contains_every_bundled_deck(wheel: zipfile.ZipFile) -> None:
    repo = Path(__file__).resolve().parents[2]
    names = set(wheel.namelist())
    for deck in (repo / "decks").glob("*.yaml"):
        assert f"dlquiz/bundled_decks/{deck.name}" in names
    for exercise in (repo / "dlquiz" / "exercises").glob("*.yaml"):
        assert f"dlquiz/exercises/{exercise.name}" in names
    assert "dlquiz/topics.yaml" in names
    assert any(n.startswith("dlquiz/tui/") and n.endswith(".tcss") for n in names)
    assert not any(n.startswith("tests/") for n in names)


def test_wheel_declares_the_console_script(wheel: zipfile.ZipFile) -> None:
    entry_points = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    assert "dlquiz = dlquiz.launch:run" in wheel.read(entry_points).decode()


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "dlquiz", "--version"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"dlquiz {__version__}"
