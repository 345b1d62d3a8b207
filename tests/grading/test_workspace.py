"""The shared workspace: one file per exercise, atomic writes, backups, adoption of old drafts."""

from __future__ import annotations

from pathlib import Path

from dlquiz.grading.registry import bundled_exercises
from dlquiz.grading.workspace import (
    Autosaver,
    adopt_legacy_draft,
    backups,
    code_fingerprint,
    last_attempt,
    read_code,
    reset_to_starter,
    starter_text,
    workspace_file,
    write_code,
)


def test_write_is_atomic_and_round_trips(tmp_path: Path) -> None:
    write_code(tmp_path, "nms", "def nms(): pass\n")
    write_code(tmp_path, "nms", "def nms():\n    return []\n")
    assert read_code(tmp_path, "nms") == "def nms():\n    return []\n"
    assert [p.name for p in tmp_path.iterdir()] == ["nms.py"]  # no temp files left behind
    assert read_code(tmp_path, "other") is None
    assert workspace_file(tmp_path, "../evil").parent == tmp_path


def test_autosaver_debounces_and_flushes(tmp_path: Path) -> None:
    saver = Autosaver(tmp_path, "iou", delay_s=60)
    saver.changed("a")
    saver.changed("ab")
    assert read_code(tmp_path, "iou") is None  # still waiting for typing to pause
    assert saver.flush() is True
    assert read_code(tmp_path, "iou") == "ab"
    assert saver.flush() is False  # nothing new


def test_reset_keeps_the_old_code_as_the_last_attempt(tmp_path: Path) -> None:
    exercise = bundled_exercises()["nms"]
    write_code(tmp_path, "nms", "def nms(boxes, scores, t):\n    return [0]\n")
    path, backup = reset_to_starter(tmp_path, exercise)
    assert path.read_text(encoding="utf-8") == starter_text(exercise)
    assert backup is not None and "return [0]" in backup.read_text(encoding="utf-8")
    assert last_attempt(tmp_path, "nms") == "def nms(boxes, scores, t):\n    return [0]\n"
    # Resetting an untouched starter makes no backup.
    assert reset_to_starter(tmp_path, exercise)[1] is None
    assert len(backups(tmp_path, "nms")) == 1
    assert backups(tmp_path, "nms-extra") == []


def test_an_old_app_draft_is_adopted_without_losing_either_copy(tmp_path: Path) -> None:
    workspace, drafts = tmp_path / "workspace", tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "iou.py").write_text("draft from the app\n", encoding="utf-8")
    assert read_code(workspace, "iou", legacy_drafts_dir=drafts) == "draft from the app\n"
    assert not (drafts / "iou.py").exists()
    # Both exist and differ: the workspace wins, the draft becomes a backup.
    (drafts / "nms.py").write_text("app draft\n", encoding="utf-8")
    write_code(workspace, "nms", "cli file\n")
    assert read_code(workspace, "nms", legacy_drafts_dir=drafts) == "cli file\n"
    assert last_attempt(workspace, "nms") == "app draft\n"


def test_fingerprint_ignores_trailing_spaces_and_blank_lines_only() -> None:
    a = "def f(x):\n    return x + 1\n"
    assert code_fingerprint(a) == code_fingerprint("def f(x):   \n\n    return x + 1\n\n")
    assert code_fingerprint(a) != code_fingerprint("def f(x):\n    return x + 2\n")
    assert code_fingerprint(a) != code_fingerprint("def f(x):\n  return x + 1\n")  # indentation counts


def test_adopt_is_a_no_op_without_a_draft(tmp_path: Path) -> None:
    adopt_legacy_draft(tmp_path / "w", tmp_path / "d", "nms")
    assert not (tmp_path / "w").exists()
