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


# --------------------------------------------------------------------- codec


def encode(value: Any) -> Any:
    """``value`` as JSON-ready plain data (see the module docstring)."""
    import numpy as np

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, complex):
        return {"__complex__": [value.real, value.imag]}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in ALLOWED_KINDS:
            return _unsupported(value, f"ndarray of dtype {value.dtype}")
        arr = np.ascontiguousarray(value)
        return {
            "__nd__": arr.dtype.str,
            "shape": list(arr.shape),
            "b64": base64.b64encode(arr.tobytes()).decode("ascii"),
        }
    if isinstance(value, np.generic):
        if value.dtype.kind not in ALLOWED_KINDS:
            return _unsupported(value, f"numpy scalar of dtype {value.dtype}")
        return {"__np__": value.dtype.str, "b64": base64.b64encode(value.tobytes()).decode()}
    if type(value) is tuple:
        return {"__tuple__": [encode(v) for v in value]}
    if type(value) is list:
        return [encode(v) for v in value]
    if type(value) is dict and all(type(k) is str for k in value):
        return {"__map__": {k: encode(v) for k, v in value.items()}}
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
    """Rebuild plain values from :func:`encode` output, refusing anything else."""
    import numpy as np

    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        raise WireError(f"unexpected JSON value of type {type(data).__name__}")
    if "__nd__" in data:
        dtype = _safe_dtype(data["__nd__"])
        shape = data.get("shape")
        if not isinstance(shape, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
        ):
            raise WireError("array shape must be a list of non-negative ints")
        count = math.prod(shape)
        if count > MAX_ELEMENTS:
            raise WireError(f"array with {count} elements exceeds the limit")
        raw = base64.b64decode(data.get("b64", ""), validate=True)
        if len(raw) != count * dtype.itemsize:
            raise WireError("array payload size does not match its shape and dtype")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if "__np__" in data:
        dtype = _safe_dtype(data["__np__"])
        raw = base64.b64decode(data.get("b64", ""), validate=True)
        if len(raw) != dtype.itemsize:
            raise WireError("numpy scalar payload has the wrong size")
        return np.frombuffer(raw, dtype=dtype)[0]
    if "__tuple__" in data:
        return tuple(decode(v) for v in data["__tuple__"])
    if "__complex__" in data:
        re_part, im_part = data["__complex__"]
        return complex(float(re_part), float(im_part))
    if "__map__" in data:
        return {str(k): decode(v) for k, v in data["__map__"].items()}
    if "__unsupported__" in data:
        return Unsupported(str(data["__unsupported__"]), str(data.get("repr", "")))
    raise WireError("unknown tagged object")


def _safe_dtype(text: Any) -> Any:
    import numpy as np

    if not isinstance(text, str) or len(text) > 8:
        raise WireError("bad dtype")
    try:
        dtype = np.dtype(text)
    except TypeError as exc:
        raise WireError(f"bad dtype {text!r}") from exc
    if dtype.kind not in ALLOWED_KINDS or dtype.hasobject or dtype.fields is not None:
        raise WireError(f"dtype {dtype} is not allowed (only bool/int/uint/float/complex)")
    return dtype
