"""YAML with positions: plain data plus the ``line:column`` of every node.

Deck errors must point at the exact spot in the file (``cards[3].type`` at
41:7), so we never let PyYAML build Python objects itself. We use only its
*composer* (the safe one, libyaml's ``CSafeLoader`` when available), which
turns the text into a graph of nodes carrying start marks, and walk that graph
ourselves:

* scalars become ``str``/``int``/``float``/``bool``/``None`` using the YAML 1.1
  core resolvers of ``SafeConstructor`` (timestamps stay strings: decks are
  JSON-shaped data);
* mapping keys are always the key's *source text* (so ``on:`` is the key
  ``"on"``, never ``True``), and a repeated key is an error naming the line of
  its first occurrence;
* anchors and aliases are allowed, but the walk counts every node reached
  through an alias and refuses the document beyond :data:`ALIAS_BUDGET`
  expanded nodes, which defeats "billion laughs" graphs (and self-referencing
  aliases) before they cost memory;
* nesting deeper than :data:`MAX_DEPTH` is refused instead of overflowing the
  Python stack.

Positions are 1-based ``(line, column)`` tuples keyed by the *document path*
(a tuple of keys and list indices, e.g. ``("cards", 3, "type")``): the same
shape as ``jsonschema``'s ``error.absolute_path``, so schema errors map back to
the file with a dictionary lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from dlquiz.decks.echo import clip

try:  # libyaml is ~10x faster; fall back to the pure-Python composer if absent.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

#: Nodes that may be reached through aliases beyond the document's own nodes.
ALIAS_BUDGET = 10_000
#: Deepest nesting of lists/mappings accepted (decks need about 5).
MAX_DEPTH = 64

PathKey = str | int
DocPath = tuple[PathKey, ...]
Pos = tuple[int, int]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP}
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


@dataclass(frozen=True)
class YamlProblem:
    """A problem found while reading YAML, with its 1-based position."""

    line: int
    column: int
    doc_path: DocPath
    message: str


class _AliasTrouble(Exception):
    """Raised inside the walk; :func:`load_located` finds the alias's position in the text."""

    def __init__(self, alias_number: int, path: DocPath, message: str) -> None:
        super().__init__(message)
        self.alias_number = alias_number
        self.path = path
        self.message = message


class YamlFatal(Exception):
    """The document cannot be turned into data at all (syntax, alias bomb, ...)."""

    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class Located:
    """The data of one YAML document with positions for every value and key."""

    data: Any
    #: position of each value, keyed by document path (``()`` is the root)
    marks: dict[DocPath, Pos] = field(default_factory=dict)
    #: position of each mapping *key*, keyed by the path of its value
    key_marks: dict[DocPath, Pos] = field(default_factory=dict)
    #: non-fatal problems (duplicate keys); the data is still usable
    problems: list[YamlProblem] = field(default_factory=list)

    def pos(self, path: DocPath) -> Pos:
        """The position of ``path``, or of its nearest ancestor that has one."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))

    def key_pos(self, path: DocPath) -> Pos:
        """The position of the key naming ``path`` (falls back to the value)."""
        return self.key_marks.get(path) or self.pos(path)


def format_path(path: DocPath) -> str:
    """``("cards", 3, "type")`` -> ``cards[3].type`` (the form errors print)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _pos(node: yaml.Node) -> Pos:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


_constructor = yaml.constructor.SafeConstructor()


def _scalar(node: yaml.ScalarNode, path: DocPath) -> Any:
    tag = node.tag
    if tag == _STR or tag == _TIMESTAMP:
        return node.value
    if tag in _SCALAR_TAGS:
        try:
            return yaml.constructor.SafeConstructor.yaml_constructors[tag](_constructor, node)
        except (yaml.YAMLError, ValueError, IndexError, OverflowError):
            # Only reachable with an explicit tag (``!!int abc``): implicit
            # resolution never picks a type the text cannot be read as.
            line, col = _pos(node)
            kind = tag.rsplit(":", 1)[-1]
            raise YamlFatal(YamlProblem(line, col, path,
                                        f"cannot read {clip(node.value)} as {kind}")) from None
    line, col = _pos(node)
    raise YamlFatal(
        YamlProblem(line, col, path, f"unsupported YAML tag {clip(tag)}; decks hold plain data only")
    )


class _Walker:
    """Turns a node graph into data, recording positions and counting aliases."""

    def __init__(self, located: Located) -> None:
        self.located = located
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.expanded = 0
        #: alias sites met outside any alias expansion: the k-th is the k-th alias in the text
        self.alias_sites = 0

    def walk(self, node: yaml.Node, path: DocPath, via_alias: bool, depth: int) -> Any:
        if id(node) in self.seen:
            if not via_alias:
                self.alias_sites += 1
            via_alias = True
        else:
            self.seen.add(id(node))
        if via_alias:
            self.expanded += 1
            if self.expanded > ALIAS_BUDGET:
                raise _AliasTrouble(
                    self.alias_sites, path,
                    f"YAML aliases expand to more than {ALIAS_BUDGET} values "
                    "(an alias bomb, 'billion laughs'); refusing to load",
                )
        if depth > MAX_DEPTH:
            line, col = _pos(node)
            raise YamlFatal(YamlProblem(line, col, path, f"nesting deeper than {MAX_DEPTH} levels"))
        if path not in self.located.marks:
            self.located.marks[path] = _pos(node)
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node, path)
        if id(node) in self.active:
            raise _AliasTrouble(self.alias_sites, path, "this alias refers to its own anchor "
                                "(a cycle); decks must be plain trees")
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                self._check_tag(node, _SEQ, path)
                return [
                    self.walk(child, path + (i,), via_alias, depth + 1)
                    for i, child in enumerate(node.value)
                ]
            self._check_tag(node, _MAP, path)
            return self._mapping(node, path, via_alias, depth)
        finally:
            self.active.discard(id(node))

    def _check_tag(self, node: yaml.Node, expected: str, path: DocPath) -> None:
        if node.tag != expected:
            line, col = _pos(node)
            raise YamlFatal(
                YamlProblem(line, col, path, f"unsupported YAML tag {clip(node.tag)}; "
                            "decks hold plain data only")
            )

    def _mapping(
        self, node: yaml.MappingNode, path: DocPath, via_alias: bool, depth: int
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _pos(key_node)
                raise YamlFatal(
                    YamlProblem(line, col, path, "mapping keys must be plain text, "
                                "not a list or mapping")
                )
            key = str(key_node.value)
            key_line, key_col = _pos(key_node)
            child = path + (key,)
            if key_node.tag == _MERGE:
                if not via_alias:
                    self.located.problems.append(YamlProblem(
                        key_line, key_col, path,
                        "YAML merge key '<<' is not supported (decks are plain data): write "
                        "the keys out instead of merging an anchor"))
                continue
            if key in first_line:
                if not via_alias:
                    self.located.problems.append(
                        YamlProblem(
                            key_line,
                            key_col,
                            child,
                            f"duplicate key {clip(key)} (first defined on line {first_line[key]})",
                        )
                    )
                continue
            first_line[key] = key_line
            self.located.key_marks.setdefault(child, (key_line, key_col))
            out[key] = self.walk(value_node, child, via_alias, depth + 1)
        return out


def _reader_problem(exc: yaml.reader.ReaderError, text: str) -> YamlProblem:
    """A forbidden character, at its own line and column.

    The reader's ``position`` counts bytes in libyaml and characters in
    PyYAML, so the character itself is searched for instead.
    """
    code = exc.character if isinstance(exc.character, int) else -1
    index = text.find(chr(code)) if 0 <= code <= 0x10FFFF else -1
    if index < 0:
        index = min(max(int(exc.position), 0), max(len(text) - 1, 0))
        code = ord(text[index]) if text else 0
    char = chr(code)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return YamlProblem(line, col, (), f"control character U+{ord(char):04X} is not allowed "
                                      "in YAML; delete it or write it as an escape in a "
                                      "double-quoted string")


def _problem_from_yaml_error(exc: yaml.YAMLError, text: str) -> YamlProblem:
    """A readable problem for a PyYAML error, pointing at tabs when they are the cause."""
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_problem(exc, text)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    col = mark.column + 1 if mark is not None else 1
    for number, raw in enumerate(text.splitlines()[:line], start=1):
        indent = raw[: len(raw) - len(raw.lstrip(" \t"))]
        if "\t" in indent:
            return YamlProblem(
                number,
                indent.index("\t") + 1,
                (),
                "tab character in indentation; YAML indents with spaces only",
            )
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    detail = f"{context}, {problem}" if context else str(problem)
    return YamlProblem(line, col, (), f"YAML syntax error: {detail}")


def _alias_position(text: str, number: int) -> Pos:
    """Where the ``number``-th alias (``*name``, 1-based) of ``text`` starts."""
    seen = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            seen += 1
            if seen == number:
                return (event.start_mark.line + 1, event.start_mark.column + 1)
    return (1, 1)


def load_located(text: str) -> Located | None:
    """Compose ``text`` (one YAML document) into :class:`Located` data.

    Returns ``None`` for an empty document (only blanks and comments).
    Raises :class:`YamlFatal` for anything that cannot become data.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise YamlFatal(_problem_from_yaml_error(exc, text)) from None
    except RecursionError:
        raise YamlFatal(YamlProblem(1, 1, (), f"nesting deeper than {MAX_DEPTH} levels")) from None
    finally:
        loader.dispose()
    if node is None:
        return None
    located = Located(data=None)
    try:
        located.data = _Walker(located).walk(node, (), False, 0)
    except _AliasTrouble as exc:
        line, col = _alias_position(text, exc.alias_number)
        raise YamlFatal(YamlProblem(line, col, (), exc.message)) from None
    return located
