"""Layer normalisation and batch normalisation (forward pass), torch semantics.

* ``layer_norm`` = ``torch.nn.functional.layer_norm``: statistics over the last
  ``len(normalized_shape)`` axes of each sample, *biased* variance (divide by n),
  ``y = (x − mean) / sqrt(var + eps) · weight + bias``.
* ``batch_norm_train`` = ``F.batch_norm(..., training=True)``: statistics per
  channel (axis 1) over the batch and every spatial axis, normalise with the
  *biased* batch variance, but update the running variance with the *unbiased*
  one (divide by n − 1), ``running ← (1 − momentum)·running + momentum·batch``.
* ``batch_norm_eval`` = ``F.batch_norm(..., training=False)``: normalise with the
  running statistics; nothing is updated.

Variances are computed two-pass (``mean((x − mean)²)``), so a large common
offset does not cancel catastrophically as in ``E[x²] − E[x]²``. Graded with
allclose rtol 1e-5, atol 1e-6.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def layer_norm(
    x: npt.ArrayLike,
    normalized_shape: int | Sequence[int],
    weight: npt.ArrayLike | None = None,
    bias: npt.ArrayLike | None = None,
    eps: float = 1e-5,
) -> F64:
    """Normalise over the trailing ``normalized_shape`` axes; optional affine."""
    arr = np.asarray(x, dtype=np.float64)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if arr.shape[arr.ndim - len(shape):] != shape:
        raise ValueError(f"trailing shape of x {arr.shape} does not match {shape}")
    axes = tuple(range(arr.ndim - len(shape), arr.ndim))
    mean = arr.mean(axis=axes, keepdims=True)
    centred = arr - mean
    var = np.mean(centred * centred, axis=axes, keepdims=True)
    y: F64 = centred / np.sqrt(var + eps)
    if weight is not None:
        y = y * np.asarray(weight, dtype=np.float64)
    if bias is not None:
        y = y + np.asarray(bias, dtype=np.float64)
    return y


def _channel_view(values: npt.ArrayLike, ndim: int) -> F64:
    """Reshape a per-channel (C,) vector to broadcast against (N, C, *spatial)."""
    vec = np.asarray(values, dtype=np.float64)
    return vec.reshape((1, -1) + (1,) * (ndim - 2))


def batch_norm_train(
    x: npt.ArrayLike,
    gamma: npt.ArrayLike,
    beta: npt.ArrayLike,
    running_mean: npt.ArrayLike,
    running_var: npt.ArrayLike,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> tuple[F64, F64, F64]:
    """Training-mode BN on (N, C) or (N, C, *spatial): ``(y, new_mean, new_var)``.

    Needs more than one value per channel (torch raises otherwise), since the
    unbiased variance divides by ``n − 1``.
    """
    arr = np.asarray(x, dtype=np.float64)
    axes = (0,) + tuple(range(2, arr.ndim))
    n = arr.size // arr.shape[1]
    if n < 2:
        raise ValueError("batch norm in training mode needs more than 1 value per channel")
    mean = arr.mean(axis=axes)
    centred = arr - _channel_view(mean, arr.ndim)
    sq_sum = np.sum(centred * centred, axis=axes)
    var_biased = sq_sum / n
    var_unbiased = sq_sum / (n - 1)
    y = centred / np.sqrt(_channel_view(var_biased, arr.ndim) + eps)
    y = y * _channel_view(gamma, arr.ndim) + _channel_view(beta, arr.ndim)
    new_mean = (1.0 - momentum) * np.asarray(running_mean, dtype=np.float64) + momentum * mean
    new_var = (1.0 - momentum) * np.asarray(running_var, dtype=np.float64) + momentum * var_unbiased
    return y, new_mean, new_var


def batch_norm_eval(
    x: npt.ArrayLike,
    gamma: npt.ArrayLike,
    beta: npt.ArrayLike,
    running_mean: npt.ArrayLike,
    running_var: npt.ArrayLike,
    eps: float = 1e-5,
) -> F64:
    """Eval-mode BN: ``(x − running_mean) / sqrt(running_var + eps) · gamma + beta``."""
    arr = np.asarray(x, dtype=np.float64)
    scale = np.asarray(gamma, dtype=np.float64) / np.sqrt(
        np.asarray(running_var, dtype=np.float64) + eps
    )
    shift = np.asarray(beta, dtype=np.float64) - np.asarray(running_mean, dtype=np.float64) * scale
    return arr * _channel_view(scale, arr.ndim) + _channel_view(shift, arr.ndim)
