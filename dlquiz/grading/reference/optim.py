"""Optimiser steps and a learning-rate schedule, exactly as torch.optim computes them.

Every optimiser here takes the initial parameter ``param`` (any shape) and a
sequence of loss gradients ``grads`` of shape ``(T, *param.shape)`` (gradient
``grads[t]`` is what ``p.grad`` holds before the ``t``-th ``optimizer.step()``),
and returns the parameter after every step, shape ``(T, *param.shape)``,
float64. Giving the gradients in advance makes the result deterministic and
lets torch be the oracle (set ``p.grad`` and call ``step()``); weight decay
still reads the *current* parameter, which is what makes it interesting.

Conventions (torch 2.x, defaults for every flag not listed):

* ``sgd_momentum``: ``torch.optim.SGD`` with ``dampening=0``. ``g = grad + wd·p``;
  if ``momentum != 0``: ``b = g`` on the first step, else ``b = μ·b + g``; the step
  direction is ``g + μ·b`` with ``nesterov`` and ``b`` without; ``p -= lr·dir``.
* ``adam``: ``torch.optim.Adam`` (``amsgrad=False``). L2 form of weight decay
  (``g = grad + wd·p``), ``m = β₁m + (1 − β₁)g``, ``v = β₂v + (1 − β₂)g²``,
  ``p -= lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + eps)`` with t counted from 1;
  eps is added *outside* the square root.
* ``adamw``: ``torch.optim.AdamW``: ``p *= 1 − lr·wd`` first (decoupled decay),
  then the Adam update above with ``g = grad`` (no decay term in the moments).
* ``rmsprop``: ``torch.optim.RMSprop``: ``g = grad + wd·p``, ``s = αs + (1 − α)g²``;
  ``centered``: ``a = αa + (1 − α)g`` and ``den = √(s − a²) + eps``, else
  ``den = √s + eps``; with ``momentum > 0``: ``b = μb + g/den``, ``p -= lr·b``,
  else ``p -= lr·g/den``. All buffers start at zero.
* ``cosine_warmup_lr``: linear warm-up **from 0** over ``warmup_steps`` steps
  (``lr(t) = base·t/W`` for ``0 ≤ t < W``; step 0 has lr 0, the convention of
  Hugging Face's ``get_cosine_schedule_with_warmup``), then half a cosine from
  ``base`` at ``t = W`` to ``min_lr`` at ``t = T``; ``min_lr`` for ``t ≥ T``.

Graded with allclose rtol 1e-6 (a different but valid order of the same float64
operations differs by ~1e-15 per step).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def _start(param: npt.ArrayLike, grads: npt.ArrayLike) -> tuple[F64, F64, F64]:
    p = np.array(param, dtype=np.float64)
    g = np.asarray(grads, dtype=np.float64)
    if g.shape[1:] != p.shape:
        raise ValueError(f"grads must have shape (T, *{p.shape}), got {g.shape}")
    return p, g, np.empty_like(g)


def sgd_momentum(param: npt.ArrayLike, grads: npt.ArrayLike, lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False) -> F64:
    """``torch.optim.SGD`` (dampening 0) trajectory: the parameter after each step."""
    p, gs, out = _start(param, grads)
    buf: F64 | None = None
    for t, grad in enumerate(gs):
        g = grad + weight_decay * p if weight_decay else grad.copy()
        if momentum != 0:
            buf = g.copy() if buf is None else momentum * buf + g
            g = g + momentum * buf if nesterov else buf
        p = p - lr * g
        out[t] = p
    return out


def _adam(param: npt.ArrayLike, grads: npt.ArrayLike, lr: float, beta1: float, beta2: float,
          eps: float, weight_decay: float, decoupled: bool) -> F64:
    p, gs, out = _start(param, grads)
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t, grad in enumerate(gs, start=1):
        if decoupled:
            p = p * (1.0 - lr * weight_decay)
            g = grad
        else:
            g = grad + weight_decay * p
        m = beta1 * m + (1.0 - beta1) * g
        v = beta2 * v + (1.0 - beta2) * g * g
        m_hat = m / (1.0 - beta1 ** t)
        v_hat = v / (1.0 - beta2 ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        out[t - 1] = p
    return out


def adam(param: npt.ArrayLike, grads: npt.ArrayLike, lr: float = 1e-3, beta1: float = 0.9,
         beta2: float = 0.999, eps: float = 1e-8, weight_decay: float = 0.0) -> F64:
    """``torch.optim.Adam`` trajectory (L2-style weight decay, bias-corrected moments)."""
    return _adam(param, grads, lr, beta1, beta2, eps, weight_decay, decoupled=False)


def adamw(param: npt.ArrayLike, grads: npt.ArrayLike, lr: float = 1e-3, beta1: float = 0.9,
          beta2: float = 0.999, eps: float = 1e-8, weight_decay: float = 1e-2) -> F64:
    """``torch.optim.AdamW`` trajectory (decoupled decay ``p *= 1 − lr·wd`` before the step)."""
    return _adam(param, grads, lr, beta1, beta2, eps, weight_decay, decoupled=True)


def rmsprop(param: npt.ArrayLike, grads: npt.ArrayLike, lr: float = 1e-2, alpha: float = 0.99,
            eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
            centered: bool = False) -> F64:
    """``torch.optim.RMSprop`` trajectory."""
    p, gs, out = _start(param, grads)
    square_avg = np.zeros_like(p)
    grad_avg = np.zeros_like(p)
    buf = np.zeros_like(p)
    for t, grad in enumerate(gs):
        g = grad + weight_decay * p if weight_decay else grad
        square_avg = alpha * square_avg + (1.0 - alpha) * g * g
        if centered:
            grad_avg = alpha * grad_avg + (1.0 - alpha) * g
            denom = np.sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            denom = np.sqrt(square_avg) + eps
        if momentum > 0:
            buf = momentum * buf + g / denom
            p = p - lr * buf
        else:
            p = p - lr * g / denom
        out[t] = p
    return out


def cosine_warmup_lr(steps: npt.ArrayLike, base_lr: float, warmup_steps: int, total_steps: int,
                     min_lr: float = 0.0) -> F64:
    """Learning rate at each (0-based) step index of ``steps``: linear warm-up from 0, then cosine."""
    t = np.asarray(steps, dtype=np.float64)
    w, total = float(warmup_steps), float(total_steps)
    warm = base_lr * t / w if w > 0 else np.zeros_like(t)
    span = max(total - w, 1.0)
    progress = np.clip((t - w) / span, 0.0, 1.0)
    cos = min_lr + (base_lr - min_lr) * 0.5 * (1.0 + np.cos(math.pi * progress))
    lr: F64 = np.where(t < w, warm, cos)
    return lr
