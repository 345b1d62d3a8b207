"""The Python editor of the coding screen: a TextArea that indents like an editor does.

Textual's TextArea inserts a bare newline on ``enter``. Writing Python in it
then means counting spaces after every line, which is the opposite of what a
practice tool should train. This one:

* keeps the indentation of the current line on ``enter``;
* adds one level (4 spaces) after a line that ends with ``:`` (ignoring a
  trailing comment), the way ``def``, ``if``, ``for`` ... open a block;
* drops one level after ``return``, ``pass``, ``break``, ``continue`` or ``raise``,
  which close one;
* inserts 4 spaces on ``tab`` (TextArea's ``tab_behavior="indent"``).

The pure rule is :func:`next_indent`, tested without a terminal.
"""

from __future__ import annotations

import re

from textual import events
from textual.widgets import TextArea

INDENT = "    "
_CLOSERS = re.compile(r"^\s*(return|pass|break|continue|raise)\b")


def _code_part(line: str) -> str:
    """The line without a trailing ``# comment`` (quotes are respected roughly: good enough)."""
    quote: str | None = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def next_indent(line_before_cursor: str) -> str:
    """The indentation a new line gets after ``line_before_cursor``."""
    current = line_before_cursor[: len(line_before_cursor) - len(line_before_cursor.lstrip(" \t"))]
    code = _code_part(line_before_cursor).rstrip()
    if code.endswith(":"):
        return current + INDENT
    if _CLOSERS.match(code):
        return current[: max(0, len(current) - len(INDENT))]
    return current


class CodeEditor(TextArea):
    """``TextArea.code_editor`` for Python with auto-indentation on ``enter``."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, language="python", theme="monokai", soft_wrap=False,
                         tab_behavior="indent", show_line_numbers=True, id=id)
        self.indent_width = len(INDENT)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            row, column = self.selection.start
            line = self.document.get_line(row)[:column]
            self._replace_via_keyboard("\n" + next_indent(line), *self.selection)
            return
        await super()._on_key(event)
