"""Numeric cards for optimisers, schedules, label smoothing and quantisation parameters.

Every answer comes from the reference the matching exercise is graded against
(``dlquiz.grading.reference.optim`` / ``backprop`` / ``quantization``); the
tests check them against torch (``torch.optim.Adam``, ``lr_scheduler`` chains,
``F.cross_entropy``, ``torch.ao.quantization.MinMaxObserver``).

Draws avoid numbers that would look like mistakes: no zero gradients (Adam's
step would be 0/eps), no observed ranges whose zero point sits on a rounding
tie (float32 observers and float64 arithmetic could round differently), and
learning rates large enough that four decimals are a meaningful answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from dlquiz.numeric.problem import NumericProblem, SimpleGenerator


def _nonzero(rng: np.random.Generator, lo: float, hi: float) -> float:
    while True:
        v = round(float(rng.uniform(lo, hi)), 1)
        if abs(v) >= 0.1:
            return v


# ---------------------------------------------------------------- Adam


def _draw_adam(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    steps = int(params.get("steps", 1))
    return {"theta": round(float(rng.uniform(-2, 2)), 2),
            "lr": float(rng.choice([0.01, 0.05, 0.1, 0.2])),
            "beta1": float(rng.choice([0.9, 0.8])), "beta2": float(rng.choice([0.999, 0.99])),
            "grads": [_nonzero(rng, -3, 3) for _ in range(steps)]}


def _solve_adam(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.optim import adam

    th, lr, b1, b2, grads = (drawn[k] for k in ("theta", "lr", "beta1", "beta2", "grads"))
    eps = 1e-8
    final = float(adam(np.array([th]), np.array(grads)[:, None], lr, b1, b2, eps)[-1, 0])
    gtext = ", then ".join(f"g{i + 1} = {g}" for i, g in enumerate(grads))
    question = (f"torch.optim.Adam on one scalar parameter θ = {th}: lr = {lr}, β₁ = {b1}, "
                f"β₂ = {b2}, ε = 1e-8, no weight decay. The gradients are {gtext}. "
                f"What is θ after {len(grads)} step{'s' if len(grads) > 1 else ''}? (4 decimals)")
    lines = []
    m = v = 0.0
    p = th
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mh, vh = m / (1 - b1 ** t), v / (1 - b2 ** t)
        step = lr * mh / (math.sqrt(vh) + eps)
        p -= step
        lines.append(f"t = {t}: m = {m:.6g}, v = {v:.6g}, m̂ = m/(1 − β₁^{t}) = {mh:.6g}, "
                     f"v̂ = v/(1 − β₂^{t}) = {vh:.6g}, step = lr·m̂/(√v̂ + ε) = {step:.6g}, "
                     f"θ = {p:.6f}")
    explanation = ("\n\n".join(lines) + f"\n\nθ = **{final:.4f}**.\n\n"
                   "On step 1 the bias correction makes m̂ = g and v̂ = g², so the step is "
                   "lr·g/(|g| + ε) ≈ lr·sign(g) whatever the gradient's size: Adam's first "
                   "steps have magnitude ≈ lr, which is one reason warm-up helps it.")
    return NumericProblem(question, (final,), explanation, dict(drawn), rel_tol=0, abs_tol=2e-4)


# ---------------------------------------------------------------- quantisation parameters


def _draw_qparams(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    from dlquiz.grading.reference.quantization import minmax_qparams

    symmetric = bool(params.get("symmetric", False))
    while True:
        lo = round(float(rng.uniform(-8.0, -2.0)), 2)
        hi = round(float(rng.uniform(4.0, 12.0)), 2)
        if symmetric:
            return {"min": lo, "max": hi}
        scale, _ = minmax_qparams(lo, hi, "quint8")
        u = -lo / scale
        if abs(u - math.floor(u) - 0.5) > 0.01:      # zero point far from a rounding tie
            return {"min": lo, "max": hi}


def _solve_qparams(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.quantization import minmax_qparams

    lo, hi = drawn["min"], drawn["max"]
    if params.get("symmetric"):
        scale, zp = minmax_qparams(lo, hi, "qint8", symmetric=True)
        amax = max(-lo, hi)
        question = (f"A calibration pass observes activations in [{lo}, {hi}]. torch's "
                    "MinMaxObserver with dtype qint8 (codes −128 … 127) and the per-tensor "
                    "*symmetric* scheme: what scale does it choose? (zero point is 0; give "
                    "the scale to 4 significant figures)")
        explanation = (f"Symmetric: scale = max(|min|, |max|) / ((qmax − qmin)/2) = "
                       f"{amax:g} / (255/2) = {amax:g} / 127.5 = **{scale:.6g}**, zero point 0.\n\n"
                       f"The negative side only uses codes down to round({lo:g}/{scale:.4g}) = "
                       f"{round(lo / scale)}: a skewed range wastes part of the int8 grid, which "
                       "is why activations after ReLU are usually quantised asymmetrically.")
        return NumericProblem(question, (scale,), explanation, dict(drawn), rel_tol=3e-3,
                              abs_tol=0)
    scale, zp = minmax_qparams(lo, hi, "quint8")
    question = (f"A calibration pass observes activations in [{lo}, {hi}]. torch's "
                "MinMaxObserver with dtype quint8 (codes 0 … 255), per-tensor affine: what "
                "scale and zero point does it choose? Answer \"scale zero_point\" (scale to "
                "4 significant figures).")
    explanation = (f"The range already contains 0. scale = (max − min)/(qmax − qmin) = "
                   f"({hi:g} − ({lo:g}))/255 = {hi - lo:.4g}/255 = **{scale:.6g}**.\n\n"
                   f"zero point = qmin − round(min/scale) = 0 − round({lo:g}/{scale:.6g}) = "
                   f"−round({lo / scale:.4f}) = **{zp}**.\n\n"
                   "Real 0 maps exactly to the integer zero point, so zero padding and ReLU "
                   "zeros are represented without error; the step between codes is the scale.")
    return NumericProblem(question, (scale, float(zp)), explanation, dict(drawn), rel_tol=3e-3,
                          abs_tol=0)


# ---------------------------------------------------------------- cosine schedule with warm-up


def _draw_cosine(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    warmup = int(rng.choice([0, 100, 500, 1000, 2000]))
    total = warmup + 100 * int(rng.integers(10, 200))
    base = float(rng.choice([0.05, 0.1, 0.2, 0.4, 0.5, 1.0]))
    phase = rng.random()
    if warmup and phase < 0.25:
        t = int(rng.integers(1, warmup))
    elif phase < 0.9:
        t = int(rng.integers(warmup, total))
    else:
        t = int(rng.integers(total, total + 1000))
    floor = float(rng.choice([0.0, 0.0, 0.01])) * base
    return {"base_lr": base, "warmup": warmup, "total": total, "t": t, "min_lr": round(floor, 6)}


def _solve_cosine(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.optim import cosine_warmup_lr

    base, w, total, t, floor = (drawn[k] for k in ("base_lr", "warmup", "total", "t", "min_lr"))
    lr = float(cosine_warmup_lr([t], base, w, total, floor)[0])
    warm = (f"linear warm-up from 0 over the first W = {w} steps (lr = {base}·t/{w} at step t), "
            "then " if w else "no warm-up; ")
    question = (f"Learning-rate schedule, steps counted from 0: {warm}half a cosine from {base} "
                f"at step {w} down to {floor:g} at step {total}, constant {floor:g} after that. "
                f"What is the learning rate at step t = {t}? (4 decimals)")
    if t < w:
        explanation = f"t = {t} < W = {w}: warm-up, lr = {base}·{t}/{w} = **{lr:.4f}**."
    elif t >= total:
        explanation = (f"t = {t} ≥ T = {total}: past the end of the cosine, lr = min_lr = "
                       f"**{lr:.4f}**.")
    else:
        progress = (t - w) / max(total - w, 1)
        c = 0.5 * (1 + math.cos(math.pi * progress))
        explanation = (f"Cosine phase: progress = (t − W)/(T − W) = ({t} − {w})/({total} − {w}) = "
                       f"{progress:.4f}; ½(1 + cos(π·{progress:.4f})) = {c:.4f}; "
                       f"lr = {floor:g} + ({base} − {floor:g})·{c:.4f} = **{lr:.4f}**.")
    explanation += ("\n\nWarm-up protects the first steps, when Adam's second-moment estimate "
                    "is based on very few gradients and the weights are far from a good "
                    "region; the cosine then decays slowly, fastest mid-way, gently at the end.")
    return NumericProblem(question, (lr,), explanation, dict(drawn), rel_tol=0, abs_tol=6e-5)


# ---------------------------------------------------------------- label smoothing


def _draw_smoothing(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    k = int(rng.choice([3, 4]))
    return {"logits": [round(float(rng.uniform(-2, 3)), 1) for _ in range(k)],
            "target": int(rng.integers(0, k)), "eps": float(rng.choice([0.1, 0.2, 0.3]))}


def _solve_smoothing(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.backprop import label_smoothing_cross_entropy

    z, y, eps = drawn["logits"], drawn["target"], drawn["eps"]
    k = len(z)
    loss = label_smoothing_cross_entropy(np.array([z]), np.array([y]), eps)
    lse = math.log(sum(math.exp(v) for v in z))
    logp = [v - lse for v in z]
    q = [eps / k + (1 - eps) * (i == y) for i in range(k)]
    question = (f"Logits {z} for K = {k} classes, true class index {y} (0-based). What is "
                f"torch.nn.CrossEntropyLoss(label_smoothing={eps}) for this one sample? "
                "(4 decimals)")
    explanation = (f"log-sum-exp = {lse:.4f}, so log p = [{', '.join(f'{v:.4f}' for v in logp)}].\n\n"
                   f"torch's smoothed target puts ε/K = {eps}/{k} = {eps / k:.4f} on every class "
                   f"and 1 − ε + ε/K = {1 - eps + eps / k:.4f} on class {y}: "
                   f"q = [{', '.join(f'{v:.4f}' for v in q)}].\n\n"
                   f"loss = −Σ q_k log p_k = **{loss:.4f}** (plain cross-entropy would be "
                   f"{-logp[y]:.4f}).")
    return NumericProblem(question, (loss,), explanation, dict(drawn), rel_tol=0, abs_tol=2e-4)


GENERATORS: tuple[SimpleGenerator, ...] = (
    SimpleGenerator("adam_step", "Adam's bias-corrected step on a scalar", _draw_adam, _solve_adam,
                    {"type": "object", "additionalProperties": False,
                     "properties": {"steps": {"enum": [1, 2]}}}),
    SimpleGenerator("quant_qparams", "Quantisation scale and zero point from a range",
                    _draw_qparams, _solve_qparams,
                    {"type": "object", "additionalProperties": False,
                     "properties": {"symmetric": {"type": "boolean"}}}),
    SimpleGenerator("cosine_warmup_lr", "Cosine learning rate with warm-up at step t",
                    _draw_cosine, _solve_cosine),
    SimpleGenerator("label_smoothing_loss", "Cross-entropy with label smoothing",
                    _draw_smoothing, _solve_smoothing),
)
