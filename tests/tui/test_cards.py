"""Pure card rendering (dlquiz.tui.cards): choice order and labels."""

from __future__ import annotations

from collections import Counter

from dlquiz.model import Card, Item, SourceRef
from dlquiz.tui import cards


def choice_item(answer: tuple[int, ...] = (1,)) -> Item:
    card = Card(deck_id="d", id="c", type="choice", topics=("ml.metrics",), front="Pick one",
                choices=("zero", "one", "two", "three"), answer=answer, explanation="why",
                source=SourceRef("d.yaml", 1, 1))
    return Item(card)


def test_shuffled_order_is_a_seeded_permutation_that_moves_the_answer() -> None:
    orders = [cards.shuffled_order(4, f"7:d/c:{n}") for n in range(200)]
    assert all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert cards.shuffled_order(4, "7:d/c:3") == orders[3]  # same seed, same order
    where_answer_lands = Counter(o.index(1) for o in orders)
    assert set(where_answer_lands) == {0, 1, 2, 3}


def test_labels_follow_the_display_order_and_marks_the_card_indices() -> None:
    item = choice_item()
    lines = cards.choice_lines(item.card, selected=[2], revealed=True, order=(3, 1, 0, 2)).splitlines()
    assert lines == [
        "-   **1** three",
        "- ✓ **2** one",
        "-   **3** zero",
        "- ✗ **4** two",
    ]


def test_only_digits_pick_choices_so_letters_stay_card_keys() -> None:
    assert [cards.choice_index(k, 4) for k in "1234"] == [0, 1, 2, 3]
    assert cards.choice_index("5", 4) is None and cards.choice_index("0", 4) is None
    assert cards.choice_index("9", 9) == 8
    assert [cards.choice_index(k, 4) for k in ("a", "b", "e", "s", "u", "A", "", "12")] == [None] * 8


def test_an_order_that_is_not_a_permutation_falls_back_to_file_order() -> None:
    item = choice_item()
    assert cards.display_order(item.card, (0, 0, 1, 2)) == [0, 1, 2, 3]
    assert cards.display_order(item.card, ()) == [0, 1, 2, 3]
    front = cards.front(item, order=(1, 0, 2, 3))
    assert front.index("one") < front.index("zero")


def test_an_answer_reads_as_words_unless_its_layout_means_something() -> None:
    assert cards.reads_as_words("**Zero** for every negative input.")
    prose = ("Down-weights the loss of easy examples, which would otherwise dominate the"
             "\ngradient of a dense detector.")
    assert cards.reads_as_words(prose)
    assert not cards.reads_as_words("x̂⁻ = F·x̂ + B·u\nP⁻ = F·P·Fᵀ + Q")  # one formula per line
    assert not cards.reads_as_words("```python\nnp.maximum(x, 0)\n```")
    assert not cards.reads_as_words("- one\n- two")
    item = Item(Card(deck_id="d", id="b", type="basic", topics=("arch.conv",), front="F",
                     back="Zero.", explanation="Because max(0, x)."))
    assert cards.back(item, typed=True) == "Because max(0, x)."  # the answer row has "Zero."
    assert cards.back(item) == "Zero.\n\n---\n\nBecause max(0, x)."
