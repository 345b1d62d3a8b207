"""Every deck dlquiz can see, from every source, loaded once: the :class:`Catalog`.

Sources, in precedence order (the first deck to claim an id keeps it):

1. bundled decks (:func:`dlquiz.paths.bundled_decks_dir`);
2. the user decks dir (``<data dir>/decks``);
3. ``$DLQUIZ_DECKS``: files or folders separated by ``os.pathsep``;
4. ``--deck PATH`` (file or folder, repeatable): ``extra_deck_paths``.

Folders are searched recursively for ``*.yaml``/``*.yml`` in sorted order so
loading is deterministic; hidden folders are skipped, and folders that hold no
decks (virtual environments, ``site-packages``, ``node_modules``, VCS data) are
skipped and listed in :attr:`Catalog.skipped` (:mod:`dlquiz.decks.files`).
Nothing on the file system makes loading raise: a symlink loop, a FIFO or an
unreadable or oversized file is a broken deck with one message. A deck whose id is
already taken becomes a :class:`~dlquiz.model.BrokenDeck` whose error names
both files; so does a user exercise id defined twice. A missing ``--deck``
path is an error too (a typo should not silently load nothing).

The catalog is immutable; :meth:`Catalog.changed` tells the TUI which files
changed on disk since loading (a stat per file, no parsing) and
:meth:`Catalog.reload` builds a fresh one (cheap: unchanged files come from the
parsed-deck cache).

A warm start (no deck or exercise file changed) reads only JSON: the
validation context from ``<cache_dir>/context.json`` (:mod:`dlquiz.decks.context`)
and each deck from the parsed-deck cache (:mod:`dlquiz.decks.cache`); the YAML
parser, jsonschema and NumPy are imported only when something changed.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from dlquiz.decks.cache import DeckCache, LoadResult
from dlquiz.decks.context import ValidationContext, context_cache_dir, default_context
from dlquiz.decks.files import (
    DECK_SUFFIXES,  # noqa: F401  (re-exported: part of this module's API)
    DeckReadError,
    Skipped,
    path_problem,
    read_deck,
    safe_resolve,
    walk_decks,
)
from dlquiz.decks.overrides import AppliedOverride, apply_overrides, is_override, override_files
from dlquiz.model import BrokenDeck, Card, Deck, DeckError, Exercise, Item
from dlquiz.paths import ENV_DECKS, Paths, bundled_decks_dir


@dataclass(frozen=True)
class DeckFile:
    """One deck file to load; ``missing`` marks a named path that cannot be searched.

    ``problem`` says why (no such path, a symlink loop, no permission).
    """

    path: Path
    bundled: bool = False
    missing: bool = False
    problem: str = ""


def _expand(path: Path, bundled: bool, skipped: list[Skipped] | None = None) -> list[DeckFile]:
    problem = path_problem(path)
    if problem is not None:
        return [DeckFile(path, bundled, missing=True, problem=problem)]
    try:
        is_dir = path.is_dir()
    except OSError:
        is_dir = False
    if not is_dir:
        return [DeckFile(path, bundled)]  # reading it says what it is (FIFO, device, ...)
    return [DeckFile(p, bundled) for p in walk_decks(path, skipped)]


def env_deck_paths() -> list[Path]:
    """The entries of ``$DLQUIZ_DECKS`` (empty entries ignored)."""
    raw = os.environ.get(ENV_DECKS, "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def discover(paths: Paths, extra_deck_paths: Iterable[str | os.PathLike[str]] = (),
             *, include_bundled: bool = True, include_user: bool = True,
             skipped: list[Skipped] | None = None) -> list[DeckFile]:
    """Every deck file of every source, in precedence order, each file once.

    Folders left out of the search are appended to ``skipped`` when given.
    """
    files: list[DeckFile] = []
    if include_bundled and bundled_decks_dir().is_dir():
        files += _expand(bundled_decks_dir(), True, skipped)
    if include_user and paths.user_decks_dir.is_dir():
        files += [f for f in _expand(paths.user_decks_dir, False, skipped)
                  if not is_override(f.path, paths)]  # applied over bundled cards instead
    if include_user:
        for p in env_deck_paths():
            files += _expand(p, False, skipped)
    for extra in extra_deck_paths:
        files += _expand(Path(extra).expanduser(), False, skipped)
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = safe_resolve(f.path)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _load_one(f: DeckFile, ctx: ValidationContext, cache: DeckCache | None) -> LoadResult:
    path = str(f.path)
    if f.missing:
        message = f.problem or "no such deck file or folder"
        return BrokenDeck(path, (DeckError(path, 1, 1, "", message),))
    try:
        data, st = read_deck(f.path)
    except DeckReadError as exc:
        return BrokenDeck(path, (DeckError(path, 1, 1, "", exc.message),))
    sha = hashlib.sha256(data).hexdigest()
    if cache is not None:
        hit = cache.get(path, f.bundled, st, sha)
        if hit is not None:
            return hit
    from dlquiz.decks.loader import load_deck_bytes  # YAML + jsonschema: only on a cache miss

    result = load_deck_bytes(data, path, ctx, bundled=f.bundled)
    if cache is not None:
        cache.put(path, f.bundled, st, sha, result)
    return result


def _clash(deck: Deck, message: str) -> BrokenDeck:
    src = deck.source
    return BrokenDeck(src.path, (DeckError(src.path, src.line, src.column, "id", message),),
                      deck_id=deck.id)


def _resolve_clashes(results: list[LoadResult]) -> list[LoadResult]:
    """First deck to claim a deck id (or a user exercise id) keeps it; later ones break.

    A broken deck still claims its id when it has one, so fixing the first file
    does not suddenly surface a clash in the second.
    """
    owners: dict[str, tuple[str, bool]] = {}
    exercise_owner: dict[str, str] = {}
    out: list[LoadResult] = []
    for r in results:
        if isinstance(r, BrokenDeck):
            if r.deck_id and r.deck_id not in owners:
                owners[r.deck_id] = (r.path, False)
            out.append(r)
            continue
        first = owners.get(r.id)
        if first is not None:
            kind = "bundled deck" if first[1] else "deck"
            out.append(_clash(r, f"deck id {r.id!r} is already used by {kind} "
                                 f"{first[0]}; rename one of them"))
            continue
        taken = [e for e in r.exercises if e.id in exercise_owner]
        if taken:
            e = taken[0]
            out.append(BrokenDeck(r.source.path, (DeckError(
                e.source.path, e.source.line, e.source.column, "exercises",
                f"exercise id {e.id!r} is already defined in {exercise_owner[e.id]}"),),
                deck_id=r.id))
            continue
        owners[r.id] = (r.source.path, r.bundled)
        for e in r.exercises:
            exercise_owner[e.id] = r.source.path
        out.append(r)
    return out


@dataclass(frozen=True)
class Catalog:
    """The loaded decks (valid and broken) and how to find cards, items and exercises."""

    decks: tuple[Deck, ...]
    broken: tuple[BrokenDeck, ...]
    files: tuple[DeckFile, ...] = ()
    stamps: tuple[tuple[str, tuple[int, int] | None], ...] = ()
    paths: Paths | None = None
    extra_deck_paths: tuple[str, ...] = ()
    context: ValidationContext | None = field(default=None, compare=False)
    #: folders left out of the search (venvs, node_modules, VCS data, ...)
    skipped: tuple[Skipped, ...] = ()
    #: edits of bundled cards in use, and stale ones (:mod:`dlquiz.decks.overrides`)
    overrides: tuple[AppliedOverride, ...] = ()
    stale_overrides: tuple[DeckError, ...] = ()

    @property
    def cache_dir(self) -> Path | None:
        """Where parsed decks and exercises are cached (``None`` without a data dir)."""
        return self.paths.cache_dir if self.paths is not None else None

    @cached_property
    def _by_id(self) -> dict[str, Deck]:
        return {d.id: d for d in self.decks}

    @cached_property
    def _items(self) -> dict[str, Item]:
        return {item.key: item for deck in self.decks for item in deck.items()}

    def deck(self, deck_id: str) -> Deck | None:
        """The deck with this id, or ``None``."""
        return self._by_id.get(deck_id)

    def items(self) -> tuple[Item, ...]:
        """Every schedulable item of every valid deck, in deck then card order."""
        return tuple(self._items.values())

    def item(self, key: str) -> Item | None:
        """The item with this key (``deck/card`` or ``deck/card#cN``), or ``None``."""
        return self._items.get(key)

    def user_exercises(self) -> dict[str, Exercise]:
        """Exercises defined by user decks (``exercises:``), by id."""
        return {e.id: e for d in self.decks for e in d.exercises}

    def exercise(self, exercise_id: str) -> Exercise | None:
        """A user-defined or bundled exercise by id, or ``None``."""
        user = self.user_exercises().get(exercise_id)
        if user is not None:
            return user
        try:
            from dlquiz.grading.registry import bundled_exercises
        except ImportError:
            return None
        return bundled_exercises(self.cache_dir).get(exercise_id)

    def code_cards_for(self, exercise_id: str) -> tuple[Card, ...]:
        """The ``code`` cards that point at this exercise (to schedule a practice result)."""
        return tuple(c for d in self.decks for c in d.cards
                     if c.type == "code" and c.exercise == exercise_id)

    def errors(self) -> tuple[DeckError, ...]:
        """Every error of every broken deck, in load order."""
        return tuple(e for b in self.broken for e in b.errors)

    def changed(self) -> tuple[str, ...]:
        """Deck files added, removed or modified on disk since this catalog was loaded."""
        if self.paths is None:
            return ()
        now = {str(p): _stamp(p) for p in [*(f.path for f in discover(
            self.paths, self.extra_deck_paths)), *override_files(self.paths)]}
        before = dict(self.stamps)
        return tuple(sorted(p for p in now.keys() | before.keys()
                            if now.get(p) != before.get(p)))

    def reload(self) -> Catalog:
        """A fresh catalog from the same sources (unchanged files come from the cache)."""
        if self.paths is None:
            return self
        return load_catalog(self.paths, self.extra_deck_paths, context=self.context)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building many long-lived objects.

    Loading 100,000 cards allocates millions of small objects that all stay
    alive; the collector's generation-2 passes over them find nothing to free
    and cost about two thirds of a warm load. Reference counting still frees
    temporaries; the collector resumes (if it was on) when loading ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_files(files: Sequence[DeckFile], ctx: ValidationContext,
               cache: DeckCache | None) -> list[LoadResult]:
    """Load each file (cache first), then break deck/exercise id clashes."""
    with gc_paused():
        return _resolve_clashes([_load_one(f, ctx, cache) for f in files])


def load_catalog(paths: Paths, extra_deck_paths: Iterable[str | os.PathLike[str]] = (),
                 *, context: ValidationContext | None = None,
                 use_cache: bool = True) -> Catalog:
    """Load every deck from every source (see the module docstring); never raises for bad decks."""
    extra = tuple(str(p) for p in extra_deck_paths)
    if context is None:
        with context_cache_dir(paths.cache_dir if use_cache else None):
            context = default_context()
    ctx = context
    cache = DeckCache(paths.cache_dir, ctx.fingerprint()) if use_cache else None
    skipped: list[Skipped] = []
    files = discover(paths, extra, skipped=skipped)
    edits = override_files(paths)
    stamps = tuple((str(p), _stamp(p)) for p in [*(f.path for f in files), *edits])
    results = load_files(files, ctx, cache)
    with gc_paused():
        decks, applied, stale, bad = apply_overrides(
            [r for r in results if isinstance(r, Deck)],
            [_load_one(DeckFile(p), ctx, cache) for p in edits])
    return Catalog(
        decks=tuple(decks),
        broken=(*(r for r in results if isinstance(r, BrokenDeck)), *bad),
        overrides=tuple(applied),
        stale_overrides=tuple(stale),
        files=tuple(files),
        stamps=stamps,
        paths=paths,
        extra_deck_paths=extra,
        context=ctx,
        skipped=tuple(skipped),
    )
