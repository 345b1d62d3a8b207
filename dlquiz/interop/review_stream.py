"""Rows of a review export read as a stream: memory bounded by one block, not by the file.

The old reader decoded the whole file, then ``json.loads`` built every row at
once: 2.2 GB of peak memory for 1,000,000 rows (issue #13). Here the file is
read in blocks of :data:`BLOCK` bytes and decoded incrementally (UTF-8, a BOM
skipped), and each row is handed on as soon as it is complete, with the line
it starts on, so an error names ``file:line`` without a second pass.

* CSV: :mod:`csv` over the decoded lines (quoted fields may span lines, as
  ``csv`` allows); a header row first.
* JSON: the object ``dlquiz export reviews --format json`` writes, taken apart
  at the top level only: the small header values are decoded whole, the
  ``reviews`` list one element at a time with ``JSONDecoder.raw_decode``
  (the C decoder). A value is decoded again with more text whenever it ends
  at the edge of the buffer, so a block boundary never cuts a number short.

:func:`rows` yields ``(line, index, raw)``: ``index`` is the position in the
``reviews`` list for JSON, None for CSV; ``raw`` is whatever the file holds
there (a dict for a well-formed row; the row checks say what is wrong
otherwise). Structural errors raise :class:`ReviewFileError` with the line.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from dlquiz.interop.review_rows import ReviewFileError

#: Bytes read at a time.
BLOCK = 1 << 20
#: Most characters one JSON value (a row, a header value) may take.
MAX_VALUE_CHARS = 64 * 1024 * 1024
FORMAT_NAME = "dlquiz-reviews"
FORMAT_VERSION = 1
_SPACE = re.compile(r"[ \t\n\r]*")
_CSV_REQUIRED = ("id", "item_key", "reviewed_at", "quality")


class Source:
    """Decoded text of the file, one block at a time; ``bytes_read`` for progress."""

    def __init__(self, path: Path, handle: BinaryIO) -> None:
        self.path, self.handle = path, handle
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.bytes_read = 0
        self.done = False
        self.pushed: list[str] = []

    def read(self) -> str:
        """The next decoded text ("" once the file is exhausted)."""
        if self.pushed:
            return self.pushed.pop()
        while not self.done:
            data = self.handle.read(BLOCK)
            start = self.bytes_read
            self.bytes_read += len(data)
            self.done = not data
            try:
                text = self.decoder.decode(data, final=self.done)
            except UnicodeDecodeError as exc:
                raise ReviewFileError(f"{self.path}: not UTF-8 (byte {start + exc.start})") from None
            if text:
                return text
        return ""


def rows(path: Path, handle: BinaryIO,
         progress: Callable[[int], None] | None = None) -> Iterator[tuple[int, int | None, Any]]:
    """Every row of a CSV or JSON review export (told apart by content), in file order."""
    source = Source(path, handle)
    head = ""
    while not head.strip() and not source.done:
        head += source.read()
    source.pushed.append(head)
    first = head.lstrip()[:1]
    if first == "[":
        raise ReviewFileError(f"{path}:1: a JSON list is not a dlquiz review export (expected the "
                              "object `dlquiz export reviews --format json` writes)")
    reader = _json_rows(source) if first == "{" else _csv_rows(source)
    for count, row in enumerate(reader, 1):
        yield row
        if progress is not None and count % 20_000 == 0:
            progress(source.bytes_read)


def _lines(source: Source) -> Iterator[str]:
    """Lines with their endings (split at ``\\n`` only, as ``newline=""`` reading does)."""
    carry = ""
    while text := source.read():
        parts = (carry + text).split("\n")
        carry = parts.pop()
        for part in parts:
            yield part + "\n"
    if carry:
        yield carry


def _csv_rows(source: Source) -> Iterator[tuple[int, int | None, Any]]:
    path = source.path
    reader = csv.DictReader(_lines(source))
    try:
        header = reader.fieldnames or []
        missing = [f for f in _CSV_REQUIRED if f not in header]
        if missing:
            raise ReviewFileError(f"{path}:1: header lacks {', '.join(missing)} (is this a dlquiz "
                                  "review export?)")
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise ReviewFileError(f"{path}:{reader.line_num}: expected {len(header)} columns")
            yield reader.line_num, None, row
    except csv.Error as exc:
        raise ReviewFileError(f"{path}:{reader.line_num}: {exc}") from None


class _JsonText:
    """A sliding window over the decoded text with the line number of its position."""

    def __init__(self, source: Source) -> None:
        self.source, self.path = source, source.path
        self.buf, self.pos, self.line = "", 0, 1
        self.decoder = json.JSONDecoder()

    def _advance(self, to: int) -> None:
        self.line += self.buf.count("\n", self.pos, to)
        self.pos = to

    def _more(self) -> bool:
        text = self.source.read()
        if not text:
            return False
        self.buf = self.buf[self.pos:] + text
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-space character ("" at the end of the file)."""
        while True:
            match = _SPACE.match(self.buf, self.pos)
            self._advance(match.end() if match else self.pos)
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def expect(self, chars: str, what: str) -> str:
        char = self.peek()
        if not char or char not in chars:
            seen = repr(char) if char else "the end of the file"
            raise ReviewFileError(f"{self.path}:{self.line}: not valid JSON: expected {what}, "
                                  f"found {seen}")
        self._advance(self.pos + 1)
        return char

    def value(self) -> Any:
        """The JSON value at the current position, decoded whole."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos < MAX_VALUE_CHARS and self._more():
                    continue
                line = self.line + self.buf.count("\n", self.pos, exc.pos)
                raise ReviewFileError(f"{self.path}:{line}: not valid JSON: {exc.msg}") from None
            except RecursionError:
                raise ReviewFileError(f"{self.path}:{self.line}: not valid JSON: nested too "
                                      "deeply") from None
            if end == len(self.buf) and len(self.buf) - self.pos < MAX_VALUE_CHARS and self._more():
                continue  # it ends at the edge of the buffer: a number may go on
            self._advance(end)
            return value


def _json_rows(source: Source) -> Iterator[tuple[int, int | None, Any]]:
    text = _JsonText(source)
    path = source.path
    header: dict[str, Any] = {}
    text.expect("{", "'{'")
    if text.peek() == "}":
        text.expect("}", "'}'")
    else:
        while True:
            if text.peek() != '"':
                text.expect('"', "a key")
            key = text.value()
            text.expect(":", "':'")
            if key == "reviews":
                if "reviews" in header:
                    raise ReviewFileError(f"{path}:{text.line}: not a dlquiz review export "
                                          "(two reviews lists)")
                _check_header(path, header, final=False)
                header["reviews"] = True
                if text.peek() != "[":
                    raise ReviewFileError(f"{path}: reviews: expected a list")
                text.expect("[", "'['")
                index = 0
                if text.peek() == "]":
                    text.expect("]", "']'")
                else:
                    while True:
                        text.peek()
                        line = text.line
                        yield line, index, text.value()
                        index += 1
                        if text.expect(",]", "',' or ']'") == "]":
                            break
            else:
                header[key] = text.value()
            if text.expect(",}", "',' or '}'") == "}":
                break
    if text.peek():
        raise ReviewFileError(f"{path}:{text.line}: not valid JSON: Extra data")
    _check_header(path, header, final=True)


def _check_header(path: Path, header: dict[str, Any], *, final: bool) -> None:
    """The format and version (seen so far, or all of them at the end of the file)."""
    if ("format" in header or final) and header.get("format") != FORMAT_NAME:
        raise ReviewFileError(f"{path}: not a dlquiz review export (format != {FORMAT_NAME!r})")
    if ("version" in header or final) and header.get("version") != FORMAT_VERSION:
        raise ReviewFileError(f"{path}: unsupported version {str(header.get('version'))[:20]!r}")
    if final and "reviews" not in header:
        raise ReviewFileError(f"{path}: reviews: expected a list")
