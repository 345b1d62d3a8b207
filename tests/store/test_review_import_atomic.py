"""Review import is all or nothing: every row checked first, rows and states in one transaction.

Each bad row is named ``file:line``, the command exits 1, and neither the log
nor ``card_state`` changes. The expected messages are written from the rules
in :mod:`dlquiz.interop.review_rows`' docstring, not from its output.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlquiz.cli import main
from dlquiz.clock import utc_iso
from dlquiz.commands.transfer import ProgressBar
from dlquiz.interop import review_stream
from dlquiz.interop.review_rows import FIELDS, ReviewFileError, parse_row
from dlquiz.interop.reviews import read_reviews
from dlquiz.paths import resolve_paths
from dlquiz.store.database import Store

NOW = datetime.now(UTC)


def good_row(i: int = 0, **changes: Any) -> dict[str, Any]:
    at = NOW - timedelta(days=3, minutes=i)
    row: dict[str, Any] = {
        "id": f"r{i:06d}", "item_key": f"deck/card{i % 7}", "reviewed_at": utc_iso(at),
        "study_day": (at - timedelta(hours=4)).date().isoformat(), "grade": "good",
        "quality": 4, "interval_before": 0, "interval_after": 1, "easiness_before": 2.5,
        "easiness_after": 2.5, "repetitions_before": 0, "repetitions_after": 1,
        "due_before": None, "due_after": (at.date() + timedelta(days=1)).isoformat(),
        "duration_s": 3.5, "graded_by": "self", "scheduled": 1, "drawn": None,
    }
    row.update(changes)
    return row


def write_json(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"format": "dlquiz-reviews", "version": 1, "reviews": rows},
                               indent=1), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return path


def snapshot() -> tuple[list[Any], list[Any]]:
    with Store.open(resolve_paths().database) as store:
        return ([tuple(vars(r).values()) for r in store.reviews()],
                [tuple(vars(s).values()) for s in store.states()])


@pytest.fixture
def history() -> tuple[list[Any], list[Any]]:
    with Store.open(resolve_paths().database) as store:
        for i in range(5):
            store.answer(f"deck/card{i}", 4, grade="good", graded_by="self", duration_s=1)
    return snapshot()


# (field, bad value, the message after "field: ") -- worked out from the documented rules
BAD_FIELDS = [
    ("study_day", "9999-12-31", None),  # message checked separately (names both dates)
    ("id", "", "expected an id of letters, digits, '_', '.', ':', '-' (at most 128)"),
    ("id", "x" * 200, None),
    ("item_key", "Deck/Card", "expected a key like deck/card or deck/card#c2"),
    ("item_key", "deck/card#c0", None),
    ("reviewed_at", "2024-05-01T08:00:00", "expected an ISO time with a UTC offset"),
    ("reviewed_at", "1999-12-31T23:00:00+00:00", "expected a time from 2000 on"),
    ("grade", "Good!", "expected a lowercase word like good or correct"),
    ("quality", 6, "expected an integer 0-5"),
    ("quality", 4.5, "expected an integer 0-5"),
    ("interval_after", -1, "expected an integer 0-2,000,000"),
    ("easiness_after", float("nan"), None),
    ("easiness_after", 1.0, "expected a finite number 1.3-1,000,000"),
    ("duration_s", -3, "expected a finite number 0-1,000,000,000"),
    ("graded_by", "robot", "expected one of self, auto, exercise"),
    ("scheduled", 2, "expected 0 or 1"),
    ("due_after", "1999-01-01", "expected a date from 2000 on"),
    ("due_after", "soon", "expected a date YYYY-MM-DD or empty"),
    ("drawn", "[1, 2]", "expected a JSON object or empty"),
    ("grade", "go\x00od", None),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_FIELDS)
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_bad_row_is_named_and_nothing_is_written(
        tmp_path: Path, history: tuple[list[Any], list[Any]], capsys: pytest.CaptureFixture[str],
        field: str, value: Any, message: str | None, fmt: str) -> None:
    if fmt == "csv" and isinstance(value, float) and math.isnan(value):
        value = "nan"
    rows = [good_row(i) for i in range(4)]
    rows[2][field] = value
    if fmt == "json":
        path = write_json(tmp_path / "in.json", rows)
        where = f"{path}:{5 + 2 * 20}: reviews[2]"  # indent=1: 4 header lines, 20 lines a row
    else:
        path = write_csv(tmp_path / "in.csv", rows)
        where = f"{path}:4"
    capsys.readouterr()
    assert main(["import", "reviews", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"dlquiz: Bad review file: {where}: {field}: ")
    if message is not None:
        shown = value if fmt == "json" else str(value)
        assert err.endswith(f"{field}: {message}, got {shown!r}")
    assert len(err) < 400
    assert snapshot() == history


def test_a_far_study_day_names_both_dates(tmp_path: Path) -> None:
    row = good_row(0, study_day="9999-12-31")
    path = write_csv(tmp_path / "far.csv", [row])
    with pytest.raises(ReviewFileError) as info:
        read_reviews(path)
    assert info.value.message == (f"{path}:2: study_day: 9999-12-31 is not within two days of "
                                  f"reviewed_at {row['reviewed_at'][:10]}")


def test_future_reviews_need_a_flag(tmp_path: Path, history: tuple[list[Any], list[Any]],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    at = NOW + timedelta(days=2)
    row = good_row(0, reviewed_at=utc_iso(at), study_day=at.date().isoformat())
    path = write_json(tmp_path / "future.json", [row])
    capsys.readouterr()
    assert main(["import", "reviews", str(path)]) == 1
    err = capsys.readouterr().err
    assert "reviewed_at" in err and "is in the future" in err and "--allow-future" in err
    assert snapshot() == history
    assert main(["import", "reviews", "--allow-future", str(path)]) == 0
    assert len(snapshot()[0]) == len(history[0]) + 1


def test_duplicates_in_one_file(tmp_path: Path) -> None:
    same = write_csv(tmp_path / "same.csv", [good_row(0), good_row(1), good_row(0)])
    assert [r.id for r, _ in read_reviews(same)] == ["r000000", "r000001"]
    clash = write_csv(tmp_path / "clash.csv", [good_row(0), good_row(1), good_row(0, quality=1)])
    with pytest.raises(ReviewFileError) as info:
        read_reviews(clash)
    assert info.value.message == (f"{clash}:4: review id r000000 appears twice with different "
                                  f"contents (first at {clash}:2)")


def test_rows_are_streamed_and_located_across_block_edges(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The quadratic import looked a line up per row; the stream counts lines as it goes.

    With blocks of a few bytes every number, string and row is cut by a block
    edge somewhere: the rows read must be the same, and errors at the same place.
    """
    rows = [good_row(i) for i in range(300)]
    rows[7]["drawn"] = json.dumps({"n": 12345, "name": "é ü 漢"})  # multi-byte characters too
    for path in (write_json(tmp_path / "ok.json", rows), write_csv(tmp_path / "ok.csv", rows)):
        whole = read_reviews(path)
        assert len(whole) == 300
        monkeypatch.setattr(review_stream, "BLOCK", 7)
        assert read_reviews(path) == whole
        monkeypatch.undo()
    rows[299]["quality"] = "x"
    bad = write_json(tmp_path / "bad.json", rows)
    for block in (7, 1 << 20):
        monkeypatch.setattr(review_stream, "BLOCK", block)
        with pytest.raises(ReviewFileError, match=r"bad\.json:5985: reviews\[299\]: quality"):
            read_reviews(bad)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "many.csv", [good_row(i) for i in range(45_000)])
    size = path.stat().st_size
    tty = _Tty()
    bar = ProgressBar(tty)
    assert len(read_reviews(path, progress=bar)) == 45_000
    bar.close()
    frames = tty.getvalue().split("\r")[1:]
    assert len(frames) == 3  # every 20,000 rows, and the end
    mb = [float(f.split("] ")[1].split("/")[0]) for f in frames]
    assert mb == sorted(mb) and 0 < mb[0] < mb[-1] == round(size / 1e6, 1)
    assert frames[-1].startswith("   checked [" + "#" * 30 + "]")
    assert frames[-1].rstrip().endswith(f"/{size / 1e6:,.1f} MB")
    piped = io.StringIO()
    quiet = ProgressBar(piped)
    read_reviews(path, progress=quiet)
    quiet.close()
    assert piped.getvalue() == ""


_junk = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(),
                  st.text(max_size=40), st.lists(st.integers(), max_size=3),
                  st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(FIELDS), _junk, min_size=1, max_size=4),
       st.sets(st.sampled_from(FIELDS), max_size=2))
def test_any_row_is_parsed_or_refused_with_its_place(changes: dict[str, Any],
                                                     dropped: set[str]) -> None:
    row = {k: v for k, v in good_row(0, **changes).items() if k not in dropped}
    try:
        review, day = parse_row(row, "f.json:9", now=NOW)
    except ReviewFileError as exc:
        assert exc.message.startswith("f.json:9: ") and len(exc.message) < 400
        return
    assert 0 <= review.quality <= 5
    assert abs((datetime.fromisoformat(day + "T00:00:00+00:00") - datetime.fromisoformat(
        review.reviewed_at)).days) <= 3
    assert datetime.fromisoformat(review.reviewed_at) <= NOW + timedelta(hours=1)


@pytest.mark.parametrize("argv", [["export", "reviews", "{missing}/r.csv"],
                                  ["export", "anki", "{missing}/x.apkg", "--deck", "ml"]])
def test_an_output_in_a_missing_folder_is_an_error(argv: list[str], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no" / "such"
    capsys.readouterr()
    assert main([a.replace("{missing}", str(missing)) for a in argv]) == 1
    err = capsys.readouterr().err.strip()
    assert err.endswith(f"folder {missing} does not exist") and len(err.splitlines()) == 1
    assert not (tmp_path / "no").exists()


def test_a_conflict_with_the_database_is_reported(tmp_path: Path,
                                                  history: tuple[list[Any], list[Any]],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    first = write_csv(tmp_path / "a.csv", [good_row(0), good_row(1)])
    assert main(["import", "reviews", str(first)]) == 0
    after_first = snapshot()
    clash = write_csv(tmp_path / "b.csv", [good_row(5), good_row(1, quality=2)])
    capsys.readouterr()
    assert main(["import", "reviews", str(clash)]) == 1
    line = capsys.readouterr().err.strip()
    assert line == (f"dlquiz: Conflicting review: {clash}:3: review id r000001 is already in the "
                    "database with different contents (quality 4 here, 2 in the file); nothing "
                    "was imported")
    assert snapshot() == after_first  # r000005 was not added either
    assert main(["import", "reviews", str(first)]) == 0  # the same file again: nothing new
    assert snapshot() == after_first


def test_rows_and_states_are_one_transaction(tmp_path: Path, history: tuple[list[Any], list[Any]],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """If the rebuild fails after the rows are in, the rows go too."""
    path = write_csv(tmp_path / "in.csv", [good_row(i) for i in range(20)])

    working = Store.rebuild_in_transaction

    def broken_rebuild(self: Store) -> int:
        rows = self.connection.execute("SELECT count(*) FROM reviews").fetchone()[0]
        if rows > len(history[0]):  # the import's replay, with the new rows in
            raise OverflowError("date value out of range")
        return working(self)

    monkeypatch.setattr(Store, "rebuild_in_transaction", broken_rebuild)
    assert main(["import", "reviews", str(path)]) == 1
    assert snapshot() == history
    monkeypatch.setattr(Store, "rebuild_in_transaction", working)
    assert main(["import", "reviews", str(path)]) == 0
    assert len(snapshot()[0]) == len(history[0]) + 20
    with Store.open(resolve_paths().database) as store:
        from dlquiz.store.verify import check_replay

        assert check_replay(store).ok
