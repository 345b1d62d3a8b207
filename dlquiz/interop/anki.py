"""Anki interchange: export decks to ``.apkg`` and import Anki's plain-text notes.

Export maps card types onto Anki's stock note types: ``basic`` → Basic,
``cloze`` → Cloze (Anki shares our ``{{c1::...}}`` syntax), ``choice`` → Basic
with the choices listed, and ``numeric`` / ``code`` → Basic holding a worked
example (numbers drawn with a seed derived from the card key, so a re-export
is identical). GUIDs come from ``deck id + card id`` and the Anki deck id from
the dlquiz deck id, so importing a re-export into Anki *updates* notes instead
of duplicating them. Markdown is rendered to HTML with markdown-it (already a
Textual dependency); fenced code stays a ``<pre><code>`` block.

Import reads "Notes in Plain Text" exports (File → Export → Notes in Plain
Text): tab- or comma-separated rows with optional ``#separator:``, ``#html:``,
``#tags column:``, ``#guid column:``, ``#notetype column:`` and
``#deck column:`` headers. It returns deck YAML with stable ids (from the GUID
when present, else from the note's text) and HTML turned back into Markdown.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import yaml

from dlquiz.errors import DlquizError
from dlquiz.model import CLOZE_RE, Card, Deck

#: Fixed ids for dlquiz's note models, so Anki recognises them across exports.
BASIC_MODEL_ID = 1_607_392_319
CLOZE_MODEL_ID = 1_607_392_320

_STYLE = """.card { font-family: sans-serif; font-size: 18px; text-align: left; }
pre { background: #f4f4f4; padding: 8px; overflow-x: auto; }
.explanation { color: #555; margin-top: 1em; }"""


class AnkiImportError(DlquizError):
    """A plain-text export that cannot be read; the message names file:line."""

    title = "Cannot import Anki notes"


def markdown_to_html(text: str) -> str:
    """CommonMark + tables to HTML; code blocks become ``<pre><code>``."""
    from markdown_it import MarkdownIt

    rendered: str = MarkdownIt("commonmark").enable("table").render(text)
    return rendered.strip()


def stable_int(text: str, bits: int = 31) -> int:
    """A positive integer derived from ``text`` (Anki deck ids must be stable)."""
    return int(hashlib.sha1(text.encode()).hexdigest(), 16) % (1 << bits) + (1 << 30)


def note_guid(card: Card) -> str:
    """Anki GUID for a card: depends only on deck id and card id, never on text."""
    import genanki

    return str(genanki.guid_for("dlquiz", card.deck_id, card.id))


def _worked_numeric(card: Card) -> tuple[str, str]:
    from dlquiz.numeric import get_generator

    generator = get_generator(card.generator)
    rng = np.random.default_rng(stable_int(card.key))
    problem = generator.solve(generator.draw(rng, card.params), card.params)
    lead = f"{card.front}\n\n" if card.front else ""
    answer = ", ".join(f"{v:g}" for v in problem.answer)
    unit = f" {problem.unit}" if problem.unit else ""
    return lead + problem.question, f"**{answer}{unit}**\n\n{problem.explanation}"


def _worked_code(card: Card) -> tuple[str, str]:
    from dlquiz.grading.registry import bundled_exercises

    exercise = bundled_exercises().get(card.exercise)
    if exercise is None:
        return f"Coding exercise `{card.exercise}`", "(exercise not found in this installation)"
    front = f"**{exercise.title}**\n\n{exercise.statement}\n\n```python\n{exercise.starter}\n```"
    return front, f"```python\n{exercise.solution}\n```"


def card_fields(card: Card) -> tuple[str, list[str]]:
    """``("basic", [front_html, back_html])`` or ``("cloze", [text_html, extra_html])``."""
    explanation = (f'<div class="explanation">{markdown_to_html(card.explanation)}</div>'
                   if card.explanation else "")
    if card.type == "cloze":
        return "cloze", [markdown_to_html(card.text), explanation]
    if card.type == "choice":
        letters = "ABCDEFGHIJ"
        listed = "\n".join(f"{letters[i]}. {c}" for i, c in enumerate(card.choices))
        front = f"{card.front}\n\n{listed}"
        right = ", ".join(f"{letters[i]}. {card.choices[i]}" for i in card.answer)
        return "basic", [markdown_to_html(front), markdown_to_html(f"**{right}**") + explanation]
    if card.type == "numeric":
        front, back = _worked_numeric(card)
        return "basic", [markdown_to_html(front), markdown_to_html(back) + explanation]
    if card.type == "code":
        front, back = _worked_code(card)
        return "basic", [markdown_to_html(front), markdown_to_html(back) + explanation]
    return "basic", [markdown_to_html(card.front), markdown_to_html(card.back) + explanation]


def export_apkg(decks: Sequence[Deck], out: Path) -> int:
    """Write ``decks`` to an ``.apkg`` file; returns the number of notes."""
    import genanki

    basic = genanki.Model(
        BASIC_MODEL_ID, "dlquiz Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                    "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}],
        css=_STYLE)
    cloze = genanki.Model(
        CLOZE_MODEL_ID, "dlquiz Cloze",
        fields=[{"name": "Text"}, {"name": "Extra"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}",
                    "afmt": "{{cloze:Text}}<br>{{Extra}}"}],
        css=_STYLE, model_type=genanki.Model.CLOZE)
    anki_decks = []
    count = 0
    for deck in decks:
        anki_deck = genanki.Deck(stable_int(f"dlquiz-deck:{deck.id}"), f"dlquiz::{deck.title}",
                                 description=deck.description)
        for card in deck.cards:
            kind, fields = card_fields(card)
            tags = [t.replace(" ", "_") for t in (*card.topics, *card.tags)]
            anki_deck.add_note(genanki.Note(model=cloze if kind == "cloze" else basic,
                                            fields=fields, guid=note_guid(card), tags=tags))
            count += 1
        anki_decks.append(anki_deck)
    if not out.parent.is_dir():  # as every other output: a typo must not create folders
        raise DlquizError(f"{out}: folder {out.parent} does not exist", title="No such folder")
    genanki.Package(anki_decks).write_to_file(str(out))
    return count


class _HtmlToMarkdown(HTMLParser):
    """Just enough HTML → Markdown for Anki fields: breaks, emphasis, code, lists."""

    _INLINE: ClassVar[dict[str, str]] = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.in_pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("\n")
        elif tag == "pre":
            self.in_pre += 1
            self.out.append("\n```\n")
        elif tag in self._INLINE and not self.in_pre:
            self.out.append(self._INLINE[tag])
        elif tag in ("div", "p") and self.out and not self.out[-1].endswith("\n"):
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.in_pre -= 1
            self.out.append("\n```\n")
        elif tag in self._INLINE and not self.in_pre:
            self.out.append(self._INLINE[tag])
        elif tag in ("div", "p", "ul", "ol"):
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def html_to_markdown(text: str) -> str:
    parser = _HtmlToMarkdown()
    parser.feed(text)
    parser.close()
    joined = "".join(parser.out).replace("\xa0", " ")
    return re.sub(r"\n{3,}", "\n\n", joined).strip()


@dataclass(frozen=True)
class _Header:
    separator: str | None = None
    html: bool = True
    tags_column: int | None = None
    guid_column: int | None = None
    notetype_column: int | None = None
    deck_column: int | None = None


_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|",
               "colon": ":"}


def _parse_header(lines: list[str], path: str) -> tuple[_Header, int]:
    values: dict[str, Any] = {}
    start = 0
    for start, line in enumerate(lines):
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "separator":
            sep = _SEPARATORS.get(value.lower(), value)
            if len(sep) != 1:
                raise AnkiImportError(f"{path}:{start + 1}: unknown separator {value!r}")
            values["separator"] = sep
        elif key == "html":
            values["html"] = value.lower() == "true"
        elif key.endswith(" column"):
            if not value.isdigit() or int(value) < 1:
                raise AnkiImportError(f"{path}:{start + 1}: {key} must be a column number, "
                                      f"got {value!r}")
            values[key.replace(" ", "_")] = int(value)
    else:
        start = len(lines)
    return _Header(**values), start


def _column(row: list[str], number: int | None) -> str | None:
    """The 1-based column ``number`` of ``row``, or None when absent."""
    return row[number - 1] if number and number <= len(row) else None


def _sniff_separator(lines: list[str]) -> str:
    """Without a ``#separator:`` header: tab if the first note has one, else comma."""
    first = next((line for line in lines if line.strip()), "")
    return "\t" if "\t" in first or "," not in first else ","


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _note_id(guid: str | None, text: str, taken: set[str]) -> str:
    if guid:
        slug = _slug(guid)
        base = f"anki-{slug}" if slug and len(slug) <= 24 else \
            "anki-" + hashlib.sha1(guid.encode()).hexdigest()[:12]
    else:
        base = "note-" + hashlib.sha1(text.encode()).hexdigest()[:12]
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    taken.add(ident)
    return ident


def read_anki_text(path: Path, deck_id: str, *, title: str | None = None,
                   topic: str = "user.anki") -> dict[str, Any]:
    """Parse an Anki plain-text export into a deck mapping (ready to dump as YAML)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise AnkiImportError(f"{path}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
                              "re-export from Anki, which writes UTF-8") from None
    lines = text.splitlines()
    header, start = _parse_header(lines, str(path))
    separator = header.separator or _sniff_separator(lines[start:])
    meta_columns = {c for c in (header.tags_column, header.guid_column,
                                header.notetype_column, header.deck_column) if c}
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=separator,
                        quotechar='"', strict=True)
    cards: list[dict[str, Any]] = []
    taken: set[str] = set()
    width: int | None = None
    rows: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for row in reader:
            rows.append((start + previous + 1, row))  # the line the record starts on
            previous = reader.line_num
    except csv.Error as exc:
        raise AnkiImportError(f"{path}:{start + reader.line_num}: {exc}") from None
    for lineno, row in rows:
        if not row or all(not c.strip() for c in row):
            continue
        if width is None:
            width = len(row)
        if len(row) != width:
            raise AnkiImportError(f"{path}:{lineno}: expected {width} columns (like the first "
                                  f"note), got {len(row)}")
        if width - len(meta_columns) < 1:
            raise AnkiImportError(f"{path}:{lineno}: no field columns left after the header's "
                                  "tags/guid/notetype/deck columns")

        fields = [c for i, c in enumerate(row, start=1) if i not in meta_columns]
        convert = html_to_markdown if header.html else (lambda s: s.strip())
        fields = [convert(f) for f in fields]
        guid = _column(row, header.guid_column)
        tags = (_column(row, header.tags_column) or "").split()
        card: dict[str, Any] = {"id": _note_id(guid, "\x1f".join(fields), taken)}
        if CLOZE_RE.search(fields[0]):
            card.update(type="cloze", topics=[topic], text=fields[0])
            if len(fields) > 1 and fields[1]:
                card["explanation"] = fields[1]
        else:
            if len(fields) < 2:
                raise AnkiImportError(f"{path}:{lineno}: a basic note needs a front and a "
                                      "back field, got one field")
            card.update(type="basic", topics=[topic], front=fields[0], back=fields[1])
            if len(fields) > 2 and any(fields[2:]):
                card["explanation"] = "\n\n".join(f for f in fields[2:] if f)
        if tags:
            card["tags"] = [_slug(t) or t for t in tags]
        cards.append(card)
    if not cards:
        raise AnkiImportError(f"{path}:{len(lines) or 1}: no notes found")
    return {"id": deck_id, "title": title or f"Imported from {path.name}",
            "description": f"Imported from the Anki plain-text export {path.name}.",
            "cards": cards}


def dump_deck_yaml(deck: dict[str, Any]) -> str:
    """YAML text for a deck mapping, block style, Unicode kept, key order kept."""

    class _Dumper(yaml.SafeDumper):  # type: ignore[misc]  # PyYAML ships no type hints
        pass

    def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    text: str = yaml.dump(deck, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return text
