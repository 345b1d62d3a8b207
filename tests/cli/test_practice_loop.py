"""Practice from the shell: seeds, watch, hint, next, reset, run, repeats, did-you-mean."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlquiz.cli import main
from dlquiz.grading.registry import bundled_exercises
from dlquiz.grading.workspace import last_attempt, workspace_file
from dlquiz.paths import resolve_paths
from dlquiz.store.database import Store

REPO = Path(__file__).resolve().parents[2]


def _json(capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    return json.loads(capsys.readouterr().out)


def _solution_file(tmp_path: Path, exercise_id: str) -> Path:
    path = tmp_path / f"{exercise_id}-mine.py"
    path.write_text(bundled_exercises()[exercise_id].solution, encoding="utf-8")
    return path


def test_each_run_draws_fresh_random_cases_and_seed_replays_them(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mine = _solution_file(tmp_path, "iou")
    assert main(["check", "iou", str(mine), "--json"]) == 0
    first = _json(capsys)
    assert main(["check", "iou", str(mine), "--json"]) == 0
    second = _json(capsys)
    assert first["seed"] != second["seed"]
    assert main(["check", "iou", str(mine), "--json", "--seed", str(first["seed"])]) == 0
    assert _json(capsys)["seed"] == first["seed"]
    # Edge and perf case names never change between seeds.
    edge = [c["name"] for c in first["cases"] if not c["name"].startswith("random")]
    assert edge == [c["name"] for c in second["cases"] if not c["name"].startswith("random")]


def test_the_seed_is_printed_for_replay(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["check", "iou", str(_solution_file(tmp_path, "iou")), "--seed", "1234"]) == 0
    assert "seed 1234 (replay: --seed 1234)" in capsys.readouterr().out


def test_a_pass_on_the_same_code_again_is_not_a_recall(capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path) -> None:
    mine = _solution_file(tmp_path, "iou")
    assert main(["check", "iou", str(mine), "--json"]) == 0
    assert _json(capsys)["recorded_as"] == "pass"
    # Same code with other blank lines and trailing spaces: still the same submission.
    mine.write_text(mine.read_text(encoding="utf-8").replace("\n", "  \n\n"), encoding="utf-8")
    assert main(["check", "iou", str(mine), "--json"]) == 0
    assert _json(capsys)["recorded_as"] == "pass_repeat"
    with Store.open(resolve_paths().database) as store:
        grades = [(r.grade, r.quality) for r in store.reviews()]
    assert grades[0] == ("pass", 5)
    assert grades[-1] == ("pass_repeat", 3)


def test_hints_are_counted_like_the_app(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    hints = bundled_exercises()["iou"].hints
    assert main(["hint", "iou"]) == 0
    out = capsys.readouterr().out
    assert f"Hint 1/{len(hints)}" in out and f"Hint 2/{len(hints)}" not in out
    assert main(["hint", "iou"]) == 0
    assert f"Hint 2/{len(hints)}" in capsys.readouterr().out
    assert main(["check", "iou", str(_solution_file(tmp_path, "iou")), "--json"]) == 0
    capsys.readouterr()
    with Store.open(resolve_paths().database) as store:
        assert [r.quality for r in store.reviews()] == [4]  # a pass after hints is Good


def test_next_goes_easy_to_hard_and_skips_solved(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    assert main(["exercises", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    levels = [r["difficulty"] for r in rows]
    assert levels == sorted(levels, key=["easy", "medium", "hard"].index)
    assert main(["next"]) == 0
    first = capsys.readouterr().out.split(":")[0]
    assert first == rows[0]["id"]
    assert workspace_file(resolve_paths().workspace_dir, first).is_file()
    assert main(["check", first, str(_solution_file(tmp_path, first))]) == 0
    capsys.readouterr()
    assert main(["next"]) == 0
    assert capsys.readouterr().out.split(":")[0] == rows[1]["id"]


def test_reset_restores_the_starter_and_keeps_the_old_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["practice", "nms"]) == 0
    path = Path(capsys.readouterr().out.strip())
    path.write_text("def nms(b, s, t):\n    return [0]\n", encoding="utf-8")
    assert main(["reset", "nms"]) == 0
    out = capsys.readouterr().out
    assert "kept as" in out
    assert bundled_exercises()["nms"].starter in path.read_text(encoding="utf-8")
    assert last_attempt(resolve_paths().workspace_dir, "nms") == "def nms(b, s, t):\n    return [0]\n"


def test_unknown_ids_get_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["check", "nsm"], ["hint", "nsm"], ["reset", "nsm"], ["run", "nsm"],
                    ["watch", "nsm"], ["practice", "nsm"]):
        assert main(command) == 2
        assert "did you mean 'nms'" in capsys.readouterr().err


def test_run_shows_both_outputs_without_a_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "bubble-sort", "--input", "[3, 1, 2]"]) == 0
    out = capsys.readouterr().out
    assert "reference: [1, 2, 3]" in out and "yours:" in out and "no verdict" in out
    with Store.open(resolve_paths().database) as store:
        assert list(store.reviews()) == [] and store.query("SELECT * FROM exercise_attempts") == []
    assert main(["run", "iou", "--input", "{'boxes1': [[0, 0, 2, 2]], 'boxes2': [[1, 1, 3, 3]]}"]) == 0
    assert "reference: [[0.142857]]" in capsys.readouterr().out
    assert main(["run", "iou", "--input", "{'a': 1}"]) == 2
    assert "unknown argument" in capsys.readouterr().err
    assert main(["run", "iou", "--input", "not python("]) == 2


def verdict_lines(output: str) -> list[str]:
    """The verdict of each graded run in ``output`` (its case lines are indented)."""
    return [m.group(1) for m in re.finditer(r"^(\w+)  \d+/\d+ cases", output, re.MULTILINE)]


def test_watch_regrades_on_every_save(tmp_path: Path) -> None:
    """The real command in a subprocess; the test saves the file twice and reads the verdicts."""
    home = tmp_path / "home"
    env = {**os.environ, "DLQUIZ_HOME": str(home), "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-m", "dlquiz", "watch", "iou", "--stop-after", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             text=True, env=env, cwd=tmp_path)
    target = resolve_paths(home).workspace_dir / "iou.py"
    lines: list[str] = []
    assert child.stdout is not None
    try:
        lines.append(child.stdout.readline())  # "watching ..." once the file exists
        assert "watching" in lines[0]
        lines.append(child.stdout.readline())  # the starter is graded at once
        assert lines[-1].startswith("wrong_answer")
        time.sleep(0.05)
        target.write_text(bundled_exercises()["iou"].solution, encoding="utf-8")
        rest, _ = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 0
    assert verdict_lines(rest) == ["pass"], rest


def test_watch_grades_a_save_once_it_is_complete(tmp_path: Path) -> None:
    """A file written slowly, in pieces (an editor that truncates, then writes), is graded
    once, whole: never as the empty or half-written file seen in between."""
    home = tmp_path / "home"
    env = {**os.environ, "DLQUIZ_HOME": str(home), "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-m", "dlquiz", "watch", "iou", "--stop-after", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             text=True, env=env, cwd=tmp_path)
    target = resolve_paths(home).workspace_dir / "iou.py"
    solution = bundled_exercises()["iou"].solution
    assert child.stdout is not None
    try:
        assert "watching" in child.stdout.readline()
        assert child.stdout.readline().startswith("wrong_answer")  # the starter
        pieces = 150  # written over ~1.5 s: the watcher polls (and sees it) in between
        step = -(-len(solution) // pieces)
        with open(target, "w", encoding="utf-8") as fh:  # truncated first, as editors do
            for start in range(0, len(solution), step):
                fh.write(solution[start:start + step])
                fh.flush()
                time.sleep(0.01)
        rest, _ = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 0
    assert verdict_lines(rest) == ["pass"], rest  # the only run after the starter's


def test_watch_keeps_a_worker_and_the_next_cases_ready_between_saves(tmp_path: Path,
                                                                      monkeypatch) -> None:
    from dlquiz.cli import main
    from dlquiz.grading import preparation
    from dlquiz.grading.pool import default_pool
    from dlquiz.grading.readiness import NextRun

    monkeypatch.setenv("DLQUIZ_HOME", str(tmp_path / "home"))
    seeds: list[int] = []
    real_take = NextRun.take_seed

    def take(self: NextRun) -> int:
        seeds.append(real_take(self))
        seeds.append(self.seed)  # the seed the next save will be graded with
        return seeds[-2]

    monkeypatch.setattr(NextRun, "take_seed", take)
    try:
        assert main(["watch", "iou", "--stop-after", "1"]) == 0
        idle = [w for w in default_pool()._idle if w.alive()]
        assert len(idle) == 1  # started after the verdict, waiting for the next save
        graded, upcoming = seeds
        assert graded != upcoming
        prepared = [p.seed for p in preparation._MEMO.values()]
        assert upcoming in prepared  # the next save's cases are drawn already
    finally:
        default_pool().shutdown()
