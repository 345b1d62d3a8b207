"""How the grader calls a learner's function: positionally, in the exercise signature's order.

A judge a learner knows calls ``f(a, b)``, never ``f(a=..., b=...)``: the
parameter *names* (and the defaults of parameters a case does not pass) are
the learner's business. So a case's keyword arguments become a positional
list in the order of the exercise's ``signature``:

* the list stops at the last parameter the case passes (later ones are left
  to the learner's own defaults, which the prompt's signature documents);
* a parameter the case skips *before* that one is filled with the default
  written in the exercise's signature (``eps=1e-5``), which must then be a
  Python literal;
* a case argument the signature does not name is an exercise bug.

:func:`arity_problem` turns "how many positional arguments does the
learner's function accept" into the one ``invalid`` message a learner can
act on, whether that information came from the AST (a top-level ``def``) or
from the child process (any other callable).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_NO_DEFAULT = object()


@dataclass(frozen=True)
class CallPlan:
    """The exercise's parameters in order, with their literal defaults (if any)."""

    names: tuple[str, ...]
    defaults: tuple[Any, ...]

    def positional(self, args: Mapping[str, Any]) -> list[Any]:
        """``args`` (a case's keyword arguments) as a positional list (see module docstring)."""
        unknown = [name for name in args if name not in self.names]
        if unknown:
            raise ValueError(f"case argument {unknown[0]!r} is not a parameter of "
                             f"{self.render()}")
        last = max((self.names.index(name) for name in args), default=-1)
        values: list[Any] = []
        for name, default in zip(self.names[:last + 1], self.defaults):
            if name in args:
                values.append(args[name])
            elif default is _NO_DEFAULT:
                raise ValueError(f"a case skips {name!r}, which has no literal default in "
                                 f"{self.render()}")
            else:
                values.append(default)
        return values

    def index(self, name: str) -> int:
        """Position of parameter ``name`` (``-1`` when it is not one)."""
        return self.names.index(name) if name in self.names else -1

    def render(self) -> str:
        return "(" + ", ".join(self.names) + ")"


@functools.lru_cache(maxsize=256)
def call_plan(signature: str) -> CallPlan:
    """Parse ``"nms(boxes, scores, iou_threshold=0.5)"`` into a :class:`CallPlan`."""
    try:
        node = ast.parse(f"def {signature}: pass").body[0]
    except SyntaxError as exc:
        raise ValueError(f"exercise signature {signature!r} is not valid Python") from exc
    assert isinstance(node, ast.FunctionDef)
    params = [*node.args.posonlyargs, *node.args.args]
    names = tuple(a.arg for a in params)
    literal: list[Any] = [_NO_DEFAULT] * (len(params) - len(node.args.defaults))
    for default in node.args.defaults:
        try:
            literal.append(ast.literal_eval(default))
        except ValueError:
            literal.append(_NO_DEFAULT)
    return CallPlan(names=names, defaults=tuple(literal))


@dataclass(frozen=True)
class Arity:
    """What a callable accepts: positional slots, ``*args``, required ones."""

    positional: int
    varargs: bool
    required: int
    required_kwonly: tuple[str, ...] = ()


def arity_problem(arity: Arity, n_args: int, name: str, signature: str) -> str:
    """Why a function with ``arity`` cannot be called with ``n_args`` positional arguments."""
    plural = "s" if n_args != 1 else ""
    if arity.required_kwonly:
        shown = ", ".join(f"`{k}`" for k in arity.required_kwonly)
        return (f"`{name}` has required keyword-only parameter{'s' if len(arity.required_kwonly) > 1 else ''} "
                f"{shown}: the grader calls it with {n_args} positional argument{plural}, as in "
                f"`{signature}` (give them defaults or make them positional)")
    if not arity.varargs and arity.positional < n_args:
        return (f"`{name}` must accept {n_args} positional argument{plural}, as in "
                f"`{signature}`; yours accepts {arity.positional}")
    if arity.required > n_args:
        return (f"`{name}` requires {arity.required} positional arguments, but the grader "
                f"passes {n_args}, as in `{signature}`")
    return ""


def ast_arity(args: ast.arguments) -> Arity:
    """The :class:`Arity` of a ``def`` from its AST."""
    positional = len(args.posonlyargs) + len(args.args)
    required_kwonly = tuple(a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None)
    return Arity(positional=positional, varargs=args.vararg is not None,
                 required=positional - len(args.defaults), required_kwonly=required_kwonly)


def reported_arity_problem(arity: Any, n_args: int, name: str, signature: str) -> str:
    """:func:`arity_problem` for what the child reported (``None``: not a plain function)."""
    if not isinstance(arity, dict):
        return ""
    try:
        parsed = Arity(positional=int(arity["positional"]), varargs=bool(arity["varargs"]),
                       required=int(arity["required"]),
                       required_kwonly=tuple(str(k) for k in arity["required_kwonly"]))
    except (KeyError, TypeError, ValueError):
        return ""
    return arity_problem(parsed, n_args, name, signature)
