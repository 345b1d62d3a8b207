"""The user's ``[keys]`` (config.toml) turned into Textual's keymap, and checked.

Why here and not in :mod:`dlquiz.config`: only the app knows its bindings (each
``Binding`` has an ``id`` such as ``review.grade_again``), and the core imports
no Textual. A bad entry never stops the app: it is reported in one line naming
the file and line (``config.toml:12: keys."review.grade_agian": unknown binding
id (did you mean 'review.grade_again'?)``) and that binding keeps its default key.

A rebound key that another binding of the same screen already uses takes that
key from it (Textual's rule, which it does not report): :func:`clashes` names
the ``[keys]`` line and the binding that lost its key, so a key never stops
working silently.

Key names are checked at start-up, which is cheap. Binding ids are checked
after the first frame (:func:`unknown_ids`), because knowing them all means
importing every screen, which the cold start avoids; an unknown id in
Textual's keymap is simply ignored until then.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import string
from collections.abc import Iterable, Sequence

from textual.binding import Binding
from textual.keys import Keys, _character_to_key

from dlquiz.config import KeyEntry

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


def _key_names() -> frozenset[str]:
    named = {k.value for k in Keys}
    named |= {_character_to_key(c) for c in string.printable if not c.isspace() or c == " "}
    named |= {"space", "enter", "tab", "escape", "backspace", "delete", "insert"}
    return frozenset(n for n in named if n)


KEY_NAMES = _key_names()


def key_problem(keys: object) -> str | None:
    """Why ``keys`` ("j", "ctrl+j", "f5,ctrl+r") is not a key list Textual can bind, or None."""
    if not isinstance(keys, str) or not keys.strip():
        return f'expected a key name such as "j" or "ctrl+j", got {keys!r}'
    for key in (k.strip() for k in keys.split(",")):
        *modifiers, base = key.split("+") if key != "+" else ["+"]
        bad = [m for m in modifiers if m not in MODIFIERS]
        if bad or not base:
            return f"{key!r}: unknown modifier {bad[0]!r} (known: {', '.join(MODIFIERS)})" if bad \
                else f"{key!r}: a key is missing after '+'"
        if len(base) != 1 and base not in KEY_NAMES:
            close = difflib.get_close_matches(base, sorted(KEY_NAMES), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            return f"{key!r}: unknown key name {base!r}{hint}"
    return None


def where(source: str, entry: KeyEntry) -> str:
    return f'{source}:{entry.line}: keys."{entry.action}"'


def build_keymap(entries: Sequence[KeyEntry], source: str) -> tuple[dict[str, str], list[str]]:
    """The keymap for ``App.set_keymap`` from the entries with valid keys, and one error per bad one."""
    keymap: dict[str, str] = {}
    errors: list[str] = []
    for entry in entries:
        problem = key_problem(entry.keys)
        if problem is not None:
            errors.append(f"{where(source, entry)}: {problem}; the default key is kept")
            continue
        keymap[entry.action] = ",".join(k.strip() for k in str(entry.keys).split(","))
    return keymap, errors


def all_bindings() -> dict[str, Binding]:
    """Every ``Binding`` with an id in the app, by id (imports every module of ``dlquiz.tui``,
    the app's own module included)."""
    import dlquiz.tui

    found: dict[str, Binding] = {}

    def add(bindings: Iterable[object]) -> None:
        for binding in bindings:
            if isinstance(binding, Binding) and binding.id:
                found.setdefault(binding.id, binding)

    for info in pkgutil.walk_packages(dlquiz.tui.__path__, "dlquiz.tui."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                add(vars(value).get("BINDINGS", ()))
    return found


def unknown_ids(entries: Sequence[KeyEntry], known: Iterable[str], source: str) -> list[str]:
    """One error per entry whose id no binding has (with the closest known id)."""
    names = sorted(known)
    errors = []
    for entry in entries:
        if entry.action in names:
            continue
        close = difflib.get_close_matches(entry.action, names, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else " (the ids are listed in docs/tui.md)"
        errors.append(f"{where(source, entry)}: unknown binding id{hint}; ignored")
    return errors


def keys_of(binding: Binding, keymap: dict[str, str]) -> str:
    """The key(s) a binding answers to once the user's keymap is applied (for ``?``)."""
    if binding.id and binding.id in keymap:
        return keymap[binding.id]
    return binding.key_display or binding.key



def _binding_sets() -> list[list[Binding]]:
    """The bindings one screen or widget class answers to: its own and its bases' ``BINDINGS``."""
    import dlquiz.tui

    sets = []
    for info in pkgutil.walk_packages(dlquiz.tui.__path__, "dlquiz.tui."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__ \
                    and "BINDINGS" in vars(value):
                merged = [b for cls in value.__mro__ for b in vars(cls).get("BINDINGS", ())
                          if isinstance(b, Binding) and b.id]
                sets.append(merged)
    return sets


def clashes(entries: Sequence[KeyEntry], keymap: dict[str, str], source: str) -> list[str]:
    """One line per binding a rebound key takes a key from (on the same screen).

    Textual gives a rebound key to the rebound binding alone: any other binding
    of that screen on the same key stops answering to it (and Textual does not
    say so). Each such loss is reported with the ``[keys]`` line that caused it.
    """
    lost: dict[tuple[str, str], str] = {}
    for bindings in _binding_sets():
        for taker in bindings:
            if taker.id not in keymap:
                continue
            taken = set(keymap[taker.id].split(","))
            for other in bindings:
                if other.id == taker.id or other.id in keymap:
                    continue
                for key in (k.strip() for k in other.key.split(",")):
                    if key in taken:
                        lost.setdefault((other.id or "", key), taker.id or "")
    messages = []
    for (victim, key), taker_id in sorted(lost.items()):
        entry = next(e for e in entries if e.action == taker_id)
        messages.append(f"{where(source, entry)}: {key!r} now belongs to it alone, so "
                        f"`{victim}` no longer answers to {key!r}; give `{victim}` a key of "
                        f"its own in [keys]")
    return messages
