"""Card text rendering: single newlines are kept as line breaks, code blocks untouched."""

from __future__ import annotations

from rich.console import Console

from dlquiz.tui.widgets.card_text import CardMarkdown
from tests.tui.conftest import start_deck

KALMAN = "Predict step:\nx̂⁻ = F·x̂ + B·u\nP⁻ = F·P·Fᵀ + Q\n\nThen update."


def rendered_lines(markdown: str, width: int = 60) -> list[str]:
    console = Console(width=width, record=True, color_system=None, legacy_windows=False)
    console.print(CardMarkdown(markdown, code_theme="monokai"))
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_single_newlines_are_line_breaks() -> None:
    lines = rendered_lines(KALMAN)
    assert lines[:3] == ["Predict step:", "x̂⁻ = F·x̂ + B·u", "P⁻ = F·P·Fᵀ + Q"]
    assert lines[3] == ""  # a blank line still separates paragraphs
    assert lines[4] == "Then update."


def test_fenced_code_keeps_its_lines_and_inline_markup_still_works() -> None:
    lines = rendered_lines("Code:\n\n```python\na = 1\nb = 2\n```\n\n**bold**\nnext")
    stripped = [line.strip() for line in lines if line.strip()]
    assert stripped == ["Code:", "a = 1", "b = 2", "bold", "next"]


def test_a_long_line_still_wraps_as_one_paragraph() -> None:
    words = " ".join(["word"] * 30)
    lines = [line for line in rendered_lines(words, width=40) if line]
    assert len(lines) > 1 and all(len(line) <= 40 for line in lines)
    assert " ".join(lines).split() == words.split()


async def test_review_screen_shows_the_authors_lines(make_app, deck_dir) -> None:
    deck = (deck_dir / "tuideck.yaml").read_text()
    deck = deck.replace("    back: Zero.\n", "    back: |\n      Zero.\n      max(0, x) = 0 for x < 0\n")
    (deck_dir / "tuideck.yaml").write_text(deck)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await start_deck(app, pilot)
        await pilot.press("space")
        await pilot.pause()
        back = screen.query_one("#back")
        assert isinstance(back.content.inner, CardMarkdown)
        console = Console(width=60, record=True, color_system=None)
        console.print(back.content)
        console.print(back.content)  # the second print replays the lines of the first
        half = console.export_text().splitlines()
        assert half[: len(half) // 2] == half[len(half) // 2:]
        console = Console(width=60, record=True, color_system=None)
        console.print(back.content)
        lines = [line.strip() for line in console.export_text().splitlines()]
        assert lines[:2] == ["Zero.", "max(0, x) = 0 for x < 0"]


def test_prose_wrapped_in_the_yaml_reflows_to_the_window() -> None:
    """A newline after a long line is the author's editor wrapping prose, not a break."""
    prose = ("If the best mapping is close to the identity, it is easier to push the residual\n"
             "to zero than to fit an identity with a stack of non-linear layers, which is why\n"
             "residual blocks train.")
    lines = [line for line in rendered_lines(prose, width=100) if line]
    assert len(lines) == 2  # ~190 characters at 100 columns: two full lines, not three ragged ones
    assert " ".join(lines).split() == prose.split()
