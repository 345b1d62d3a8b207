"""The catalog: sources, deck-id clashes, broken decks among valid ones, reload, cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dlquiz.decks import catalog as catalog_mod
from dlquiz.decks import loader as decks_mod
from dlquiz.decks.cache import DeckCache, from_json, to_json
from dlquiz.decks.catalog import load_catalog
from dlquiz.decks.loader import ValidationContext, load_deck_file, load_topic_ids
from dlquiz.model import BrokenDeck, Deck
from dlquiz.paths import Paths, bundled_decks_dir, resolve_paths


def make_context() -> ValidationContext:
    return ValidationContext(topics=load_topic_ids(),
                             generators={"conv_output_size": {"type": "object"}},
                             exercise_ids=frozenset({"iou", "nms"}))


def deck_text(deck_id: str, *card_ids: str) -> str:
    cards = "".join(
        f"  - id: {c}\n    type: basic\n    topics: [detection.nms]\n"
        f"    front: Q {c}?\n    back: A {c}.\n" for c in card_ids)
    return f"id: {deck_id}\ntitle: Deck {deck_id}\ndescription: d\ncards:\n{cards}"


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private bundled-decks dir, so tests do not depend on the shipped decks."""
    folder = tmp_path / "bundled"
    folder.mkdir()
    (folder / "core.yaml").write_text(deck_text("core", "a", "b"))
    monkeypatch.setattr(catalog_mod, "bundled_decks_dir", lambda: folder)
    return folder


@pytest.fixture
def paths() -> Paths:
    return resolve_paths()


def load(paths: Paths, *extra: str | Path, use_cache: bool = True) -> catalog_mod.Catalog:
    return load_catalog(paths, extra, context=make_context(), use_cache=use_cache)


def test_all_sources_are_loaded_in_precedence_order(
    bundled: Path, paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths.user_decks_dir.mkdir(parents=True)
    (paths.user_decks_dir / "mine.yaml").write_text(deck_text("mine", "x"))
    env_a, env_b = tmp_path / "env_a.yaml", tmp_path / "envdir"
    env_a.write_text(deck_text("env-a", "x"))
    (env_b / "sub").mkdir(parents=True)
    (env_b / "sub" / "deep.yml").write_text(deck_text("env-b", "x"))
    (env_b / ".hidden").mkdir()
    (env_b / ".hidden" / "skip.yaml").write_text(deck_text("hidden", "x"))
    monkeypatch.setenv("DLQUIZ_DECKS", os.pathsep.join([str(env_a), str(env_b), ""]))
    cli = tmp_path / "cli.yaml"
    cli.write_text(deck_text("cli", "x"))
    cat = load(paths, cli)
    assert [d.id for d in cat.decks] == ["core", "mine", "env-a", "env-b", "cli"]
    assert cat.deck("core").bundled and not cat.deck("mine").bundled
    assert cat.broken == ()


def test_items_lookup_and_code_cards(bundled: Path, paths: Paths, tmp_path: Path) -> None:
    extra = tmp_path / "code.yaml"
    extra.write_text("id: coding\ntitle: C\ndescription: d\ncards:\n"
                     "  - id: k\n    type: code\n    topics: [detection.nms]\n    exercise: nms\n"
                     "  - id: z\n    type: cloze\n    topics: [detection.nms]\n"
                     "    text: '{{c1::a}} {{c2::b}}'\n")
    cat = load(paths, extra)
    keys = [i.key for i in cat.items()]
    assert keys == ["core/a", "core/b", "coding/k", "coding/z#c1", "coding/z#c2"]
    assert cat.item("coding/z#c2").cloze == 2
    assert cat.item("nope/x") is None and cat.deck("nope") is None
    assert [c.key for c in cat.code_cards_for("nms")] == ["coding/k"]
    assert cat.code_cards_for("iou") == ()


def test_one_broken_deck_leaves_the_others_loaded(
    bundled: Path, paths: Paths, tmp_path: Path
) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "a.yaml").write_text(deck_text("alpha", "x", "y"))
    (folder / "b.yaml").write_text(deck_text("beta", "x").replace("type: basic", "type: qa"))
    (folder / "c.yaml").write_bytes(b"\xff\xfe garbage")
    (folder / "d.yaml").write_text(deck_text("delta", "x"))
    cat = load(paths, folder)
    assert [d.id for d in cat.decks] == ["core", "alpha", "delta"]
    assert [Path(b.path).name for b in cat.broken] == ["b.yaml", "c.yaml"]
    assert cat.broken[0].deck_id == "beta"
    assert len(cat.errors()) == 2


def test_duplicate_deck_ids_name_both_files(bundled: Path, paths: Paths, tmp_path: Path) -> None:
    first, second = tmp_path / "one.yaml", tmp_path / "two.yaml"
    first.write_text(deck_text("same", "x"))
    second.write_text("# a comment line\n" + deck_text("same", "y"))
    cat = load(paths, first, second)
    assert [d.source.path for d in cat.decks if d.id == "same"] == [str(first)]
    (broken,) = cat.broken
    assert [str(e) for e in broken.errors] == [
        f"{second}:2:5: id: deck id 'same' is already used by deck {first}; rename one of them"]


def test_user_deck_clashing_with_bundled_is_an_error(bundled: Path, paths: Paths) -> None:
    paths.user_decks_dir.mkdir(parents=True)
    mine = paths.user_decks_dir / "core.yaml"
    mine.write_text(deck_text("core", "z"))
    cat = load(paths)
    assert [d.id for d in cat.decks] == ["core"] and cat.deck("core").bundled
    (error,) = cat.errors()
    assert error.path == str(mine)
    assert error.message == (f"deck id 'core' is already used by bundled deck "
                             f"{bundled / 'core.yaml'}; rename one of them")


def test_missing_deck_path_is_reported(bundled: Path, paths: Paths, tmp_path: Path) -> None:
    cat = load(paths, tmp_path / "nope.yaml")
    assert [str(e) for e in cat.errors()] == [
        f"{tmp_path / 'nope.yaml'}:1:1: no such deck file or folder"]


def test_same_file_twice_is_loaded_once(bundled: Path, paths: Paths, tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text(deck_text("xdeck", "x"))
    cat = load(paths, f, tmp_path, f)
    assert [d.id for d in cat.decks] == ["core", "xdeck"] and cat.broken == ()


def test_changed_reports_modified_added_and_removed_files(
    bundled: Path, paths: Paths, tmp_path: Path
) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    keep, edit, gone = (folder / n for n in ("keep.yaml", "edit.yaml", "gone.yaml"))
    keep.write_text(deck_text("keep", "x"))
    edit.write_text(deck_text("edit", "x"))
    gone.write_text(deck_text("gone", "x"))
    cat = load(paths, folder)
    assert cat.changed() == ()
    edit.write_text(deck_text("edit", "x", "y"))
    gone.unlink()
    (folder / "new.yaml").write_text(deck_text("new", "x"))
    assert set(cat.changed()) == {str(edit), str(gone), str(folder / "new.yaml")}
    fresh = cat.reload()
    assert [d.id for d in fresh.decks] == ["core", "edit", "keep", "new"]
    assert len(fresh.deck("edit").cards) == 2
    assert fresh.changed() == ()


def test_warm_load_comes_from_the_cache_and_equals_the_cold_load(
    bundled: Path, paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "x.yaml"
    f.write_text(deck_text("xdeck", "x", "y"))
    (tmp_path / "bad.yaml").write_text("id: bad\n")
    cold = load(paths, tmp_path)
    calls: list[str] = []
    real = decks_mod.load_deck_bytes  # the catalog imports it on a cache miss only
    monkeypatch.setattr(decks_mod, "load_deck_bytes",
                        lambda data, path, *a, **k: calls.append(path) or real(data, path, *a, **k))
    warm = load(paths, tmp_path)
    assert calls == []
    assert warm.decks == cold.decks and warm.broken == cold.broken
    f.write_text(deck_text("xdeck", "x", "y", "z"))
    again = load(paths, tmp_path)
    assert calls == [str(f)]
    assert len(again.deck("xdeck").cards) == 3


def test_cache_is_keyed_on_context(bundled: Path, paths: Paths) -> None:
    load(paths)
    other = ValidationContext(topics=frozenset({"detection.nms"}))
    cat = load_catalog(paths, context=other)
    assert cat.deck("core") is not None
    cache = DeckCache(paths.cache_dir, other.fingerprint())
    core = bundled / "core.yaml"
    import hashlib

    sha = hashlib.sha256(core.read_bytes()).hexdigest()
    assert cache.get(str(core), True, core.stat(), sha) is not None
    assert DeckCache(paths.cache_dir, "different").get(str(core), True, core.stat(), sha) is None


def test_corrupt_cache_entries_are_ignored_and_rebuilt(bundled: Path, paths: Paths) -> None:
    load(paths)
    entries = list((paths.cache_dir / "decks").glob("*.json"))
    assert len(entries) == 1
    entries[0].write_text("{not json")
    cat = load(paths)
    assert cat.deck("core") is not None
    assert json.loads(entries[0].read_text())["key"]["path"] == str(bundled / "core.yaml")
    data = json.loads(entries[0].read_text())
    data["result"]["cards"] = "wrong shape"
    entries[0].write_text(json.dumps(data))
    assert load(paths).deck("core") is not None


def test_cache_records_versions_and_is_json(bundled: Path, paths: Paths) -> None:
    from dlquiz import __version__

    load(paths)
    (entry,) = (paths.cache_dir / "decks").glob("*.json")
    key = json.loads(entry.read_text())["key"]
    assert key["format"] == 2 and key["dlquiz"] == __version__
    assert {"mtime_ns", "size", "sha256", "context", "path"} <= set(key)


def test_json_round_trip_of_a_deck_with_exercises(tmp_path: Path) -> None:
    (tmp_path / "r.py").write_text("def f(x):\n    return x\n")
    f = tmp_path / "d.yaml"
    f.write_text(deck_text("rt", "a") + "  - id: m\n    type: choice\n"
                 "    topics: [ml.terms]\n    front: F\n    choices: [p, q]\n    answer: [1]\n"
                 "    explanation: E\n    refs: [R]\n"
                 "  - id: n\n    type: numeric\n    topics: [arch.conv]\n"
                 "    generator: conv_output_size\n    params: {dilation: true}\n"
                 "exercises:\n  - id: ex\n    title: T\n    topics: [ml.terms]\n"
                 "    function: f\n    signature: f(x)\n    prompt: P\n    starter: S\n"
                 "    hints: [H]\n    solution: X\n    reference: r.py:f\n    cases: r.py:c\n"
                 "    checker: {name: exact}\n    forbidden: [sorted]\n    perf_multiple: 5\n")
    deck = load_deck_file(f, make_context())
    assert isinstance(deck, Deck), deck
    assert from_json(json.loads(json.dumps(to_json(deck)))) == deck
    broken = BrokenDeck("p", (), "id")
    assert from_json(to_json(broken)) == broken


def test_cards_read_back_from_the_cache_equal_the_parsed_ones_field_for_field() -> None:
    """The cache builds cards without Card.__init__ (speed): each must be the same value."""
    import dataclasses

    from dlquiz.decks.context import default_context

    for path in sorted(bundled_decks_dir().glob("*.yaml")):
        deck = load_deck_file(path, default_context())
        assert isinstance(deck, Deck), deck
        again = from_json(json.loads(json.dumps(to_json(deck))))
        assert again == deck
        for mine, theirs in zip(again.cards, deck.cards, strict=True):
            names = [f.name for f in dataclasses.fields(theirs)]
            assert [getattr(mine, n) for n in names] == [getattr(theirs, n) for n in names]
            assert vars(mine).keys() == vars(theirs).keys()
            with pytest.raises(dataclasses.FrozenInstanceError):
                mine.front = "changed"  # type: ignore[misc]


@pytest.mark.parametrize("change", [{"colour": "red"}, {"drop": "id"}])
def test_a_cached_card_with_other_fields_is_refused(change: dict[str, str]) -> None:
    from dlquiz.decks.context import default_context

    first = sorted(bundled_decks_dir().glob("*.yaml"))[0]
    data = to_json(load_deck_file(first, default_context()))
    card = data["cards"][0]
    if "drop" in change:
        del card[change["drop"]]
    else:
        card.update(change)
    with pytest.raises(TypeError):
        from_json(data)


def test_unwritable_cache_dir_does_not_break_loading(
    bundled: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")  # the cache dir would have to be created inside a file
    cache = DeckCache(blocker, "ctx")
    core = bundled / "core.yaml"
    deck = load_deck_file(core, make_context(), bundled=True)
    cache.put(str(core), True, core.stat(), "sha", deck)
    assert cache.write_failures == 1


# -- the validation-context cache (dlquiz.decks.context) -------------------------------------

EXERCISE_YAML = """\
exercises:
{items}"""
EXERCISE_ITEM = """\
  - id: {id}
    title: Exercise {id}
    topics: [detection.nms]
    function: f
    signature: f(x)
    prompt: Return x.
    starter: "def f(x):\\n    return None\\n"
    hints: [Return it.]
    solution: "def f(x):\\n    return x\\n"
    reference: some.module:f
    cases: some.module:f_cases
"""


def code_deck(exercise_id: str) -> str:
    return ("id: coder\ntitle: Coder\ndescription: d\ncards:\n"
            f"  - id: k\n    type: code\n    topics: [detection.nms]\n    exercise: {exercise_id}\n")


@pytest.fixture
def exercises_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private bundled-exercises folder, seen by the context and by the grader's registry."""
    from dlquiz import paths as paths_mod
    from dlquiz.grading import registry

    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "ex.yaml").write_text(EXERCISE_YAML.format(items=EXERCISE_ITEM.format(id="alpha")))
    monkeypatch.setattr(paths_mod, "bundled_exercises_dir", lambda: folder)
    monkeypatch.setattr(registry, "bundled_exercises_dir", lambda: folder)
    registry._bundled.cache_clear()
    yield folder
    registry._bundled.cache_clear()


def test_context_is_cached_and_rebuilt_when_an_exercise_file_changes(
    bundled: Path, paths: Paths, tmp_path: Path, exercises_dir: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    from dlquiz.decks import context as deckcontext
    from dlquiz.grading import registry

    builds: list[int] = []
    real_build = deckcontext.build_default_context
    monkeypatch.setattr(deckcontext, "build_default_context",
                        lambda: builds.append(1) or real_build())
    deck = tmp_path / "coder.yaml"
    deck.write_text(code_deck("beta"))

    first = load_catalog(paths, [deck])
    assert len(builds) == 1
    assert first.context is not None and first.context.exercise_ids == frozenset({"alpha"})
    assert [e.message for e in first.errors()] == ["unknown exercise 'beta'"]
    assert (paths.cache_dir / deckcontext.CONTEXT_FILE).is_file()

    warm = load_catalog(paths, [deck])
    assert len(builds) == 1  # read back from context.json
    assert warm.context == first.context and warm.broken == first.broken

    items = EXERCISE_ITEM.format(id="alpha") + EXERCISE_ITEM.format(id="beta")
    (exercises_dir / "ex.yaml").write_text(EXERCISE_YAML.format(items=items))
    registry._bundled.cache_clear()  # the grader parses its files once per process
    after = load_catalog(paths, [deck])
    assert len(builds) == 2
    assert after.context is not None and after.context.exercise_ids == frozenset({"alpha", "beta"})
    assert after.broken == () and after.deck("coder") is not None  # the deck was re-validated


def test_new_exercise_file_and_corrupt_context_json_rebuild(
    bundled: Path, paths: Paths, exercises_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dlquiz.decks import context as deckcontext
    from dlquiz.grading import registry

    builds: list[int] = []
    real_build = deckcontext.build_default_context
    monkeypatch.setattr(deckcontext, "build_default_context",
                        lambda: builds.append(1) or real_build())
    load_catalog(paths)
    (exercises_dir / "more.yaml").write_text(
        EXERCISE_YAML.format(items=EXERCISE_ITEM.format(id="gamma")))
    registry._bundled.cache_clear()
    assert load_catalog(paths).context.exercise_ids == frozenset({"alpha", "gamma"})
    assert len(builds) == 2
    (paths.cache_dir / deckcontext.CONTEXT_FILE).write_text("{not json")
    assert load_catalog(paths).context.exercise_ids == frozenset({"alpha", "gamma"})
    assert len(builds) == 3
    load_catalog(paths)
    assert len(builds) == 3


def test_context_json_round_trip_keeps_the_fingerprint() -> None:
    from dlquiz.decks.context import ValidationContext

    ctx = make_context()
    back = ValidationContext.from_json(json.loads(json.dumps(ctx.to_json())))
    assert back == ctx and back.fingerprint() == ctx.fingerprint()
    unchecked = ValidationContext(topics=frozenset({"a"}))
    assert ValidationContext.from_json(unchecked.to_json()).exercise_ids is None


def test_warm_start_reads_json_only(isolated_home: Path) -> None:
    """Second process, nothing changed: no YAML parser, jsonschema, NumPy or grader imported."""
    import subprocess
    import sys

    code = ("import sys\nfrom dlquiz.decks.catalog import load_catalog\nfrom dlquiz.paths import "
            "resolve_paths\ncat = load_catalog(resolve_paths())\nassert cat.decks and not "
            "cat.broken, cat.broken\nheavy = ('yaml', 'jsonschema', 'numpy', "
            "'dlquiz.grading.registry', 'dlquiz.decks.loader')\n"
            "print(','.join(m for m in heavy if m in sys.modules))\n")
    env = {**os.environ, "DLQUIZ_HOME": str(isolated_home)}
    cold = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True)
    assert "numpy" in cold.stdout  # the first start builds the caches
    warm = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True)
    assert warm.stdout.strip() == ""
