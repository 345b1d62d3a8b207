"""The vocabulary of dlquiz: decks, cards, exercises, reviews.

Everything here is a frozen dataclass with no I/O, so every other layer (deck
loading, the store, the session, the grader, the TUI) can pass these around
freely and trust that nobody mutates them behind its back.

Identity is the whole point of this module. A card's history hangs on its
*item key* (``deck_id/card_id``, plus ``#cN`` for each cloze deletion), never on
its text, so editing a card in YAML keeps its schedule, and a card that leaves a
deck and comes back with the same id gets its schedule back too.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

CardType = Literal["basic", "choice", "cloze", "numeric", "code"]
CARD_TYPES: tuple[str, ...] = ("basic", "choice", "cloze", "numeric", "code")
#: How hard a card or exercise is; shown in lists and used to order ``dlquiz next``.
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")
#: ``input:`` of a basic card or a deck: type the answer before the reveal, or just reveal.
INPUT_MODES: tuple[str, ...] = ("typed", "reveal")
#: Most choices a choice card may have: the digit keys 1-9 pick them in a session.
MAX_CHOICES = 9

GradedBy = Literal["self", "auto", "exercise"]

#: Anki's cloze syntax: ``{{c1::hidden text}}`` or ``{{c1::hidden text::hint}}``.
CLOZE_RE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)

#: Deck and card ids: lowercase slugs, so item keys stay readable and stable.
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def frozen_mapping(data: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """A read-only view of a copy of ``data`` (for parameters inside frozen cards)."""
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True)
class SourceRef:
    """Where something was defined, so errors and the editor can point at it."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Card:
    """One card as written in a deck file.

    Type-specific fields are empty when they do not apply:

    * ``basic``: ``front`` and ``back`` (Markdown).
    * ``choice``: ``front``, ``choices`` and ``answer`` (0-based indices of the
      correct choices; several means "select all that apply").
    * ``cloze``: ``text`` with ``{{cN::...}}`` spans; one review item per N.
    * ``numeric``: ``front`` (optional lead-in), ``generator`` and ``params``;
      the numbers are drawn fresh at each review (see :mod:`dlquiz.numeric`).
    * ``code``: ``exercise``, the id of a graded exercise.
    """

    deck_id: str
    id: str
    type: str
    topics: tuple[str, ...]
    front: str = ""
    back: str = ""
    explanation: str = ""
    refs: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    answer: tuple[int, ...] = ()
    text: str = ""
    generator: str = ""
    params: Mapping[str, Any] = field(default_factory=frozen_mapping)
    exercise: str = ""
    difficulty: str = ""
    #: Basic cards: ``typed`` (type the answer first), ``reveal``, or ``""`` (not said by the
    #: card or its deck: the ``typed_answers`` setting decides).
    input_mode: str = ""
    source: SourceRef = SourceRef("<memory>")

    @property
    def key(self) -> str:
        """The card's identity across edits: ``deck_id/card_id``."""
        return f"{self.deck_id}/{self.id}"

    def cloze_numbers(self) -> tuple[int, ...]:
        """The distinct cloze numbers in ``text``, ascending (empty for other types)."""
        if self.type != "cloze":
            return ()
        return tuple(sorted({int(m.group(1)) for m in CLOZE_RE.finditer(self.text)}))

    def items(self) -> tuple[Item, ...]:
        """The schedulable units of this card: one per cloze number, else one."""
        numbers = self.cloze_numbers()
        if numbers:
            return tuple(Item(self, n) for n in numbers)
        return (Item(self, 0),)


@dataclass(frozen=True)
class Item:
    """A schedulable unit: a card, or one cloze deletion of a cloze card.

    ``cloze`` is 0 for non-cloze cards. The item key is what the store keys its
    state and review log on.
    """

    card: Card
    cloze: int = 0

    @property
    def key(self) -> str:
        return item_key(self.card.deck_id, self.card.id, self.cloze)


def item_key(deck_id: str, card_id: str, cloze: int = 0) -> str:
    """``deck/card`` or ``deck/card#c2``: the stable key reviews hang on."""
    base = f"{deck_id}/{card_id}"
    return f"{base}#c{cloze}" if cloze else base


def render_cloze(text: str, number: int, *, reveal: bool) -> str:
    """Cloze text with deletion ``number`` hidden (``[...]`` or ``[hint]``) or shown in bold.

    Other deletions are always shown as plain text, as Anki does.
    """

    def replace(match: re.Match[str]) -> str:
        n, hidden, hint = int(match.group(1)), match.group(2), match.group(3)
        if n != number:
            return hidden
        if reveal:
            return f"**{hidden}**"
        return f"[{hint}]" if hint else "[...]"

    return CLOZE_RE.sub(replace, text)


@dataclass(frozen=True)
class Deck:
    """A loaded deck: its metadata, cards and (for user decks) the exercises it defines."""

    id: str
    title: str
    description: str
    cards: tuple[Card, ...]
    tags: tuple[str, ...] = ()
    source: SourceRef = SourceRef("<memory>")
    bundled: bool = False
    exercises: tuple[Exercise, ...] = ()

    def items(self) -> tuple[Item, ...]:
        return tuple(item for card in self.cards for item in card.items())


@dataclass(frozen=True)
class DeckError:
    """A problem found while loading a deck, formatted the way compilers do.

    ``str(error)`` is ``path:line:column: doc.path: message``, e.g.
    ``decks/x.yaml:41:7: cards[3].type: 'qa' is not one of basic, choice, ...``.
    """

    path: str
    line: int
    column: int
    doc_path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.doc_path}: " if self.doc_path else ""
        return f"{self.path}:{self.line}:{self.column}: {where}{self.message}"


@dataclass(frozen=True)
class BrokenDeck:
    """A deck file that could not be loaded; the app lists it with its errors."""

    path: str
    errors: tuple[DeckError, ...]
    deck_id: str = ""


@dataclass(frozen=True)
class CheckerSpec:
    """How a learner's result is compared with the reference's.

    ``name`` is a built-in checker (``allclose``, ``exact``, ``set_equal``,
    ``sorted``, ``nms``, ``soft_nms``, ...) or ``module:function`` /
    ``file.py:function`` for a custom one. ``options`` are passed through
    (``rtol``, ``atol``, ...).
    """

    name: str = "allclose"
    options: Mapping[str, Any] = field(default_factory=frozen_mapping)


@dataclass(frozen=True)
class Exercise:
    """A graded coding exercise: data plus pointers to code.

    ``reference`` and ``cases`` are import paths (``package.module:function``,
    or ``file.py:function`` relative to the defining YAML for user exercises);
    the grader resolves them lazily so loading decks never imports NumPy code.
    ``result_arg`` names an argument whose final value is the result when the
    learner's function returns ``None`` (in-place sorts).
    """

    id: str
    title: str
    topics: tuple[str, ...]
    prompt: str
    function: str
    signature: str
    starter: str
    hints: tuple[str, ...]
    solution: str
    reference: str
    cases: str
    checker: CheckerSpec = CheckerSpec()
    time_limit_s: float = 10.0
    memory_mb: int = 1024
    forbidden: tuple[str, ...] = ()
    perf_multiple: float | None = None
    result_arg: str = ""
    difficulty: str = ""
    source: SourceRef = SourceRef("<memory>")
    base_dir: str = ""

    @property
    def statement(self) -> str:
        """The prompt as the learner reads it, with the clauses the grader enforces everywhere.

        Generated rather than left to each prompt, so no exercise can refuse a
        solution on a rule its text never announced: which arguments must come
        back unchanged (the grader compares each argument's fingerprint after
        the call), and the speed limit when a perf case is graded.
        """
        parts = [self.prompt.rstrip()]
        kept = [name for name in parameter_names(self.signature) if name != self.result_arg]
        if self.result_arg and kept:
            parts.append(f"**Inputs:** `{self.result_arg}` may be changed in place; "
                         f"leave {', '.join(f'`{n}`' for n in kept)} unchanged.")
        elif kept and not self.result_arg:
            parts.append("**Inputs:** leave the arguments unchanged: work on copies "
                         "(`x = np.array(x, dtype=float)`), not `x /= n` on what you were given.")
        if self.perf_multiple is not None:
            parts.append(f"**Speed:** the last case is a large input; it must finish within "
                         f"{self.perf_multiple:g}× the time of the reference solution, or the "
                         "verdict is `time_limit`.")
        # wrapped like the prompts' own lines (the workspace file shows them as comments)
        return "\n\n".join([parts[0], *(textwrap.fill(p, CLAUSE_WIDTH, break_on_hyphens=False)
                                        for p in parts[1:])])


#: Column at which the generated clauses of :attr:`Exercise.statement` wrap.
CLAUSE_WIDTH = 70


def parameter_names(signature: str) -> list[str]:
    """The positional parameter names of ``"nms(boxes, scores, iou_threshold=0.5)"`` ([] if unparsable)."""
    try:
        node = ast.parse(f"def {signature}: pass").body[0]
    except SyntaxError:
        return []
    if not isinstance(node, ast.FunctionDef):
        return []
    return [a.arg for a in (*node.args.posonlyargs, *node.args.args)]


@dataclass(frozen=True)
class Review:
    """One row of the append-only review log.

    ``quality`` is the SM-2 quality 0-5 that moved the schedule; ``grade`` is
    what the learner pressed or earned (``again``/``hard``/``good``/``easy`` for
    self-graded cards, ``correct``/``wrong`` for auto-graded ones, or an
    exercise verdict). ``drawn`` holds the parameters of a numeric card so the
    review can be shown again. ``scheduled`` is False for cram answers and
    same-session re-drills, which are logged but do not move the schedule.
    """

    id: str
    item_key: str
    reviewed_at: str
    grade: str
    quality: int
    interval_before: int
    interval_after: int
    easiness_before: float
    easiness_after: float
    repetitions_before: int
    repetitions_after: int
    due_before: str | None
    due_after: str | None
    duration_s: float
    graded_by: str
    scheduled: bool = True
    drawn: Mapping[str, Any] | None = None
