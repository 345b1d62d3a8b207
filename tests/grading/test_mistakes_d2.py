"""Domain D2 exercises (optimisers, backprop, quantisation): the cases discriminate.

In process and fast (no sandbox; ``test_all_exercises.py`` grades in the
sandbox): every worked solution passes under two seeds, every starter fails,
each classic mistake fails and the *first* case it fails is the named case
written for that clause of the prompt, and an independently written solution
(loops, other parameter names, float32 input where the prompt allows) passes.
Functions are called **positionally** in signature order, as the grader will.
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

IDS = ["sgd-momentum", "adam-step", "adamw-step", "rmsprop-step", "cosine-warmup-lr",
       "label-smoothing-ce", "softmax-ce-backward", "conv2d-backward", "batch-norm-backward",
       "distillation-loss",
       "quantize-per-tensor", "quantize-per-channel-symmetric", "observer-qparams"]


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


def _failures(ex: Exercise, fn: Callable[..., Any], seed: int = 0,
              kinds: tuple[str, ...] = ("edge", "random")) -> list[str]:
    """Names of the cases ``fn`` fails (in case order), calling it positionally."""
    reference = resolve_target(ex.reference)
    failed = []
    for case in resolve_target(ex.cases)(np.random.default_rng(seed)):
        if case.kind not in kinds:
            continue
        args = [_copy(v) for v in case.args.values()]
        expected = reference(*[_copy(v) for v in case.args.values()])
        with np.errstate(all="ignore"):
            try:
                got = fn(*args)
            except Exception:  # noqa: BLE001 - a crash is a failed case
                failed.append(case.name)
                continue
        if not checkers.check(ex.checker.name, dict(ex.checker.options), expected, got, case).ok:
            failed.append(case.name)
    return failed


Edit = str | list[tuple[str, str]]


def _variant(ex: Exercise, old: Edit, new: str | None) -> Callable[..., Any]:
    """The worked solution with each ``old`` text replaced (each must occur exactly once)."""
    pairs = old if isinstance(old, list) else [(old, str(new))]
    source = ex.solution
    for before, after in pairs:
        assert source.count(before) == 1, f"{ex.id}: {before!r} not found once in the solution"
        source = source.replace(before, after)
    return solution_function(source, ex.function)


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_passes_starter_fails(exercises: dict[str, Exercise], exercise_id: str) -> None:
    ex = exercises[exercise_id]
    assert ex.difficulty in {"easy", "medium", "hard"}
    assert len(ex.hints) >= 2 and set(ex.forbidden) >= {"torch", "scipy"}
    solution = solution_function(ex.solution, ex.function)
    assert _failures(ex, solution) == []
    assert _failures(ex, solution, seed=11) == []
    assert _failures(ex, solution_function(ex.starter, ex.function)) != []


#: (exercise, mistake, text in the worked solution, replacement, first failing case).
MISTAKES: list[tuple[Any, ...]] = [
    ("sgd-momentum", "EMA-style momentum (dampening = momentum)",
     "buf = g.copy() if buf is None else momentum * buf + g",
     "buf = (1 - momentum) * g if buf is None else momentum * buf + (1 - momentum) * g",
     "constant gradient: buffer starts at g, then 0.9·b + g"),
    ("sgd-momentum", "nesterov flag ignored", "g = g + momentum * buf if nesterov else buf",
     "g = buf", "nesterov look-ahead: g + μ·b"),
    ("sgd-momentum", "decoupled decay instead of adding wd·p to the gradient",
     "g = grads[t] + weight_decay * p", "p = p * (1 - lr * weight_decay); g = grads[t]",
     "weight decay enters the momentum buffer"),
    ("sgd-momentum", "Nesterov with the stale buffer",
     [("buf = g.copy() if buf is None else momentum * buf + g",
       "old = np.zeros_like(g) if buf is None else buf; buf = g.copy() if buf is None else momentum * buf + g"),
      ("g = g + momentum * buf if nesterov else buf", "g = g + momentum * old if nesterov else buf")],
     "nesterov look-ahead: g + μ·b"),
    ("adam-step", "no bias correction", [("m_hat = m / (1 - beta1 ** t)", "m_hat = m"), ("v_hat = v / (1 - beta2 ** t)", "v_hat = v")],
 "first step: lr·g/(|g| + eps) ≈ lr·sign(g) (bias correction)"),
    ("adam-step", "eps inside the square root", "np.sqrt(v_hat) + eps", "np.sqrt(v_hat + eps)",
     "first step: lr·g/(|g| + eps) ≈ lr·sign(g) (bias correction)"),
    ("adam-step", "bias correction counted from t = 0", "t = i + 1", "t = i",
     "first step: lr·g/(|g| + eps) ≈ lr·sign(g) (bias correction)"),
    ("adam-step", "AdamW's decoupled decay in Adam", "g = grads[i] + weight_decay * p",
     "p = p * (1 - lr * weight_decay); g = grads[i]", "weight decay with a zero gradient"),
    ("adamw-step", "Adam + L2 instead of decoupled decay",
     [("p = p * (1 - lr * weight_decay)          # decoupled weight decay", "pass"),
      ("g = grads[i]", "g = grads[i] + weight_decay * p")], "weight decay with a zero gradient"),
    ("adamw-step", "decay applied after the Adam update",
     [("p = p * (1 - lr * weight_decay)          # decoupled weight decay", "pass"),
      ("out[i] = p", "p = p * (1 - lr * weight_decay); out[i] = p")],
     "weight decay with large lr·wd and real gradients"),
    ("adamw-step", "decay not scaled by the learning rate", "p = p * (1 - lr * weight_decay)",
     "p = p * (1 - weight_decay)", "weight decay with a zero gradient"),
    ("adamw-step", "eps inside the square root", "np.sqrt(v / (1 - beta2 ** t)) + eps",
     "np.sqrt(v / (1 - beta2 ** t) + eps)", "first step: lr·g/(|g| + eps) ≈ lr·sign(g) (bias correction)"),
    ("rmsprop-step", "Adam-style bias correction added", "den = np.sqrt(s) + eps",
     "den = np.sqrt(s / (1 - alpha ** (t + 1))) + eps", "first step: s = (1 − α)g², no bias correction"),
    ("rmsprop-step", "eps inside the square root", "den = np.sqrt(s) + eps", "den = np.sqrt(s + eps)",
     "tiny gradients: eps outside the square root"),
    ("rmsprop-step", "centered flag ignored", "if centered:", "if False:",
     "centered: divide by sqrt(s − a²) + eps"),
    ("rmsprop-step", "momentum on the raw gradient", [("b = momentum * b + g / den", "b = momentum * b + g"),
                                          ("p = p - lr * b", "p = p - lr * b / den")],
 "momentum buffer accumulates g / den"),
    ("cosine-warmup-lr", "warm-up from lr/W at step 0 ((t + 1)/W)", "warm = base_lr * t / w",
     "warm = base_lr * (t + 1) / w", "warm-up from 0: step 0 has lr 0"),
    ("cosine-warmup-lr", "cosine progress over the whole run (t/T)",
     "progress = np.clip((t - w) / max(total_steps - w, 1.0), 0.0, 1.0)",
     "progress = np.clip(t / total_steps, 0.0, 1.0)", "peak exactly at t = W, then cosine"),
    ("cosine-warmup-lr", "no clamp after total_steps (cosine restarts)",
     "progress = np.clip((t - w) / max(total_steps - w, 1.0), 0.0, 1.0)",
     "progress = (t - w) / max(total_steps - w, 1.0)",
     "after total_steps the lr stays at min_lr (no restart)"),
    ("cosine-warmup-lr", "min_lr as a clamp instead of the cosine's floor",
     "cos = min_lr + (base_lr - min_lr) * 0.5 * (1.0 + np.cos(np.pi * progress))",
     "cos = np.maximum(min_lr, base_lr * 0.5 * (1.0 + np.cos(np.pi * progress)))",
     "min_lr floor: min + (base − min)·½(1 + cos)"),
    ("label-smoothing-ce", "ε/(K − 1) on the wrong classes only",
     "return float(((1 - eps) * nll + eps * uniform).mean())",
     "return float(((1 - eps) * nll + eps * (uniform * k - nll) / (k - 1)).mean())",
     "ε/K goes to every class, the true one included"),
    ("label-smoothing-ce", "sum over the batch instead of the mean",
     "return float(((1 - eps) * nll + eps * uniform).mean())",
     "return float(((1 - eps) * nll + eps * uniform).sum())", "ε = 0: plain cross-entropy, mean over a batch of 4"),
    ("label-smoothing-ce", "softmax without subtracting the max",
     "shifted = z - z.max(axis=1, keepdims=True)", "shifted = z", "huge logits ±1e4 (log-sum-exp)"),
    ("label-smoothing-ce", "smoothing term summed over classes, not averaged",
     "uniform = -log_p.mean(axis=1)", "uniform = -log_p.sum(axis=1)",
     "ε/K goes to every class, the true one included"),
    ("softmax-ce-backward", "no 1/N from the mean reduction", "return (p - q) / n", "return p - q",
     "two samples: (p − onehot) / N"),
    ("softmax-ce-backward", "sign flipped (q − p)", "return (p - q) / n", "return (q - p) / n",
     "two samples: (p − onehot) / N"),
    ("softmax-ce-backward", "ε/(K − 1) on the other classes", [("q = np.full((n, k), label_smoothing / k)", "q = np.full((n, k), label_smoothing / (k - 1))"),
      ("q[np.arange(n), np.asarray(target)] += 1.0 - label_smoothing",
       "q[np.arange(n), np.asarray(target)] = 1.0 - label_smoothing")],
     "ε/K goes to every class, the true one included"),
    ("softmax-ce-backward", "softmax without subtracting the max",
     "e = np.exp(z - z.max(axis=1, keepdims=True))", "e = np.exp(z)", "huge logits ±1e4 (log-sum-exp)"),
    ("conv2d-backward", "weight gradient from the first sample only",
     'gw[:, :, i, j] = np.einsum("nohw,nchw->oc", gy, xp[:, :, rows, cols])',
     'gw[:, :, i, j] = np.einsum("ohw,chw->oc", gy[0], xp[0, :, rows, cols])',
     "1×1 kernel, stride 1 (batch of 2)"),
    ("conv2d-backward", "kernel flipped in the input gradient",
     'gxp[:, :, rows, cols] += np.einsum("nohw,oc->nchw", gy, w[:, :, i, j])',
     'gxp[:, :, rows, cols] += np.einsum("nohw,oc->nchw", gy, w[:, :, kh - 1 - i, kw - 1 - j])',
     "3×3 kernel, padding 1 (gradient on the padding is discarded)"),
    ("conv2d-backward", "padding not cropped from grad_x", "gx = gxp[:, :, ph:ph + h, pw:pw + wid]",
     "gx = gxp", "3×3 kernel, padding 1 (gradient on the padding is discarded)"),
    ("conv2d-backward", "stride ignored in the scatter",
     'gxp[:, :, rows, cols] += np.einsum("nohw,oc->nchw", gy, w[:, :, i, j])',
     'gxp[:, :, i:i + ho, j:j + wo] += np.einsum("nohw,oc->nchw", gy, w[:, :, i, j])',
     "stride 2: windows overlap, gradients add up"),
    ("batch-norm-backward", "batch statistics treated as constants",
     "dx = inv_std * (g - g.mean(axis=axes, keepdims=True)",
     "dx = inv_std * g; _ = (g.mean(axis=axes, keepdims=True)", "(N, C) input"),
    ("batch-norm-backward", "the variance path forgotten",
     "- xhat * (g * xhat).mean(axis=axes, keepdims=True))", "- 0 * xhat)",
     "(N, C) input"),
    ("batch-norm-backward", "unbiased variance in the forward statistics",
     "var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)",
     "var = ((x - mean) ** 2).sum(axis=axes, keepdims=True) / (x.size / x.shape[1] - 1)",
     "(N, C) input"),
    ("batch-norm-backward", "gamma left out of grad_x",
     "g = np.asarray(gamma, dtype=np.float64).reshape(shape) * dy", "g = dy", "(N, C) input"),
    ("distillation-loss", "T² factor forgotten",
     "return float(alpha * temperature ** 2 * kl + (1 - alpha) * ce)",
     "return float(alpha * kl + (1 - alpha) * ce)", "α = 1, T = 4: soft term only, scaled by T²"),
    ("distillation-loss", "KL in the wrong direction (student ‖ teacher)",
     "kl = (np.exp(log_pt) * (log_pt - log_ps)).sum() / n", "kl = (np.exp(log_ps) * (log_ps - log_pt)).sum() / n",
     "α = 1, T = 4: soft term only, scaled by T²"),
    ("distillation-loss", "mean over all N·K entries instead of batchmean",
     "kl = (np.exp(log_pt) * (log_pt - log_ps)).sum() / n", "kl = (np.exp(log_pt) * (log_pt - log_ps)).mean()",
     "α = 1, T = 4: soft term only, scaled by T²"),
    ("distillation-loss", "hard-label term at temperature T",
     "ce = -_log_softmax(s)[np.arange(n), np.asarray(target)].mean()",
     "ce = -log_ps[np.arange(n), np.asarray(target)].mean()", "α = 0: plain cross-entropy with the labels"),
    ("distillation-loss", "teacher probabilities via log of an underflowed softmax",
     "kl = (np.exp(log_pt) * (log_pt - log_ps)).sum() / n",
     "pt = np.exp(log_pt); kl = (pt * (np.log(pt) - log_ps)).sum() / n",
     "confident teacher: probabilities underflow to 0 (0·log 0 = 0)"),
    ("quantize-per-tensor", "round half up instead of half to even",
     "np.rint(x / scale + zero_point)", "np.floor(x / scale + zero_point + 0.5)",
     "ties round half to even (quint8)"),
    ("quantize-per-tensor", "round before adding the zero point (fake_quantize's order)",
     "np.rint(x / scale + zero_point)", "(np.rint(x / scale) + zero_point)",
     "odd zero point: added before rounding (3.5 → 4)"),
    ("quantize-per-tensor", "no saturation", "q = np.clip(np.rint(x / scale + zero_point), qmin, qmax)",
     "q = (np.rint(x / scale + zero_point))", "values above the range saturate at 255"),
    ("quantize-per-tensor", "clamp before adding the zero point",
     "q = np.clip(np.rint(x / scale + zero_point), qmin, qmax)",
     "q = np.rint(np.clip(x / scale, qmin, qmax) + zero_point)", "clamp after adding the zero point"),
    ("quantize-per-tensor", "uint8 wrap-around in the dequantisation",
     "return q, (q - zero_point) * float(scale)",
     "return q, ((q.astype(np.uint8) - np.uint8(zero_point)) if dtype == 'quint8' else (q - zero_point)).astype(float) * float(scale)",
     "zero point 255: only non-positive values representable"),
    ("observer-qparams", "range not widened to include 0",
     "lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)", "lo, hi = float(x.min()), float(x.max())",
     "all positive: the range is widened to include 0"),
    ("observer-qparams", "zero point rounded half away from zero",
     "zp = int(np.clip(qmin - np.rint(lo / scale), qmin, qmax))",
     "zp = int(np.clip(qmin - np.sign(lo / scale) * np.floor(abs(lo / scale) + 0.5), qmin, qmax))",
     "zero point rounds half to even (−20.5 → −20)"),
    ("observer-qparams", "symmetric scale max|x|/127 (restricted range)",
     "scale = max(max(-lo, hi) / ((qmax - qmin) / 2), eps)", "scale = max(max(-lo, hi) / 127, eps)",
     "symmetric qint8: zero point 0, scale max|x|/127.5"),
    ("observer-qparams", "symmetric quint8 with zero point 0",
     "return scale, (0 if dtype == 'qint8' else 128)", "return scale, 0",
     "symmetric quint8: zero point 128"),
    ("observer-qparams", "no eps floor on the scale",
     "scale = max((hi - lo) / (qmax - qmin), eps)", "scale = (hi - lo) / (qmax - qmin)",
     "all zeros: scale = float32 eps"),
    ("quantize-per-channel-symmetric", "one scale for the whole tensor",
     "amax = np.abs(w).max(axis=others) if others else np.abs(w)",
     "amax = np.full(w.shape[axis], np.abs(w).max())", "±max|w| of each row map to ±127"),
    ("quantize-per-channel-symmetric", "full range /127.5 and clamp at −128",
     "scales = np.maximum(amax / 127.0, np.finfo(np.float32).eps)",
     "scales = np.maximum(amax / 127.5, np.finfo(np.float32).eps)", "±max|w| of each row map to ±127"),
    ("quantize-per-channel-symmetric", "no eps floor on the scale",
     "scales = np.maximum(amax / 127.0, np.finfo(np.float32).eps)", "scales = amax / 127.0",
     "an all-zero channel gets scale = float32 eps"),
    ("quantize-per-channel-symmetric", "reduced over the channel axis instead of the others",
     "amax = np.abs(w).max(axis=others) if others else np.abs(w)",
     "amax = np.abs(w).max(axis=axis) if others else np.abs(w)",
     "±max|w| of each row map to ±127"),
]


#: Entries are (id, what, old, new, first case) or (id, what, [(old, new), ...], first case).
CASES = [m if len(m) == 5 else (m[0], m[1], m[2], None, m[3]) for m in MISTAKES]


@pytest.mark.parametrize(("exercise_id", "what", "old", "new", "first_case"), CASES,
                         ids=[f"{m[0]}: {m[1]}" for m in MISTAKES])
def test_classic_mistake_fails_on_its_named_case(exercises: dict[str, Exercise], exercise_id: str,
                                                 what: str, old: Edit, new: str | None,
                                                 first_case: str) -> None:
    ex = exercises[exercise_id]
    failed = _failures(ex, _variant(ex, old, new))
    assert failed, f"{what} passes every case"
    assert failed[0] == first_case, (what, failed)


def test_every_exercise_has_three_mistakes() -> None:
    counts = {i: sum(m[0] == i for m in MISTAKES) for i in IDS}
    assert min(counts.values()) >= 3, counts


# ---------------------------------------------------------------- independent solutions
# Written separately from the references: scalar loops, other parameter names,
# the classic staged (cs231n-style) BatchNorm backward, pixel-loop conv backward.

INDEPENDENT = {
    "sgd-momentum": '''
def sgd_momentum(w0, gs, step, mu=0.0, decay=0.0, look_ahead=False):
    import numpy as np
    shape = np.shape(w0)
    w = [float(v) for v in np.ravel(w0)]
    vel = None
    rows = []
    for g in gs:
        d = [float(gi) + decay * wi for gi, wi in zip(np.ravel(g), w)]
        if mu:
            vel = list(d) if vel is None else [mu * vi + di for vi, di in zip(vel, d)]
            d = [di + mu * vi for di, vi in zip(d, vel)] if look_ahead else list(vel)
        w = [wi - step * di for wi, di in zip(w, d)]
        rows.append(w)
    return np.array(rows, dtype=float).reshape((len(rows),) + shape)
''',
    "adam-step": '''
import math
import numpy as np
def adam(theta, g_seq, alpha=1e-3, b1=0.9, b2=0.999, epsilon=1e-8, l2=0.0):
    shape = np.shape(theta)
    th = np.ravel(np.asarray(theta, dtype=float)).tolist()
    m = [0.0] * len(th)
    v = [0.0] * len(th)
    hist = []
    for t, g in enumerate(g_seq, start=1):
        for i, gi in enumerate(np.ravel(g)):
            gi = float(gi) + l2 * th[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            th[i] -= alpha * (m[i] / (1 - b1 ** t)) / (math.sqrt(v[i] / (1 - b2 ** t)) + epsilon)
        hist.append(list(th))
    return np.array(hist, dtype=float).reshape((len(hist),) + shape)
''',
    "adamw-step": '''
import numpy as np
def adamw(w, g_all, rate=1e-3, beta_m=0.9, beta_v=0.999, tiny=1e-8, wd=1e-2):
    w = np.array(w, dtype=float)
    m, v = np.zeros_like(w), np.zeros_like(w)
    res = np.zeros((len(g_all),) + w.shape)
    for k, g in enumerate(np.asarray(g_all, dtype=float)):
        m = beta_m * m + (1 - beta_m) * g
        v = beta_v * v + (1 - beta_v) * g ** 2
        u = (m / (1 - beta_m ** (k + 1))) / (np.sqrt(v / (1 - beta_v ** (k + 1))) + tiny)
        w = w - rate * (u + wd * w)          # PyTorch docs form: the same decay of the old w
        res[k] = w
    return res
''',
    "rmsprop-step": '''
import math
import numpy as np
def rmsprop(x0, gseq, step=1e-2, rho=0.99, e=1e-8, l2=0.0, mom=0.0, centre=False):
    shape = np.shape(x0)
    x = [float(a) for a in np.ravel(x0)]
    n = len(x)
    sq, avg, vel = [0.0] * n, [0.0] * n, [0.0] * n
    out = []
    for g in gseq:
        g = [float(a) + l2 * xi for a, xi in zip(np.ravel(g), x)]
        for i in range(n):
            sq[i] = rho * sq[i] + (1 - rho) * g[i] ** 2
            if centre:
                avg[i] = rho * avg[i] + (1 - rho) * g[i]
                den = math.sqrt(sq[i] - avg[i] ** 2) + e
            else:
                den = math.sqrt(sq[i]) + e
            if mom > 0:
                vel[i] = mom * vel[i] + g[i] / den
                x[i] -= step * vel[i]
            else:
                x[i] -= step * g[i] / den
        out.append(list(x))
    return np.array(out, dtype=float).reshape((len(out),) + shape)
''',
    "cosine-warmup-lr": '''
import math
import numpy as np
def cosine_warmup_lr(ts, peak, warm, total, floor=0.0):
    flat = [int(t) for t in np.ravel(ts)]
    res = []
    for t in flat:
        if t < warm:
            res.append(peak * t / warm)
        else:
            frac = min(1.0, (t - warm) / max(1, total - warm))
            res.append(floor + (peak - floor) * (1 + math.cos(math.pi * frac)) / 2)
    return np.array(res).reshape(np.shape(ts))
''',
    "label-smoothing-ce": '''
import numpy as np
def label_smoothing_cross_entropy(scores, labels, smooth=0.0):
    z = np.asarray(scores, dtype=np.float32)           # float32 inside: within rtol 1e-6
    total = 0.0
    k = z.shape[1]
    for row, y in zip(z, labels):
        m = float(row.max())
        lse = m + float(np.log(np.exp(row - m).sum(dtype=np.float64)))
        q = np.full(k, smooth / k)
        q[int(y)] += 1 - smooth
        total += float(sum(qk * (lse - float(zk)) for qk, zk in zip(q, row)))
    return total / len(z)
''',
    "softmax-ce-backward": '''
import math
import numpy as np
def softmax_cross_entropy_backward(z, y, eps=0.0):
    z = np.asarray(z, dtype=float)
    n, k = z.shape
    out = np.empty((n, k))
    for i in range(n):
        m = max(z[i])
        ex = [math.exp(v - m) for v in z[i]]
        s = sum(ex)
        for j in range(k):
            target = (1 - eps) * (j == int(y[i])) + eps / k
            out[i, j] = (ex[j] / s - target) / n
    return out
''',
    "conv2d-backward": '''
import numpy as np
def conv2d_backward(inp, ker, dout, s=1, p=0):
    sh, sw = (s, s) if isinstance(s, int) else tuple(s)
    ph, pw = (p, p) if isinstance(p, int) else tuple(p)
    inp = np.asarray(inp, dtype=float)
    n, c, h, w = inp.shape
    o, _, kh, kw = ker.shape
    padded = np.zeros((n, c, h + 2 * ph, w + 2 * pw))
    padded[:, :, ph:ph + h, pw:pw + w] = inp
    dpad = np.zeros_like(padded)
    dker = np.zeros(ker.shape)
    for b in range(n):
        for f in range(o):
            for a in range(dout.shape[2]):
                for e in range(dout.shape[3]):
                    win = (b, slice(None), slice(a * sh, a * sh + kh), slice(e * sw, e * sw + kw))
                    dker[f] += dout[b, f, a, e] * padded[win]
                    dpad[win] += dout[b, f, a, e] * ker[f]
    return dpad[:, :, ph:ph + h, pw:pw + w], dker, dout.sum(axis=(0, 2, 3))
''',
    "batch-norm-backward": '''
import numpy as np
def batch_norm_backward(inp, scale, dout, eps=1e-5):
    inp = np.asarray(inp, dtype=float)
    moved = np.moveaxis(inp, 1, -1).reshape(-1, inp.shape[1])        # (m, C)
    d = np.moveaxis(np.asarray(dout, dtype=float), 1, -1).reshape(-1, inp.shape[1])
    m = moved.shape[0]
    mu = moved.sum(0) / m
    xc = moved - mu
    var = (xc ** 2).sum(0) / m
    std = np.sqrt(var + eps)
    xn = xc / std
    dxn = d * scale
    dvar = (dxn * xc * -0.5 * std ** -3).sum(0)
    dmu = (-dxn / std).sum(0) + dvar * (-2.0 * xc).sum(0) / m
    dx = dxn / std + dvar * 2.0 * xc / m + dmu / m
    back = np.moveaxis(dx.reshape(np.moveaxis(inp, 1, -1).shape), -1, 1)
    return back, (d * xn).sum(0), d.sum(0)
''',
    "distillation-loss": '''
import math
def distillation_loss(s, t, y, temp=4.0, a=0.9):
    def log_softmax(row, scale):
        v = [x / scale for x in row]
        m = max(v)
        lse = m + math.log(sum(math.exp(x - m) for x in v))
        return [x - lse for x in v]
    soft = hard = 0.0
    for rs, rt, label in zip(s, t, y):
        ls, lt = log_softmax(rs, temp), log_softmax(rt, temp)
        soft += sum(math.exp(b) * (b - c) for b, c in zip(lt, ls))
        hard -= log_softmax(rs, 1.0)[int(label)]
    return a * temp * temp * soft / len(s) + (1 - a) * hard / len(s)
''',
    "quantize-per-tensor": '''
import numpy as np
def quantize_per_tensor(values, s, z, kind="quint8"):
    lo, hi = {"quint8": (0, 255), "qint8": (-128, 127)}[kind]
    arr = np.asarray(values, dtype=float)
    codes = [min(hi, max(lo, round(v / s + z))) for v in arr.ravel().tolist()]   # round(): half to even
    q = np.array(codes, dtype=np.int16).reshape(arr.shape)
    return q, (q.astype(float) - z) * s
''',
    "observer-qparams": '''
def observer_qparams(data, qdtype="quint8", sym=False):
    flat = [float(v) for v in __import__("numpy").ravel(data)]
    lo, hi = min(min(flat), 0.0), max(max(flat), 0.0)
    q_lo, q_hi = {"quint8": (0, 255), "qint8": (-128, 127)}[qdtype]
    eps = 2.0 ** -23
    if sym:
        return max(max(-lo, hi) * 2 / (q_hi - q_lo), eps), (128 if qdtype == "quint8" else 0)
    s = max((hi - lo) / (q_hi - q_lo), eps)
    return s, min(q_hi, max(q_lo, q_lo - round(lo / s)))       # round(): half to even
''',
    "quantize-per-channel-symmetric": '''
import numpy as np
def quantize_per_channel_symmetric(weights, ch):
    w = np.moveaxis(np.asarray(weights, dtype=float), ch, 0)
    flat = w.reshape(w.shape[0], -1)
    scales = np.array([max(float(np.abs(r).max()) / 127, float(np.finfo(np.float32).eps))
                       for r in flat])
    q = np.array([[min(127, max(-127, round(v / sc))) for v in r] for r, sc in zip(flat, scales)],
                 dtype=np.int8).reshape(w.shape)
    deq = q * scales.reshape((-1,) + (1,) * (w.ndim - 1))
    return np.moveaxis(q, 0, ch), scales, np.moveaxis(deq, 0, ch)
''',
}


@pytest.mark.parametrize("exercise_id", IDS)
def test_independent_solution_passes(exercises: dict[str, Exercise], exercise_id: str) -> None:
    ex = exercises[exercise_id]
    fn = solution_function(INDEPENDENT[exercise_id], ex.function)
    assert _failures(ex, fn) == []
    assert _failures(ex, fn, seed=3) == []


def test_conv2d_backward_perf_case_is_graded_against_the_reference(exercises: dict[str, Exercise]) -> None:
    ex = exercises["conv2d-backward"]
    assert ex.perf_multiple is not None
    cases = resolve_target(ex.cases)(np.random.default_rng(0))
    assert [c.kind for c in cases].count("perf") == 1
    solution = solution_function(ex.solution, ex.function)
    assert _failures(ex, solution, kinds=("perf",)) == []


@pytest.mark.parametrize("exercise_id", IDS)
def test_case_arguments_follow_the_signature_order(exercises: dict[str, Exercise], exercise_id: str) -> None:
    """The grader will call positionally: every case lists its arguments in signature order."""
    import ast

    ex = exercises[exercise_id]
    tree = ast.parse(f"def {ex.signature}: pass")
    names = [a.arg for a in tree.body[0].args.args]  # type: ignore[attr-defined]
    for case in resolve_target(ex.cases)(np.random.default_rng(0)):
        assert list(case.args) == names[:len(case.args)], (case.name, list(case.args), names)
