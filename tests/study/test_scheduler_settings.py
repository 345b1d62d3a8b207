"""config.toml: the scheduling settings round-trip and bad values name their line."""

from __future__ import annotations

import pytest

from dlquiz.config import Settings, dump_settings, parse_settings
from dlquiz.errors import ConfigError
from dlquiz.study.limits import DeckLimit
from dlquiz.study.schedulers import make_scheduler


def test_defaults_keep_sm2() -> None:
    s = Settings()
    assert (s.scheduler, s.desired_retention, s.fuzz, s.leech_threshold) == ("sm2", 0.9, True, 8)
    assert s.scheduler_spec == {"scheduler": "sm2", "fuzz": True}
    assert s.scheduling.interview_date is None and s.scheduling.deck_limits == ()


def test_full_round_trip() -> None:
    wanted = Settings(
        scheduler="fsrs", desired_retention=0.85, fsrs_parameters=tuple(0.1 * n + 0.2 for n in range(21)),
        fuzz=False, interview_date="2027-01-15", leech_threshold=5, leech_suspend=True,
        bury_siblings=True, deck_limits=(DeckLimit("detection", 5, 50), DeckLimit("my-deck", None, 10)),
    )  # fmt: skip
    text = dump_settings(wanted)
    assert parse_settings(text) == wanted
    spec = wanted.scheduler_spec
    assert spec["scheduler"] == "fsrs" and spec["desired_retention"] == 0.85 and len(spec["parameters"]) == 21
    assert wanted.scheduling.deck_limits[0] == DeckLimit("detection", 5, 50)
    assert wanted.scheduling.interview_date == "2027-01-15"


def test_spec_builds_the_scheduler() -> None:
    assert make_scheduler(Settings(scheduler="fsrs").scheduler_spec).name == "fsrs"
    assert make_scheduler(Settings().scheduler_spec).name == "sm2"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('scheduler = "sm17"\n', r"config.toml:1: scheduler: expected one of 'sm2', 'fsrs', got 'sm17'"),
        ("desired_retention = 1.2\n", r"desired_retention: expected a number 0.7-0.99, got 1.2"),
        ("desired_retention = true\n", r"desired_retention: expected a number"),
        ("fsrs_parameters = [1, 2]\n", r"fsrs_parameters: expected a list of 21 numbers"),
        ('\ninterview_date = "next monday"\n', r"config.toml:2: interview_date: expected a date YYYY-MM-DD"),
        ("fuzz = 1\n", r"fuzz: expected true or false, got 1"),
        ("leech_threshold = 200\n", r"leech_threshold: expected an integer 0-99"),
        ("[deck_limits.detection]\nnew_per_dya = 3\n", r"config.toml:1: deck_limits.detection: unknown key 'new_per_dya'"),
        ("[deck_limits.detection]\nnew_per_day = -3\n", r"deck_limits.detection.new_per_day: expected an integer"),
        ("deck_limits = 3\n", r"deck_limits: expected tables"),
    ],
)  # fmt: skip
def test_bad_values(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_settings(text)
