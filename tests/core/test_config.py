"""Settings: defaults, round trip through the TOML writer, errors with file:line."""

from __future__ import annotations

import pytest

from dlquiz.config import Settings, load_settings, parse_settings, save_settings
from dlquiz.errors import ConfigError
from dlquiz.paths import resolve_paths


def test_missing_file_gives_defaults_and_creates_nothing() -> None:
    paths = resolve_paths()
    s = load_settings(paths)
    assert (s.new_per_day, s.reviews_per_day, s.day_start_hour) == (20, 200, 4)
    assert not paths.config_file.exists()


def test_round_trip() -> None:
    paths = resolve_paths()
    wanted = Settings(new_per_day=7, reviews_per_day=50, day_start_hour=0, theme='my "theme"')
    save_settings(paths, wanted)
    assert load_settings(paths) == wanted
    assert load_settings(paths).scheduling.new_per_day == 7


def test_partial_file_keeps_other_defaults() -> None:
    assert parse_settings("new_per_day = 3\n") == Settings(new_per_day=3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("new_per_day = 5\nday_start_hour = 25\n", r"config.toml:2: day_start_hour: expected an integer 0-23, got 25"),
        ("new_per_day = -1\n", r"config.toml:1: new_per_day: expected an integer"),
        ("reviews_per_day = true\n", r"reviews_per_day: expected an integer"),
        ("new_per_day = \"ten\"\n", r"got 'ten'"),
        ("\n\nnew_per_dya = 3\n", r"config.toml:3: new_per_dya: unknown setting \(did you mean 'new_per_day'\?\)"),
        ("theme = 3\n", r"theme: expected a non-empty string"),
        ("new_per_day = = 3\n", r"not valid TOML.*line 1"),
    ],
)  # fmt: skip
def test_bad_values(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_settings(text)


def test_bad_file_names_the_file() -> None:
    paths = resolve_paths()
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_bytes(b"theme = \"\xff\"\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings(paths)
