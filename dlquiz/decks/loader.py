"""Deck files (YAML, format v1) -> :class:`model.Deck`, or a :class:`model.BrokenDeck`.

A deck is read in four stages, each one reporting *every* problem it finds as
a :class:`model.DeckError` (``path:line:col: doc.path: message``) instead of
stopping at the first:

1. bytes -> text: strict UTF-8 (a BOM is accepted), so a Latin-1 file is
   reported with the offending byte's offset and line instead of mojibake;
2. text -> located data (:mod:`dlquiz.decks.positions`): safe composer only, positions
   for every node, duplicate keys, tabs, alias bombs;
3. the JSON Schema (:mod:`dlquiz.decks.schema`), the same one editors use;
4. rules a schema can't express (:func:`rule_errors`): unique card ids, known
   topics, generators (with their ``params_schema``) and exercises, cloze
   markers, choice answers within range.

A deck with any error is a ``BrokenDeck`` carrying all of them; nothing here
raises for bad input, so one broken deck never stops the others. What counts
as "known" (topics, generators, exercises) comes in a
:class:`ValidationContext` (:mod:`dlquiz.decks.context`, re-exported here), so
tests can supply their own and the parsed-deck cache can key on its
fingerprint. This module imports PyYAML and jsonschema; the catalog imports it
only when a deck file is not in the parsed-deck cache.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlquiz.decks.context import (
    TOPICS_FILE,
    USER_TOPIC_PREFIX,
    ValidationContext,
    default_context,
    load_topic_ids,
)
from dlquiz.decks.echo import clip
from dlquiz.decks.exercises import build_exercise, exercise_rule_errors
from dlquiz.decks.schema import did_you_mean, params_errors, schema_errors
from dlquiz.model import (
    CLOZE_RE,
    MAX_CHOICES,
    BrokenDeck,
    Card,
    Deck,
    DeckError,
    Exercise,
    SourceRef,
    frozen_mapping,
)

if TYPE_CHECKING:
    from dlquiz.decks.positions import DocPath, Located, YamlProblem

LoadResult = Deck | BrokenDeck

__all__ = [
    "TOPICS_FILE",
    "USER_TOPIC_PREFIX",
    "LoadResult",
    "ValidationContext",
    "build_deck",
    "choice_problems",
    "cloze_problems",
    "decode_deck_bytes",
    "default_context",
    "load_deck_bytes",
    "load_deck_file",
    "load_topic_ids",
    "rule_errors",
]


def _parse_exercises(located: Located, path: str,
                     deck_dir: Path) -> tuple[list[Exercise], list[DeckError]] | None:
    """The deck's ``exercises:`` through the grader's parser, or ``None`` if it is absent.

    The grader owns the exercise format (including YAML-described cases), so
    its parser is authoritative; the deck schema still describes the format
    for editors and is the fallback when the grader is not installed.
    """
    try:
        from dlquiz.grading.registry import parse_exercises
    except ImportError:
        return None
    items = located.data.get("exercises")
    if not isinstance(items, list):
        return [], []
    return parse_exercises({"exercises": items}, source_path=path, base_dir=str(deck_dir),
                           locate=lambda doc_path: located.pos(tuple(doc_path)))


def decode_deck_bytes(data: bytes) -> tuple[str | None, YamlProblem | None]:
    """Strict UTF-8 (BOM allowed); a problem names the first bad byte's offset and line."""
    from dlquiz.decks.positions import YamlProblem

    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = data[exc.start : exc.start + 1].hex()
        return None, YamlProblem(
            line, col, (),
            f"not valid UTF-8: byte 0x{bad} at offset {exc.start} (line {line}); "
            "save the file as UTF-8",
        )


_CLOZE_OPEN = re.compile(r"\{\{c(\d+)::")
_CLOZE_NESTED = re.compile(r"\{\{c\d+")


def cloze_problems(text: str) -> list[str]:
    """What makes cloze ``text`` unusable: no deletion, ``c0``, an empty, nested or unclosed one.

    ``c0`` would give the item the card's own key (``deck/card``), an empty
    deletion hides nothing, and a nested one is cut at the inner ``}}`` so
    neither deletion shows what was meant.
    """
    matches = list(CLOZE_RE.finditer(text))
    if not matches:
        return ["cloze text has no {{c1::...}} deletion"]
    out: list[str] = []
    for match in matches:
        shown = clip(match.group(0))
        if int(match.group(1)) == 0:
            out.append(f"cloze numbers start at 1, got {shown}")
        inner = match.group(2)
        if _CLOZE_NESTED.search(match.group(0), 2):
            out.append(f"nested cloze deletion in {shown}: a deletion cannot contain another")
        elif not inner.strip():
            out.append(f"empty cloze deletion {shown}: it hides nothing")
    spans = [(m.start(), m.end()) for m in matches]
    for opening in _CLOZE_OPEN.finditer(text):
        if not any(start <= opening.start() < end for start, end in spans):
            out.append(f"cloze deletion {clip(text[opening.start():opening.start() + 40])} "
                       "is never closed with }}")
    return out


def choice_problems(choices: Any, answer: Any) -> list[tuple[DocPath, str]]:
    """Choice cards the schema lets through but a session cannot grade right.

    JSON Schema counts ``1.0`` as an integer, so a float index is refused here;
    an index past the last choice could never be picked; two identical
    choices make the second copy a wrong answer; a tenth choice has no digit key.
    """
    out: list[tuple[DocPath, str]] = []
    if isinstance(choices, list) and len(choices) > MAX_CHOICES:
        out.append((("choices", MAX_CHOICES), f"at most {MAX_CHOICES} choices (the keys 1-9 pick "
                                              f"them), got {len(choices)}"))
    answers: list[tuple[DocPath, Any]] = [(("answer",), answer)] if not isinstance(
        answer, list) else [(("answer", j), a) for j, a in enumerate(answer)]
    count = len(choices) if isinstance(choices, list) else 0
    for where, index in answers:
        if isinstance(index, float):
            out.append((where, f"expected a whole choice index like 0 or 1, got {index!r}"))
        elif isinstance(index, int) and not isinstance(index, bool) and count >= 2 \
                and index >= count:
            out.append((where, (f"answer {index} is out of range: there are {count} "
                                f"choices, numbered 0 to {count - 1}")))
    seen: dict[str, int] = {}
    for j, choice in enumerate(choices if isinstance(choices, list) else ()):
        if not isinstance(choice, str):
            continue
        norm = " ".join(choice.split()).casefold()
        if norm in seen:
            out.append((("choices", j), (f"choice {j} repeats choice {seen[norm]} "
                                         f"({clip(choice)}); each choice must differ")))
        else:
            seen[norm] = j
    return out


def _card_rule_errors(card: dict[str, Any], base: DocPath, located: Located,
                      ctx: ValidationContext, local_exercises: set[str]) -> list[YamlProblem]:
    from dlquiz.decks.positions import YamlProblem

    out: list[YamlProblem] = []

    def add(where: DocPath, message: str) -> None:
        line, col = located.pos(base + where)
        out.append(YamlProblem(line, col, base + where, message))

    topics = card.get("topics")
    if isinstance(topics, list):
        for j, topic in enumerate(topics):
            if isinstance(topic, str) and topic and not ctx.topic_known(topic):
                add(("topics", j), f"unknown topic {clip(topic)}{did_you_mean(topic, ctx.topics)}; "
                                   "see dlquiz/topics.yaml")
    kind = card.get("type")
    text = card.get("text")
    if kind == "cloze" and isinstance(text, str) and text:
        for message in cloze_problems(text):
            add(("text",), message)
    if kind == "choice":
        for where, message in choice_problems(card.get("choices"), card.get("answer")):
            add(where, message)
    if kind == "numeric" and isinstance(card.get("generator"), str) and card["generator"]:
        name = card["generator"]
        if name not in ctx.generators:
            add(("generator",), f"unknown numeric generator {clip(name)}"
                                f"{did_you_mean(name, ctx.generators)}; known: "
                                f"{', '.join(sorted(ctx.generators)) or 'none'}")
        else:
            params = card.get("params", {})
            if isinstance(params, dict):
                out.extend(params_errors(ctx.generators[name], params, located,
                                         base + ("params",)))
    if kind == "code" and isinstance(card.get("exercise"), str) and ctx.exercise_ids is not None:
        name = card["exercise"]
        known = ctx.exercise_ids | local_exercises
        if name not in known:
            add(("exercise",), f"unknown exercise {clip(name)}{did_you_mean(name, known)}")
    return out


def rule_errors(located: Located, ctx: ValidationContext, deck_dir: Path, *,
                own_duplicates: bool = True) -> list[YamlProblem]:
    """Problems no JSON Schema can express (the data has already been schema-checked).

    ``own_duplicates=False`` leaves duplicate exercise ids to the grader's parser.
    """
    from dlquiz.decks.positions import YamlProblem

    data = located.data
    out: list[YamlProblem] = []
    exercises = data.get("exercises") if isinstance(data.get("exercises"), list) else []
    local = {e["id"] for e in exercises if isinstance(e, dict) and isinstance(e.get("id"), str)}
    out.extend(exercise_rule_errors(exercises, located, deck_dir, ctx.exercise_ids,
                                    check_duplicates=own_duplicates))
    for spec_index, spec in enumerate(exercises):
        if isinstance(spec, dict) and isinstance(spec.get("topics"), list):
            fake_card = {"topics": spec["topics"]}
            out.extend(_card_rule_errors(fake_card, ("exercises", spec_index), located, ctx, local))
    cards = data.get("cards")
    if not isinstance(cards, list):
        return out
    first_line: dict[str, int] = {}
    for i, card in enumerate(cards):
        if not isinstance(card, dict):
            continue
        card_id = card.get("id")
        if isinstance(card_id, str):
            line, col = located.pos(("cards", i, "id"))
            if card_id in first_line:
                out.append(YamlProblem(line, col, ("cards", i, "id"),
                                       f"duplicate card id {card_id!r} "
                                       f"(first used on line {first_line[card_id]})"))
            else:
                first_line[card_id] = line
        out.extend(_card_rule_errors(card, ("cards", i), located, ctx, local))
    return out


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list) else ()


def build_deck(located: Located, path: str, *, bundled: bool,
               exercises: list[Exercise] | None = None) -> Deck:
    """The model of a deck document that passed every check.

    ``exercises`` are the already-parsed ``exercises:`` (from the grader's
    parser); without them the mapping is converted here.
    """
    data = located.data
    deck_id = data["id"]
    cards = []
    for i, c in enumerate(data["cards"]):
        answer = c.get("answer", ())
        line, col = located.pos(("cards", i))
        cards.append(Card(
            deck_id=deck_id,
            id=c["id"],
            type=c["type"],
            topics=tuple(c["topics"]),
            front=c.get("front", ""),
            back=c.get("back", ""),
            explanation=c.get("explanation", ""),
            refs=_tuple(c.get("refs")),
            tags=_tuple(c.get("tags")),
            choices=_tuple(c.get("choices")),
            answer=(answer,) if isinstance(answer, int) else tuple(answer),
            text=c.get("text", ""),
            generator=c.get("generator", ""),
            params=frozen_mapping(c.get("params")),
            exercise=c.get("exercise", ""),
            difficulty=c.get("difficulty", ""),
            # a basic card's own ``input:``, else its deck's (other types have no input)
            input_mode=c.get("input", data.get("input", "")) if c["type"] == "basic" else "",
            source=SourceRef(path, line, col),
        ))
    if exercises is None:
        base_dir = Path(path).resolve().parent
        exercises = [
            build_exercise(spec, SourceRef(path, *located.pos(("exercises", i))), base_dir)
            for i, spec in enumerate(data.get("exercises") or ())
        ]
    id_line, id_col = located.pos(("id",))
    return Deck(
        id=deck_id,
        title=data["title"],
        description=data.get("description", ""),
        cards=tuple(cards),
        tags=_tuple(data.get("tags")),
        source=SourceRef(path, id_line, id_col),
        bundled=bundled,
        exercises=tuple(exercises),
    )


def _broken(path: str, problems: list[YamlProblem], deck_id: str = "",
            extra: list[DeckError] | None = None) -> BrokenDeck:
    from dlquiz.decks.positions import format_path

    found = {DeckError(path, p.line, p.column, format_path(p.doc_path), p.message)
             for p in problems}
    errors = sorted(found | set(extra or ()),
                    key=lambda e: (e.line, e.column, e.doc_path, e.message))
    return BrokenDeck(path=path, errors=tuple(errors), deck_id=deck_id)


def load_deck_bytes(data: bytes, path: str, ctx: ValidationContext, *,
                    bundled: bool = False) -> LoadResult:
    """Parse and validate one deck file's content; never raises for bad content."""
    from dlquiz.decks.positions import YamlFatal, YamlProblem, load_located

    text, problem = decode_deck_bytes(data)
    if text is None:
        return _broken(path, [problem] if problem else [])
    try:
        located = load_located(text)
    except YamlFatal as exc:
        return _broken(path, [exc.problem])
    if located is None:
        return _broken(path, [YamlProblem(1, 1, (), "empty deck file: expected a mapping with "
                                                    "id, title, description and cards")])
    if not isinstance(located.data, dict):
        from dlquiz.decks.schema import describe_value

        line, col = located.pos(())
        return _broken(path, [YamlProblem(line, col, (), "a deck file must be a mapping with id, "
                                          f"title, description and cards; got "
                                          f"{describe_value(located.data)}")])
    deck_dir = Path(path).resolve().parent
    parsed = _parse_exercises(located, path, deck_dir)
    problems = list(located.problems)
    schema_problems = schema_errors(located)
    if parsed is not None:
        # The grader's parser reports problems inside each exercise itself.
        schema_problems = [p for p in schema_problems
                           if not (p.doc_path[:1] == ("exercises",) and len(p.doc_path) > 1)]
    problems.extend(schema_problems)
    problems.extend(rule_errors(located, ctx, deck_dir, own_duplicates=parsed is None))
    extra = parsed[1] if parsed is not None else []
    raw_id = located.data.get("id")
    deck_id = raw_id if isinstance(raw_id, str) else ""
    if problems or extra:
        return _broken(path, problems, deck_id, extra)
    return build_deck(located, path, bundled=bundled,
                      exercises=parsed[0] if parsed is not None else None)


def load_deck_file(path: str | Path, ctx: ValidationContext, *,
                   bundled: bool = False) -> LoadResult:
    """Read and load one deck file (an unreadable file is a broken deck too)."""
    from dlquiz.decks.positions import YamlProblem

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return _broken(str(path), [YamlProblem(1, 1, (), f"cannot read file: {exc.strerror}")])
    return load_deck_bytes(data, str(path), ctx, bundled=bundled)
