"""Audit of the norms and the square roots (group B, part 2): fair verdicts that cannot be fooled.

Per exercise (issues 10 and 14): an independently written correct solution, in another
style than the reference (Welford's variance, loops per channel or per element, other
parameter names, Python lists returned, another scaling and start for the roots),
passes every case; and at least three classic mistakes each fail, **first** on the case
named for the clause they break. Run in-process through
:func:`audit_b_support.graded_failures`, which judges as the sandboxed grader does.
"""

from __future__ import annotations

import pytest
from audit_b_support import (
    assert_independent_passes,
    assert_mistake_caught_first,
    assert_tables_complete,
    graded_failures,
    mutate,
)

from dlquiz.grading.registry import bundled_exercises
from dlquiz.model import Exercise

IDS = ["layer-norm", "batch-norm-train", "batch-norm-eval", "sqrt-gradient-descent",
       "sqrt-newton"]


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


INDEPENDENT: dict[str, str] = {
    # Welford's one-pass variance per row (the stable one-pass form), a nested list back.
    "layer-norm": '''
import math
import numpy as np
def layer_norm(inp, shape, w=None, b=None, eps=1e-5):
    inp = np.asarray(inp, dtype=np.float64)
    dims = [shape] if isinstance(shape, int) else list(shape)
    n = int(np.prod(dims))
    rows = inp.reshape(-1, n)
    out = np.empty_like(rows)
    for r, row in enumerate(rows):
        mean, m2 = 0.0, 0.0
        for k, v in enumerate(row.tolist(), start=1):
            delta = v - mean
            mean += delta / k
            m2 += delta * (v - mean)
        inv = 1.0 / math.sqrt(m2 / n + eps)
        out[r] = [(v - mean) * inv for v in row.tolist()]
    out = out.reshape(inp.shape)
    if w is not None:
        out = out * np.asarray(w)
    if b is not None:
        out = out + np.asarray(b)
    return out.tolist()
''',
    # Channels moved first and flattened, a loop per channel, lists for the running stats.
    "batch-norm-train": '''
import numpy as np
def batch_norm_train(inp, w, b, rm, rv, mom=0.1, eps=1e-5):
    inp = np.asarray(inp, dtype=np.float64)
    c = inp.shape[1]
    per_channel = np.moveaxis(inp, 1, 0).reshape(c, -1)
    n = per_channel.shape[1]
    out = np.empty_like(per_channel)
    new_mean, new_var = [], []
    for k in range(c):
        v = per_channel[k]
        mu = v.sum() / n
        ss = ((v - mu) ** 2).sum()
        out[k] = (v - mu) / np.sqrt(ss / n + eps) * w[k] + b[k]
        new_mean.append(mom * mu + (1 - mom) * rm[k])
        new_var.append(mom * ss / (n - 1) + (1 - mom) * rv[k])
    moved = out.reshape((c, inp.shape[0]) + inp.shape[2:])
    return np.moveaxis(moved, 0, 1), new_mean, new_var
''',
    "batch-norm-eval": '''
import math
import numpy as np
def batch_norm_eval(inp, scale, shift, mu, var, eps=1e-5):
    inp = np.asarray(inp, dtype=np.float64)
    out = np.empty(inp.shape)
    for idx in np.ndindex(*inp.shape):
        c = idx[1]
        out[idx] = (inp[idx] - mu[c]) / math.sqrt(var[c] + eps) * scale[c] + shift[c]
    return out
''',
    # Scaled into [0.25, 1) by powers of 4 (the reference uses [1, 4)), started below the
    # root, stopped when the step vanishes.
    "sqrt-gradient-descent": '''
def sqrt_gradient_descent(v):
    if v == 0:
        return 0.0
    k, m = 0, v
    while m >= 1.0:
        m, k = m * 0.25, k + 1
    while m < 0.25:
        m, k = m * 4.0, k - 1
    x, lr = 0.5, 1.0 / (8.0 * m)
    for _ in range(200):
        step = lr * 4.0 * x * (x * x - m)
        if step == 0.0:
            break
        x -= step
    factor = 2.0 ** k if k >= 0 else 1.0 / 2.0 ** (-k)
    return x * factor
''',
    # Started at a power of two above the root (found by doubling), not at max(a, 1).
    "sqrt-newton": '''
def sqrt_newton(value):
    if value <= 0.0:
        return 0.0
    guess = 1.0
    while guess * guess < value:
        guess *= 2.0
    while guess * 0.5 * guess * 0.5 >= value:
        guess *= 0.5
    prev = None
    while prev is None or guess < prev:
        prev, guess = guess, (guess + value / guess) / 2.0
    return prev
''',
}

# Correct templates; each mistake below is one change to one of them.
_LN = '''
import numpy as np
def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
'''
_BN = '''
import numpy as np
def batch_norm_train(x, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    n = x.size // x.shape[1]
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    y = y * gamma.reshape(shape) + beta.reshape(shape)
    unbiased = var * n / (n - 1)
    new_mean = (1 - momentum) * running_mean + momentum * mean
    new_var = (1 - momentum) * running_var + momentum * unbiased
    return y, new_mean, new_var
'''
_BN_EVAL = '''
import numpy as np
def batch_norm_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    y = (x - running_mean.reshape(shape)) / np.sqrt(running_var.reshape(shape) + eps)
    return y * gamma.reshape(shape) + beta.reshape(shape)
'''
_NEWTON = '''
def sqrt_newton(a):
    if a == 0:
        return 0.0
    x = max(float(a), 1.0)
    while True:
        x_new = 0.5 * (x + a / x)
        if x_new >= x:
            return x
        x = x_new
'''
_GD = '''
def sqrt_gradient_descent(a):
    if a == 0:
        return 0.0
    m, scale = float(a), 1.0
    while m >= 4.0:
        m /= 4.0
        scale *= 2.0
    while m < 1.0:
        m *= 4.0
        scale /= 2.0
    lr = 1.0 / (8.0 * m)
    x = 1.0
    for _ in range(100):
        x_new = x - lr * 4.0 * x * (x * x - m)
        if x_new <= x:
            break
        x = x_new
    return x * scale
'''
TEMPLATES = {"layer-norm": _LN, "batch-norm-train": _BN, "batch-norm-eval": _BN_EVAL,
             "sqrt-gradient-descent": _GD, "sqrt-newton": _NEWTON}

_FIXED_LR = '''
def sqrt_gradient_descent(a):
    if a == 0:
        return 0.0
    x, lr = 1.0, 0.01
    for _ in range(20000):
        x = x - lr * 4 * x * (x * x - a)
    return x
'''
_ABS_TOL = '''
def sqrt_newton(a):
    if a == 0:
        return 0.0
    x = max(a, 1.0)
    for _ in range(5000):
        x_new = 0.5 * (x + a / x)
        if abs(x_new - x) < 1e-12:
            return x_new
        x = x_new
    return x
'''

_HUGE = "a = 1e300 (huge: x² of a large iterate overflows; ~500 halvings from x = a)"

#: exercise id -> [(the mistake, the case it must fail first, its source)].
MISTAKES: dict[str, list[tuple[str, str, str]]] = {
    "layer-norm": [
        ("unbiased variance (ddof=1)", "biased variance, divide by n (1-D input, one sample)",
         mutate(_LN, "((x - mean) ** 2).mean(axis=axes, keepdims=True)",
                "x.var(axis=axes, ddof=1, keepdims=True)")),
        ("statistics over the leading axes (the batch)",
         "statistics per sample (the trailing axis), not over the batch",
         mutate(_LN, "tuple(range(x.ndim - len(shape), x.ndim))", "tuple(range(len(shape)))")),
        ("eps outside the square root", "tiny variance: eps inside the square root",
         mutate(_LN, "np.sqrt(var + eps)", "(np.sqrt(var) + eps)")),
        ("always the last axis only", "normalise over the last two axes",
         mutate(_LN, "tuple(range(x.ndim - len(shape), x.ndim))", "(-1,)")),
        ("one-pass E[x²] − E[x]²", "large common offset 1e6 (E[x²] − E[x]² loses precision)",
         mutate(_LN, "((x - mean) ** 2).mean(axis=axes, keepdims=True)",
                "(x ** 2).mean(axis=axes, keepdims=True) - mean ** 2")),
        ("weight applied only together with bias", "weight without bias",
         mutate(_LN, "    if weight is not None:\n        y = y * weight\n"
                     "    if bias is not None:\n        y = y + bias\n",
                "    if weight is not None and bias is not None:\n"
                "        y = y * weight + bias\n")),
        ("bias applied only together with weight", "bias without weight",
         mutate(_LN, "    if bias is not None:\n",
                "    if bias is not None and weight is not None:\n")),
        ("an int normalized_shape not accepted", "normalized_shape as an int D means [D]",
         mutate(_LN, "(normalized_shape,) if isinstance(normalized_shape, int) else ", "")),
    ],
    "batch-norm-train": [
        ("unbiased variance to normalise",
         "y uses the biased batch variance (momentum 0, running stats = the batch's)",
         mutate(mutate(_BN, "x.var(axis=axes)", "x.var(axis=axes, ddof=1)"),
                "unbiased = var * n / (n - 1)", "unbiased = var")),
        ("biased variance in the running estimate",
         "running_var is updated with the unbiased variance (n − 1), momentum 0.5",
         mutate(_BN, "unbiased = var * n / (n - 1)", "unbiased = var")),
        ("momentum as the weight of the old value (EMA-decay convention)",
         "momentum weights the new batch statistic (torch), momentum 0.1",
         mutate(mutate(_BN, "(1 - momentum) * running_mean + momentum * mean",
                       "momentum * running_mean + (1 - momentum) * mean"),
                "(1 - momentum) * running_var + momentum * unbiased",
                "momentum * running_var + (1 - momentum) * unbiased")),
        ("statistics per channel and position (axis 0 only)",
         "NCHW: per-channel statistics over all N·H·W values",
         mutate(mutate(_BN, "    mean, var = x.mean(axis=axes), x.var(axis=axes)\n"
                            "    y = (x - mean.reshape(shape)) / "
                            "np.sqrt(var.reshape(shape) + eps)\n",
                       "    m0, v0 = x.mean(axis=0), x.var(axis=0)\n"
                       "    y = (x - m0) / np.sqrt(v0 + eps)\n"
                       "    mean = m0.reshape(x.shape[1], -1).mean(1)\n"
                       "    var = v0.reshape(x.shape[1], -1).mean(1)\n"),
                "n = x.size // x.shape[1]", "n = x.shape[0]")),
        ("unbiased correction with n = N, not N·H·W",
         "NCHW: per-channel statistics over all N·H·W values",
         mutate(_BN, "n = x.size // x.shape[1]", "n = x.shape[0]")),
    ],
    "batch-norm-eval": [
        ("beta added before gamma scales",
         "gamma scales, beta shifts (running stats = this batch's)",
         mutate(_BN_EVAL, "return y * gamma.reshape(shape) + beta.reshape(shape)",
                "return (y + beta.reshape(shape)) * gamma.reshape(shape)")),
        ("batch statistics in eval mode", "running statistics, never the batch's",
         mutate(_BN_EVAL, "(x - running_mean.reshape(shape)) / "
                          "np.sqrt(running_var.reshape(shape) + eps)",
                "(x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)")),
        ("(C,) vectors broadcast over the last axis", "NCHW: the channel axis is 1",
         mutate(_BN_EVAL, "shape = (1, -1) + (1,) * (x.ndim - 2)", "shape = (-1,)")),
    ],
    "sqrt-gradient-descent": [
        ("one fixed step size", "a = 1e-8 (tiny)", _FIXED_LR),
        ("descending at a = 0 too (crawls like 1/√t)", "a = 0 (must return 0 exactly)",
         mutate(_GD, "    if a == 0:\n        return 0.0\n",
                "    if a == 0:\n        x = 1.0\n        for _ in range(1000):\n"
                "            x = x - 0.1 * 4 * x * x * x\n        return x\n")),
        ("scaled by 2 with a rounded √2", _HUGE,
         mutate(mutate(_GD, "m /= 4.0\n        scale *= 2.0",
                       "m /= 2.0\n        scale *= 1.41421356"),
                "m *= 4.0\n        scale /= 2.0", "m *= 2.0\n        scale /= 1.41421356")),
    ],
    "sqrt-newton": [
        ("started at 0", "a = 1", mutate(_NEWTON, "x = max(float(a), 1.0)", "x = 0.0")),
        ("started at a (below the root when a < 1)", "a = 0.25 (root larger than a)",
         mutate(_NEWTON, "x = max(float(a), 1.0)", "x = float(a)")),
        ("no special case for a = 0 (0 / 0)", "a = 0 (must return 0 exactly)",
         mutate(_NEWTON, "    if a == 0:\n        return 0.0\n", "")),
        ("a fixed 40 steps", _HUGE,
         mutate(_NEWTON, "    while True:\n        x_new = 0.5 * (x + a / x)\n"
                         "        if x_new >= x:\n            return x\n        x = x_new\n",
                "    for _ in range(40):\n        x = 0.5 * (x + a / x)\n    return x\n")),
        ("an absolute stopping tolerance",
         "a = 1e-300 (root 1e-150: an absolute stopping tolerance stops far too early)", _ABS_TOL),
    ],
}

MISTAKE_PARAMS = [(eid, label, first, src) for eid, items in MISTAKES.items()
                  for label, first, src in items]


@pytest.mark.parametrize("exercise_id", IDS)
def test_an_independent_correct_solution_passes(exercises: dict[str, Exercise],
                                                exercise_id: str) -> None:
    assert_independent_passes(exercises[exercise_id], INDEPENDENT[exercise_id])


@pytest.mark.parametrize(("exercise_id", "label", "first", "source"), MISTAKE_PARAMS,
                         ids=[f"{m[0]}:{m[1][:40]}" for m in MISTAKE_PARAMS])
def test_classic_mistake_fails_first_on_its_named_case(exercises: dict[str, Exercise],
                                                      exercise_id: str, label: str, first: str,
                                                      source: str) -> None:
    assert_mistake_caught_first(exercises[exercise_id], source, first, label)


def test_every_exercise_has_three_mistakes_and_the_templates_are_correct(
        exercises: dict[str, Exercise]) -> None:
    assert_tables_complete(exercises, IDS, MISTAKES, INDEPENDENT, TEMPLATES)
