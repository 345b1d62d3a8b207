"""Undo on a choice card shows the same shuffled order (and a numeric card the same numbers),
even without a fixed seed, where every fresh draw would differ."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from dlquiz.model import Card
from dlquiz.store.database import Store
from dlquiz.study.session import SchedulingConfig, StudySession
from dlquiz.tui.study import current_view

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


def test_undo_restores_the_choice_order(tmp_path: Path) -> None:
    cards = [Card("d", f"q{n}", "choice", ("x",), front="?", choices=tuple("abcdefghij"), answer=(0,))
             for n in range(3)]  # fmt: skip
    items = [c.items()[0] for c in cards]
    ctx = SimpleNamespace(seed=None, catalog=SimpleNamespace(item=lambda key: None),
                          scheduling=lambda: SchedulingConfig())  # fmt: skip
    with Store.open(tmp_path / "db.sqlite3") as store:
        session = StudySession.build(items, store, now=NOW)
        first = current_view(store, ctx, session)
        assert first is not None and sorted(first.choice_order) == list(range(10))
        assert current_view(store, ctx, session).choice_order == first.choice_order  # redrawn view
        session.answer(4, grade="correct", graded_by="auto", duration_s=1, now=NOW,
                       drawn={"choice_order": list(first.choice_order)})  # fmt: skip
        second = current_view(store, ctx, session)
        assert second is not None and second.item.key != first.item.key
        session.undo()
        again = current_view(store, ctx, session)
        assert again is not None and again.item.key == first.item.key
        assert again.choice_order == first.choice_order
        # fresh draws (no seed) do differ, so the equality above is the memo, not luck
        from dlquiz.tui.cards import shuffled_order

        assert len({shuffled_order(10, None) for _ in range(20)}) > 1
