"""The card browser's core: query language, filters against a naive oracle, states, history."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.model import Card, Item
from dlquiz.store.database import Store
from dlquiz.study.browse import BrowseIndex, history, history_lines, load_states, refines
from dlquiz.study.browse_query import Query, QuerySyntaxError, Term, parse

# -- parser ---------------------------------------------------------------------------------


def test_parse_examples() -> None:
    q = parse('NMS  deck:detection -type:code "focal loss" is:due -is:suspended topic:det.nms')
    assert q.terms == (
        Term("text", "nms"), Term("deck", "detection"), Term("type", "code", negated=True),
        Term("text", "focal loss"), Term("is", "due"), Term("is", "suspended", negated=True),
        Term("topic", "det.nms"),
    )
    assert parse("").terms == () and parse("   ").empty
    assert parse('deck:"my deck"').terms == (Term("deck", "my deck"),)
    assert parse('-"a \\"b\\""').terms == (Term("text", 'a "b"', negated=True),)
    assert parse("3:4 x-y").terms == (Term("text", "3:4"), Term("text", "x-y"))
    assert parse('"x:y"').terms == (Term("text", "x:y"),)
    assert parse("DECK:Det*").terms == (Term("deck", "det*"),)


@pytest.mark.parametrize(("text", "fragment", "position"), [
    ("dek:x", "unknown filter dek: (did you mean deck:?)", 0),
    ("nms is:nw", "unknown state is:nw (did you mean is:new?)", 4),
    ("type:qa", "unknown card type type:qa", 0),
    ('a "open', 'unclosed quote', 2),
    ("x - y", "'-' must be followed by", 2),
    ("is:", "is: needs a value", 0),
    ("-", "'-' must be followed by", 0),
])
def test_parse_errors_are_one_line(text: str, fragment: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(text)
    assert fragment in info.value.message
    assert "\n" not in info.value.message
    assert info.value.position == position


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab:-" \\\tdeckisnewtypbasicz*é')), max_size=30)
       | st.text(max_size=20))
def test_arbitrary_text_parses_or_fails_cleanly_and_round_trips(text: str) -> None:
    try:
        query = parse(text)
    except QuerySyntaxError as exc:
        assert exc.message and 0 <= exc.position <= len(text)
        return
    assert parse(str(query)) == query


_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8)
_terms = st.one_of(
    st.builds(Term, st.just("text"), _values.map(str.lower).filter(str.strip), st.booleans()),
    st.builds(Term, st.sampled_from(["deck", "topic", "tag"]),
              _values.map(lambda v: v.strip().lower()).filter(bool), st.booleans()),
    st.builds(Term, st.just("type"), st.sampled_from(["basic", "choice", "cloze", "numeric", "code"]),
              st.booleans()),
    st.builds(Term, st.just("is"), st.sampled_from(["new", "due", "suspended", "buried", "leech"]),
              st.booleans()),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_terms, max_size=5))
def test_queries_round_trip_through_text(terms: list[Term]) -> None:
    query = Query(tuple(terms))
    assert parse(str(query)) == query


# -- filters against a naive oracle ------------------------------------------------------------

WORDS = ["anchor", "nms", "focal", "loss", "IoU", "box", "ReLU", "gamma", "stride", "kernel"]
DECKS = ["det", "detection", "vision", "ml"]
TOPICS = ["detection.nms", "detection.focal-loss", "detection", "arch.conv", "ml.metrics",
          "detections.x"]
TAGS = ["loss", "cv", "hard"]


def _cards(n: int, seed: int = 3) -> list[Card]:
    rng = random.Random(seed)
    cards = []
    for i in range(n):
        kind = rng.choice(["basic", "choice", "cloze", "numeric", "code"])
        words = lambda k: " ".join(rng.choice(WORDS) for _ in range(k))  # noqa: E731
        cards.append(Card(
            deck_id=rng.choice(DECKS), id=f"c{i}", type=kind,
            topics=tuple(rng.sample(TOPICS, rng.randint(1, 2))),
            front=words(4) if kind != "cloze" else "", back=words(3) if kind == "basic" else "",
            text=f"{words(2)} {{{{c1::{words(1)}}}}} {{{{c2::{words(1)}}}}}" if kind == "cloze" else "",
            choices=tuple(words(2) for _ in range(3)) if kind == "choice" else (),
            answer=(0,) if kind == "choice" else (), explanation=words(2) if rng.random() < .5 else "",
            exercise="nms-ex" if kind == "code" else "", tags=tuple(rng.sample(TAGS, rng.randint(0, 2))),
        ))
    return cards


def _naive(items: list[Item], query: str, states: dict[str, set[str]]) -> list[str]:
    """An independent reading of the documented syntax, one field at a time."""
    out = []
    for item in items:
        card = item.card
        fields = [card.id, card.front, card.back, card.text, *card.choices, card.explanation,
                  card.exercise, *card.tags]
        ok = True
        for token in re.findall(r'-?"[^"]*"|\S+', query):
            negated = token.startswith("-")
            token = token[1:] if negated else token
            name, _, value = token.partition(":") if not token.startswith('"') else ("", "", "")
            if name in ("deck", "topic", "tag", "type", "is"):
                value = value.lower()
                glob = re.compile(re.escape(value).replace(r"\*", ".*").replace(r"\?", ".") + r"\Z")
                if name == "deck":
                    hit = bool(glob.match(card.deck_id))
                elif name == "tag":
                    hit = any(glob.match(t) for t in card.tags)
                elif name == "type":
                    hit = card.type == value
                elif name == "is":
                    hit = value in states.get(item.key, {"new"})
                elif "*" in value:
                    hit = any(glob.match(t) for t in card.topics)
                else:
                    hit = any(t.split(".")[: len(value.split("."))] == value.split(".")
                              for t in card.topics)
            else:
                word = token.strip('"').lower()
                hit = any(word in f.lower() for f in fields)
            ok = ok and (hit != negated)
        if ok:
            out.append(item.key)
    return out


def _random_query(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["word", "word", "phrase", "deck", "topic", "type", "tag", "glob"])
        sign = "-" if rng.random() < 0.25 else ""
        if kind == "word":
            w = rng.choice(WORDS)
            parts.append(sign + (w[: rng.randint(2, len(w))] if rng.random() < .5 else w))
        elif kind == "phrase":
            parts.append(f'{sign}"{rng.choice(WORDS)} {rng.choice(WORDS)}"')
        elif kind == "deck":
            parts.append(f"{sign}deck:{rng.choice(DECKS)}")
        elif kind == "topic":
            parts.append(f"{sign}topic:{rng.choice(['detection', 'detection.nms', 'arch', 'ml'])}")
        elif kind == "type":
            parts.append(f"{sign}type:{rng.choice(['basic', 'choice', 'cloze', 'numeric', 'code'])}")
        elif kind == "tag":
            parts.append(f"{sign}tag:{rng.choice(TAGS)}")
        else:
            parts.append(f"{sign}{rng.choice(['deck:det*', 'topic:*nms', 'tag:?v'])}")
    return " ".join(parts)


def test_filters_agree_with_a_naive_filter() -> None:
    items = [item for card in _cards(400) for item in card.items()]
    index = BrowseIndex.build(items)
    rng = random.Random(11)
    nonempty = 0
    for _ in range(300):
        query = _random_query(rng)
        result = index.search(query, limit=25)
        expected = _naive(items, query, {})
        assert list(result.keys) == expected, query
        assert result.total == len(expected)
        assert [r.key for r in result.rows] == expected[:25]
        nonempty += bool(expected)
    assert nonempty > 100  # the queries really select something


def test_typing_on_from_a_previous_result_gives_the_fresh_result() -> None:
    items = [item for card in _cards(300, seed=5) for item in card.items()]
    index = BrowseIndex.build(items)
    rng = random.Random(2)
    narrowed = 0
    for _ in range(60):
        final = _random_query(rng)
        previous = None
        for n in range(1, len(final) + 1):
            try:
                query = parse(final[:n])
            except QuerySyntaxError:
                continue
            result = index.search(query, limit=10, previous=previous)
            fresh = index.search(query, limit=10)
            assert result.keys == fresh.keys and result.rows == fresh.rows, final[:n]
            narrowed += previous is not None and refines(query, previous.query)
            previous = result
    assert narrowed > 200  # most keystrokes really searched only the previous matches
    assert refines(parse("gradient desc"), parse("grad des"))
    assert not refines(parse("gra"), parse("grad"))
    assert not refines(parse("-grad"), parse("-gra"))
    assert refines(parse("nms deck:x"), parse("deck:x"))


def test_cloze_deletions_are_rows_of_their_own() -> None:
    card = Card("d", "iou", "cloze", ("detection.nms",),
                text="IoU = {{c1::intersection}} / {{c2::union}}")
    index = BrowseIndex.build(card.items())
    assert [r.key for r in index.search("union").rows] == ["d/iou#c1", "d/iou#c2"]


# -- states from a real store ------------------------------------------------------------------

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_state_filters_with_a_real_store(tmp_path) -> None:
    cards = [Card("d", f"c{i}", "basic", ("ml.metrics",), front=f"q{i}", back="a") for i in range(7)]
    items = [c.items()[0] for c in cards]
    index = BrowseIndex.build(items)
    keys = [i.key for i in items]
    with Store.open(tmp_path / "db.sqlite3") as store:
        answer = lambda k, q, day: store.answer(  # noqa: E731
            k, q, grade="x", graded_by="self", duration_s=1, now=T0 + timedelta(days=day))
        answer(keys[0], 4, 0)              # c0: due on day 1
        answer(keys[1], 5, 0)
        answer(keys[1], 5, 1)              # c1: interval 6 from day 1: not due on day 3
        answer(keys[2], 4, 0)
        store.set_suspended(keys[2], True)  # c2: due and suspended
        store.bury(keys[3], "2025-03-06")  # c3: new and buried until day 5
        for day, q in enumerate([4, 1, 4, 1]):  # c4: two lapses
            answer(keys[4], q, day)
        store.set_suspended(keys[5], True)  # c5: new and suspended
        states = load_states(store, "2025-03-05", leech_threshold=2)
        found = {s: set(index.search(f"is:{s}", states).keys)
                 for s in ("new", "due", "suspended", "buried", "leech")}
        assert found == {
            "new": {keys[3], keys[5], keys[6]},
            "due": {keys[0], keys[2], keys[4]},
            "suspended": {keys[2], keys[5]},
            "buried": {keys[3]},
            "leech": {keys[4]},
        }
        assert set(index.search("is:due -is:suspended", states).keys) == {keys[0], keys[4]}
        assert index.search("is:leech", load_states(store, "2025-03-05", 0)).total == 0
        assert load_states(store, "2025-03-05", 2, keys=[keys[5], keys[6]]) == {keys[5]: 5, keys[6]: 1}
        row = next(r for r in index.search("q2", states).rows)
        assert row.state == "due suspended"
        with pytest.raises(ValueError, match="card states"):
            index.search("is:new")

        past = history(store, keys[4])
        assert [r.quality for r in past] == [4, 1, 4, 1]
        lines = history_lines(past)
        assert len(lines) == 4 and lines[0].startswith("2025-03-04 12:00")  # newest first


def test_a_result_pages_through_every_match_in_order() -> None:
    items = [item for card in _cards(40) for item in card.items()]
    index = BrowseIndex.build(items)
    rng = random.Random(5)
    for _ in range(30):
        query = _random_query(rng)
        result = index.search(query, limit=3)
        expected = _naive(items, query, {})
        pages = [result.page(start, 3) for start in range(0, result.total, 3)]
        assert [r.key for page in pages for r in page] == expected, query
        assert result.page(result.total, 3) == ()
