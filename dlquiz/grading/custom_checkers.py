"""Checkers for results that cannot be compared with one reference output.

A custom checker has the signature of the built-in ones in
:mod:`dlquiz.grading.checkers`, ``check(options, expected, got, case) ->
CheckResult``, and is named in an exercise as ``module:function``; ``options``
are the other keys of the exercise's ``checker:`` mapping.

``check_dropout`` grades a *random* output. It ignores ``expected`` (the
reference's own draw) and tests ``got`` against the case's inputs:

* shape and dtype equal to ``x``'s (dropout must not upcast float32);
* eval mode, or ``p = 0``: ``got`` equals ``x``; ``p = 1``: all zeros;
* otherwise every element is either 0 or ``x / (1 − p)`` (allclose), and the
  number of dropped elements — among those with ``x ≠ 0``, where a drop is
  visible — is within ``sigmas`` binomial standard deviations of ``n·p``, both
  overall and in each of ``chunks`` contiguous slices of the flattened array
  (so "drop the first p·n elements" fails even though its total is right).

With 5 sigmas a correct solution fails a case with probability below 1e-6.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from dlquiz.grading.case import Case
from dlquiz.grading.checkers import CheckResult, as_array, describe

DEFAULT_SIGMAS = 5.0
DEFAULT_CHUNKS = 4


def _binomial_ok(drops: int, n: int, p: float, sigmas: float) -> tuple[bool, str]:
    """Whether ``drops`` out of ``n`` Bernoulli(p) trials is plausible at ``sigmas``."""
    mean = n * p
    bound = sigmas * math.sqrt(n * p * (1.0 - p)) + 1.0
    ok = abs(drops - mean) <= bound
    return ok, f"{drops} of {n} elements dropped, expected {mean:.0f} ± {bound:.0f} for p={p}"


def check_dropout(
    options: Mapping[str, Any], expected: Any, got: Any, case: Case
) -> CheckResult:
    """Statistical check of an inverted-dropout output (see module docstring)."""
    x = np.asarray(case.args["x"])
    p = float(case.args.get("p", 0.5))
    training = bool(case.args.get("training", True))
    sigmas = float(options.get("sigmas", DEFAULT_SIGMAS))
    chunks = int(options.get("chunks", DEFAULT_CHUNKS))
    rtol = float(options.get("rtol", 1e-6 if x.dtype == np.float32 else 1e-12))
    atol = float(options.get("atol", 1e-7 if x.dtype == np.float32 else 1e-12))

    out = as_array(got)
    if out is None:
        return CheckResult(False, f"expected an array like x ({x.dtype}, shape {x.shape}), "
                                  f"got {describe(got)}")
    if out.shape != x.shape:
        return CheckResult(False, f"expected shape {x.shape}, got {out.shape}")
    if out.dtype != x.dtype:
        return CheckResult(False, f"expected dtype {x.dtype} (same as x), got {out.dtype}")
    if not np.all(np.isfinite(out)):
        return CheckResult(False, "output contains NaN or inf")

    if not training or p == 0.0:
        if np.allclose(out, x, rtol=rtol, atol=atol):
            return CheckResult(True, "")
        why = "eval mode" if not training else "p = 0"
        return CheckResult(False, f"{why}: the output must equal x unchanged")
    if p == 1.0:
        if np.all(out == 0):
            return CheckResult(True, "")
        return CheckResult(False, "p = 1: every element must be dropped (all zeros)")

    kept_value = x / (1.0 - p)
    is_zero = out == 0
    is_kept = np.isclose(out, kept_value, rtol=rtol, atol=atol)
    bad = ~(is_zero | is_kept)
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        return CheckResult(
            False,
            f"element {idx} is {out[idx]!r}: a kept element must be x / (1 - p) = "
            f"{kept_value[idx]!r} (inverted dropout scales survivors), a dropped one 0",
        )

    visible = (x != 0).ravel()
    dropped = (is_zero & ~is_kept).ravel()[visible]
    ok, msg = _binomial_ok(int(dropped.sum()), int(dropped.size), p, sigmas)
    if not ok:
        return CheckResult(False, f"wrong drop rate: {msg}")
    if dropped.size >= chunks * 100:
        for i, part in enumerate(np.array_split(dropped, chunks)):
            ok, msg = _binomial_ok(int(part.sum()), int(part.size), p, sigmas)
            if not ok:
                return CheckResult(
                    False,
                    f"drops are not independent of position: in slice {i + 1}/{chunks} "
                    f"of the flattened array, {msg}",
                )
    return CheckResult(True, "")
