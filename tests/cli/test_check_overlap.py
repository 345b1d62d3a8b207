"""``dlquiz check`` hands the code to the sandbox first and does its record-keeping meanwhile.

What must still hold (issue #10): a user deck's code card on a bundled
exercise is scheduled too; the run is logged on exactly the code cards the catalog links to
the exercise, whether the code-card index is cold, warm or damaged; and a
failure in the record-keeping while the code runs stops the run, says one
clear line and leaves no sandbox behind.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dlquiz.cli import main
from dlquiz.decks import code_card_index
from dlquiz.decks.catalog import load_catalog
from dlquiz.grading import process
from dlquiz.grading.pool import default_pool
from dlquiz.grading.registry import bundled_exercises
from dlquiz.paths import resolve_paths
from dlquiz.store.database import Store

#: A user deck with its own code card on the bundled exercise ``nms``.
USER_DECK = """\
id: mine
title: Mine
description: My own card on a bundled exercise.
cards:
  - id: k
    type: code
    topics: [ml.terms]
    exercise: nms
"""


def _children() -> list[int]:
    """Live (not zombie) processes whose parent is this one."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            found.append(int(entry))
    return found


def _logged_keys() -> list[str]:
    with Store.open(resolve_paths().database) as store:
        return [key for (key,) in store.query(
            "SELECT item_key FROM reviews WHERE graded_by = 'exercise' ORDER BY rowid")]


def _solution(tmp_path: Path, exercise_id: str) -> Path:
    path = tmp_path / f"{exercise_id}_mine.py"
    path.write_text(bundled_exercises()[exercise_id].solution, encoding="utf-8")
    return path


def test_a_user_code_card_on_a_bundled_exercise_is_scheduled_too(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = resolve_paths()
    bundled = [c.key for c in load_catalog(paths).code_cards_for("nms")]
    assert main(["check", "nms", str(_solution(tmp_path, "nms"))]) == 0  # warm: the index exists
    paths.user_decks_dir.mkdir(parents=True)
    (paths.user_decks_dir / "mine.yaml").write_text(USER_DECK, encoding="utf-8")
    before = len(_logged_keys())
    assert main(["check", "nms", str(_solution(tmp_path, "nms"))]) == 0
    capsys.readouterr()
    assert sorted(_logged_keys()[before:]) == sorted([*bundled, "mine/k"])


@pytest.mark.parametrize("index_state", ["cold", "warm", "damaged", "stale"])
def test_a_run_is_logged_on_the_catalogs_code_cards(
        index_state: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = resolve_paths()
    expected = [c.key for c in load_catalog(paths).code_cards_for("nms")]
    assert expected  # the bundled decks link nms to at least one code card
    index = paths.cache_dir / code_card_index.INDEX_FILE
    if index_state != "cold":
        assert main(["check", "nms", str(_solution(tmp_path, "nms"))]) == 0  # writes the index
        assert index.is_file()
        if index_state == "damaged":
            index.write_text('{"key": ', encoding="utf-8")
        elif index_state == "stale":  # an index that names other cards under another key
            index.write_text('{"key": {"format": 1}, "cards": {"nms": ["elsewhere/x"]}}',
                             encoding="utf-8")
    before = len(_logged_keys())
    assert main(["check", "nms", str(_solution(tmp_path, "nms"))]) == 0
    capsys.readouterr()
    assert _logged_keys()[before:] == expected
    assert code_card_index.code_card_keys(paths.cache_dir, "nms") == expected


def test_a_record_keeping_failure_during_the_run_stops_it_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = resolve_paths()
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text("day_start_hour = 99\n", encoding="utf-8")
    slow = tmp_path / "slow.py"
    slow.write_text("import time\ntime.sleep(30)\n\ndef nms(boxes, scores, t):\n    return []\n",
                    encoding="utf-8")
    default_pool().shutdown()  # as in a fresh `dlquiz check`: no idle worker from earlier tests
    before = set(_children())  # what other tests in this worker left running is theirs
    assert main(["check", "nms", str(slow)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("dlquiz: ") and "config.toml:1: day_start_hour" in err, err
    process.wait_closed()
    assert set(_children()) - before == set()  # the sleeping solution was killed, not waited for
    with Store.open(paths.database) as store:
        assert store.query("SELECT COUNT(*) FROM exercise_attempts") == [(0,)]
