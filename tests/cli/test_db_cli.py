"""``dlquiz db ...`` and ``dlquiz export/import reviews``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from dlquiz.cli import main
from dlquiz.paths import resolve_paths
from dlquiz.store.backup import list_backups
from dlquiz.store.database import Store


def answer_some(keys: list[str]) -> list[str]:
    with Store.open(resolve_paths().database) as store:
        return [
            store.answer(k, 4, grade="good", graded_by="self", duration_s=1.5).id
            for k in keys
        ]


def test_check_backup_corrupt_restore(capsys: pytest.CaptureFixture[str]) -> None:
    paths = resolve_paths()
    ids = answer_some([f"d/c{i}" for i in range(50)])
    assert main(["db", "check"]) == 0
    assert main(["db", "backup"]) == 0
    assert len(list_backups(paths.backups_dir)) == 1
    capsys.readouterr()
    data = paths.database.read_bytes()
    paths.database.write_bytes(data[:100] + b"\x00" * (len(data) - 100))  # pages wiped
    for side in ("-wal", "-shm"):
        paths.database.with_name(paths.database.name + side).unlink(missing_ok=True)
    code = main(["db", "check"])
    err = capsys.readouterr()
    assert code == 1 and "dlquiz db restore" in err.out + err.err
    assert main(["stats", "--json"]) == 1  # says so, never starts fresh
    assert "dlquiz db restore" in capsys.readouterr().err
    assert main(["db", "restore"]) == 0
    assert "kept as" in capsys.readouterr().out
    assert main(["db", "check"]) == 0
    with Store.open(paths.database) as store:
        assert {r.id for r in store.reviews()} == set(ids)
    assert main(["db", "rebuild"]) == 0
    assert "rebuilt 50 card states from 50 reviews" in capsys.readouterr().out


def test_restore_without_backups_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "restore"]) == 1
    assert "no backups" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_sync_two_machines(tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    out = tmp_path / f"reviews.{fmt}"
    assert main(["--data-dir", str(laptop), "db", "check"]) == 0
    with Store.open(laptop / "dlquiz.sqlite3") as store:
        store.answer("d/a", 5, grade="easy", graded_by="self", duration_s=1)
        store.answer("unknown/card", 2, grade="wrong", graded_by="auto", duration_s=1,
                      drawn={"n": 3})  # fmt: skip
    assert main(["--data-dir", str(laptop), "export", "reviews", str(out), "--format", fmt]) == 0
    assert main(["--data-dir", str(desktop), "import", "reviews", str(out)]) == 0
    assert "2 new" in capsys.readouterr().out
    assert main(["--data-dir", str(desktop), "import", "reviews", str(out)]) == 0
    assert "0 new, 2 already here" in capsys.readouterr().out
    with Store.open(laptop / "dlquiz.sqlite3") as a, Store.open(desktop / "dlquiz.sqlite3") as b:
        assert list(a.reviews()) == list(b.reviews())
        assert list(a.states()) == list(b.states())
        assert b.state("unknown/card").interval == 1  # kept, waiting for the card


def test_import_bad_rows_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answer_some(["d/a", "d/b"])
    good = tmp_path / "r.csv"
    assert main(["export", "reviews", str(good)]) == 0
    rows = list(csv.DictReader(good.open(encoding="utf-8")))
    rows[1]["quality"] = "x"
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    capsys.readouterr()
    assert main(["import", "reviews", str(bad)]) == 1
    assert f"{bad}:3: quality: expected an integer 0-5, got 'x'" in capsys.readouterr().err
    short = tmp_path / "short.csv"
    short.write_text(good.read_text(encoding="utf-8").splitlines()[0] + "\nonly,two\n", encoding="utf-8")
    assert main(["import", "reviews", str(short)]) == 1
    assert f"{short}:2: expected 18 columns" in capsys.readouterr().err
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"format": "dlquiz-reviews", "x": "\xe9"}')
    assert main(["import", "reviews", str(latin)]) == 1
    assert "not UTF-8" in capsys.readouterr().err
    wrong = tmp_path / "w.json"
    wrong.write_text(json.dumps({"format": "dlquiz-reviews", "version": 1,
                                 "reviews": [{"id": "x"}]}), encoding="utf-8")  # fmt: skip
    assert main(["import", "reviews", str(wrong)]) == 1
    assert f"{wrong}:1: reviews[0]: missing field(s): item_key" in capsys.readouterr().err
    pretty = tmp_path / "pretty.json"  # as `dlquiz export reviews` writes it: one field a line
    pretty.write_text(json.dumps({"format": "dlquiz-reviews", "version": 1,
                                  "reviews": [{"id": "x"}]}, indent=1), encoding="utf-8")
    assert main(["import", "reviews", str(pretty)]) == 1
    assert f"{pretty}:5: reviews[0]: missing field(s)" in capsys.readouterr().err
    listed = tmp_path / "list.json"
    listed.write_text("[]", encoding="utf-8")
    assert main(["import", "reviews", str(listed)]) == 1
    assert "a JSON list is not a dlquiz review export" in capsys.readouterr().err
    with Store.open(resolve_paths().database) as store:
        assert store.review_count() == 2  # nothing half-imported
