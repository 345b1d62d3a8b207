"""The architecture as a test: no import cycles, a core without UI toolkits, small modules.

The import graph is read from the source (an AST walk, no imports executed), with
every ``import`` statement counted wherever it sits (function-level "lazy" imports
too: a cycle hidden in a function is still a cycle), except those under
``if TYPE_CHECKING:``, which never run.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import dlquiz

PACKAGE_DIR = Path(dlquiz.__file__).resolve().parent
#: No module is longer than this (lines); there is no exemption: split it instead.
MAX_LINES = 400


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The dlquiz modules ``name`` imports (resolved to modules, not attributes)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    found.add(f"{base}.{alias.name}")
                elif base in modules:
                    found.add(base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(10_000, limit))  # deep import chains; restored for other tests
    try:
        for v in sorted(graph):
            if v not in index:
                strong(v)
    finally:
        sys.setrecursionlimit(limit)
    return out


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_cycle_finder_finds_a_planted_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_core_imports_no_ui_toolkit_even_lazily() -> None:
    """Outside ``tui/`` and the CLI shell (``cli``, ``commands/``) nothing imports textual/rich."""
    offenders = []
    for name, path in all_modules().items():
        if name.startswith(("dlquiz.tui", "dlquiz.commands", "dlquiz.cli")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            roots = []
            if isinstance(node, ast.Import):
                roots = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                roots = [node.module.split(".")[0]]
            offenders += [(name, r) for r in roots if r in {"textual", "rich"}]
    assert offenders == []


def test_core_modules_load_without_ui_toolkits() -> None:
    """Every core module, imported in a fresh interpreter, leaves textual/rich unloaded."""
    core = [m.name for m in pkgutil.walk_packages([str(PACKAGE_DIR)], "dlquiz.")
            if not m.name.startswith(("dlquiz.tui", "dlquiz.commands", "dlquiz.cli",
                                      "dlquiz.__main__", "dlquiz.grading.sandbox_runner"))]
    assert "dlquiz.study.session" in core and "dlquiz.store.database" in core
    code = (
        "import importlib, sys\n"
        f"for name in {core!r}:\n"
        "    importlib.import_module(name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_modules_stay_small() -> None:
    big = [(name, lines) for name, path in all_modules().items()
           if (lines := path.read_text(encoding="utf-8").count("\n")) > MAX_LINES]
    assert big == []


def test_packages_say_what_they_hold() -> None:
    """Each core package has a docstring naming where a change of its kind goes."""
    for package in ("decks", "study", "store", "interop", "grading", "numeric"):
        module = importlib.import_module(f"dlquiz.{package}")
        assert (module.__doc__ or "").strip(), package


def test_public_paths_a_user_deck_may_name_still_import() -> None:
    """User decks name these in ``reference:``, ``cases:`` and custom checkers (docs/grader.md)."""
    checkers = importlib.import_module("dlquiz.grading.checkers")
    assert hasattr(checkers, "CheckResult")
    for family in ("detection", "metrics", "conv", "sorting", "losses"):
        assert importlib.import_module(f"dlquiz.grading.reference.{family}")
        assert importlib.import_module(f"dlquiz.grading.cases.{family}")
    nms = importlib.import_module("dlquiz.grading.reference.detection").nms
    assert callable(nms)
