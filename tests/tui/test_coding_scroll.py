"""The coding screen brings a hint and the worked solution into view (long prompts, 80x24)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlquiz.paths import resolve_paths
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.context import AppContext
from tests.tui.conftest import DECK, FIXED_NOW, REFS, until

LONG_PROMPT = "\n\n".join(f"Paragraph {n} of a long prompt: the rules, shapes and edge cases."
                          for n in range(30))


@pytest.fixture
def long_app(tmp_path: Path, isolated_home: Path):
    folder = tmp_path / "long"
    folder.mkdir()
    text = DECK.replace("id: tuideck", "id: longdeck").replace(
        "prompt: Return `x + 1` element-wise.",
        "prompt: |\n" + "".join(f"      {line}\n" for line in LONG_PROMPT.splitlines()))
    text = text.replace("tuideck_refs.py", "longdeck_refs.py").replace(
        "      - Just return x + 1.\n",
        "      - Just return x + 1.\n      - |\n" + "".join(
            f"        Third hint, line {n}: check the dtype and the shape.\n\n" for n in range(8)))
    (folder / "longdeck.yaml").write_text(text, encoding="utf-8")
    (folder / "longdeck_refs.py").write_text(REFS, encoding="utf-8")

    def build() -> DlquizApp:
        ctx = AppContext(paths=resolve_paths(isolated_home), deck_paths=(str(folder),),
                         now=lambda: FIXED_NOW, seed=7, only_decks=("longdeck",))
        return DlquizApp(ctx)

    return build


async def open_exercise(app, pilot):
    from dlquiz.tui.screens.coding import CodingScreen

    await until(pilot, lambda: app.screen.query("#decks") and app.screen.query_one("#decks").row_count)
    await pilot.press("x")
    await until(pilot, lambda: app.screen.query("#exercise-table")
                and "add-one" in [str(k.value) for k in app.screen.query_one("#exercise-table").rows])
    table = app.screen.query_one("#exercise-table")
    table.move_cursor(row=[str(k.value) for k in table.rows].index("add-one"))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CodingScreen))
    return app.screen


def first_line_in_view(screen, widget) -> bool:
    """The widget's first line lies inside the prompt pane's visible region."""
    pane = screen.query_one("#prompt-pane").content_region
    return widget.region.height > 0 and pane.y <= widget.region.y < pane.bottom


def hint_block(screen, number: int):
    """The Markdown block where hint ``number`` starts."""
    blocks = [b for b in screen.query_one("#hints").children
              if (b.source or "").startswith(f"**Hint {number}.**")]
    return blocks[0] if blocks else None


async def test_each_new_hint_and_the_solution_scroll_into_view(long_app):
    """At 80x24 the prompt pane is a few lines high: each reveal must land in it."""
    app = long_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_exercise(app, pilot)
        await pilot.pause()
        prompt = screen.query_one("#prompt")
        assert prompt.region.height > screen.query_one("#prompt-pane").content_region.height
        for number in (1, 2, 3):
            await pilot.press("ctrl+t")
            await until(pilot, lambda number=number: hint_block(screen, number) is not None
                        and first_line_in_view(screen, hint_block(screen, number)))
        assert screen.hints_shown == 3
        assert screen.query_one("#editor").has_focus  # the focus stays in the editor
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("y")  # give up: the solution comes from the dialog's callback
        solution = screen.query_one("#solution")
        await until(pilot, lambda: solution.display and solution.children
                    and first_line_in_view(screen, solution.children[0]))  # its heading
        assert "np.asarray(x) + 1" in screen.query_one("#solution").source
