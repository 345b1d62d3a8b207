"""User settings: daily limits, day start hour, theme, in ``config.toml``.

Read with :mod:`tomllib`; written by a tiny writer (the file only holds flat
scalars, so a TOML library for writing would be a dependency for nothing).
Every bad value is a :class:`~dlquiz.errors.ConfigError` that names the file
and line, e.g. ``config.toml:3: day_start_hour: expected an integer 0-23, got 25``.
A missing file means defaults; nothing is written until :func:`save_settings`.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from dlquiz.clock import DEFAULT_DAY_START_HOUR
from dlquiz.errors import ConfigError
from dlquiz.paths import Paths
from dlquiz.study.session import DEFAULT_NEW_PER_DAY, DEFAULT_REVIEWS_PER_DAY, SchedulingConfig

DEFAULT_THEME = "textual-dark"
MAX_PER_DAY = 100_000

#: key -> (minimum, maximum) for integer settings.
_INT_RANGES: dict[str, tuple[int, int]] = {
    "new_per_day": (0, MAX_PER_DAY),
    "reviews_per_day": (0, MAX_PER_DAY),
    "day_start_hour": (0, 23),
}

_COMMENTS = {
    "new_per_day": "new cards introduced per study day",
    "reviews_per_day": "most due reviews shown per study day",
    "day_start_hour": "local hour (0-23) at which a new study day begins",
    "theme": "TUI colour theme",
}


@dataclass(frozen=True)
class Settings:
    new_per_day: int = DEFAULT_NEW_PER_DAY
    reviews_per_day: int = DEFAULT_REVIEWS_PER_DAY
    day_start_hour: int = DEFAULT_DAY_START_HOUR
    theme: str = DEFAULT_THEME

    @property
    def scheduling(self) -> SchedulingConfig:
        return SchedulingConfig(self.new_per_day, self.reviews_per_day, self.day_start_hour)


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.split("=", 1)[0].strip() == key:
            return number
    return 1


def parse_settings(text: str, source: str = "config.toml") -> Settings:
    """Settings from TOML text; ConfigError (with ``source:line``) on any bad entry."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    known = [f.name for f in fields(Settings)]
    values: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{source}:{_line_of(text, key)}: {key}"
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; known: {', '.join(known)}"
            raise ConfigError(f"{where}: unknown setting{hint}")
        if key in _INT_RANGES:
            low, high = _INT_RANGES[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ConfigError(f"{where}: expected an integer {low}-{high}, got {value!r}")
        elif not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: expected a non-empty string, got {value!r}")
        values[key] = value
    return Settings(**values)


def load_settings(paths: Paths) -> Settings:
    """The user's settings, or defaults when there is no config file."""
    path = paths.config_file
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (byte {exc.start})") from None
    return parse_settings(text, str(path))


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def dump_settings(settings: Settings) -> str:
    """TOML text with a comment above each setting."""
    lines = ["# dlquiz settings (see `dlquiz --help`); delete a line to use its default.", ""]
    for key, value in asdict(settings).items():
        lines += [f"# {_COMMENTS[key]}", f"{key} = {_toml_value(value)}", ""]
    return "\n".join(lines)


def save_settings(paths: Paths, settings: Settings) -> Path:
    """Validate then write atomically (temp file + rename), creating the folder."""
    text = dump_settings(settings)
    parse_settings(text, "<new settings>")
    path = paths.config_file
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


#: Alias: the name other parts of dlquiz call (``load_config(paths).scheduling``).
load_config = load_settings
