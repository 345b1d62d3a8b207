"""``[keys]`` in config.toml: parsing (core), checking (tui/keymap.py), and the rebound app."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from dlquiz.config import KeyEntry, dump_settings, parse_settings
from dlquiz.errors import ConfigError
from dlquiz.tui.keymap import all_bindings, build_keymap, key_problem, unknown_ids
from tests.tui.conftest import until

ROOT = Path(__file__).resolve().parents[2]

CONFIG = """\
new_per_day = 5

[keys]
"home.study" = "l"
app.help = "h"
"review.grade_again" = "ctrl+shift+banana"
"home.stuyd" = "k"
"""


def test_keys_table_is_read_with_lines_and_written_back():
    settings = parse_settings(CONFIG)
    assert [(e.action, e.keys, e.line) for e in settings.keys] == [
        ("home.study", "l", 4), ("app.help", "h", 5),  # unquoted dotted id: the same id
        ("review.grade_again", "ctrl+shift+banana", 6), ("home.stuyd", "k", 7)]
    again = parse_settings(dump_settings(settings))
    assert again == settings and again.new_per_day == 5


def test_keys_must_be_a_table():
    with pytest.raises(ConfigError, match=r"config.toml:2: keys: expected a table"):
        parse_settings("new_per_day = 5\nkeys = 3\n")


@pytest.mark.parametrize(("keys", "problem"), [
    ("j", None), ("ctrl+j", None), ("f5,ctrl+r", None), ("question_mark", None), ("?", None),
    ("space", None), ("pageup", None),
    ("entr", "unknown key name 'entr' (did you mean 'enter'?)"),
    ("ctrl+shift+banana", "unknown key name 'banana'"),
    ("cmd+j", "unknown modifier 'cmd'"),
    ("ctrl+", "a key is missing"),
    (3, "expected a key name"), ("", "expected a key name"),
])  # fmt: skip
def test_key_names_are_checked(keys, problem):
    found = key_problem(keys)
    assert found is None if problem is None else problem in found


def test_bad_entries_are_one_line_errors_naming_the_line():
    entries = parse_settings(CONFIG).keys
    keymap, errors = build_keymap(entries, "config.toml")
    assert keymap == {"home.study": "l", "app.help": "h", "home.stuyd": "k"}
    assert errors == ['config.toml:6: keys."review.grade_again": \'ctrl+shift+banana\': unknown key '
                      "name 'banana'; the default key is kept"]
    unknown = unknown_ids(entries, all_bindings(), "config.toml")
    assert unknown == ['config.toml:7: keys."home.stuyd": unknown binding id '
                       "(did you mean 'home.study'?); ignored"]


def every_binding() -> list[tuple[str, object]]:
    """(where, binding) for every Binding in the BINDINGS of every class in dlquiz.tui."""
    import importlib
    import pkgutil

    import dlquiz.tui
    from textual.binding import Binding

    found = []
    for info in pkgutil.walk_packages(dlquiz.tui.__path__, "dlquiz.tui."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == module.__name__:
                for binding in vars(value).get("BINDINGS", ()):
                    if isinstance(binding, Binding):
                        found.append((f"{info.name}.{name} {binding.key!r}", binding))
    return found


def test_every_binding_has_a_unique_documented_id():
    bindings = every_binding()
    assert len(bindings) > 40
    missing = [where for where, binding in bindings if not binding.id]
    assert not missing, f"Binding without an id (a [keys] line could not rebind it): {missing}"
    owners: dict[str, str] = {}
    for where, binding in bindings:
        owner = where.split(" ")[0]
        assert owners.setdefault(binding.id, owner) == owner, f"{binding.id} used twice: {where}"
    docs = (ROOT / "docs" / "tui.md").read_text(encoding="utf-8")
    undocumented = sorted({b.id for _, b in bindings if f"`{b.id}`" not in docs})
    assert not undocumented, f"binding ids missing from docs/tui.md: {undocumented}"


async def test_rebound_keys_act_show_in_the_footer_and_help_and_bad_lines_are_reported(
        make_app, isolated_home):
    from dlquiz.tui.screens.help import HelpScreen
    from dlquiz.tui.screens.review import ReviewScreen

    (isolated_home / "config.toml").write_text(CONFIG, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one("#decks", DataTable).row_count > 0)
        await until(pilot, lambda: len(app._notifications) >= 2)  # the id check runs after paint
        messages = [n.message for n in app._notifications]
        config = str(isolated_home / "config.toml")
        assert any(m.startswith(f'{config}:6: keys."review.grade_again"') for m in messages)
        assert any(m.startswith(f'{config}:7: keys."home.stuyd": unknown binding id') for m in messages)
        footer = str(app.screen.query_one("KeyBar").render())
        assert " l Study deck " in footer and "⏎" not in footer and " h Keys " in footer
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        help_text = app.screen.query_one("Markdown").source
        assert "| `l` | Study deck | `home.study` |" in help_text
        assert "| `h` | Keys | `app.help` |" in help_text
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, HelpScreen))
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.state == "front")


def test_key_entry_line_is_not_part_of_the_setting():
    assert KeyEntry("home.study", "l", 3) == KeyEntry("home.study", "l", 9)


async def test_a_rebound_key_that_takes_another_bindings_key_is_reported_once(
        make_app, isolated_home):
    from tests.tui.conftest import start_deck

    (isolated_home / "config.toml").write_text('[keys]\n"review.reveal" = "b"\n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_deck(app, pilot)
        await pilot.press("b")  # now "show answer"; bury lost its key
        await until(pilot, lambda: screen.state == "revealed")
        await pilot.press("3")  # every key press meets the clash again: still one message
        await until(pilot, lambda: screen.state == "front")
        await until(pilot, lambda: any("alone" in n.message for n in app._notifications))
        clashes = [n.message for n in app._notifications if "alone" in n.message]
        config = str(isolated_home / "config.toml")
        assert clashes == [f"{config}:2: keys.\"review.reveal\": 'b' now belongs to it alone, so "
                           "`review.bury` no longer answers to 'b'; give `review.bury` a key of its "
                           "own in [keys]"]


def test_clashes_name_every_binding_that_loses_its_key():
    from dlquiz.tui.keymap import clashes

    entries = parse_settings('[keys]\n"review.bury" = "space"\n"review.reveal" = "r"\n').keys
    keymap, _ = build_keymap(entries, "config.toml")
    found = clashes(entries, keymap, "config.toml")
    # review.reveal moved away from space, so only review.next loses it
    assert found == ["config.toml:2: keys.\"review.bury\": 'space' now belongs to it alone, so "
                     "`review.next` no longer answers to 'space'; give `review.next` a key of its "
                     "own in [keys]"]
    assert clashes(entries[1:], build_keymap(entries[1:], "c")[0], "c") == []
