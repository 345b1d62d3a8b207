"""Audit of the re-parameterisation and tracking exercises (issues 10 and 14).

fold-bn, repvgg-merge, conv-avgpool-merge, kalman-predict, kalman-update,
one-euro-filter: one independently written correct solution each (scalar
loops, other names, the simple covariance update instead of the reference's
Joseph form, another form of α) passes every case; each classic mistake fails,
first on the case named for its clause. Same harness as ``test_audit_a1``.
"""

from __future__ import annotations

import pytest
from grader_support import assert_independent_passes, assert_mistake_caught_first
from test_audit_a1 import variant

from dlquiz.grading.registry import bundled_exercises
from dlquiz.model import Exercise


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


_FOLD = '''import math
import numpy as np
def fold_bn(w, b, g, shift, mu, var, eps=1e-5):
    w = np.array(w, dtype=np.float64)
    out_b = np.zeros(w.shape[0])
    for o in range(w.shape[0]):
        s = g[o] / math.sqrt(var[o] + eps)
        w[o] *= s
        out_b[o] = ((0.0 if b is None else b[o]) - mu[o]) * s + shift[o]
    return w, out_b
'''

_REPVGG = '''import numpy as np
def fold(bn, eps):
    g, be, m, v = (np.asarray(r, dtype=float) for r in bn)
    s = g / np.sqrt(v + eps)
    return s, be - m * s
def repvgg_merge(w3, n3, w1, n1, nid=None, eps=1e-5):
    O, I = w3.shape[:2]
    s3, c3 = fold(n3, eps)
    s1, c1 = fold(n1, eps)
    k = w3 * s3[:, None, None, None]
    k[:, :, 1, 1] += w1[:, :, 0, 0] * s1[:, None]
    bias = c3 + c1
    if nid is not None:
        si, ci = fold(nid, eps)
        for o in range(O):
            k[o, o, 1, 1] += si[o]
        bias = bias + ci
    return k, bias
'''

_AVG = '''import numpy as np
def conv_avgpool_merge(w, b, k):
    O, I, kh, kw = w.shape
    m = np.zeros((O, I, kh + k - 1, kw + k - 1))
    for dy in range(k):
        for dx in range(k):
            m[:, :, dy:dy + kh, dx:dx + kw] += w / (k * k)
    return m, (np.zeros(O) if b is None else np.array(b, dtype=float)), k
'''

_PREDICT = '''import numpy as np
def kalman_predict(mean, cov, A, noise):
    A, cov = np.asarray(A, dtype=float), np.asarray(cov, dtype=float)
    n = len(mean)
    xp = [sum(A[i][j] * mean[j] for j in range(n)) for i in range(n)]
    AP = A @ cov
    Pp = [[sum(AP[i][k] * A[j][k] for k in range(n)) + noise[i][j] for j in range(n)]
          for i in range(n)]
    return np.array(xp), np.array(Pp)
'''

#: The simple covariance update (I − K H) P and a solve instead of an inverse.
_UPDATE = '''import numpy as np
def kalman_update(m, C, obs, Hm, Rn):
    m, C, obs, Hm, Rn = (np.asarray(a, dtype=float) for a in (m, C, obs, Hm, Rn))
    y = obs - Hm @ m
    S = Hm @ C @ Hm.T + Rn
    K = np.linalg.solve(S.T, (C @ Hm.T).T).T
    return m + K @ y, (np.eye(len(m)) - K @ Hm) @ C
'''

_EURO = '''import math
import numpy as np
def one_euro_filter(ts, xs, fmin=1.0, b=0.0, fd=1.0):
    xs = np.asarray(xs, dtype=np.float64)
    flat = xs.reshape(len(xs), -1)
    out = np.empty_like(flat)
    def alpha(fc, dt):
        tau = 1.0 / (2 * math.pi * fc)
        return dt / (dt + tau)
    for col in range(flat.shape[1]):
        prev, dprev = flat[0, col], 0.0
        out[0, col] = prev
        for i in range(1, len(flat)):
            dt = ts[i] - ts[i - 1]
            dx = (flat[i, col] - prev) / dt
            ad = alpha(fd, dt)
            dprev = ad * dx + (1 - ad) * dprev
            a = alpha(fmin + b * abs(dprev), dt)
            prev = a * flat[i, col] + (1 - a) * prev
            out[i, col] = prev
    return out.reshape(xs.shape)
'''

INDEPENDENT: dict[str, str] = {
    "fold-bn": _FOLD, "repvgg-merge": _REPVGG, "conv-avgpool-merge": _AVG,
    "kalman-predict": _PREDICT, "kalman-update": _UPDATE, "one-euro-filter": _EURO,
}

#: exercise id -> [(the mistake, the named case that must be the first it fails, source)].
MISTAKES: dict[str, list[tuple[str, str, str]]] = {
    "fold-bn": [
        ("scale along the input-channel axis", "scale per output channel (axis 0 of the weight)",
         variant(_FOLD, ("w[o] *= s", "w[:, o] *= s"))),
        ("running mean not subtracted", "running mean is subtracted",
         variant(_FOLD, (" - mu[o]) * s", ") * s"))),
        ("divides by var + eps (no square root)", "divide by the standard deviation sqrt(var + eps)",
         variant(_FOLD, ("math.sqrt(var[o] + eps)", "(var[o] + eps)"))),
        ("eps forgotten", "zero running variance: only eps",
         variant(_FOLD, ("math.sqrt(var[o] + eps)", "math.sqrt(var[o])"))),
        ("conv_bias None not handled", "conv without bias",
         variant(_FOLD, ("(0.0 if b is None else b[o])", "b[o]"))),
    ],
    "repvgg-merge": [
        ("1x1 kernel padded into the corner", "the 1x1 kernel goes to the centre of the 3x3",
         variant(_REPVGG, ("k[:, :, 1, 1] += w1", "k[:, :, 0, 0] += w1"))),
        ("identity kernel with ones for every input channel",
         "identity branch = a 3x3 kernel with 1 at the centre of channel i -> i",
         variant(_REPVGG, ("k[o, o, 1, 1] += si[o]", "k[o, :, 1, 1] += si[o]"))),
        ("the 1x1 branch folded with the 3x3 branch's BN", "each branch folds its own BN",
         variant(_REPVGG, ("s1, c1 = fold(n1, eps)", "s1, c1 = fold(n3, eps)"))),
        ("eps forgotten", "eps inside the square root",
         variant(_REPVGG, ("np.sqrt(v + eps)", "np.sqrt(v)"))),
        ("identity branch assumed whenever in == out", "in == out but no identity (stride-2 block)",
         variant(_REPVGG, ("    if nid is not None:\n        si, ci = fold(nid, eps)",
                           "    if O == I:\n        si, ci = fold(nid, eps) if nid is not None "
                           "else (np.ones(O), np.zeros(O))"))),
    ],
    "conv-avgpool-merge": [
        ("shifted kernels summed, not averaged", "1x1 conv + 2x2 pool: weight / k², stride k",
         variant(_AVG, ("+= w / (k * k)", "+= w"))),
        ("stride 1 returned", "1x1 conv + 2x2 pool: weight / k², stride k",
         variant(_AVG, ("else np.array(b, dtype=float)), k", "else np.array(b, dtype=float)), 1"))),
        ("kernel upsampled (each weight repeated k×k) instead of shifted",
         "merged kernel = the average of the k×k shifted kernels",
         variant(_AVG, ("    m = np.zeros((O, I, kh + k - 1, kw + k - 1))\n",
                        "    return np.kron(w, np.ones((1, 1, k, k))) / (k * k), "
                        "(np.zeros(O) if b is None else np.array(b, dtype=float)), k\n"))),
        ("bias None not turned into zeros", "conv without bias",
         variant(_AVG, ("(np.zeros(O) if b is None else np.array(b, dtype=float))", "b"))),
    ],
    "kalman-predict": [
        ("mean propagated with Fᵀ", "x_pred = F x (F not symmetric; P = Q = 0)",
         variant(_PREDICT, ("A[i][j] * mean[j]", "A[j][i] * mean[j]"))),
        ("P_pred = F P F (no transpose)", "zero process noise: P only transported",
         variant(_PREDICT, ("AP[i][k] * A[j][k]", "AP[i][k] * A[k][j]"))),
        ("P_pred = Fᵀ P F", "zero process noise: P only transported",
         variant(_PREDICT, ("AP = A @ cov", "AP = A.T @ cov"), ("AP[i][k] * A[j][k]", "AP[i][k] * A[k][j]"))),
        ("process noise Q forgotten", "1-D random walk: P grows by Q",
         variant(_PREDICT, (" + noise[i][j]", ""))),
    ],
    "kalman-update": [
        ("covariance not updated (P returned instead of P')",
         "measurement equals prediction: only P changes (S = H P Hᵀ + R)",
         variant(_UPDATE, ("(np.eye(len(m)) - K @ Hm) @ C", "C"))),
        ("S without R", "measurement equals prediction: only P changes (S = H P Hᵀ + R)",
         variant(_UPDATE, ("S = Hm @ C @ Hm.T + Rn", "S = Hm @ C @ Hm.T"))),
        ("innovation H x − z", "1-D: K = P / (P + R), innovation z − H x",
         variant(_UPDATE, ("y = obs - Hm @ m", "y = Hm @ m - obs"))),
        ("gain divided element-wise by S", "two measurements: K = P Hᵀ S⁻¹ with S a matrix",
         variant(_UPDATE, ("K = np.linalg.solve(S.T, (C @ Hm.T).T).T", "K = (C @ Hm.T) / S"))),
    ],
    "one-euro-filter": [
        ("fixed alpha (beta ignored)", "two samples, beta 0.5: the cutoff rises with speed",
         variant(_EURO, ("alpha(fmin + b * abs(dprev), dt)", "alpha(fmin, dt)"))),
        ("derivative from the raw previous sample",
         "derivative from the previous *filtered* value (beta 1)",
         variant(_EURO, ("dx = (flat[i, col] - prev) / dt", "dx = (flat[i, col] - flat[i - 1, col]) / dt"))),
        ("derivative smoothed with min_cutoff", "d_cutoff smooths the derivative (d_cutoff ≠ min_cutoff)",
         variant(_EURO, ("ad = alpha(fd, dt)", "ad = alpha(fmin, dt)"))),
        ("constant dt (the first interval)", "irregular timestamps",
         variant(_EURO, ("dt = ts[i] - ts[i - 1]", "dt = ts[1] - ts[0]"))),
    ],
}


@pytest.mark.parametrize("exercise_id", sorted(INDEPENDENT))
def test_an_independent_solution_passes(exercises: dict[str, Exercise], exercise_id: str) -> None:
    assert_independent_passes(exercises[exercise_id], INDEPENDENT[exercise_id])


@pytest.mark.parametrize(
    ("exercise_id", "mistake", "first_case"),
    [(eid, what, case) for eid, rows in MISTAKES.items() for what, case, _ in rows],
)
def test_each_classic_mistake_is_caught_by_its_clause_case(
        exercises: dict[str, Exercise], exercise_id: str, mistake: str, first_case: str) -> None:
    source = next(src for what, _, src in MISTAKES[exercise_id] if what == mistake)
    assert_mistake_caught_first(exercises[exercise_id], source, mistake, first_case)
