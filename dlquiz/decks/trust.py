"""Deck code trust: a user deck's Python runs only after you said yes, once per version.

A user deck may name Python of its own: ``reference: my_refs.py:fn``, a case
generator or a custom checker in a ``.py`` file beside it, or an importable
module (``mypkg.refs:fn``). That code runs inside the dlquiz process, not in
the sandbox, whenever one of the deck's exercises is graded or validated. A
deck downloaded from someone else is code, so, as editors do for an untrusted
workspace, dlquiz asks once per deck before any of it runs.

The decision is keyed by a SHA-256 :attr:`DeckCode.digest` over the deck's
code: each named ``.py`` file's name and content, and each module target. Edit
a file (or point the deck at other code) and it is asked again; move or copy
the deck unchanged and it stays trusted. Targets inside dlquiz's own
references, case generators and checkers (``dlquiz.grading.reference.*``,
``dlquiz.grading.cases.*``, ``dlquiz.grading.custom_checkers``) and the
built-in checker names are not code of the deck's.

Decisions live in ``<data dir>/trusted-decks.json`` (:class:`TrustStore`).
``dlquiz decks trust PATH`` records one; :class:`TrustGate`, installed by the
commands that grade (``check``, ``decks validate``, the app), asks on a
terminal and otherwise refuses with one line naming that command.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from dlquiz.errors import DlquizError
from dlquiz.model import Deck, Exercise

STORE_NAME = "trusted-decks.json"
#: Module targets that are dlquiz's own vetted code, not the deck's.
SAFE_MODULES = ("dlquiz.grading.custom_checkers",)
SAFE_MODULE_PREFIXES = ("dlquiz.grading.reference.", "dlquiz.grading.cases.")
#: Marks a YAML case description stored in ``Exercise.cases`` (data, not code).
SPEC_PREFIX = "spec:"


class UntrustedDeckCode(DlquizError):
    """A deck's code would run but was not trusted (the message names the fix)."""

    title = "Untrusted deck code"


@dataclass(frozen=True)
class DeckCode:
    """The Python a deck would run: files beside it, modules it names, and their digest."""

    deck_path: str
    files: tuple[str, ...]
    modules: tuple[str, ...]
    digest: str

    def names(self) -> str:
        """The code, as a learner reads it: ``refs.py, mypkg.refs:fn``."""
        return ", ".join((*self.files, *self.modules))


def _targets(exercise: Exercise) -> list[str]:
    found = [exercise.reference, exercise.checker.name]
    if isinstance(exercise.cases, str) and not exercise.cases.startswith(SPEC_PREFIX):
        found.append(exercise.cases)
    return [t for t in found if isinstance(t, str) and ":" in t]


def _is_safe_module(target: str) -> bool:
    module = target.rpartition(":")[0]
    return module in SAFE_MODULES or module.startswith(SAFE_MODULE_PREFIXES)


def exercise_code(exercise: Exercise) -> tuple[list[str], list[str]]:
    """``(files, modules)`` of deck code an exercise names (both empty: none)."""
    files, modules = [], []
    for target in _targets(exercise):
        module = target.rpartition(":")[0]
        if module.endswith(".py"):
            files.append(module)
        elif not _is_safe_module(target):
            modules.append(target)
    return files, modules


def deck_code(deck_path: str, exercises: Iterable[Exercise]) -> DeckCode | None:
    """The code of a deck's exercises, or ``None`` when it carries none."""
    exercises = list(exercises)
    files: set[str] = set()
    modules: set[str] = set()
    base = Path(deck_path).parent
    for exercise in exercises:
        mine, theirs = exercise_code(exercise)
        files.update(mine)
        modules.update(theirs)
        if exercise.base_dir:
            base = Path(exercise.base_dir)
    if not files and not modules:
        return None
    digest = hashlib.sha256(b"dlquiz-deck-code-v1\n")
    for name in sorted(files):
        try:
            content = hashlib.sha256((base / name).read_bytes()).hexdigest()
        except OSError:
            content = "missing"
        digest.update(f"file {name} {content}\n".encode())
    for target in sorted(modules):
        digest.update(f"module {target}\n".encode())
    return DeckCode(str(deck_path), tuple(sorted(files)), tuple(sorted(modules)),
                    digest.hexdigest())


def code_of_deck(deck: Deck) -> DeckCode | None:
    """:func:`deck_code` of a loaded deck (bundled decks carry no deck code)."""
    return None if deck.bundled else deck_code(deck.source.path, deck.exercises)


class TrustStore:
    """``trusted-decks.json``: digest -> where it was trusted from and when.

    A missing or unreadable file is an empty store (nothing trusted); writes
    go through a temp file and ``os.replace`` so a crash never leaves half a file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        decks = data.get("decks") if isinstance(data, dict) else None
        return dict(decks) if isinstance(decks, dict) else {}

    def is_trusted(self, code: DeckCode) -> bool:
        return code.digest in self._load()

    def trust(self, code: DeckCode) -> None:
        self._update(lambda decks: decks.__setitem__(code.digest, {
            "deck": code.deck_path, "files": list(code.files), "modules": list(code.modules),
            "trusted_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}))

    def revoke(self, code: DeckCode) -> bool:
        known = self.is_trusted(code)
        self._update(lambda decks: decks.pop(code.digest, None))
        return known

    def _update(self, change: Callable[[dict[str, Any]], Any]) -> None:
        with self._lock:
            decks = self._load()
            change(decks)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".trusted-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"version": 1, "decks": decks}, fh, indent=2, sort_keys=True)
            os.replace(tmp, self.path)


def trust_store(data_dir: Path) -> TrustStore:
    return TrustStore(Path(data_dir) / STORE_NAME)


def refusal(code: DeckCode) -> str:
    """The one line a non-interactive run prints instead of running the code."""
    return (f"deck {code.deck_path} carries Python code that would run unsandboxed "
            f"({code.names()}) and is not trusted: read it, then run "
            f"`dlquiz decks trust {code.deck_path}`")


class TrustGate:
    """Decides, before any deck code runs, whether it may (see :func:`install`).

    Only exercises of the given user decks that name code of their own are
    gated: dlquiz's bundled exercises, and exercise files loaded by other means
    (the grader's own test fixtures), pass untouched.
    ``interactive`` asks on ``stdin``/``stderr``; otherwise an untrusted deck
    raises :class:`UntrustedDeckCode`.
    """

    def __init__(self, store: TrustStore, decks: Iterable[Deck] | Callable[[], Iterable[Deck]],
                 *, interactive: bool, stdin: TextIO | None = None,
                 stderr: TextIO | None = None) -> None:
        self.store = store
        self._decks = decks
        self._by_path: Mapping[str, Deck] | None = None
        self.interactive = interactive
        self.stdin, self.stderr = stdin or sys.stdin, stderr or sys.stderr
        self._lock = threading.Lock()

    def deck_of(self, exercise: Exercise) -> Deck | None:
        """The user deck defining ``exercise``.

        Decks given as a callable are loaded on first need, and again when an
        exercise's deck is not among them (the app reloaded its catalog).
        """
        path = exercise.source.path
        if self._by_path is None or (path not in self._by_path and callable(self._decks)):
            decks = self._decks() if callable(self._decks) else self._decks
            self._by_path = {d.source.path: d for d in decks if not d.bundled}
        return self._by_path.get(path)

    def __call__(self, exercise: Exercise) -> None:
        if exercise_code(exercise) == ([], []):
            return  # names no code of its own (bundled references, YAML cases): nothing to ask
        deck = self.deck_of(exercise)
        if deck is None:
            return
        code = code_of_deck(deck)
        if code is None or self.store.is_trusted(code):
            return
        with self._lock:  # one question at a time, and not twice for the same deck
            if self.store.is_trusted(code):
                return
            if not self.interactive or not self._ask(deck, code):
                raise UntrustedDeckCode(refusal(code))
            self.store.trust(code)

    def _ask(self, deck: Deck, code: DeckCode) -> bool:
        out = self.stderr
        out.write(f"Deck {deck.id!r} ({code.deck_path}) carries Python code that runs inside "
                  "dlquiz, outside the sandbox:\n")
        for name in code.files:
            out.write(f"  {name}\n")
        for target in code.modules:
            out.write(f"  {target} (an importable module)\n")
        out.write(f"  sha256 {code.digest[:16]}\nRun it? Only say yes to code you have read "
                  "or trust. [y/N] ")
        out.flush()
        answer = self.stdin.readline()
        return answer.strip().lower() in ("y", "yes")


def is_terminal() -> bool:
    """Whether a question can be asked (both stdin and stderr are terminals)."""
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def install(data_dir: Path, decks: Iterable[Deck] | Callable[[], Iterable[Deck]], *,
            interactive: bool | None = None) -> TrustGate:
    """Gate the grader on these decks' code (``interactive`` default: on a terminal).

    ``decks`` may be a callable (the app passes its catalog loader): it runs only
    when an exercise that names code of its own is first graded.
    """
    from dlquiz.grading.targets import set_trust_gate

    gate = TrustGate(trust_store(data_dir), decks,
                     interactive=is_terminal() if interactive is None else interactive)
    set_trust_gate(gate)
    return gate
