"""`dlquiz scheduler evaluate|optimize|leeches|show`, `dlquiz plan` and `stats --json` readiness."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dlquiz.cli import main
from dlquiz.store.database import Store
from dlquiz.study.simulate import synthetic_log


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def load_log(home: Path, items: int, days: int, seed: int = 0) -> int:
    log = synthetic_log(items, days, seed=seed)
    with Store.open(home / "dlquiz.sqlite3") as store:
        for n, r in enumerate(log):
            when = datetime.fromisoformat(r.day).replace(hour=12, tzinfo=UTC) + timedelta(microseconds=n)
            store.answer(r.item_key, r.quality, grade="g", graded_by="self", duration_s=1, now=when)
    return len(log)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_evaluate_json_on_a_synthetic_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    total = load_log(home, 300, 200)
    code, out, _ = run(capsys, "--data-dir", str(home), "scheduler", "evaluate", "--json", "--no-fit")
    assert code == 0
    data = json.loads(out)
    assert data["reviews_total"] == total and data["scored_reviews"] > 200
    by = {m["model"]: m for m in data["models"]}
    assert by["fsrs-default"]["log_loss"] < by["sm2"]["log_loss"]
    assert by["fsrs-default"]["rmse_bins"] < by["sm2"]["rmse_bins"]
    assert by["fsrs-fitted"]["log_loss"] is None
    code, out, _ = run(capsys, "--data-dir", str(home), "scheduler", "evaluate", "--no-fit")
    assert code == 0 and "log loss" in out and "R = 0.9 ** (t / I)" in out


def test_optimize_says_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    home = tmp_path / "home"
    load_log(home, 20, 30)
    code, _, err = run(capsys, "--data-dir", str(home), "scheduler", "optimize")
    assert code == 1 and "at least 512 reviews" in err and "Traceback" not in err
    from dlquiz.study import optimize

    monkeypatch.setattr(optimize, "optimizer_available", lambda: False)
    code, _, err = run(capsys, "--data-dir", str(home), "scheduler", "optimize")
    assert code == 1 and 'pip install "dlquiz[optimizer]"' in err


def test_leeches_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("leech_threshold = 2\n")
    with Store.open(home / "dlquiz.sqlite3") as store:
        at = datetime(2025, 1, 1, 12, tzinfo=UTC)
        for q in (4, 1, 4, 1, 4):
            store.answer("d/hard", q, grade="g", graded_by="self", duration_s=1, now=at)
            at += timedelta(days=3)
    code, out, _ = run(capsys, "--data-dir", str(home), "scheduler", "leeches", "--json")
    assert code == 0 and json.loads(out) == [{"key": "d/hard", "lapses": 2, "suspended": False, "front": ""}]
    code, out, _ = run(capsys, "--data-dir", str(home), "scheduler", "show")
    assert code == 0 and "scheduler: sm2" in out and "reviews in the log: 5" in out


def test_plan_sets_the_date_and_stats_json_has_readiness(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    soon = (date.today() + timedelta(days=30)).isoformat()
    code, out, _ = run(capsys, "--data-dir", str(home), "plan", "--until", soon)
    assert code == 0 and "interview in" in out and "new cards:" in out
    assert f'interview_date = "{soon}"' in (home / "config.toml").read_text()
    code, out, _ = run(capsys, "--data-dir", str(home), "plan", "--json")
    data = json.loads(out)
    assert data["active"] and data["interview_date"] == soon and data["new_cards"]["per_day"] >= 20
    code, out, _ = run(capsys, "--data-dir", str(home), "stats", "--json")
    readiness = json.loads(out)["readiness"]
    assert readiness["interview_date"] == soon and readiness["topics"] and readiness["weakest"]
    code, _, err = run(capsys, "--data-dir", str(home), "plan", "--until", "someday")
    assert code == 2 and "YYYY-MM-DD" in err
    code, out, _ = run(capsys, "--data-dir", str(home), "plan", "--clear")
    assert code == 0 and "no interview date" in out


def test_plain_study_says_why_there_is_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("new_per_day = 0\n")
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(""))
    code, out, _ = run(capsys, "--data-dir", str(home), "study", "--plain")
    assert code == 0
    assert "new-card limit (0) is reached" in out and "config.toml" in out and "--cram" in out


def test_plain_grade_prompt_shows_the_next_intervals(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    home = tmp_path / "home"
    deck = tmp_path / "deck.yaml"
    deck.write_text("id: mine\ntitle: Mine\ndescription: One card.\ncards:\n  - id: a\n    type: basic\n"
                    "    topics: [arch.conv]\n    front: Q?\n    back: A.\n")  # fmt: skip
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("\n3\n"))
    code, out, _ = run(capsys, "--data-dir", str(home), "--deck", str(deck), "study", "--plain", "--only", "mine")
    assert code == 0
    assert "1 Again (1d), 2 Hard (1d), 3 Good (1d), 4 Easy (1d)" in out  # SM-2: a new card comes back tomorrow
