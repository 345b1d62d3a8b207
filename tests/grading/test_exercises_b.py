"""In-process check of the activations/norms/losses/reparam/... exercises.

The shared grader test runs every exercise through the sandbox; this one is a
fast, sandbox-free guard for this family: each worked solution passes every
case under the exercise's own checker, each starter fails at least one, and
the exact and tanh GELU solutions do not pass each other's exercise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from grader_support import solution_function

from dlquiz.grading import checkers
from dlquiz.grading.registry import bundled_exercises, resolve_target
from dlquiz.model import Exercise

IDS = [
    "dropout", "gelu", "gelu-tanh", "layer-norm", "batch-norm-train", "batch-norm-eval",
    "softmax-cross-entropy", "focal-loss", "fold-bn", "repvgg-merge", "conv-avgpool-merge",
    "patch-embedding", "depthwise-separable-conv", "ema-weights", "cosine-similarity",
    "mahalanobis-distance",
]


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


def _function(source: str, name: str) -> Callable[..., Any]:
    return solution_function(source, name)


def _failures(ex: Exercise, fn: Callable[..., Any], seed: int = 0) -> list[str]:
    """Names (and messages) of the cases ``fn`` fails under ``ex``'s checker."""
    reference = resolve_target(ex.reference)
    cases = resolve_target(ex.cases)(np.random.default_rng(seed))
    failed = []
    for case in cases:
        expected = reference(**{k: _copy(v) for k, v in case.args.items()})
        with np.errstate(all="ignore"):
            try:
                got = fn(**{k: _copy(v) for k, v in case.args.items()})
            except Exception as exc:  # noqa: BLE001 - a crashing starter is a failing starter
                failed.append(f"{case.name}: raised {exc!r}")
                continue
        result = checkers.check(ex.checker.name, dict(ex.checker.options), expected, got, case)
        if not result.ok:
            failed.append(f"{case.name}: {result.message}")
    return failed


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_passes_and_starter_fails(exercises: dict[str, Exercise], exercise_id: str) -> None:
    ex = exercises[exercise_id]
    assert _failures(ex, _function(ex.solution, ex.function)) == []
    assert _failures(ex, _function(ex.starter, ex.function)) != []
    assert len(ex.hints) >= 2 and all(h.strip() for h in ex.hints)


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_passes_other_seeds(exercises: dict[str, Exercise], exercise_id: str) -> None:
    ex = exercises[exercise_id]
    assert _failures(ex, _function(ex.solution, ex.function), seed=7) == []


def test_gelu_variants_are_told_apart(exercises: dict[str, Exercise]) -> None:
    exact, tanh = exercises["gelu"], exercises["gelu-tanh"]
    exact_fn = _function(exact.solution, exact.function)
    tanh_fn = _function(tanh.solution, tanh.function)
    assert _failures(exact, tanh_fn) != []
    assert _failures(tanh, exact_fn) != []


#: Classic mistakes, each of which an edge case of its exercise must catch.
MISTAKES = {
    "layer-norm": '''
import numpy as np
def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = (x ** 2).mean(axis=axes, keepdims=True) - mean ** 2     # one-pass variance
    y = (x - mean) / np.sqrt(var + eps)
    y = y if weight is None else y * weight
    return y if bias is None else y + bias
''',
    "batch-norm-train": '''
import numpy as np
def batch_norm_train(x, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    y = y * gamma.reshape(shape) + beta.reshape(shape)
    # Biased variance in the running estimate: torch uses the unbiased one.
    return y, (1 - momentum) * running_mean + momentum * mean, (1 - momentum) * running_var + momentum * var
''',
    "focal-loss": '''
import numpy as np
def focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    p = 1 / (1 + np.exp(-logits))
    ce = -(targets * np.log(p) + (1 - targets) * np.log(1 - p))   # log(0) for huge logits
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = loss * (alpha * targets + (1 - alpha) * (1 - targets))
    return loss if reduction == "none" else (loss.mean() if reduction == "mean" else loss.sum())
''',
    "cosine-similarity": '''
import numpy as np
def cosine_similarity(a, b, eps=1e-8):
    norms = np.outer(np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1))
    return (a @ b.T) / np.maximum(norms, eps)                     # clamps the product
''',
    "repvgg-merge": '''
import numpy as np
def repvgg_merge(k3, bn3, k1, bn1, bn_id=None, eps=1e-5):
    def fold(k, bn):
        s = bn[0] / np.sqrt(bn[3] + eps)
        return k * s[:, None, None, None], bn[1] - bn[2] * s
    w, b = fold(k3, bn3)
    w1, b1 = fold(k1, bn1)
    w = w.copy()
    w[:, :, 1, 1] += w1[:, :, 0, 0]
    if bn_id is not None:                                         # identity without its BN
        w[np.arange(w.shape[0]), np.arange(w.shape[0]), 1, 1] += 1.0
    return w, b + b1
''',
    "conv-avgpool-merge": '''
import numpy as np
def conv_avgpool_merge(weight, bias, pool_size):
    k = pool_size
    o, i, kh, kw = weight.shape
    merged = np.zeros((o, i, kh + k - 1, kw + k - 1))
    for dy in range(k):
        for dx in range(k):
            merged[:, :, dy:dy + kh, dx:dx + kw] += weight
    b = np.zeros(o) if bias is None else bias
    return merged / (k * k), b, 1                                 # forgets the pool's stride
''',
    "ema-weights": '''
import numpy as np
def ema_weights(params, decay, mode="constant"):
    out = np.empty_like(params)
    out[0] = params[0]
    for t in range(1, len(params)):                               # ignores mode
        out[t] = decay * out[t - 1] + (1 - decay) * params[t]
    return out
''',
}


@pytest.mark.parametrize("exercise_id", sorted(MISTAKES))
def test_classic_mistakes_fail(exercises: dict[str, Exercise], exercise_id: str) -> None:
    ex = exercises[exercise_id]
    assert _failures(ex, _function(MISTAKES[exercise_id], ex.function)) != []
