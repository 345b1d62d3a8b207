"""Audit of GELU, the losses and EM (group B, part 1): fair verdicts that cannot be fooled.

Per exercise (issues 10 and 14): an independently written correct solution, in another
style than the reference (scalar loops, math.erfc, log-sigmoid, EM per component with
np.logaddexp, Python lists returned, other parameter names), passes every case; and at
least three classic mistakes each fail, **first** on the case named for the clause they
break. Run in-process through :func:`audit_b_support.graded_failures`, which judges as
the sandboxed grader does (positional call, the wire, the mutation check, the checker).
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

IDS = ["gelu", "gelu-tanh", "softmax-cross-entropy", "focal-loss", "em-gmm-1d"]


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


INDEPENDENT: dict[str, str] = {
    # math.erfc (accurate for negative x) in a scalar loop, other parameter name.
    "gelu": '''
import math
import numpy as np
def gelu(values):
    arr = np.asarray(values, dtype=np.float64)
    flat = [0.5 * v * math.erfc(-v / math.sqrt(2.0)) for v in arr.ravel().tolist()]
    return np.fromiter(flat, dtype=np.float64, count=arr.size).reshape(arr.shape)
''',
    "gelu-tanh": '''
import math
import numpy as np
def gelu_tanh(v):
    v = np.asarray(v)
    c = math.sqrt(2 / math.pi)
    out = np.empty(v.shape)
    for i, s in np.ndenumerate(v):
        s = float(s)
        out[i] = s * 0.5 * (1.0 + math.tanh(c * s + c * 0.044715 * s * s * s))
    return out
''',
    # Row by row in Python floats, fsum, a list for reduction='none', a float otherwise.
    "softmax-cross-entropy": '''
import math
import numpy as np
def softmax_cross_entropy(scores, labels, how="mean"):
    per = []
    for row, y in zip(np.asarray(scores).tolist(), np.asarray(labels).tolist()):
        top = max(row)
        lse = top + math.log(sum(math.exp(v - top) for v in row))
        per.append(lse - row[int(y)])
    if how == "none":
        return per
    total = math.fsum(per)
    return total if how == "sum" else total / len(per)
''',
    # Log-sigmoid per element, BCE from log p and log(1 - p), alpha_t applied first.
    "focal-loss": '''
import math
import numpy as np
def focal_loss(z, y, a=0.25, g=2.0, red="none"):
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    out = np.empty(z.shape)
    for i in np.ndindex(*z.shape):
        x, t = float(z[i]), float(y[i])
        log_p = -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))
        log_q = log_p - x                                   # log(1 - p)
        p = math.exp(log_p)
        w = 1.0 if a < 0 else a * t + (1 - a) * (1 - t)
        bce = -(t * log_p + (1 - t) * log_q)
        out[i] = w * bce * (1 - (p * t + (1 - p) * (1 - t))) ** g
    if red == "sum":
        return out.sum()
    if red == "mean":
        return out.mean()
    return out
''',
    # One component at a time, np.logaddexp.reduce for the normaliser (no max shift).
    "em-gmm-1d": '''
import numpy as np
def em_gmm_1d(data, mu, var, w, steps, reg=1e-6):
    x = np.asarray(data, dtype=float)
    mu, var, w = (np.array(v, dtype=float) for v in (mu, var, w))
    k = len(mu)
    for _ in range(steps):
        logs = np.stack([np.log(w[j]) - 0.5 * np.log(2 * np.pi * var[j])
                         - (x - mu[j]) ** 2 / (2 * var[j]) for j in range(k)], axis=1)
        r = np.exp(logs - np.logaddexp.reduce(logs, axis=1, keepdims=True))
        for j in range(k):
            nk = r[:, j].sum()
            mu[j] = (r[:, j] * x).sum() / nk
            var[j] = (r[:, j] * (x - mu[j]) ** 2).sum() / nk + reg
            w[j] = nk / len(x)
    return mu, var, w
''',
}

# Correct templates; each mistake below is one change to one of them.
_GELU = '''
import math
import numpy as np
def gelu(x):
    x = np.asarray(x, dtype=float)
    phi = [0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x.ravel()]
    return (x.ravel() * np.array(phi)).reshape(x.shape)
'''
_GELU_TANH = '''
import numpy as np
def gelu_tanh(x):
    z = np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)
    return 0.5 * x * (1 + np.tanh(z))
'''
_CE = '''
import numpy as np
def softmax_cross_entropy(logits, targets, reduction="mean"):
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    losses = lse - logits[np.arange(len(logits)), targets]
    if reduction == "none":
        return losses
    return float(losses.sum()) if reduction == "sum" else float(losses.mean())
'''
_FOCAL = '''
import numpy as np
def focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    x, t = logits, targets
    e = np.exp(-np.abs(x))
    p = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    ce = np.maximum(x, 0) - x * t + np.log1p(e)
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = loss * (alpha * t + (1 - alpha) * (1 - t))
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
'''
_EM = '''
import numpy as np
def em_gmm_1d(x, means, variances, weights, n_iter, reg_covar=1e-6):
    mu, var, w = means.copy(), variances.copy(), weights.copy()
    for _ in range(n_iter):
        log_p = np.log(w) - 0.5 * np.log(2 * np.pi * var) - (x[:, None] - mu) ** 2 / (2 * var)
        log_p -= log_p.max(axis=1, keepdims=True)
        r = np.exp(log_p)
        r /= r.sum(axis=1, keepdims=True)
        nk = r.sum(axis=0)
        w = nk / len(x)
        new_mu = r.T @ x / nk
        var = (r * (x[:, None] - new_mu) ** 2).sum(axis=0) / nk + reg_covar
        mu = new_mu
    return mu, var, w
'''
TEMPLATES = {"gelu": _GELU, "gelu-tanh": _GELU_TANH, "softmax-cross-entropy": _CE,
             "focal-loss": _FOCAL, "em-gmm-1d": _EM}

_EXACT_AS_TANH = '''
import math
import numpy as np
_erf = np.vectorize(math.erf, otypes=[float])
def gelu_tanh(x):
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))
'''
_TAYLOR_ERF = '''
import math
import numpy as np
def _erf(z):
    total, term = 0.0, z
    for n in range(60):
        total += term / (2 * n + 1)
        term *= -z * z / (n + 1)
    return 2 / math.sqrt(math.pi) * total
def gelu(x):
    x = np.asarray(x, dtype=float)
    return np.array([0.5 * v * (1 + _erf(v / math.sqrt(2))) for v in x.ravel()]).reshape(x.shape)
'''
_ALPHA = "(alpha * t + (1 - alpha) * (1 - t))"
_SWAP_MEAN_SUM = mutate(mutate(_FOCAL, 'if reduction == "mean"', 'if reduction == "SUM"'),
                        'if reduction == "sum"', 'if reduction == "mean"').replace('"SUM"', '"sum"')

#: exercise id -> [(the mistake, the case it must fail first, its source)].
MISTAKES: dict[str, list[tuple[str, str, str]]] = {
    "gelu": [
        ("tanh approximation where the exact form is asked",
         "where exact and tanh forms differ most",
         mutate(_GELU_TANH, "def gelu_tanh(x):", "def gelu(x):")),
        ("erf(x / 2) instead of erf(x / √2)", "small |x| ≤ 0.1: the formula's constants",
         mutate(_GELU, "math.erf(v / math.sqrt(2))", "math.erf(v / 2)")),
        ("x·σ(1.702x), another approximation", "small |x| ≤ 0.1: the formula's constants",
         "import numpy as np\ndef gelu(x):\n    return x / (1 + np.exp(-1.702 * x))\n"),
        ("np.vectorize(math.erf) without otypes (raises on size 0)", "empty array",
         mutate(_EXACT_AS_TANH.replace(", otypes=[float]", ""), "def gelu_tanh(x):",
                "def gelu(x):")),
        ("erf as a truncated Taylor series (diverges for large |x|)",
         "large magnitudes (GELU → x or 0)", _TAYLOR_ERF),
        ("result flattened", "2-D input keeps its shape", mutate(_GELU, ").reshape(x.shape)", ")")),
    ],
    "gelu-tanh": [
        ("the exact erf form where the tanh one is asked", "where exact and tanh forms differ most",
         _EXACT_AS_TANH),
        ("√(2/π) multiplies x only, not the cube", "small |x| ≤ 0.1: the formula's constants",
         mutate(_GELU_TANH, "np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)",
                "np.sqrt(2 / np.pi) * x + 0.044715 * x ** 3")),
        ("x² instead of x³", "small |x| ≤ 0.1: the formula's constants",
         mutate(_GELU_TANH, "x ** 3", "x ** 2")),
        ("tanh written with exp (inf / inf for large |x|)", "large magnitudes (GELU → x or 0)",
         mutate(_GELU_TANH, "np.tanh(z)", "(np.exp(2 * z) - 1) / (np.exp(2 * z) + 1)")),
    ],
    "softmax-cross-entropy": [
        ("no max subtraction (exp overflows)", "huge logits 1e4 (naive exp overflows)",
         mutate(_CE, "m = logits.max(axis=1, keepdims=True)", "m = np.zeros((len(logits), 1))")),
        ("log of a stable softmax (log 0 for a far target)",
         "target logit far below the max: loss 2e4 (naive log(0))",
         mutate(_CE, "    losses = lse - logits[np.arange(len(logits)), targets]\n",
                "    s = np.exp(logits - m) / np.exp(logits - m).sum(axis=1, keepdims=True)\n"
                "    losses = -np.log(s[np.arange(len(logits)), targets])\n")),
        ("one global max instead of a per-row max",
         "rows 2e4 apart: the max is per row (one global max underflows a row)",
         mutate(_CE, "m = logits.max(axis=1, keepdims=True)",
                "m = np.full((len(logits), 1), logits.max())")),
        ("logits[:, targets] (an N×N block) instead of one target per row",
         "each row its own target: logits[i, targets[i]]",
         mutate(_CE, "logits[np.arange(len(logits)), targets]", "logits[:, targets]")),
        ("default reduction 'sum'", "reduction='mean' is the default: the average over N",
         mutate(_CE, 'reduction="mean"', 'reduction="sum"')),
        ("reduction='none' averaged anyway", "reduction='none'",
         mutate(_CE, '    if reduction == "none":\n        return losses\n', "")),
    ],
    "focal-loss": [
        ("gamma on p_t instead of 1 − p_t", "single positive: ce · (1 − p_t)^gamma · alpha",
         mutate(_FOCAL, "(1 - p_t) ** gamma", "p_t ** gamma")),
        ("alpha for positives only, negatives weighted 1",
         "gamma 0: alpha for positives, 1 − alpha for negatives",
         mutate(_FOCAL, _ALPHA, "np.where(t == 1, alpha, 1.0)")),
        ("alpha 0 treated as disabled (alpha > 0)",
         "alpha 0 still weights (alpha >= 0 is on): positives get 0",
         mutate(_FOCAL, "if alpha >= 0", "if alpha > 0")),
        ("alpha -1 used as a weight", "gamma 0 and alpha -1: plain BCE with logits",
         mutate(_FOCAL, "if alpha >= 0", "if alpha is not None")),
        ("hard p_t for soft targets", "soft targets, alpha -1: p_t = p·t + (1 − p)·(1 − t)",
         mutate(_FOCAL, "p_t = p * t + (1 - p) * (1 - t)", "p_t = np.where(t == 1, p, 1 - p)")),
        ("hard alpha_t for soft targets",
         "soft targets, alpha 0.25: alpha_t = alpha·t + (1 − alpha)·(1 − t)",
         mutate(_FOCAL, _ALPHA, "np.where(t == 1, alpha, 1 - alpha)")),
        ("alpha_t thresholded at t > 0.5",
         "soft targets, alpha 0.25: alpha_t = alpha·t + (1 − alpha)·(1 − t)",
         mutate(_FOCAL, _ALPHA, "np.where(t > 0.5, alpha, 1 - alpha)")),
        ("BCE from log(p) and log(1 − p)", "huge logits ±1e4 (naive log(1 − p) is -inf)",
         mutate(_FOCAL, "ce = np.maximum(x, 0) - x * t + np.log1p(e)",
                "ce = -(t * np.log(p) + (1 - t) * np.log(1 - p))")),
        ("'mean' and 'sum' swapped", "soft targets, gamma 0, reduction='mean'", _SWAP_MEAN_SUM),
    ],
    "em-gmm-1d": [
        ("E-step exponentiated before normalising (0/0 far away)",
         "a point 400σ away (the E-step needs log-sum-exp)",
         mutate(_EM, "        log_p -= log_p.max(axis=1, keepdims=True)\n", "")),
        ("variance around the old mean",
         "one component: mean and (biased) variance of the data after 1 step",
         mutate(_EM, "(x[:, None] - new_mu) ** 2).sum", "(x[:, None] - mu) ** 2).sum")),
        ("variances read as standard deviations",
         "two components, 1 iteration: N(x | μ, σ²) takes the variance σ²",
         mutate(_EM, "- 0.5 * np.log(2 * np.pi * var) - (x[:, None] - mu) ** 2 / (2 * var)",
                "- np.log(var) - (x[:, None] - mu) ** 2 / (2 * var ** 2)")),
        ("reg_covar forgotten", "reg_covar 0.1 is added after every M-step (4 iterations)",
         mutate(_EM, " / nk + reg_covar", " / nk")),
        ("reg_covar added once, after the last iteration",
         "reg_covar 0.1 is added after every M-step (4 iterations)",
         mutate(_EM, " / nk + reg_covar",
                " / nk\n        var = var + reg_covar * (_ == n_iter - 1)")),
        ("at least one iteration (n_iter = 0 ignored)", "n_iter = 0 returns the initial parameters",
         mutate(_EM, "range(n_iter)", "range(max(n_iter, 1))")),
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
