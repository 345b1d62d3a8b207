"""EM for a one-dimensional Gaussian mixture, a fixed number of iterations.

``em_gmm_1d(x, means, variances, weights, n_iter, reg_covar=1e-6)`` runs
exactly ``n_iter`` EM iterations from the given initial parameters (K
components) and returns ``(means, variances, weights)``, each ``(K,)``
float64. Deterministic: no random restarts, no convergence test.

* E-step: responsibilities ``r[i, k] = w_k N(x_i | μ_k, σ²_k) / Σ_j w_j N(x_i | μ_j, σ²_j)``,
  computed in log space with log-sum-exp (a point 40σ from every component
  underflows to 0/0 otherwise).
* M-step: ``N_k = Σ_i r[i, k]``, ``w_k = N_k / n``, ``μ_k = Σ_i r[i, k] x_i / N_k``,
  ``σ²_k = Σ_i r[i, k] (x_i − μ_k)² / N_k + reg_covar`` using the *new* mean.

``reg_covar`` is added to every variance after each M-step, exactly as
scikit-learn's ``GaussianMixture(reg_covar=...)`` does, so a component that
collapses onto one point keeps a finite likelihood. With ``reg_covar = 0``
this is plain EM and the log-likelihood never decreases. Cases keep every
component's total responsibility away from 0. Graded with rtol 1e-6, atol 1e-9.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]

DEFAULT_REG_COVAR = 1e-6


def _log_joint(x: F64, means: F64, variances: F64, weights: F64) -> F64:
    """``log w_k + log N(x_i | μ_k, σ²_k)``, shape (n, K)."""
    diff = x[:, None] - means[None, :]
    return (np.log(weights)[None, :] - 0.5 * np.log(2.0 * math.pi * variances)[None, :]
            - 0.5 * diff * diff / variances[None, :])


def _logsumexp(a: F64) -> F64:
    peak = a.max(axis=1, keepdims=True)
    total: F64 = (peak + np.log(np.exp(a - peak).sum(axis=1, keepdims=True)))[:, 0]
    return total


def log_likelihood(x: npt.ArrayLike, means: npt.ArrayLike, variances: npt.ArrayLike,
                   weights: npt.ArrayLike) -> float:
    """Total log-likelihood ``Σ_i log Σ_k w_k N(x_i | μ_k, σ²_k)`` of the data."""
    arr = np.asarray(x, dtype=np.float64).reshape(-1)
    return float(_logsumexp(_log_joint(arr, np.asarray(means, dtype=np.float64),
                                       np.asarray(variances, dtype=np.float64),
                                       np.asarray(weights, dtype=np.float64))).sum())


def em_gmm_1d(
    x: npt.ArrayLike,
    means: npt.ArrayLike,
    variances: npt.ArrayLike,
    weights: npt.ArrayLike,
    n_iter: int,
    reg_covar: float = DEFAULT_REG_COVAR,
) -> tuple[F64, F64, F64]:
    """Run ``n_iter`` EM iterations; return ``(means, variances, weights)``."""
    data = np.asarray(x, dtype=np.float64).reshape(-1)
    mu = np.array(means, dtype=np.float64).reshape(-1)
    var = np.array(variances, dtype=np.float64).reshape(-1)
    w = np.array(weights, dtype=np.float64).reshape(-1)
    if not (mu.shape == var.shape == w.shape):
        raise ValueError("means, variances and weights must have the same length")
    for _ in range(int(n_iter)):
        log_joint = _log_joint(data, mu, var, w)
        resp = np.exp(log_joint - _logsumexp(log_joint)[:, None])
        nk = resp.sum(axis=0)
        w = nk / len(data)
        mu = resp.T @ data / nk
        diff = data[:, None] - mu[None, :]
        var = np.einsum("ik,ik->k", resp, diff * diff) / nk + reg_covar
    return mu, var, w
