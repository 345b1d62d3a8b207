"""One bad deck file never breaks the others, nor any command (issue 13).

Covers what the file system can put where a deck is expected (symlink loops,
FIFOs, folders named ``x.yaml``, unreadable and oversized files, venvs in a
searched folder), what the loader must refuse with a position (float answers),
what messages must cap, and a hypothesis search over YAML values and folder
shapes asserting that loading never raises and the good deck always loads.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlquiz.cli import main
from dlquiz.decks import catalog as catalog_mod
from dlquiz.decks import files as files_mod
from dlquiz.decks.catalog import load_catalog
from dlquiz.decks.loader import ValidationContext, load_deck_bytes, load_topic_ids
from dlquiz.model import BrokenDeck, Deck
from dlquiz.paths import resolve_paths

GOOD = ("id: good\ntitle: Good\ndescription: d\ncards:\n"
        "  - id: a\n    type: basic\n    topics: [detection.nms]\n    front: Q?\n    back: A.\n")
CHOICE_FLOAT = ("id: flt\ntitle: F\ndescription: d\ncards:\n  - id: m\n    type: choice\n"
                "    topics: [detection.nms]\n    front: Q\n    choices: [x, y]\n"
                "    answer: 1.0\n    explanation: e\n")


def ctx() -> ValidationContext:
    return ValidationContext(topics=load_topic_ids(), generators={}, exercise_ids=frozenset())


@pytest.fixture
def no_bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-bundled"
    empty.mkdir()
    monkeypatch.setattr(catalog_mod, "bundled_decks_dir", lambda: empty)


def errors_of(catalog: catalog_mod.Catalog) -> dict[str, str]:
    return {Path(b.path).name: b.errors[0].message for b in catalog.broken}


# -- the loader itself ---------------------------------------------------------------


def test_float_answer_is_a_positioned_error_not_a_type_error() -> None:
    result = load_deck_bytes(CHOICE_FLOAT.encode(), "f.yaml", ctx())
    assert isinstance(result, BrokenDeck)
    [error] = result.errors
    assert (error.line, error.column, error.doc_path) == (10, 13, "cards[0].answer")
    assert "1.0" in error.message


def test_a_200000_character_id_is_not_echoed_whole() -> None:
    text = "id: " + "X" * 200_000 + "\ntitle: T\ndescription: d\ncards: []\n"
    result = load_deck_bytes(text.encode(), "long.yaml", ctx())
    assert isinstance(result, BrokenDeck)
    for error in result.errors:
        assert len(str(error)) < 300
    assert any("200,000 characters" in e.message for e in result.errors)


def test_a_long_unknown_topic_and_key_are_capped() -> None:
    text = GOOD.replace("[detection.nms]", "[" + "q" * 50_000 + "]") + "    " + "k" * 1000 + ": 1\n"
    result = load_deck_bytes(text.encode(), "t.yaml", ctx())
    assert isinstance(result, BrokenDeck)
    assert len(result.errors) == 2
    assert all(len(e.message) < 250 for e in result.errors)


# -- the file system ------------------------------------------------------------------


def test_symlink_loop_as_deck_env_and_validate(tmp_path: Path, no_bundled: None,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    good = tmp_path / "decks"
    good.mkdir()
    (good / "good.yaml").write_text(GOOD)
    assert main(["--deck", str(loop), "--deck", str(good), "decks", "list"]) == 0
    out = capsys.readouterr().out
    assert "good" in out and "symlink loop" in out
    monkeypatch.setenv("DLQUIZ_DECKS", f"{loop}{os.pathsep}{good}")
    assert main(["decks", "list"]) == 0
    assert "symlink loop" in capsys.readouterr().out
    assert main(["decks", "validate", str(loop)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"{loop}:1:1: symlink loop (the link points back at itself)"


def test_fifo_folder_named_yaml_unreadable_and_dangling(tmp_path: Path, no_bundled: None,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD)
    os.mkfifo(folder / "pipe.yaml")
    (folder / "dir.yaml").mkdir()
    (folder / "dangling.yaml").symlink_to(tmp_path / "nowhere")
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    locked = folder / "locked.yaml"
    locked.write_text(GOOD.replace("id: good", "id: locked"))
    locked.chmod(0)
    real_open = files_mod.os.open

    def refusing_open(path: object, flags: int, *args: object) -> int:
        if Path(str(path)).name == "locked.yaml":  # root may read anything: inject EACCES
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(files_mod.os, "open", refusing_open)
    catalog = load_catalog(resolve_paths(), [folder], context=ctx(), use_cache=False)
    assert [d.id for d in catalog.decks] == ["good"]
    errors = errors_of(catalog)
    assert errors == {
        "pipe.yaml": "a named pipe (FIFO), not a deck file; not read",
        "dangling.yaml": "cannot read: no such deck file or folder",
        "loop.yaml": "cannot read: symlink loop (the link points back at itself)",
        "locked.yaml": "cannot read: permission denied: dlquiz may not read it",
    }


def test_fifo_named_directly_does_not_block(tmp_path: Path, no_bundled: None) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    catalog = load_catalog(resolve_paths(), [pipe], context=ctx(), use_cache=False)
    assert errors_of(catalog) == {"pipe.yaml": "a named pipe (FIFO), not a deck file; not read"}


def test_oversized_deck_is_refused_before_it_is_read(tmp_path: Path, no_bundled: None,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files_mod, "MAX_DECK_BYTES", 1000)
    big = tmp_path / "big.yaml"
    big.write_text(GOOD.replace("id: good", "id: big") + "# " + "x" * 2000 + "\n")
    (tmp_path / "good.yaml").write_text(GOOD)
    catalog = load_catalog(resolve_paths(), [tmp_path], context=ctx(), use_cache=False)
    assert [d.id for d in catalog.decks] == ["good"]
    size = big.stat().st_size
    assert errors_of(catalog)["big.yaml"] == (
        f"deck file is {size:,} bytes, over the limit of 1,000 bytes per file: "
        "split it into several decks")


def test_default_size_limit_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "data-safety.md").read_text()
    assert f"{files_mod.MAX_DECK_BYTES // (1024 * 1024)} MiB" in docs


def test_validate_skips_venvs_and_says_so(tmp_path: Path, no_bundled: None,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "tmp"
    for sub in ("env/lib/python3.11/site-packages/pkg", "node_modules/x", ".git/objects",
                "proj/site-packages", "proj/decks"):
        (root / sub).mkdir(parents=True)
    (root / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    for sub in ("env/lib/python3.11/site-packages/pkg", "node_modules/x", ".git/objects",
                "proj/site-packages"):
        (root / sub / "conf.yaml").write_text("not: a deck\n")
    (root / "proj" / "decks" / "good.yaml").write_text(GOOD)
    assert main(["decks", "validate", "--no-grade", str(root)]) == 0
    captured = capsys.readouterr()
    assert "1 deck file(s): 1 valid, 0 broken, 0 error(s); skipped 4 folder(s)" in captured.out
    assert f"skipped {root / 'env'} (a Python virtual environment)" in captured.err
    assert f"skipped {root / 'node_modules'} (holds no decks)" in captured.err
    assert f"skipped {root / '.git'} (version-control data)" in captured.err
    assert f"skipped {root / 'proj' / 'site-packages'} (holds no decks)" in captured.err


@pytest.mark.parametrize("argv", [["decks", "list"], ["decks", "validate", "--no-grade"],
                                  ["stats"], ["exercises"], ["study", "--plain"]])
def test_every_command_runs_with_a_broken_user_deck(argv: list[str], isolated_home: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("q\n"))
    decks = isolated_home / "decks"
    decks.mkdir()
    (decks / "flt.yaml").write_text(CHOICE_FLOAT)
    loop = decks / "loop.yaml"
    loop.symlink_to(loop)
    code = main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Error:" not in captured.err
    assert code in (0, 1)


# -- generated garbage ------------------------------------------------------------------

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                     st.floats(allow_nan=True), st.text(max_size=30))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
_card_keys = st.sampled_from(["id", "type", "topics", "front", "back", "choices", "answer",
                              "text", "generator", "params", "exercise", "explanation",
                              "difficulty", "refs", "tags"])
_types = st.sampled_from(["basic", "choice", "cloze", "numeric", "code", "qa"])
_card = st.fixed_dictionaries(
    {"id": st.one_of(st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True), _scalars),
     "type": st.one_of(_types, _scalars), "topics": st.one_of(
         st.just(["detection.nms"]), _values)},
    optional={"front": st.one_of(st.text(max_size=20), _values),
              "back": st.one_of(st.text(max_size=20), _values),
              "choices": st.one_of(st.lists(st.sampled_from(["x", "y", "x ", "z"]),
                                            max_size=4), _values),
              "answer": st.one_of(st.integers(-2, 6), st.floats(-1, 6),
                                  st.lists(st.one_of(st.integers(-1, 6), st.floats(0, 5)),
                                           max_size=3), _values),
              "text": st.one_of(st.sampled_from(["{{c1::a}}", "{{c0::a}}", "{{c1::}}",
                                                 "{{c1::a {{c2::b}} c}}", "{{c1::a", "x"]),
                                _values),
              "explanation": st.text(max_size=10)},
).flatmap(lambda card: st.dictionaries(_card_keys, _values, max_size=2).map(
    lambda extra: {**extra, **card}))
_deck = st.fixed_dictionaries(
    {"id": st.one_of(st.just("junk"), _scalars), "title": st.one_of(st.just("J"), _scalars),
     "description": st.one_of(st.just("d"), _scalars),
     "cards": st.one_of(st.lists(_card, max_size=3), _values)})
_content = st.one_of(
    _deck.map(lambda d: yaml.safe_dump(d, allow_unicode=True).encode()),
    _values.map(lambda v: yaml.safe_dump(v).encode()),
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"a: &x [*x]\n", b"<<: {a: 1}\n", b"\xef\xbb\xbfid: x\n\x00", b"- - - -",
                     b"a: !!python/object/apply:os.system [ls]\n", b"{{c1::x}}: [\n"]),
)
_shapes = st.sampled_from(["file", "file", "file", "fifo", "dir", "loop", "dangling",
                           "unreadable", "empty"])


def _make(path: Path, shape: str, content: bytes) -> None:
    if shape == "fifo":
        os.mkfifo(path)
    elif shape == "dir":
        path.mkdir()
        (path / "inner.yaml").write_bytes(content)
    elif shape == "loop":
        path.symlink_to(path)
    elif shape == "dangling":
        path.symlink_to(path.with_name("missing-target"))
    elif shape == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(content)
        if shape == "unreadable":
            path.chmod(stat.S_IWUSR)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_shapes, _content), min_size=1, max_size=4))
def test_generated_garbage_never_raises_and_the_good_deck_loads(
        entries: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "decks"
        folder.mkdir()
        (folder / "0good.yaml").write_text(GOOD)
        for i, (shape, content) in enumerate(entries):
            _make(folder / f"junk{i}.yaml", shape, content)
        paths = resolve_paths(root / "home")
        catalog = load_catalog(paths, [folder], context=ctx(), use_cache=True)
        good = catalog.deck("good")
        assert isinstance(good, Deck) and [c.id for c in good.cards] == ["a"]
        for deck in catalog.decks:
            for card in deck.cards:  # whatever loaded is usable: no float answers
                assert all(type(a) is int for a in card.answer)
                assert len(set(card.choices)) == len(card.choices)
                assert 0 not in card.cloze_numbers()
        for broken in catalog.broken:
            assert broken.errors and all(len(e.message) < 400 for e in broken.errors)
        again = load_catalog(paths, [folder], context=ctx(), use_cache=True)  # from the cache
        assert [d.id for d in again.decks] == [d.id for d in catalog.decks]
