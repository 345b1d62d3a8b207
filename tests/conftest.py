"""Shared fixtures: every test runs with its own data dir, never the real one."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point ``DLQUIZ_HOME`` at a fresh temp dir and clear ``DLQUIZ_DECKS``."""
    home = tmp_path_factory.mktemp("dlquiz-home")
    monkeypatch.setenv("DLQUIZ_HOME", str(home))
    monkeypatch.delenv("DLQUIZ_DECKS", raising=False)
    return home


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
