"""Where dlquiz keeps things. Resolved on demand: nothing is created at import.

Precedence for the data directory: an explicit ``--data-dir`` (passed in as
``override``), then ``$DLQUIZ_HOME``, then platformdirs' user data dir. Tests
and benchmarks always pass a temporary directory, so they never touch the real
one. Config lives in ``$DLQUIZ_HOME/config.toml`` when ``DLQUIZ_HOME`` is set
(so one variable isolates everything), otherwise in platformdirs' config dir.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

APP_NAME = "dlquiz"
ENV_HOME = "DLQUIZ_HOME"
ENV_DECKS = "DLQUIZ_DECKS"


@dataclass(frozen=True)
class Paths:
    """All locations for one run; directories are created by whoever writes there."""

    data_dir: Path
    config_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "dlquiz.sqlite3"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def user_decks_dir(self) -> Path:
        return self.data_dir / "decks"

    @property
    def workspace_dir(self) -> Path:
        """One file per exercise, shared by the app's editor and ``dlquiz practice/check``."""
        return self.data_dir / "workspace"

    @property
    def legacy_drafts_dir(self) -> Path:
        """Where the app kept its drafts before they moved into the workspace (adopted on read)."""
        return self.data_dir / "drafts"

    @property
    def cache_dir(self) -> Path:
        """Parsed-deck cache (keyed by file mtime, size and hash)."""
        return self.data_dir / "cache"

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"


def resolve_paths(override: str | os.PathLike[str] | None = None) -> Paths:
    """Paths for this run, honouring ``--data-dir`` then ``$DLQUIZ_HOME``."""
    chosen = override or os.environ.get(ENV_HOME)
    if chosen:
        base = Path(chosen).expanduser().resolve()
        return Paths(data_dir=base, config_dir=base)
    import platformdirs

    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME)),
    )


def paths_of(args: Any) -> Paths:
    """The paths of a parsed command line (its ``--data-dir``, if any)."""
    return resolve_paths(getattr(args, "data_dir", None))


def bundled_decks_dir() -> Path:
    """The decks shipped with dlquiz.

    In a wheel they live inside the package (``dlquiz/bundled_decks``); in a
    source checkout or editable install, at the repository root (``decks/``).
    """
    here = Path(__file__).resolve().parent
    packaged = here / "bundled_decks"
    if packaged.is_dir():
        return packaged
    return here.parent / "decks"


def bundled_exercises_dir() -> Path:
    """YAML definitions of the bundled coding exercises (package data)."""
    return Path(__file__).resolve().parent / "exercises"
