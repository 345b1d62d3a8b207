"""Exponential moving average of model weights (Polyak averaging with decay).

``ema_weights(params, decay, mode)`` takes ``params`` of shape (T, *shape): the
snapshots of one weight tensor after each of T optimiser steps, ``params[0]``
being the weights when the EMA is created. It returns the (T, *shape) EMA
trajectory, ``out[t]`` = the average after seeing ``params[0..t]``:

* ``"constant"``: ``e_0 = params[0]`` (the EMA starts as a copy of the model,
  like ``torch.optim.swa_utils.AveragedModel`` / timm ``ModelEmaV2``), then
  ``e_t = d·e_{t−1} + (1 − d)·params[t]`` with ``d = decay``.
* ``"warmup"``: the same with ``d_t = min(decay, (1 + t) / (10 + t))``, the
  ``num_updates`` rule of TensorFlow's ``tf.train.ExponentialMovingAverage``:
  early on the average follows the model quickly instead of clinging to the
  random initialisation.
* ``"debias"``: Adam-style bias correction: ``m_{−1} = 0``,
  ``m_t = d·m_{t−1} + (1 − d)·params[t]`` and ``out[t] = m_t / (1 − d^{t+1})``,
  which undoes the pull towards the zero start.

``out[0] = params[0]`` in every mode. ``decay`` is in [0, 1] ([0, 1) for
``"debias"``). Graded with allclose rtol 1e-6, atol 1e-9.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
MODES = ("constant", "warmup", "debias")


def ema_weights(params: npt.ArrayLike, decay: float, mode: str = "constant") -> F64:
    """EMA trajectory (T, *shape) of the weight snapshots ``params`` (T, *shape)."""
    theta = np.asarray(params, dtype=np.float64)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    out = np.empty_like(theta)
    if theta.shape[0] == 0:
        return out
    if mode == "debias":
        if not 0.0 <= decay < 1.0:
            raise ValueError("debias needs 0 <= decay < 1")
        m = np.zeros_like(theta[0])
        for t in range(theta.shape[0]):
            m = decay * m + (1.0 - decay) * theta[t]
            out[t] = m / (1.0 - decay ** (t + 1))
        return out
    out[0] = theta[0]
    for t in range(1, theta.shape[0]):
        d = min(decay, (1.0 + t) / (10.0 + t)) if mode == "warmup" else decay
        out[t] = d * out[t - 1] + (1.0 - d) * theta[t]
    return out
