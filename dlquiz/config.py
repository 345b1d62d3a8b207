"""User settings in ``config.toml``: limits, day start, theme, scheduler, interview date.

Read with :mod:`tomllib`; written by a tiny writer (flat scalars, one list of
floats and one table of per-deck limits, so a TOML library for writing would
be a dependency for nothing). Every bad value is a
:class:`~dlquiz.errors.ConfigError` that names the file and line, e.g.
``config.toml:3: day_start_hour: expected an integer 0-23, got 25``.
A missing file means defaults; nothing is written until :func:`save_settings`.

Scheduling settings (see docs/scheduling.md):

* ``scheduler``: ``"sm2"`` (default) or ``"fsrs"``; ``desired_retention`` (FSRS,
  0.70-0.99, default 0.90); ``fsrs_parameters`` (21 numbers fitted by
  ``dlquiz scheduler optimize``; empty = py-fsrs's defaults); ``fuzz``;
* ``interview_date`` (``YYYY-MM-DD`` or ``""``): see :mod:`dlquiz.study.plan`;
* ``leech_threshold`` (lapses that make a leech, 0 = off), ``leech_suspend``,
  ``bury_siblings``;
* ``typed_answers``: basic cards ask for the answer to be typed before the reveal,
  unless the card or its deck says ``input:`` (see docs/deck-format.md);
* ``[deck_limits.<deck id>]`` with ``new_per_day`` / ``reviews_per_day``: per-deck
  daily limits applied beside the global ones.
* ``[keys]``: rebound keys, ``"<binding id>" = "<key>[,<key>...]"`` (e.g.
  ``"review.grade_again" = "j"``). Kept as written, with their line: the app
  checks the ids and key names (it knows its bindings; this module does not)
  and reports a bad entry as ``config.toml:12: ...`` while starting with the
  default key for it (:mod:`dlquiz.tui.keymap`).
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from dlquiz.clock import DEFAULT_DAY_START_HOUR
from dlquiz.errors import ConfigError
from dlquiz.paths import Paths
from dlquiz.study.scheduler import DEFAULT_DESIRED_RETENTION, DEFAULT_SCHEDULER, SCHEDULERS
from dlquiz.study.limits import DeckLimit
from dlquiz.study.queue import (  # not study.session: the app reads settings before the first frame
    DEFAULT_LEECH_THRESHOLD,
    DEFAULT_NEW_PER_DAY,
    DEFAULT_REVIEWS_PER_DAY,
    SchedulingConfig,
)

DEFAULT_THEME = "textual-dark"
MAX_PER_DAY = 100_000
RETENTION_RANGE = (0.70, 0.99)
FSRS_PARAMETER_COUNT = 21

#: key -> (minimum, maximum) for integer settings.
_INT_RANGES: dict[str, tuple[int, int]] = {
    "new_per_day": (0, MAX_PER_DAY),
    "reviews_per_day": (0, MAX_PER_DAY),
    "day_start_hour": (0, 23),
    "leech_threshold": (0, 99),
}
_BOOLS = ("fuzz", "leech_suspend", "bury_siblings", "typed_answers")

_COMMENTS = {
    "new_per_day": "new cards introduced per study day",
    "reviews_per_day": "most due reviews shown per study day",
    "day_start_hour": "local hour (0-23) at which a new study day begins",
    "theme": "TUI colour theme",
    "scheduler": 'scheduler: "sm2" (default) or "fsrs" (card states are replayed on a change)',
    "desired_retention": "FSRS: recall probability aimed at when a card falls due (0.70-0.99)",
    "fsrs_parameters": "FSRS parameters from `dlquiz scheduler optimize` ([] = defaults)",
    "fuzz": "spread intervals of 3+ days by a few days (seeded per card, replays are exact)",
    "interview_date": 'aim reviews at this day (YYYY-MM-DD, "" = none); see `dlquiz plan`',
    "leech_threshold": "lapses after which a card is a leech (0 = never)",
    "leech_suspend": "suspend a card when it becomes a leech",
    "bury_siblings": "hide the other cards of a note (cloze siblings) until tomorrow once one is answered",
    "typed_answers": "type the answer of basic cards before the reveal (unless a deck says `input:`)",
}


@dataclass(frozen=True)
class KeyEntry:
    """One line of ``[keys]``: a binding id, its key(s) as written, and the line it is on."""

    action: str
    keys: object
    line: int = field(default=0, compare=False)  # where it was read; not part of the setting


@dataclass(frozen=True)
class Settings:
    new_per_day: int = DEFAULT_NEW_PER_DAY
    reviews_per_day: int = DEFAULT_REVIEWS_PER_DAY
    day_start_hour: int = DEFAULT_DAY_START_HOUR
    theme: str = DEFAULT_THEME
    scheduler: str = DEFAULT_SCHEDULER
    desired_retention: float = DEFAULT_DESIRED_RETENTION
    fsrs_parameters: tuple[float, ...] = ()
    fuzz: bool = True
    interview_date: str = ""
    leech_threshold: int = DEFAULT_LEECH_THRESHOLD
    leech_suspend: bool = False
    bury_siblings: bool = False
    typed_answers: bool = False
    deck_limits: tuple[DeckLimit, ...] = ()
    keys: tuple[KeyEntry, ...] = ()

    @property
    def scheduling(self) -> SchedulingConfig:
        return SchedulingConfig(
            self.new_per_day, self.reviews_per_day, self.day_start_hour,
            deck_limits=self.deck_limits, leech_threshold=self.leech_threshold,
            leech_suspend=self.leech_suspend, bury_siblings=self.bury_siblings,
            interview_date=self.interview_date or None,
        )  # fmt: skip

    @property
    def scheduler_spec(self) -> dict[str, Any]:
        """What :func:`dlquiz.study.scheduler.make_scheduler` builds the chosen scheduler from."""
        if self.scheduler == "sm2":
            return {"scheduler": "sm2", "fuzz": self.fuzz}
        spec: dict[str, Any] = {"scheduler": "fsrs", "desired_retention": self.desired_retention,
                                "fuzz": self.fuzz}  # fmt: skip
        if self.fsrs_parameters:
            spec["parameters"] = list(self.fsrs_parameters)
        return spec


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if line.split("=", 1)[0].strip() == key or stripped in (
            f"[deck_limits.{key}]", f'[deck_limits."{key}"]'
        ):
            return number
    return 1


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check(key: str, value: Any, where: str) -> Any:
    """The value for ``key`` if valid, else ConfigError naming ``where``."""
    if key in _INT_RANGES:
        low, high = _INT_RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"{where}: expected an integer {low}-{high}, got {value!r}")
        return value
    if key in _BOOLS:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if key == "scheduler":
        if value not in SCHEDULERS:
            raise ConfigError(f"{where}: expected one of {', '.join(map(repr, SCHEDULERS))}, got {value!r}")
        return value
    if key == "desired_retention":
        least, most = RETENTION_RANGE
        if not _is_number(value) or not least <= value <= most:
            raise ConfigError(f"{where}: expected a number {least}-{most}, got {value!r}")
        return float(value)
    if key == "fsrs_parameters":
        if not isinstance(value, list) or not all(_is_number(v) for v in value) or len(value) not in (
            0, FSRS_PARAMETER_COUNT,
        ):  # fmt: skip
            raise ConfigError(f"{where}: expected a list of {FSRS_PARAMETER_COUNT} numbers or [], got {value!r}")
        return tuple(float(v) for v in value)
    if key == "interview_date":
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a date YYYY-MM-DD or \"\", got {value!r}")
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ConfigError(f"{where}: expected a date YYYY-MM-DD, got {value!r}") from None
        return value
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: expected a non-empty string, got {value!r}")
    return value


def _deck_limits(text: str, source: str, value: Any) -> tuple[DeckLimit, ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{source}:{_line_of(text, 'deck_limits')}: deck_limits: expected tables [deck_limits.<deck id>]")
    limits = []
    for deck_id, table in value.items():
        where = f"{source}:{_line_of(text, deck_id)}: deck_limits.{deck_id}"
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: expected a table with new_per_day and/or reviews_per_day")
        extra = set(table) - {"new_per_day", "reviews_per_day"}
        if extra:
            raise ConfigError(f"{where}: unknown key {min(extra)!r} (known: new_per_day, reviews_per_day)")
        numbers = [_check(k, table[k], f"{where}.{k}") if k in table else None
                   for k in ("new_per_day", "reviews_per_day")]  # fmt: skip
        limits.append(DeckLimit(deck_id, numbers[0], numbers[1]))
    return tuple(limits)


def _key_entries(text: str, source: str, value: Any) -> tuple[KeyEntry, ...]:
    """``[keys]`` as written; ``review.grade_again`` unquoted (a nested table) is the same id."""
    if not isinstance(value, dict):
        raise ConfigError(f"{source}:{_line_of(text, 'keys')}: keys: expected a table [keys] of "
                          '"<binding id>" = "<key>" lines')
    flat: list[tuple[str, object]] = []

    def walk(prefix: str, table: dict[str, Any]) -> None:
        for name, item in table.items():
            if isinstance(item, dict):
                walk(f"{prefix}{name}.", item)
            else:
                flat.append((f"{prefix}{name}", item))

    walk("", value)
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "[keys]"), -1)

    def line_of(action: str) -> int:
        for number in range(start + 1, len(lines)):
            name = lines[number].split("=", 1)[0].strip()
            if name.replace('"', "").replace("'", "").replace(" ", "") == action:
                return number + 1
        return start + 1 if start >= 0 else _line_of(text, "keys")

    return tuple(KeyEntry(action, keys, line_of(action)) for action, keys in flat)


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
        if key == "keys":
            values[key] = _key_entries(text, source, value)
            continue
        values[key] = _deck_limits(text, source, value) if key == "deck_limits" else _check(key, value, where)
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
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def dump_settings(settings: Settings) -> str:
    """TOML text with a comment above each setting; per-deck limits as tables at the end."""
    lines = ["# dlquiz settings (see `dlquiz --help`); delete a line to use its default.", ""]
    for f in fields(Settings):
        if f.name in ("deck_limits", "keys"):
            continue
        lines += [f"# {_COMMENTS[f.name]}", f"{f.name} = {_toml_value(getattr(settings, f.name))}", ""]
    if settings.deck_limits:
        lines += ["# per-deck daily limits, beside the global ones"]
    for limit in settings.deck_limits:
        lines.append(f'[deck_limits."{limit.deck_id}"]')
        if limit.new_per_day is not None:
            lines.append(f"new_per_day = {limit.new_per_day}")
        if limit.reviews_per_day is not None:
            lines.append(f"reviews_per_day = {limit.reviews_per_day}")
        lines.append("")
    if settings.keys:
        lines += ["# rebound keys: binding id = key(s); the ids are listed in docs/tui.md", "[keys]"]
        lines += [f"{_toml_value(entry.action)} = {_toml_value(entry.keys)}" for entry in settings.keys]
        lines.append("")
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
