"""`dlquiz exercises | practice | check | solution`: exit codes, files, recording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlquiz.cli import main
from dlquiz.grading.registry import bundled_exercises
from dlquiz.paths import resolve_paths
from dlquiz.store.database import Store

EXERCISE = "iou"


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exercises", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} == set(bundled_exercises())
    assert all(r["solved"] is False for r in rows)


def test_practice_writes_starter_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["practice", EXERCISE]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path == resolve_paths().workspace_dir / f"{EXERCISE}.py"
    assert bundled_exercises()[EXERCISE].starter in path.read_text(encoding="utf-8")
    path.write_text("# my work\n", encoding="utf-8")
    assert main(["practice", EXERCISE]) == 0
    assert path.read_text(encoding="utf-8") == "# my work\n"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["check", "no-such-exercise"]) == 2
    assert main(["check", EXERCISE]) == 2  # no workspace file yet
    assert main(["check", EXERCISE, str(tmp_path / "missing.py")]) == 2
    assert "practice" in capsys.readouterr().err


def test_check_starter_fails_then_solution_passes(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    main(["practice", EXERCISE])
    capsys.readouterr()
    assert main(["check", EXERCISE, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "wrong_answer" and report["passed"] < report["total"]
    assert {"exercise", "verdict", "passed", "total", "cases", "duration_s"} <= set(report)

    assert main(["solution", EXERCISE]) == 1  # not passed yet
    capsys.readouterr()
    solution = tmp_path / "mine.py"
    solution.write_text(bundled_exercises()[EXERCISE].solution, encoding="utf-8")
    assert main(["check", EXERCISE, str(solution)]) == 0
    assert "pass" in capsys.readouterr().out
    assert main(["solution", EXERCISE]) == 0
    assert "def iou(" in capsys.readouterr().out

    with Store.open(resolve_paths().database) as store:
        assert EXERCISE in store.solved_exercises()
        verdicts = [v for (v,) in store.query(
            "SELECT verdict FROM exercise_attempts WHERE exercise_id = ? ORDER BY at", (EXERCISE,))]
        assert verdicts == ["wrong_answer", "pass"]
        reviews = list(store.reviews())
        assert [r.graded_by for r in reviews] == ["exercise", "exercise"]
        # The failed run is logged unscheduled; the pass after a failure is quality 4.
        assert [(r.quality, r.scheduled) for r in reviews] == [(2, False), (4, True)]


def test_give_up_shows_solution_and_records(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solution", EXERCISE, "--give-up"]) == 0
    assert "def iou(" in capsys.readouterr().out
    with Store.open(resolve_paths().database) as store:
        assert [r.quality for r in store.reviews()] == [1]
        assert EXERCISE not in store.solved_exercises()
    assert main(["solution", EXERCISE]) == 0  # a give-up unlocks it from now on


def test_piped_solution_is_the_exact_source(capsys: pytest.CaptureFixture[str]) -> None:
    """Long lines must not be cropped at the terminal width (nms has lines over 80 chars)."""
    from dlquiz.grading.registry import bundled_exercises

    solution = bundled_exercises()["nms"].solution
    assert max(len(line) for line in solution.splitlines()) > 80
    assert main(["solution", "nms", "--give-up"]) == 0
    assert solution in capsys.readouterr().out


def test_passing_again_the_same_day_does_not_push_the_schedule(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from dlquiz.grading.registry import bundled_exercises

    solution = tmp_path / "iou.py"
    solution.write_text(bundled_exercises()[EXERCISE].solution, encoding="utf-8")
    for _ in range(3):
        assert main(["check", EXERCISE, str(solution)]) == 0
    capsys.readouterr()
    with Store.open(resolve_paths().database) as store:
        reviews = list(store.reviews())
        assert [r.scheduled for r in reviews] == [True, False, False]
        state = store.state(reviews[0].item_key)
    assert state.interval == 1  # one success today: 1 day, not 1 → 6 → 16


def test_a_pass_still_shows_what_the_code_printed(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    from dlquiz.grading.registry import bundled_exercises

    solution = bundled_exercises()[EXERCISE].solution.replace(
        "def iou(boxes1, boxes2):\n", "def iou(boxes1, boxes2):\n    print('hello from iou')\n", 1)
    assert "hello from iou" in solution
    path = tmp_path / "loud.py"
    path.write_text(solution, encoding="utf-8")
    assert main(["check", EXERCISE, str(path)]) == 0
    out = capsys.readouterr().out
    assert "pass" in out and "hello from iou" in out and "your output" in out
