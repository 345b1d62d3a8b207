"""Checks on the learner's source made with ``ast``, before anything runs.

These give the ``invalid`` verdict: a syntax error (with its line), a use of
a name the exercise forbids (``sorted``, ``.sort``, ``np.argsort``,
``import heapq`` ...), any use of ``dlquiz`` itself, a missing function, or
a function that cannot take the exercise's arguments positionally (names and
defaults are the learner's business, see :mod:`dlquiz.grading.calls`).
Forbidden names are matched as identifiers, attributes and imported module
or member names, plus string literals passed to ``getattr`` /
``__import__`` / ``import_module`` (the obvious ways around a name check).
"""

from __future__ import annotations

import ast
from collections.abc import Set as AbstractSet

from dlquiz.grading.calls import arity_problem, ast_arity, call_plan
from dlquiz.model import Exercise

_DYNAMIC_LOOKUPS = {"getattr", "__import__", "import_module", "hasattr", "attrgetter"}

#: A pseudo-name for ``forbidden``: refuses ``x ** 0.5``, ``x ** (1/3)`` and the
#: like (a constant, non-integer exponent), which no name check can see.
FRACTIONAL_POWER = "fractional-power"


def _constant_value(node: ast.AST) -> float | None:
    """The value of an exponent made only of numeric literals and arithmetic, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _constant_value(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    ops = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ops):
        left, right = _constant_value(node.left), _constant_value(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Pow):  # small literals only: no huge numbers at check time
            ok = abs(right) <= 64 and abs(left) <= 1e6 and (left > 0 or right.is_integer())
            return left ** right if ok and left != 0 else None
        if isinstance(node.op, ast.Div):
            return None if right == 0 else left / right
        if isinstance(node.op, ast.Add):
            return left + right
        return left - right if isinstance(node.op, ast.Sub) else left * right
    return None


def _fractional_constants(tree: ast.AST) -> set[str]:
    """Names ever assigned a constant, non-integer number (``h = 1 / 2``): an exponent
    held in a variable is as much a fractional power as a literal one."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            target, value_node = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            target, value_node = node.target.id, node.value
        else:
            continue
        value = _constant_value(value_node)
        if value is not None and not value.is_integer():
            names.add(target)
    return names


def _is_fractional(node: ast.AST, fractional_names: AbstractSet[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in fractional_names
    value = _constant_value(node)
    return value is not None and not value.is_integer()


def _fractional_power(node: ast.AST, fractional_names: AbstractSet[str] = frozenset()) -> bool:
    """``x ** 0.5``, ``x **= 1/3``, ``x ** h`` with ``h = 0.5``, ``x.__pow__(0.5)``."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        return _is_fractional(node.right, fractional_names)
    if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Pow):
        return _is_fractional(node.value, fractional_names)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("__pow__", "__rpow__", "__ipow__") and node.args):
        return _is_fractional(node.args[0], fractional_names)
    return False


def _parts(dotted: str) -> list[str]:
    return [p for p in dotted.split(".") if p]


def find_invalid(exercise: Exercise, source: str, n_args: int | None = None) -> str:
    """Why ``source`` cannot be graded, or ``""`` when it can.

    ``n_args`` is the most positional arguments any case passes (default: every
    parameter of the exercise's signature).
    """
    try:
        tree = ast.parse(source, filename="solution.py")
    except SyntaxError as exc:
        where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
        shown = (exc.text or "").rstrip()
        return f"syntax error on {where}: {exc.msg}" + (f"\n    {shown}" if shown else "")
    problem = _forbidden_use(tree, set(exercise.forbidden))
    if problem:
        return problem
    return _function_problem(tree, exercise, n_args)


def _own_names(tree: ast.AST) -> set[str]:
    """Names the learner's code defines itself: functions, classes and parameters.

    A helper ``def sort(lo, hi)`` inside a quicksort, or a parameter named ``norm``, is
    the learner's own code, not the library function the exercise forbids: a bare name
    that refers to it is no forbidden use. Attributes (``arr.sort``, ``np.sort``),
    imports and string look-ups are still refused, and the run-time guard still stands
    in for the real builtins and NumPy functions, whatever a learner's names shadow.
    """
    own: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            own.add(node.name)
        elif isinstance(node, ast.arg):
            own.add(node.arg)
    return own


def _forbidden_use(tree: ast.AST, forbidden: set[str]) -> str:
    fractional_names = _fractional_constants(tree) if FRACTIONAL_POWER in forbidden else set()
    own = _own_names(tree)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", "?")
        if FRACTIONAL_POWER in forbidden and _fractional_power(node, fractional_names):
            return (f"line {line}: a fractional power such as `** 0.5` is not allowed in this "
                    "exercise: the point is to compute it yourself")
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _parts(alias.name)[0] == "dlquiz":
                    return f"line {line}: solutions may not import dlquiz"
                bad = forbidden.intersection(_parts(alias.name))
                if bad:
                    return f"line {line}: `import {alias.name}` is not allowed in this exercise"
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if _parts(module)[:1] == ["dlquiz"]:
                return f"line {line}: solutions may not import dlquiz"
            names = {a.name for a in node.names}
            bad = forbidden.intersection(set(_parts(module)) | names)
            if bad:
                return (f"line {line}: importing `{min(bad)}` is not allowed in this "
                        "exercise: the point is to write it yourself")
        elif isinstance(node, ast.Name) and node.id in forbidden and node.id not in own:
            return (f"line {line}: `{node.id}` is not allowed in this exercise: "
                    "the point is to write it yourself")
        elif isinstance(node, ast.Attribute) and node.attr in forbidden:
            return (f"line {line}: `.{node.attr}` is not allowed in this exercise: "
                    "the point is to write it yourself")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else "")
            if name in _DYNAMIC_LOOKUPS:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        parts = set(_parts(arg.value))
                        if "dlquiz" in parts:
                            return f"line {line}: solutions may not import dlquiz"
                        if forbidden & parts:
                            return (f"line {line}: looking up `{arg.value}` is not allowed "
                                    "in this exercise")
    return ""


def _function_problem(tree: ast.Module, exercise: Exercise, n_args: int | None) -> str:
    name = exercise.function
    defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            and n.name == name]
    if not defs:
        if _binds_name(tree, name):
            return ""  # a lambda, class or import: the child checks what it accepts
        return (f"missing function `{name}`: define `def {exercise.signature}:` "
                "at the top level of your file")
    fn = defs[-1]
    if isinstance(fn, ast.AsyncFunctionDef):
        return f"line {fn.lineno}: `{name}` must be a regular function, not `async def`"
    if n_args is None:
        try:
            n_args = len(call_plan(exercise.signature).names)
        except ValueError:
            return ""
    problem = arity_problem(ast_arity(fn.args), n_args, name, exercise.signature)
    return f"line {fn.lineno}: wrong signature: {problem}" if problem else ""


def _binds_name(tree: ast.Module, name: str) -> bool:
    """True when a top-level statement other than ``def`` binds ``name`` (lambda, import...)."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return True
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                (a.asname or a.name.split(".")[0]) == name for a in node.names):
            return True
    return False
