"""``dlquiz decks list|validate|schema|new`` through :func:`dlquiz.cli.main`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from dlquiz.cli import main
from dlquiz.commands import decks as decks_cmd
from dlquiz.decks import catalog as catalog_mod
from dlquiz.decks.loader import ValidationContext, default_context, load_deck_file, load_topic_ids
from dlquiz.model import CARD_TYPES, Deck
from dlquiz.paths import resolve_paths

GOOD = """\
id: good
title: Good deck
description: d
cards:
  - id: a
    type: basic
    topics: [detection.nms]
    front: Q?
    back: A.
  - id: b
    type: cloze
    topics: [detection.nms]
    text: "{{c1::x}} and {{c2::y}}"
"""


def fake_context() -> ValidationContext:
    dilation = {"type": "object", "properties": {"dilation": {"type": "boolean"}},
                "additionalProperties": False}
    return ValidationContext(topics=load_topic_ids(),
                             generators={"conv_output_size": dilation},
                             exercise_ids=frozenset({"iou", "nms"}))


@pytest.fixture(autouse=True)
def controlled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No shipped decks and a fixed validation context, so output is predictable."""
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    monkeypatch.setattr(catalog_mod, "bundled_decks_dir", lambda: bundled)
    monkeypatch.setattr(catalog_mod, "default_context", fake_context)
    monkeypatch.setattr(decks_cmd, "default_context", fake_context)
    return bundled


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_validate_valid_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "good.yaml", GOOD)
    assert main(["decks", "validate", str(good)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "1 valid, 0 broken" in out


def test_validate_reports_each_error_on_its_own_stderr_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, "good.yaml", GOOD)
    bad = write(tmp_path, "bad.yaml", GOOD.replace("id: good", "id: bad")
                .replace("type: basic", "type: qa").replace("{{c1::x}} and {{c2::y}}", "none"))
    assert main(["decks", "validate", str(good), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"{bad}:6:11: cards[0].type: 'qa' is not one of basic, choice, cloze, numeric, code",
        f"{bad}:13:11: cards[1].text: cloze text has no {{{{c1::...}}}} deletion",
    ]
    assert "2 deck file(s): 1 valid, 1 broken, 2 error(s)" in out


def test_validate_without_paths_covers_user_and_bundled_decks(
    controlled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    user_dir = resolve_paths().user_decks_dir
    write(controlled, "core.yaml", GOOD.replace("id: good", "id: core"))
    write(user_dir, "good.yaml", GOOD)
    assert main(["decks", "validate"]) == 0
    capsys.readouterr()
    clash = write(user_dir, "core-copy.yaml", GOOD.replace("id: good", "id: core"))
    assert main(["decks", "validate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{clash}:1:5: id: deck id 'core' is already used by bundled deck ")


def test_validate_named_file_that_clashes_with_bundled(
    controlled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(controlled, "good.yaml", GOOD)
    mine = write(tmp_path / "mine", "good.yaml", GOOD)
    assert main(["decks", "validate", str(mine)]) == 1
    assert str(controlled / "good.yaml") in capsys.readouterr().err


def test_validate_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decks", "validate", str(tmp_path / "nope.yaml")]) == 1
    assert "no such deck file or folder" in capsys.readouterr().err


def test_list_shows_counts_and_broken_decks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "decks"
    write(folder, "good.yaml", GOOD)
    write(folder, "bad.yaml", "id: bad\ntitle: Bad\n")
    assert main(["--deck", str(folder), "decks", "list"]) == 0
    out = capsys.readouterr().out
    header, *rows = out.splitlines()
    assert header.split() == ["ID", "TITLE", "CARDS", "NOTES", "DUE", "NEW", "STATUS"]
    good_row = next(r for r in rows if r.startswith("good"))
    # Cards are what is scheduled (basic + c1 + c2), notes the two YAML entries; never more new than cards.
    assert good_row.split()[:7] == ["good", "Good", "deck", "3", "2", "0", "3"]
    bad_row = next(r for r in rows if r.startswith("bad"))
    assert f"BROKEN: {folder / 'bad.yaml'}:1:1: missing required field" in bad_row


def test_list_json_has_due_and_new_from_the_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "decks"
    write(folder, "good.yaml", GOOD)
    assert main(["--deck", str(folder), "decks", "list", "--json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert (record["id"], record["cards"], record["notes"], record["broken"]) == ("good", 3, 2, False)
    # Nothing studied yet: nothing due, all three items (basic + 2 clozes) new.
    assert (record["due"], record["new"]) == (0, 3)


def test_list_counts_follow_the_daily_new_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    resolve_paths().config_file.write_text("new_per_day = 2\n")
    write(tmp_path / "decks", "good.yaml", GOOD)
    assert main(["--deck", str(tmp_path / "decks"), "decks", "list", "--json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert (record["due"], record["new"]) == (0, 2)


def test_list_with_no_decks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decks", "list"]) == 0
    assert "dlquiz decks new" in capsys.readouterr().out


def test_schema_to_stdout_and_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decks", "schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    Draft202012Validator.check_schema(printed)
    assert printed["properties"]["cards"]["items"] == {"$ref": "#/$defs/card"}
    target = tmp_path / "out" / "deck.schema.json"
    assert main(["decks", "schema", "--output", str(target)]) == 0
    assert json.loads(target.read_text()) == printed


def test_new_writes_a_valid_starter_with_every_card_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["decks", "new", "my-deck", "--dir", str(tmp_path)]) == 0
    deck_file = tmp_path / "my-deck.yaml"
    first_line = deck_file.read_text().splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first_line.startswith(prefix)
    schema_file = Path(first_line[len(prefix):])
    assert schema_file.is_file()
    Draft202012Validator(json.loads(schema_file.read_text())).validate(
        yaml.safe_load(deck_file.read_text()))
    ctx = default_context()
    ctx = ValidationContext(
        topics=ctx.topics,
        generators={"conv_output_size": {"type": "object"}, **ctx.generators},
        exercise_ids=(ctx.exercise_ids or frozenset()) | {"iou"},
    )
    deck = load_deck_file(deck_file, ctx)
    assert isinstance(deck, Deck), deck
    assert deck.id == "my-deck"
    assert sorted(c.type for c in deck.cards) == sorted(CARD_TYPES)
    assert main(["decks", "new", "my-deck", "--dir", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_new_defaults_to_the_user_decks_dir_and_is_listed(
    capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["decks", "new", "starter"]) == 0
    assert (resolve_paths().user_decks_dir / "starter.yaml").is_file()
    capsys.readouterr()
    main(["decks", "list", "--json"])
    (record,) = json.loads(capsys.readouterr().out)
    assert record["id"] == "starter" and record["notes"] == 5 and not record["broken"]
    assert record["cards"] == 6  # its cloze note has c1 and c2


def test_new_rejects_a_bad_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decks", "new", "My Deck"]) == 2
    assert "not a valid deck id" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["decks"], ["decks", "list"], ["decks", "validate"],
                                  ["decks", "schema"], ["decks", "new"]])
def test_every_subcommand_has_help(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*args, "--help"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("usage: dlquiz decks")


REFS = """\
import numpy as np

from dlquiz.grading.case import Case


def double(x):
    return np.asarray(x, dtype=np.float64) * 2.0


def double_cases(rng):
    return [Case("three values", {"x": np.arange(3.0)}, "edge"),
            Case("random n=5", {"x": rng.normal(size=5)}, "random")]
"""

EXERCISE_DECK = """\
id: mine
title: Mine
description: A deck with its own exercise.
cards:
  - id: k
    type: code
    topics: [ml.terms]
    exercise: my-double
exercises:
  - id: my-double
    title: Double it
    topics: [ml.terms]
    function: double
    signature: double(x)
    prompt: Return 2 * x as float64.
    starter: |
      import numpy as np

      def double(x):
          return np.zeros_like(np.asarray(x, dtype=np.float64))
    hints: [Multiply by two.]
    solution: |
      import numpy as np

      def double(x):
          return np.asarray(x, dtype=np.float64) * SOLUTION_FACTOR
    reference: mine_refs.py:double
    cases: mine_refs.py:double_cases
"""


@pytest.mark.parametrize(("factor", "code"), [("2.0", 0), ("3.0", 1)])
def test_validate_grades_user_exercises_starter_and_solution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], factor: str, code: int
) -> None:
    (tmp_path / "mine_refs.py").write_text(REFS)
    deck = write(tmp_path, "mine.yaml", EXERCISE_DECK.replace("SOLUTION_FACTOR", factor))
    assert main(["decks", "trust", str(deck)]) == 0  # its refs.py runs unsandboxed
    capsys.readouterr()
    assert main(["decks", "validate", str(deck)]) == code
    err = capsys.readouterr().err
    if code:
        assert err.startswith(f"{deck}:10:5: exercises[0] (my-double): the worked solution "
                              "does not pass (wrong_answer on case")
        assert len(err.strip().splitlines()) == 1  # one error, one line
    else:
        assert err == ""
    assert main(["decks", "validate", "--no-grade", str(deck)]) == 0


def test_published_schema_knows_generators_and_their_params(
    capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["decks", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    validator = Draft202012Validator(schema)
    card = {"id": "n", "type": "numeric", "topics": ["arch.conv"],
            "generator": "conv_output_size", "params": {}}
    deck = {"id": "d", "title": "T", "description": "", "cards": [card]}
    assert validator.is_valid(deck)
    card["generator"] = "no_such_generator"
    assert not validator.is_valid(deck)
    card["generator"], card["params"] = "conv_output_size", {"dilation": "x"}
    assert not validator.is_valid(deck)  # fake_context: dilation must be a boolean
    card["params"] = {}
    card["type"], card["exercise"] = "code", "nms"
    del card["generator"], card["params"]
    assert validator.is_valid(deck)

