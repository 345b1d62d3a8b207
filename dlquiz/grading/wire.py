"""The sandbox's wire protocol, shared by the parent and the child runner.

Both sides use this one module, so they speak exactly the same format: the
parent imports it as :mod:`dlquiz.grading.wire`; the child
(:mod:`dlquiz.grading.sandbox_runner`, a standalone script that never
imports dlquiz) loads this file by path. It imports only the standard
library and NumPy.

Wire format: JSON where an ndarray is ``{"__nd__": dtype.str, "shape": [...],
"b64": base64(C-order bytes)}`` with dtype kinds restricted to
bool/int/uint/float/complex (never object, never pickle), a tuple is
``{"__tuple__": [...]}``, a NumPy scalar is ``{"__np__": dtype.str, "b64": ...}``,
a complex is ``{"__complex__": [re, im]}``, a str-keyed dict is
``{"__map__": {...}}``, and anything else the learner returns becomes
``{"__unsupported__": type name, "repr": short repr}`` so the parent can say
what came back without ever rebuilding the object.
"""

from __future__ import annotations

import base64
import math
from typing import Any

#: The first uid used for sandboxes when the parent runs as root; the
#: sandbox's uid is ``UID_BASE + its pid`` (unique among live processes).
UID_BASE = 1_500_000_000
#: Filename the learner's code is compiled under (shown in tracebacks).
SOLUTION_FILENAME = "solution.py"
#: Dtype kinds allowed across the boundary: bool, signed, unsigned, float, complex.
ALLOWED_KINDS = frozenset("biufc")
#: Largest array (in elements) either side accepts.
MAX_ELEMENTS = 50_000_000
#: Printing more than this many characters in total stops the run.
OUTPUT_HARD_LIMIT = 8 * 1024 * 1024
#: Largest encoded result (bytes) sent back for one case.
MAX_RESULT_BYTES = 64 * 1024 * 1024
#: Exit status when the learner printed too much.
EXIT_OUTPUT_LIMIT = 3


class WireError(ValueError):
    """Data that does not follow the wire format (or breaks its limits)."""


#: Largest int sent as a number (well under Python's 4300-digit str limit).
MAX_INT_BITS = 4096
#: Deepest nesting of lists/tuples/maps either side encodes or decodes.
MAX_DEPTH = 64


# --------------------------------------------------------------------- codec


def encode(value: Any, _depth: int = 0) -> Any:
    """``value`` as JSON-ready plain data (see the module docstring).

    Never raises on the learner's value: anything that cannot cross (an
    object dtype, a custom class, nesting deeper than :data:`MAX_DEPTH`)
    becomes an ``__unsupported__`` marker the parent can describe.
    """
    import numpy as np

    if value is None or isinstance(value, (bool, str)):
        return value if type(value) in (bool, str) or value is None else _unsupported(
            value, type(value).__name__)
    if type(value) is int:  # JSON's int text is capped (4300 digits): say so instead
        return value if value.bit_length() <= MAX_INT_BITS else _unsupported(
            value, f"int of {value.bit_length()} bits")
    if type(value) is float:
        return value
    if type(value) is complex:
        return {"__complex__": [value.real, value.imag]}
    if _depth >= MAX_DEPTH:
        return _unsupported(value, f"value nested deeper than {MAX_DEPTH} levels")
    if type(value) is np.ndarray:
        if value.dtype.kind not in ALLOWED_KINDS or value.dtype.fields is not None:
            return _unsupported(value, f"ndarray of dtype {value.dtype}")
        return {
            "__nd__": value.dtype.str,
            "shape": list(value.shape),
            "b64": base64.b64encode(np.ndarray.tobytes(value)).decode("ascii"),
        }
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        if value.dtype.kind not in ALLOWED_KINDS:
            return _unsupported(value, f"numpy scalar of dtype {value.dtype}")
        return {"__np__": value.dtype.str, "b64": base64.b64encode(value.tobytes()).decode()}
    if type(value) is tuple:
        return {"__tuple__": [encode(v, _depth + 1) for v in value]}
    if type(value) is list:
        return [encode(v, _depth + 1) for v in value]
    if type(value) is dict and all(type(k) is str for k in value):
        return {"__map__": {k: encode(v, _depth + 1) for k, v in value.items()}}
    return _unsupported(value, type(value).__name__)


def _unsupported(value: Any, kind: str) -> dict[str, str]:
    try:
        shown = object.__repr__(value)
    except Exception:  # noqa: BLE001 - a hostile object may break even this
        shown = "<unprintable>"
    return {"__unsupported__": kind, "repr": shown[:200]}


class Unsupported:
    """A value the learner returned that cannot cross the boundary."""

    def __init__(self, kind: str, shown: str) -> None:
        self.kind = kind
        self.shown = shown

    def __repr__(self) -> str:
        return f"<{self.kind} object>"


def decode(data: Any) -> Any:
    """Rebuild plain values from :func:`encode` output, refusing anything else.

    Total on any JSON value: malformed or hostile data (forged by the child)
    raises :class:`WireError` and nothing else.
    """
    try:
        return _decode(data, 0)
    except WireError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError,
            MemoryError) as exc:
        raise WireError(f"malformed data ({type(exc).__name__}: {exc})") from None


def _decode(data: Any, depth: int) -> Any:
    import numpy as np

    if data is None or type(data) in (bool, int, float, str):
        return data
    if depth > MAX_DEPTH:
        raise WireError(f"data nested deeper than {MAX_DEPTH} levels")
    if type(data) is list:
        return [_decode(v, depth + 1) for v in data]
    if type(data) is not dict:
        raise WireError(f"unexpected JSON value of type {type(data).__name__}")
    if "__nd__" in data:
        dtype = _safe_dtype(data["__nd__"])
        shape = data.get("shape")
        if type(shape) is not list or len(shape) > 32 or not all(
                type(n) is int and 0 <= n <= MAX_ELEMENTS for n in shape):
            raise WireError("array shape must be a list of non-negative ints")
        count = math.prod(shape)
        if count > MAX_ELEMENTS:
            raise WireError(f"array with {count} elements exceeds the limit")
        payload = data.get("b64", "")
        if type(payload) is not str:
            raise WireError("array payload must be base64 text")
        raw = base64.b64decode(payload, validate=True)
        if len(raw) != count * dtype.itemsize:
            raise WireError("array payload size does not match its shape and dtype")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if "__np__" in data:
        dtype = _safe_dtype(data["__np__"])
        payload = data.get("b64", "")
        raw = base64.b64decode(payload if type(payload) is str else "!", validate=True)
        if len(raw) != dtype.itemsize:
            raise WireError("numpy scalar payload has the wrong size")
        return np.frombuffer(raw, dtype=dtype)[0]
    if "__tuple__" in data:
        items = data["__tuple__"]
        if type(items) is not list:
            raise WireError("a tuple must hold a list")
        return tuple(_decode(v, depth + 1) for v in items)
    if "__complex__" in data:
        pair = data["__complex__"]
        if type(pair) is not list or len(pair) != 2 or not all(
                type(v) in (int, float) for v in pair):
            raise WireError("a complex must be [re, im]")
        return complex(float(pair[0]), float(pair[1]))
    if "__map__" in data:
        items = data["__map__"]
        if type(items) is not dict:
            raise WireError("a map must hold an object")
        return {str(k): _decode(v, depth + 1) for k, v in items.items()}
    if "__unsupported__" in data:
        return Unsupported(str(data["__unsupported__"])[:200], str(data.get("repr", ""))[:200])
    raise WireError("unknown tagged object")


def _safe_dtype(text: Any) -> Any:
    import numpy as np

    if type(text) is not str or len(text) > 8:
        raise WireError("bad dtype")
    try:
        dtype = np.dtype(text)
    except (TypeError, ValueError) as exc:
        raise WireError(f"bad dtype {text!r}") from exc
    if dtype.kind not in ALLOWED_KINDS or dtype.hasobject or dtype.fields is not None:
        raise WireError(f"dtype {dtype} is not allowed (only bool/int/uint/float/complex)")
    return dtype


# ----------------------------------------------------------- fingerprints


def make_fingerprint() -> Any:
    """A function ``value -> str`` that changes whenever a decoded argument is mutated.

    Used for the in-place mutation check: the child fingerprints each argument
    after the call, the parent compares with the fingerprint of what it sent.
    The child builds its copy before the learner's code runs, so everything it
    uses is bound here (C-level hashing, type-level methods), and shadowing
    ``json``, ``hashlib`` or NumPy names afterwards does not change it. Only
    exact wire types count (a substituted subclass is a mutation).
    """
    import numpy as np

    try:
        from _blake2 import blake2b as hasher
    except ImportError:  # pragma: no cover - every CPython build has _blake2
        from hashlib import sha256 as hasher
    tobytes, ndarray, generic = np.ndarray.tobytes, np.ndarray, np.generic
    float_hex, int_repr, str_encode = float.hex, int.__repr__, str.encode
    exact = type

    def walk(value: Any, feed: Any, depth: int) -> None:
        kind = exact(value)
        if depth > MAX_DEPTH:
            feed(b"deep")
        elif kind is ndarray:
            feed(str_encode(f"nd{value.dtype.str}{value.shape}", "utf-8"))
            feed(tobytes(value))
        elif kind is list or kind is tuple:
            feed(b"[" if kind is list else b"(")
            feed(str_encode(int_repr(len(value)), "utf-8"))
            for item in value:
                walk(item, feed, depth + 1)
            feed(b"]")
        elif kind is dict:
            feed(b"{")
            for key in value:
                walk(key, feed, depth + 1)
                walk(value[key], feed, depth + 1)
            feed(b"}")
        elif kind is float:
            feed(b"f" + str_encode(float_hex(value), "ascii"))
        elif kind is int:
            feed(b"i" + str_encode(int_repr(value), "ascii"))
        elif kind is bool or value is None:
            feed(b"T" if value is True else b"F" if value is False else b"N")
        elif kind is str:
            feed(b"s" + str_encode(value, "utf-8", "surrogatepass"))
        elif kind is complex:
            feed(b"c" + str_encode(float_hex(value.real) + float_hex(value.imag), "ascii"))
        elif isinstance(value, generic) and exact(value).__module__ == "numpy":
            feed(str_encode(f"np{value.dtype.str}", "utf-8") + value.tobytes())
        else:
            feed(b"?" + str_encode(exact(value).__name__, "utf-8"))
        feed(b";")

    def fingerprint(value: Any) -> str:
        digest = hasher()
        walk(value, digest.update, 0)
        return str(digest.hexdigest())

    return fingerprint
