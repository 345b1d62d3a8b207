"""Audit of the similarities, dropout and EMA (group B, part 3): fair, and not foolable.

Per exercise (issues 10 and 14): an independently written correct solution, in another
style than the reference (row loops, the explicit inverse the prompt allows,
``rng.binomial`` for another valid dropout draw, the lerp form of the EMA, Python lists
returned, other parameter names), passes every case; and at least three classic
mistakes each fail, **first** on the case named for the clause they break. Run
in-process through :func:`audit_b_support.graded_failures`, which judges as the
sandboxed grader does.
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

IDS = ["cosine-similarity", "mahalanobis-distance", "dropout", "ema-weights"]


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


INDEPENDENT: dict[str, str] = {
    # One row of `a` at a time, the Gram row divided afterwards (the reference normalises first).
    "cosine-similarity": '''
import numpy as np
def cosine_similarity(u, v, clamp=1e-8):
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    nv = np.maximum(np.sqrt(np.einsum("md,md->m", v, v)), clamp)
    out = np.zeros((len(u), len(v)))
    for i, row in enumerate(u):
        out[i] = (v @ row) / (max(float(np.sqrt(row @ row)), clamp) * nv)
    return out
''',
    # The explicit inverse (the prompt only *prefers* a solve) and a list of floats.
    "mahalanobis-distance": '''
import numpy as np
def mahalanobis_distance(points, mu, sigma):
    inv = np.linalg.inv(np.asarray(sigma, dtype=float))
    out = []
    for p in np.asarray(points, dtype=float):
        d = p - mu
        out.append(float(np.sqrt(max(d @ inv @ d, 0.0))))
    return out
''',
    # Another valid draw: rng.binomial for the keep mask, survivors written by indexing.
    "dropout": '''
import numpy as np
def dropout(values, rate=0.5, train=True, seed=None):
    values = np.asarray(values)
    if not train:
        return values
    if rate >= 1.0:
        return np.zeros_like(values)
    gen = np.random.default_rng(seed)
    keep = gen.binomial(1, 1.0 - rate, size=values.shape).astype(bool)
    out = np.zeros_like(values)
    out[keep] = values[keep] / values.dtype.type(1.0 - rate)
    return out
''',
    # The lerp form e += (1 − d)(w − e), rows collected as nested lists.
    "ema-weights": '''
import numpy as np
def ema_weights(history, d, how="constant"):
    history = np.asarray(history, dtype=float)
    if how == "debias":
        m, rows = np.zeros(history.shape[1:]), []
        for t, w in enumerate(history):
            m = m + (1 - d) * (w - m)
            rows.append(m / (1 - d ** (t + 1)))
        return np.stack(rows)
    e, rows = history[0], [history[0].tolist()]
    for t in range(1, len(history)):
        rate = min(d, (1 + t) / (10 + t)) if how == "warmup" else d
        e = e + (1 - rate) * (history[t] - e)
        rows.append(e.tolist())
    return rows
''',
}

# Correct templates; each mistake below is one change to one of them.
_COS = '''
import numpy as np
def cosine_similarity(a, b, eps=1e-8):
    na = np.maximum(np.linalg.norm(a, axis=1), eps)
    nb = np.maximum(np.linalg.norm(b, axis=1), eps)
    return (a @ b.T) / na[:, None] / nb[None, :]
'''
_MAHA = '''
import numpy as np
def mahalanobis_distance(x, mean, cov):
    d = x - mean
    q = np.einsum("ni,ni->n", d, np.linalg.solve(cov, d.T).T)
    return np.sqrt(np.maximum(q, 0))
'''
_DROP = '''
import numpy as np
def dropout(x, p=0.5, training=True, rng_seed=None):
    if not training or p == 0:
        return x.copy()
    if p == 1:
        return np.zeros_like(x)
    keep = np.random.default_rng(rng_seed).random(x.shape) >= p
    return np.where(keep, x / (1 - p), 0).astype(x.dtype)
'''
_EMA = '''
import numpy as np
def ema_weights(params, decay, mode="constant"):
    out = np.empty_like(params)
    if mode == "debias":
        m = np.zeros_like(params[0])
        for t in range(len(params)):
            m = decay * m + (1 - decay) * params[t]
            out[t] = m / (1 - decay ** (t + 1))
        return out
    out[0] = params[0]
    for t in range(1, len(params)):
        d = min(decay, (1 + t) / (10 + t)) if mode == "warmup" else decay
        out[t] = d * out[t - 1] + (1 - d) * params[t]
    return out
'''
TEMPLATES = {"cosine-similarity": _COS, "mahalanobis-distance": _MAHA, "dropout": _DROP,
             "ema-weights": _EMA}

_DROP_BOUNDS = ("    if not training or p == 0:\n        return x.copy()\n    if p == 1:\n"
                "        return np.zeros_like(x)\n")

#: exercise id -> [(the mistake, the case it must fail first, its source)].
MISTAKES: dict[str, list[tuple[str, str, str]]] = {
    "cosine-similarity": [
        ("no eps clamp", "zero vector: similarity 0, not NaN",
         mutate(mutate(_COS, "np.maximum(np.linalg.norm(a, axis=1), eps)",
                       "np.linalg.norm(a, axis=1)"),
                "np.maximum(np.linalg.norm(b, axis=1), eps)", "np.linalg.norm(b, axis=1)")),
        ("the product of the norms clamped", "vector shorter than eps: its norm is clamped",
         "import numpy as np\ndef cosine_similarity(a, b, eps=1e-8):\n"
         "    norms = np.outer(np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1))\n"
         "    return (a @ b.T) / np.maximum(norms, eps)\n"),
        ("eps added to each norm", "vector shorter than eps: its norm is clamped",
         mutate(mutate(_COS, "np.maximum(np.linalg.norm(a, axis=1), eps)",
                       "np.linalg.norm(a, axis=1) + eps"),
                "np.maximum(np.linalg.norm(b, axis=1), eps)", "np.linalg.norm(b, axis=1) + eps")),
        ("rows built in a list (shape (0,) for N = 0)", "N = 0 rows: a (0, M) array",
         "import numpy as np\ndef cosine_similarity(a, b, eps=1e-8):\n"
         "    return np.array([[x @ y / max(np.linalg.norm(x), eps) / max(np.linalg.norm(y), eps)\n"
         "                      for y in b] for x in a])\n"),
    ],
    "mahalanobis-distance": [
        ("the covariance instead of its inverse", "diagonal covariance: per-axis z-scores",
         mutate(_MAHA, "np.linalg.solve(cov, d.T).T", "d @ cov")),
        ("squared distance (no square root)", "identity covariance: Euclidean distance",
         mutate(_MAHA, "return np.sqrt(np.maximum(q, 0))", "return q")),
        ("Cholesky factor transposed: solve(Lᵀ, d)",
         "correlated 2-D Gaussian: the full inverse, not its diagonal",
         "import numpy as np\ndef mahalanobis_distance(x, mean, cov):\n"
         "    z = np.linalg.solve(np.linalg.cholesky(cov).T, (x - mean).T)\n"
         "    return np.sqrt((z * z).sum(axis=0))\n"),
        ("only the diagonal of the covariance",
         "correlated 2-D Gaussian: the full inverse, not its diagonal",
         mutate(_MAHA, "np.linalg.solve(cov, d.T).T", "d / np.diag(cov)")),
    ],
    "dropout": [
        ("no 1 / (1 − p) rescaling", "survivors are scaled by 1 / (1 − p), p = 0.2",
         mutate(_DROP, "x / (1 - p)", "x")),
        ("survivors scaled by p", "survivors are scaled by 1 / (1 − p), p = 0.2",
         mutate(_DROP, "x / (1 - p)", "x * p")),
        ("p used as the keep probability",
         "drop probability is p, not the keep probability 1 − p (p = 0.2)",
         mutate(_DROP, ">= p", "< p")),
        ("x · mask / (1 − p) at p = 1 (0 · inf = NaN)", "p = 1 zeroes everything",
         mutate(mutate(_DROP, "    if p == 1:\n        return np.zeros_like(x)\n", ""),
                "np.where(keep, x / (1 - p), 0).astype(x.dtype)",
                "(x * keep / (1 - p)).astype(x.dtype)")),
        ("dropping in eval mode too", "eval mode returns x unchanged",
         mutate(_DROP, "if not training or p == 0:", "if p == 0:")),
        ("float32 upcast to float64", "float32 input keeps its dtype",
         mutate(_DROP, "np.where(keep, x / (1 - p), 0).astype(x.dtype)",
                "np.where(keep, x / np.float64(1 - p), 0)")),
        ("the first p·n elements dropped", "drops are independent of position (p = 0.5)",
         mutate(_DROP, "np.random.default_rng(rng_seed).random(x.shape) >= p",
                "np.arange(x.size).reshape(x.shape) >= round(p * x.size)")),
        ("p = 1 checked before the mode", "eval mode with p = 1 still returns x",
         mutate(_DROP, _DROP_BOUNDS, "    if p == 1:\n        return np.zeros_like(x)\n"
                                     "    if not training or p == 0:\n        return x.copy()\n")),
    ],
    "ema-weights": [
        ("decay on the new weights instead of the average", "decay 0: EMA follows the model",
         mutate(_EMA, "out[t] = d * out[t - 1] + (1 - d) * params[t]",
                "out[t] = (1 - d) * out[t - 1] + d * params[t]")),
        ("warmup ignored", "warmup: early decay is (1+t)/(10+t), not decay",
         mutate(_EMA, 'if mode == "warmup" else decay', 'if False else decay')),
        ("warmup counted from t = 0", "warmup: early decay is (1+t)/(10+t), not decay",
         mutate(_EMA, "min(decay, (1 + t) / (10 + t))", "min(decay, t / (9 + t))")),
        ("warmup without the min", "warmup with small decay: min() picks decay",
         mutate(_EMA, "min(decay, (1 + t) / (10 + t))", "(1 + t) / (10 + t)")),
        ("the debiased value fed back into the average",
         "debias: constant weights stay exactly constant",
         mutate(_EMA, "            out[t] = m / (1 - decay ** (t + 1))\n",
                "            m = m / (1 - decay ** (t + 1))\n            out[t] = m\n")),
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
