"""One step of an LSTM cell and a GRU cell, in torch's weight layout.

* ``lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh)`` = one step of
  ``torch.nn.LSTMCell``: gates ``x W_ihᵀ + b_ih + h W_hhᵀ + b_hh`` split in the
  row order **i, f, g, o** (each H rows); ``i, f, o = σ(·)``, ``g = tanh(·)``,
  ``c' = f ⊙ c + i ⊙ g``, ``h' = o ⊙ tanh(c')``. Returns ``(h', c')``.
* ``gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh)`` = one step of
  ``torch.nn.GRUCell``: rows in the order **r, z, n**;
  ``r = σ(W_ir x + b_ir + W_hr h + b_hr)``, ``z = σ(W_iz x + b_iz + W_hz h + b_hz)``,
  ``n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`` (the reset gate multiplies
  the *projected* hidden state, bias included), ``h' = (1 − z) ⊙ n + z ⊙ h``.

x is (N, I), h and c are (N, H); a bias of None means zeros. The sigmoid is
evaluated in a form that never overflows, so ±1e3 pre-activations are fine.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def stable_sigmoid(z: F64) -> F64:
    """σ(z) without overflow: exp of a non-positive number only."""
    e = np.exp(-np.abs(z))
    out: F64 = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out


def _affine(x: F64, weight: npt.ArrayLike, bias: npt.ArrayLike | None) -> F64:
    w = np.asarray(weight, dtype=np.float64)
    out: F64 = x @ w.T
    if bias is not None:
        out = out + np.asarray(bias, dtype=np.float64)
    return out


def lstm_cell(x: npt.ArrayLike, h: npt.ArrayLike, c: npt.ArrayLike, weight_ih: npt.ArrayLike,
              weight_hh: npt.ArrayLike, bias_ih: npt.ArrayLike | None = None,
              bias_hh: npt.ArrayLike | None = None) -> tuple[F64, F64]:
    """(h', c') of ``torch.nn.LSTMCell`` for one step."""
    xa = np.asarray(x, dtype=np.float64)
    ha = np.asarray(h, dtype=np.float64)
    ca = np.asarray(c, dtype=np.float64)
    gates = _affine(xa, weight_ih, bias_ih) + _affine(ha, weight_hh, bias_hh)
    i, f, g, o = np.split(gates, 4, axis=1)
    c_new = stable_sigmoid(f) * ca + stable_sigmoid(i) * np.tanh(g)
    h_new = stable_sigmoid(o) * np.tanh(c_new)
    return h_new, c_new


def gru_cell(x: npt.ArrayLike, h: npt.ArrayLike, weight_ih: npt.ArrayLike,
             weight_hh: npt.ArrayLike, bias_ih: npt.ArrayLike | None = None,
             bias_hh: npt.ArrayLike | None = None) -> F64:
    """h' of ``torch.nn.GRUCell`` for one step."""
    xa = np.asarray(x, dtype=np.float64)
    ha = np.asarray(h, dtype=np.float64)
    gi = _affine(xa, weight_ih, bias_ih)
    gh = _affine(ha, weight_hh, bias_hh)
    i_r, i_z, i_n = np.split(gi, 3, axis=1)
    h_r, h_z, h_n = np.split(gh, 3, axis=1)
    r = stable_sigmoid(i_r + h_r)
    z = stable_sigmoid(i_z + h_z)
    n = np.tanh(i_n + r * h_n)
    out: F64 = (1.0 - z) * n + z * ha
    return out
