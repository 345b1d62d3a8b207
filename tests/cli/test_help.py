"""`dlquiz --version`, `dlquiz --help`, and `--help` on every subcommand at every depth."""

from __future__ import annotations

import argparse

import pytest

from dlquiz import __version__
from dlquiz.cli import build_parser, main


def _command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    for action in parser._actions:  # argparse keeps subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from _command_paths(sub, (*prefix, name))


COMMANDS = sorted(set(_command_paths(build_parser())))


def test_every_issue_command_is_there() -> None:
    wanted = {("study",), ("decks", "list"), ("decks", "validate"), ("decks", "schema"),
              ("decks", "new"), ("exercises",), ("practice",), ("check",), ("solution",),
              ("stats",), ("db", "check"), ("db", "restore"), ("db", "rebuild"),
              ("export", "reviews"), ("import", "reviews"), ("export", "anki"),
              ("import", "anki-text")}
    assert wanted <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_exits_zero_and_shows_usage(command: tuple[str, ...],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert f"usage: dlquiz {' '.join(command)}" in capsys.readouterr().out


def test_version_and_top_level_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"dlquiz {__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "open the app" in " ".join(capsys.readouterr().out.split())


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "app"), [
    ([], True), (["--data-dir", "x"], True), (["--deck", "a", "--deck=b"], True),
    (["--data-dir=x", "--deck", "d"], True), (["stats"], False), (["--help"], False),
    (["--deck", "a", "decks", "list"], False), (["--version"], False),
])
def test_only_global_options_open_the_app(argv: list[str], app: bool) -> None:
    from dlquiz.cli import opens_app

    assert opens_app(argv) is app


@pytest.mark.parametrize("argv", [
    ["import", "reviews", "{dir}"],
    ["export", "reviews", "{dir}"],
    ["import", "anki-text", "{dir}", "--deck-id", "zz"],
    ["decks", "schema", "--output", "{dir}"],
])
def test_a_directory_where_a_file_is_expected_is_one_clear_line(
        argv: list[str], tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    code = main([a.format(dir=tmp_path) for a in argv])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("dlquiz: ") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and str(tmp_path) in err


def test_the_lazy_command_map_matches_what_the_modules_register() -> None:
    """``dlquiz check`` imports one command module; the map must name every subcommand."""
    import argparse
    import importlib

    from dlquiz.cli import COMMAND_HOMES, COMMAND_MODULES

    import importlib.util

    present = [n for n in COMMAND_MODULES if importlib.util.find_spec(f"dlquiz.commands.{n}")]
    found: dict[str, str] = {}
    for name in present:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(f"dlquiz.commands.{name}").register(sub)
        found.update({command: name for command in sub.choices})
    assert found == {k: v for k, v in COMMAND_HOMES.items() if v in present}
