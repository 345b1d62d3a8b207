"""Backpropagation by hand: losses and the backward passes of conv2d and BatchNorm.

* ``label_smoothing_cross_entropy(logits, target, label_smoothing)``: the value of
  ``torch.nn.CrossEntropyLoss(label_smoothing=ε)`` with class-index targets and
  mean reduction: the target distribution is ``q = (1 − ε)·onehot + ε/K`` (ε/K
  spread over **all** K classes, the true one included), loss_i = −Σ_k q_k log p_k,
  averaged over the batch. Log-softmax through log-sum-exp, so ±1e4 logits are fine.
* ``softmax_cross_entropy_backward(logits, target, label_smoothing)``: gradient of
  that mean loss w.r.t. the logits, ``(softmax(z) − q) / N``.
* ``conv2d_backward(x, weight, grad_output, stride, padding)``: gradients of
  ``y = F.conv2d(x, weight, bias, stride, padding)`` (cross-correlation, NCHW/OIHW,
  groups = dilation = 1) w.r.t. x, weight and bias, given ∂L/∂y. Input rows and
  columns that no window reaches (the floor in the output size) get gradient 0.
* ``batch_norm_backward(x, gamma, grad_output, eps)``: training-mode BatchNorm
  (``F.batch_norm(training=True)``: per-channel mean and *biased* variance over
  N and the spatial axes) — gradients w.r.t. x, gamma and beta. With
  x̂ = (x − μ)/√(σ² + ε) and m elements per channel,
  ``dx = γ/√(σ² + ε) · (dy − mean(dy) − x̂·mean(dy·x̂))``.

* ``distillation_loss(student_logits, teacher_logits, target, temperature, alpha)``:
  Hinton et al.'s loss as usually written in torch:
  ``α·T²·F.kl_div(log_softmax(s/T), softmax(t/T), reduction="batchmean")
  + (1 − α)·F.cross_entropy(s, y)`` — KL(teacher ‖ student) at temperature T averaged
  over the batch (not over classes), the hard-label term at temperature 1, and
  0·log 0 = 0 where a teacher probability underflows.

All float64; graded with rtol 1e-6 (atol 1e-9 for the loss, 1e-8 for gradients).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def _log_softmax(logits: F64) -> F64:
    shifted = logits - logits.max(axis=1, keepdims=True)
    out: F64 = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return out


def _smoothed_targets(target: npt.ArrayLike, n: int, k: int, eps: float) -> F64:
    q = np.full((n, k), eps / k)
    q[np.arange(n), np.asarray(target, dtype=np.int64)] += 1.0 - eps
    return q


def label_smoothing_cross_entropy(logits: npt.ArrayLike, target: npt.ArrayLike,
                                  label_smoothing: float = 0.0) -> float:
    """Mean cross-entropy against ``(1 − ε)·onehot + ε/K`` targets."""
    z = np.asarray(logits, dtype=np.float64)
    n, k = z.shape
    q = _smoothed_targets(target, n, k, label_smoothing)
    return float(-(q * _log_softmax(z)).sum() / n)


def softmax_cross_entropy_backward(logits: npt.ArrayLike, target: npt.ArrayLike,
                                   label_smoothing: float = 0.0) -> F64:
    """∂(mean label-smoothed CE)/∂logits = (softmax − q) / N."""
    z = np.asarray(logits, dtype=np.float64)
    n, k = z.shape
    p = np.exp(_log_softmax(z))
    grad: F64 = (p - _smoothed_targets(target, n, k, label_smoothing)) / n
    return grad


def distillation_loss(student_logits: npt.ArrayLike, teacher_logits: npt.ArrayLike,
                      target: npt.ArrayLike, temperature: float = 4.0, alpha: float = 0.9) -> float:
    """α·T²·KL(softmax(t/T) ‖ softmax(s/T)) (batch mean) + (1 − α)·CE(s, y)."""
    zs = np.asarray(student_logits, dtype=np.float64)
    zt = np.asarray(teacher_logits, dtype=np.float64)
    n = zs.shape[0]
    log_ps = _log_softmax(zs / temperature)
    log_pt = _log_softmax(zt / temperature)
    kl = float((np.exp(log_pt) * (log_pt - log_ps)).sum() / n)
    hard = label_smoothing_cross_entropy(zs, target, 0.0)
    return alpha * temperature ** 2 * kl + (1.0 - alpha) * hard


def _pair(v: int | tuple[int, int] | list[int]) -> tuple[int, int]:
    if isinstance(v, (int, np.integer)):
        return int(v), int(v)
    a, b = v
    return int(a), int(b)


def conv2d_backward(x: npt.ArrayLike, weight: npt.ArrayLike, grad_output: npt.ArrayLike,
                    stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0
                    ) -> tuple[F64, F64, F64]:
    """(dL/dx, dL/dweight, dL/dbias) of a plain conv2d, one kernel tap at a time."""
    xs = np.asarray(x, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    gy = np.asarray(grad_output, dtype=np.float64)
    (sh, sw), (ph, pw) = _pair(stride), _pair(padding)
    h, wd = xs.shape[2], xs.shape[3]
    kh, kw = w.shape[2], w.shape[3]
    ho, wo = gy.shape[2], gy.shape[3]
    xp = np.pad(xs, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    gxp = np.zeros_like(xp)
    gw = np.zeros_like(w)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i, i + sh * (ho - 1) + 1, sh)
            cols = slice(j, j + sw * (wo - 1) + 1, sw)
            window = xp[:, :, rows, cols]                       # (N, C, Ho, Wo)
            gw[:, :, i, j] = np.einsum("nohw,nchw->oc", gy, window)
            gxp[:, :, rows, cols] += np.einsum("nohw,oc->nchw", gy, w[:, :, i, j])
    gx: F64 = gxp[:, :, ph:ph + h, pw:pw + wd]
    gb: F64 = gy.sum(axis=(0, 2, 3))
    return np.ascontiguousarray(gx), gw, gb


def batch_norm_backward(x: npt.ArrayLike, gamma: npt.ArrayLike, grad_output: npt.ArrayLike,
                        eps: float = 1e-5) -> tuple[F64, F64, F64]:
    """(dL/dx, dL/dgamma, dL/dbeta) of training-mode BatchNorm over (N, C, *)."""
    xs = np.asarray(x, dtype=np.float64)
    g = np.asarray(gamma, dtype=np.float64)
    dy = np.asarray(grad_output, dtype=np.float64)
    axes = (0,) + tuple(range(2, xs.ndim))
    shape = (1, -1) + (1,) * (xs.ndim - 2)
    mean = xs.mean(axis=axes, keepdims=True)
    var = ((xs - mean) ** 2).mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (xs - mean) * inv_std
    dgamma: F64 = (dy * xhat).sum(axis=axes)
    dbeta: F64 = dy.sum(axis=axes)
    dy_mean = dy.mean(axis=axes, keepdims=True)
    dyx_mean = (dy * xhat).mean(axis=axes, keepdims=True)
    dx: F64 = g.reshape(shape) * inv_std * (dy - dy_mean - xhat * dyx_mean)
    return dx, dgamma, dbeta
