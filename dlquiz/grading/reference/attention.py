"""Attention: scaled dot-product, multi-head forward, sinusoidal positions.

Conventions (each exercise prompt states the same):

* ``scaled_dot_product_attention(q, k, v, mask, is_causal, scale)``: q (..., L, E),
  k (..., S, E), v (..., S, Ev) → (..., L, Ev). Scores ``q kᵀ · scale`` with
  ``scale = 1/√E`` by default. A **boolean** mask follows
  ``torch.nn.functional.scaled_dot_product_attention``: ``True`` = the key takes
  part; a **float** mask is *added* to the scores (−inf blocks). ``is_causal``
  keeps key j for query i only when ``j ≤ i`` (top-left aligned, torch's
  ``tril(ones(L, S))``); with both a mask and ``is_causal`` a key must pass
  both. A query whose keys are all blocked returns a zero row (what torch 2.x
  returns for an all-False boolean row) instead of NaN.
* ``multi_head_attention(...)``: the forward of ``torch.nn.MultiheadAttention``
  with ``batch_first=True``, packed ``in_proj_weight`` rows ``[W_q; W_k; W_v]``,
  head h using features ``h·Dh:(h+1)·Dh``, scale ``1/√Dh``. Its
  ``key_padding_mask`` uses **torch MHA's** convention: ``True`` = padding,
  ignored (the opposite of SDPA's boolean mask). ``causal=True`` blocks keys
  j > i. Fully blocked queries give a zero context vector (so the output row is
  ``out_proj_bias``).
* ``sinusoidal_positional_encoding(num_positions, d_model, base)``: Vaswani et
  al. interleaved layout, ``PE[p, 2i] = sin(p / base^(2i/d))``,
  ``PE[p, 2i+1] = cos(p / base^(2i/d))``, positions 0..num_positions−1; an odd
  ``d_model`` ends with a sine column.

All float64. Graded with allclose rtol 1e-6 and a small atol.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def masked_softmax(scores: F64, allowed: npt.NDArray[np.bool_]) -> F64:
    """Softmax over the last axis of ``scores`` restricted to ``allowed``; all-blocked rows → 0."""
    s = np.where(allowed, scores, -np.inf)
    row_max = np.max(s, axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)
    e = np.where(allowed, np.exp(s - row_max), 0.0)
    total = np.sum(e, axis=-1, keepdims=True)
    out: F64 = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return out


def scaled_dot_product_attention(q: npt.ArrayLike, k: npt.ArrayLike, v: npt.ArrayLike,
                                 mask: npt.ArrayLike | None = None, is_causal: bool = False,
                                 scale: float | None = None) -> F64:
    """softmax(q kᵀ · scale + mask) v with SDPA's mask conventions (see module docstring)."""
    qa = np.asarray(q, dtype=np.float64)
    ka = np.asarray(k, dtype=np.float64)
    va = np.asarray(v, dtype=np.float64)
    e_dim, n_q, n_k = qa.shape[-1], qa.shape[-2], ka.shape[-2]
    factor = 1.0 / np.sqrt(e_dim) if scale is None else float(scale)
    scores = (qa @ np.swapaxes(ka, -1, -2)) * factor
    allowed = np.ones(scores.shape, dtype=bool)
    if mask is not None:
        m = np.asarray(mask)
        if m.dtype == np.bool_:
            allowed = allowed & m
        else:
            scores = scores + m.astype(np.float64)
            allowed = allowed & ~np.isneginf(scores)
    if is_causal:
        allowed = allowed & np.tril(np.ones((n_q, n_k), dtype=bool))
    weights = masked_softmax(scores, allowed)
    out: F64 = weights @ va
    return out


def multi_head_attention(query: npt.ArrayLike, key: npt.ArrayLike, value: npt.ArrayLike,
                         num_heads: int, in_proj_weight: npt.ArrayLike,
                         in_proj_bias: npt.ArrayLike | None, out_proj_weight: npt.ArrayLike,
                         out_proj_bias: npt.ArrayLike | None,
                         key_padding_mask: npt.ArrayLike | None = None,
                         causal: bool = False) -> F64:
    """``nn.MultiheadAttention(E, num_heads, batch_first=True)`` forward output (N, L, E)."""
    xq = np.asarray(query, dtype=np.float64)
    xk = np.asarray(key, dtype=np.float64)
    xv = np.asarray(value, dtype=np.float64)
    n, n_q, e_dim = xq.shape
    n_k = xk.shape[1]
    w = np.asarray(in_proj_weight, dtype=np.float64)
    b = np.zeros(3 * e_dim) if in_proj_bias is None else np.asarray(in_proj_bias, dtype=np.float64)
    q = xq @ w[:e_dim].T + b[:e_dim]
    k = xk @ w[e_dim:2 * e_dim].T + b[e_dim:2 * e_dim]
    v = xv @ w[2 * e_dim:].T + b[2 * e_dim:]
    dh = e_dim // num_heads

    def heads(t: F64) -> F64:  # (N, T, E) -> (N, h, T, Dh)
        return t.reshape(n, t.shape[1], num_heads, dh).transpose(0, 2, 1, 3)

    allowed = np.ones((n, 1, n_q, n_k), dtype=bool)
    if key_padding_mask is not None:
        allowed = allowed & ~np.asarray(key_padding_mask, dtype=bool)[:, None, None, :]
    if causal:
        allowed = allowed & np.tril(np.ones((n_q, n_k), dtype=bool))
    ctx = scaled_dot_product_attention(heads(q), heads(k), heads(v), mask=allowed)
    ctx = ctx.transpose(0, 2, 1, 3).reshape(n, n_q, e_dim)
    out = ctx @ np.asarray(out_proj_weight, dtype=np.float64).T
    if out_proj_bias is not None:
        out = out + np.asarray(out_proj_bias, dtype=np.float64)
    result: F64 = out
    return result


def sinusoidal_positional_encoding(num_positions: int, d_model: int,
                                   base: float = 10000.0) -> F64:
    """(num_positions, d_model) table, sin on even columns, cos on odd, shared frequency per pair."""
    pos = np.arange(num_positions, dtype=np.float64)[:, None]
    cols = np.arange(d_model)
    pair = (cols // 2) * 2
    angle = pos / np.power(float(base), pair / d_model)
    pe: F64 = np.where(cols % 2 == 0, np.sin(angle), np.cos(angle))
    return pe.reshape(num_positions, d_model)
