"""``dlquiz study --plain``: a line-based session over stdin."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from core_decks import write_deck

from dlquiz.cli import main
from dlquiz.commands.study import PlainUI, run_plain
from dlquiz.model import Card
from dlquiz.numeric.registry import get_generator
from dlquiz.paths import resolve_paths
from dlquiz.store.database import Store
from dlquiz.study.session import StudySession


def study(monkeypatch: pytest.MonkeyPatch, deck: Path, lines: list[str], *extra: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    code = main(["--deck", str(deck), "study", "--plain", "--only", "tdeck", "--seed", "0", *extra])
    assert code == 0
    return out.getvalue()


def reviews() -> list[tuple[str, int, str, bool]]:
    with Store.open(resolve_paths().database) as store:
        return [(r.item_key, r.quality, r.graded_by, r.scheduled) for r in store.reviews()]


def test_plain_session_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deck = write_deck(tmp_path / "decks")
    # a: Enter, Good | b: choice "2" (right) | c#c1: Enter, Again | c#c2: Enter, Easy | c#c1 again: Enter, Good
    out = study(monkeypatch, deck, ["", "3", "2", "", "1", "", "4", "", "3"])
    assert "[...] and beta" in out and "alpha and [...]" in out
    assert "Correct." in out and "Done: 5 answers on 4 cards" in out
    assert reviews() == [
        ("tdeck/a", 4, "self", True),
        ("tdeck/b", 4, "auto", True),
        ("tdeck/c#c1", 1, "self", True),
        ("tdeck/c#c2", 5, "self", True),
        ("tdeck/c#c1", 4, "self", False),  # same-day re-drill: logged, schedule untouched
    ]


def test_wrong_choice_undo_and_quit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deck = write_deck(tmp_path / "decks")
    out = study(monkeypatch, deck, ["", "4", "3", "u", "u", "", "2", "q"])
    # a Easy, b wrong ("3"), undo b, undo a, a again: Hard, then quit at b
    assert "Wrong: the answer is 2." in out and out.count("Undone.") == 2
    assert reviews() == [("tdeck/a", 3, "self", True)]


def test_end_of_input_quits_cleanly_and_cram_keeps_schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deck = write_deck(tmp_path / "decks")
    out = study(monkeypatch, deck, ["", "3"], "--cram")
    assert "Done: 1 answers on 1 cards" in out
    rows = reviews()
    assert len(rows) == 1 and rows[0][3] is False
    with Store.open(resolve_paths().database) as store:
        assert list(store.states()) == []


@pytest.mark.parametrize("right", [True, False])
def test_numeric_card_is_auto_graded_and_keeps_drawn_numbers(tmp_path: Path, right: bool) -> None:
    card = Card("ndeck", "size", "numeric", ("arch.conv",), generator="conv_output_size")
    generator = get_generator("conv_output_size")
    # run_plain draws with numpy's default_rng seeded from random.Random(seed): replay that
    import random

    drawn = generator.draw(np.random.default_rng(random.Random(5).randrange(2**32)), {})
    truth = generator.solve(drawn, {}).answer
    typed = " ".join(str(a) for a in truth) if right else "-12345"
    answers = iter([typed])
    written: list[str] = []

    def read(prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None  # the re-drill after a wrong answer: quit there

    with Store.open(tmp_path / "db.sqlite3") as store:
        session = StudySession.build(list(card.items()), store, seed=0)
        run_plain(session, PlainUI(read, written.append), seed=5)
        review = next(store.reviews())
    assert review.quality == (4 if right else 1) and review.graded_by == "auto"
    assert review.drawn == drawn
    assert ("Correct" if right else "Wrong") in "\n".join(written)


def test_empty_or_out_of_range_choice_is_asked_again(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    deck = write_deck(tmp_path / "decks")
    # a: Enter, Good | b: "" then "9" then "x" are not answers, then "2" (right)
    out = study(monkeypatch, deck, ["", "3", "", "9", "x", "2", "q"])
    assert out.count("Please type a choice number from 1 to") == 3
    assert reviews()[:2] == [("tdeck/a", 4, "self", True), ("tdeck/b", 4, "auto", True)]


def test_a_typo_on_a_numeric_card_is_not_an_answer(tmp_path: Path) -> None:
    card = Card("ndeck", "size", "numeric", ("arch.conv",), generator="conv_output_size")
    generator = get_generator("conv_output_size")
    import random

    drawn = generator.draw(np.random.default_rng(random.Random(5).randrange(2**32)), {})
    truth = " ".join(str(a) for a in generator.solve(drawn, {}).answer)
    answers = iter(["abc", "", truth])
    written: list[str] = []

    def read(prompt: str) -> str:
        written.append(prompt)
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    with Store.open(tmp_path / "db.sqlite3") as store:
        session = StudySession.build(list(card.items()), store, seed=0)
        run_plain(session, PlainUI(read, written.append), seed=5)
        assert [r.quality for r in store.reviews()] == [4]
    assert written.count("Please type a number (units are optional): ") == 2
