"""The JSON Schema (draft 2020-12) of deck format v1, and readable schema errors.

The schema is published (``dlquiz decks schema``) so editors running
yaml-language-server validate and complete decks as they are typed, and the
loader validates every deck with it too, so the editor and dlquiz never
disagree. Per-type card rules use ``if``/``then`` on ``type`` rather than
``oneOf``: a ``oneOf`` failure says "not valid under any of the given
schemas", while ``if``/``then`` reports the actual missing or unknown key.

:func:`schema_errors` turns ``jsonschema`` errors into people's messages
("expected a list of strings, got a number", "unknown key 'fornt' (did you
mean 'front'?)") located through the :class:`~dlquiz.decks.positions.Located` marks. jsonschema is
imported on first validation only (publishing the schema does not need it), and
the YAML layer likewise, so importing this module is cheap.
Rules a schema cannot express (unique ids, known topics/generators/exercises,
cloze markers, answer ranges) live in :mod:`dlquiz.decks.loader`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from dlquiz.decks.echo import ECHO_LIMIT, clip
from dlquiz.model import CARD_TYPES, DIFFICULTIES, INPUT_MODES

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

    from dlquiz.decks.positions import DocPath, Located, YamlProblem

SCHEMA_ID = "https://dlquiz.invalid/schema/deck-v1.json"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
SLUG_HINT = "use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit"

_TEXT = {"type": "string", "minLength": 1}
_STRINGS = {"type": "array", "items": {"type": "string"}}
#: Longest id accepted: ids end up in item keys, file names and every message.
MAX_ID_LENGTH = 100
_SLUG = {"type": "string", "pattern": SLUG_PATTERN, "maxLength": MAX_ID_LENGTH}
#: How a basic card is answered: typed first (the reveal marks the differences) or revealed.
_INPUT = {"enum": list(INPUT_MODES), "description": "typed: type the answer before the reveal, "
                                                   "which marks the differences; reveal: flip"}

_COMMON_CARD = {
    "id": {**_SLUG, "description": "Stable id, unique in the deck. Never rename it: "
                                   "the review history hangs on it."},
    "type": {"enum": list(CARD_TYPES)},
    "topics": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
               "description": "Topic ids from dlquiz/topics.yaml, or finer ids under them."},
    "explanation": {"type": "string", "description": "The *why* an interviewer probes for."},
    "refs": _STRINGS,
    "tags": _STRINGS,
    "difficulty": {"enum": list(DIFFICULTIES),
                   "description": "easy, medium or hard: how hard an interviewer's follow-up is."},
}

#: Per card type: (extra properties, required keys beyond id/type/topics).
_CARD_TYPES: dict[str, tuple[dict[str, Any], list[str]]] = {
    "basic": ({"front": _TEXT, "back": _TEXT, "input": _INPUT}, ["front", "back"]),
    "choice": (
        {
            "front": _TEXT,
            "choices": {"type": "array", "items": _TEXT, "minItems": 2},
            "answer": {
                "anyOf": [
                    {"type": "integer", "minimum": 0},
                    {"type": "array", "items": {"type": "integer", "minimum": 0},
                     "minItems": 1, "uniqueItems": True},
                ],
                "description": "0-based index of the right choice, or a list for "
                               "'select all that apply'.",
            },
        },
        ["front", "choices", "answer", "explanation"],
    ),
    "cloze": ({"text": {**_TEXT, "description": "Text with {{c1::hidden}} spans."}}, ["text"]),
    "numeric": (
        {"front": {"type": "string"}, "generator": _TEXT, "params": {"type": "object"}},
        ["generator"],
    ),
    "code": ({"front": {"type": "string"}, "exercise": _SLUG}, ["exercise"]),
}

_EXERCISE: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "topics", "function", "signature", "prompt", "starter",
                 "hints", "solution", "reference", "cases"],
    "additionalProperties": False,
    "properties": {
        "id": _SLUG,
        "title": _TEXT,
        "topics": _COMMON_CARD["topics"],
        "difficulty": _COMMON_CARD["difficulty"],
        "function": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"},
        "signature": _TEXT,
        "prompt": _TEXT,
        "starter": _TEXT,
        "hints": {"type": "array", "items": _TEXT, "minItems": 1},
        "solution": _TEXT,
        "reference": {"type": "string", "pattern": r"^[^:\s]+:[A-Za-z_][A-Za-z0-9_]*$",
                      "description": "module:function, or file.py:function beside the deck."},
        "cases": {"type": ["string", "object"],
                  "description": "module:function(rng) -> list[Case], file.py:function, or a "
                                 "case description (dims, args, random, edge, perf)."},
        "checker": {"anyOf": [_TEXT, {"type": "object", "required": ["name"],
                                      "properties": {"name": _TEXT, "dtype": {
                                          "description": "the result's dtype the prompt promises:"
                                          " match, float64, int64, ...; a list per tuple item"}}}],
                    "description": "allclose, exact, pairs, set_equal, sorted, nms, soft_nms, "
                                   "tuple, or module:function / file.py:function; options "
                                   "(rtol, atol, dtype, ...) beside name."},
        "limits": {"type": "object", "additionalProperties": False,
                   "properties": {"time_s": {"type": "number", "exclusiveMinimum": 0,
                                             "maximum": 600},
                                  "memory_mb": {"type": "integer", "minimum": 64}}},
        "forbidden": _STRINGS,
        "perf_multiple": {"type": "number", "exclusiveMinimum": 0},
        "result_arg": {"type": "string"},
    },
}

DECK_KEYS = ("id", "title", "description", "tags", "input", "cards", "exercises")


def card_keys(card_type: str) -> tuple[str, ...]:
    """Every key a card of ``card_type`` may have."""
    return tuple(_COMMON_CARD) + tuple(_CARD_TYPES[card_type][0])


@lru_cache(maxsize=1)
def deck_schema() -> dict[str, Any]:
    """The deck JSON Schema (a fresh dict is never needed: treat it as read-only)."""
    typed = []
    for name, (extra, required) in _CARD_TYPES.items():
        typed.append({
            "if": {"required": ["type"], "properties": {"type": {"const": name}}},
            "then": {
                "required": ["id", "type", "topics", *required],
                "properties": {**_COMMON_CARD, **extra},
                "additionalProperties": False,
            },
        })
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "dlquiz deck (format v1)",
        "type": "object",
        "required": ["id", "title", "description", "cards"],
        "additionalProperties": False,
        "properties": {
            "id": {**_SLUG, "description": "Deck id, unique across all decks."},
            "title": _TEXT,
            "description": {"type": "string"},
            "tags": _STRINGS,
            "input": {**_INPUT, "description": "The default input of the deck's basic cards."},
            "cards": {"type": "array", "items": {"$ref": "#/$defs/card"}},
            "exercises": {"type": "array", "items": {"$ref": "#/$defs/exercise"}},
        },
        "$defs": {
            "card": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": _COMMON_CARD["type"]},
                "allOf": typed,
            },
            "exercise": _EXERCISE,
        },
    }


def published_schema(generators: Mapping[str, Mapping[str, Any]],
                     exercise_ids: Any = ()) -> dict[str, Any]:
    """The schema for editors: :func:`deck_schema` plus what this installation knows.

    Numeric cards get the generator names as an ``enum`` and each generator's
    ``params_schema`` (so editors complete ``metric: f1``); code cards list the
    bundled exercise ids as ``examples`` (a user deck may define its own).
    The loader itself checks these as rules, with "did you mean" messages.
    """
    schema: dict[str, Any] = json.loads(json.dumps(deck_schema()))
    for rule in schema["$defs"]["card"]["allOf"]:
        kind = rule["if"]["properties"]["type"]["const"]
        props = rule["then"]["properties"]
        if kind == "numeric" and generators:
            props["generator"] = {"enum": sorted(generators)}
            rule["then"]["allOf"] = [
                {"if": {"required": ["generator"],
                        "properties": {"generator": {"const": name}}},
                 "then": {"properties": {"params": dict(generators[name])}}}
                for name in sorted(generators)]
        if kind == "code" and exercise_ids:
            props["exercise"] = {**props["exercise"], "examples": sorted(exercise_ids)}
    return schema


@lru_cache(maxsize=1)
def _shell_validator() -> Draft202012Validator:
    """The deck schema with each card only required to be a mapping (cards go one by one)."""
    from jsonschema import Draft202012Validator

    schema = json.loads(json.dumps(deck_schema()))
    schema["$defs"]["card"] = {"type": "object"}
    return Draft202012Validator(schema)


@lru_cache(maxsize=1)
def _card_shape_validator() -> Draft202012Validator:
    """For a card whose ``type`` is missing or unknown: only that is reported."""
    from jsonschema import Draft202012Validator

    card = deck_schema()["$defs"]["card"]
    return Draft202012Validator({k: v for k, v in card.items() if k != "allOf"})


@lru_cache(maxsize=1)
def _card_validators() -> dict[str, Draft202012Validator]:
    """One validator per card type: the ``then`` branch the published schema selects."""
    from jsonschema import Draft202012Validator

    card = deck_schema()["$defs"]["card"]
    return {rule["if"]["properties"]["type"]["const"]: Draft202012Validator(rule["then"])
            for rule in card["allOf"]}


_TYPE_WORDS = {
    "string": ("a string", "strings"),
    "integer": ("an integer", "integers"),
    "number": ("a number", "numbers"),
    "boolean": ("true/false", "booleans"),
    "object": ("a mapping", "mappings"),
    "array": ("a list", "lists"),
    "null": ("nothing", "nulls"),
}


def describe_schema(schema: Mapping[str, Any], plural: bool = False) -> str:
    """What a schema expects, in words: "a list of strings", "an integer or a list ..."."""
    alternatives = schema.get("anyOf") or schema.get("oneOf")
    if alternatives:
        return " or ".join(describe_schema(alt, plural) for alt in alternatives)
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(describe_schema({**schema, "type": k}, plural) for k in kind)
    if kind == "array" and isinstance(schema.get("items"), Mapping):
        return ("lists of " if plural else "a list of ") + describe_schema(schema["items"], True)
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        return f"{name}s" if plural else f"a {name}"
    if "enum" in schema:
        return "one of " + ", ".join(map(str, schema["enum"]))
    words = _TYPE_WORDS.get(str(kind), ("a value", "values"))
    return words[1] if plural else words[0]


def describe_value(value: Any) -> str:
    """What a value is, in words, with a short excerpt: "a string ('fifty')"."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        excerpt = value if len(value) <= 30 else value[:27] + "..."
        return f"a string ({excerpt!r})"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def did_you_mean(word: str, choices: Any) -> str:
    """`` (did you mean 'front'?)`` when a close match exists, else ``""``."""
    if len(word) > 2 * ECHO_LIMIT:
        return ""  # nothing is that long; and difflib is quadratic in the length
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.65)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown_keys(error: ValidationError, base: DocPath, located: Located,
                  path: DocPath) -> Iterator[YamlProblem]:
    from dlquiz.decks.positions import YamlProblem

    allowed = list(error.schema.get("properties", {}))
    instance = error.instance if isinstance(error.instance, dict) else {}
    full = base + path
    card_type = instance.get("type") if full[:1] == ("cards",) and len(full) == 2 else None
    for key in instance:
        if key in allowed:
            continue
        where = base + path + (key,)
        line, col = located.key_pos(where)
        if card_type in _CARD_TYPES and any(key in card_keys(t) for t in _CARD_TYPES):
            message = f"key {clip(key)} does not apply to {card_type} cards"
        else:
            message = f"unknown key {clip(key)}{did_you_mean(key, allowed)}"
        yield YamlProblem(line, col, where, message)


def _message(error: ValidationError) -> str:
    """A person's message for one jsonschema error (validators other than unknown keys)."""
    kind, value, schema = error.validator, error.instance, error.schema
    if kind in ("type", "anyOf", "oneOf"):
        message = f"expected {describe_schema(schema)}, got {describe_value(value)}"
        if isinstance(value, bool) and "string" in describe_schema(schema):
            message += "; quote words like yes, no, on, off to keep them as text"
        return message
    if kind == "enum":
        message = f"{clip(value)} is not one of {', '.join(map(str, error.validator_value))}"
        if isinstance(value, bool):  # `input: yes` is YAML's true
            message = f"{describe_value(value)} is not one of " + message.split(" one of ", 1)[1]
        return message
    if kind == "pattern":
        if error.validator_value == SLUG_PATTERN:
            return f"{clip(value)} is not a valid id ({SLUG_HINT})"
        return f"{clip(value)} does not have the expected form ({schema.get('description', '')})"
    if kind == "minLength":
        return "must not be empty"
    if kind == "maxLength":
        return f"must be at most {error.validator_value} characters, got {len(value):,}"
    if kind == "minItems":
        need = error.validator_value
        return f"expected at least {need} item{'s' if need != 1 else ''}, got {len(value)}"
    if kind == "uniqueItems":
        return "items must not repeat"
    if kind in ("minimum", "exclusiveMinimum"):
        sign = "at least" if kind == "minimum" else "greater than"
        return f"must be {sign} {error.validator_value}, got {value}"
    return str(error.message)


def _missing(error: ValidationError) -> list[str]:
    present = error.instance if isinstance(error.instance, dict) else {}
    return [key for key in error.validator_value if key not in present]


def map_errors(errors: Iterator[ValidationError], located: Located,
               base: DocPath = ()) -> list[YamlProblem]:
    """Located problems for jsonschema ``errors`` of the value at ``base`` in ``located``."""
    from dlquiz.decks.positions import YamlProblem

    out: list[YamlProblem] = []
    for error in errors:
        if error.validator in ("anyOf", "oneOf"):
            # When one alternative has the value's type, its own complaint is the
            # useful one ("must be at least 0"), not "not valid under any of ...".
            specific = [e for e in error.context or () if e.validator != "type"]
            if specific:
                out.extend(map_errors(iter(specific[:1]), located, base))
                continue
        path: DocPath = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            out.extend(_unknown_keys(error, base, located, path))
            continue
        where = base + path
        line, col = located.pos(where)
        if error.validator == "required":
            out.extend(YamlProblem(line, col, where, f"missing required field {key!r}")
                       for key in _missing(error))
            continue
        if error.validator in ("if", "allOf"):
            continue  # the "then" errors are reported on their own
        out.append(YamlProblem(line, col, where, _message(error)))
    return out


def schema_errors(located: Located) -> list[YamlProblem]:
    """Every schema violation of a deck document, located, in document order.

    Equivalent to validating with :func:`deck_schema`, but each card is checked
    with the validator of its own type instead of walking five ``if`` branches
    per card, which makes a 100,000-card cold load about twice as fast.
    """
    data = located.data
    problems = map_errors(_shell_validator().iter_errors(data), located)
    cards = data.get("cards") if isinstance(data, dict) else None
    if isinstance(cards, list):
        validators = _card_validators()
        for i, card in enumerate(cards):
            if not isinstance(card, dict):
                continue  # the shell already said "expected a mapping"
            base: DocPath = ("cards", i)
            kind = card.get("type")
            validator = validators.get(kind) if isinstance(kind, str) else None
            validator = validator or _card_shape_validator()
            problems.extend(map_errors(validator.iter_errors(card), located, base))
    return sorted(problems, key=lambda p: (p.line, p.column))


def params_errors(schema: Mapping[str, Any], params: Any, located: Located,
                  base: DocPath) -> list[YamlProblem]:
    """Violations of a numeric generator's ``params_schema`` by ``params`` (found at ``base``)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(dict(schema))
    return map_errors(validator.iter_errors(params), located, base)
