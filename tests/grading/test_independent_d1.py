"""Attention / RNN / block exercises: an independently written solution per exercise passes.

Each one differs from the reference in style (scalar loops instead of vectorised code,
other parameter names, float32 arithmetic where the tolerance allows it) and is called
positionally, as the grader will call learners' code (issue 10).
"""

from __future__ import annotations

import pytest
from test_mistakes_d1 import IDS, _function_of, failures

from dlquiz.grading.registry import bundled_exercises
from dlquiz.model import Exercise


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


#: One correct solution per exercise written in another style than the reference
#: (loops instead of vectorised code, other parameter names, float32 arithmetic where the
#: tolerance allows it), all of which must pass.
INDEPENDENT: dict[str, str] = {
    "scaled-dot-product-attention": '''import math
import numpy as np
def attend(query, keys, values, m=None, causal=False, s=None):
    query, keys, values = (np.asarray(t, dtype=np.float64) for t in (query, keys, values))
    L, S = query.shape[-2], keys.shape[-2]
    batch = np.broadcast_shapes(query.shape[:-2], keys.shape[:-2])
    mfull = None if m is None else np.broadcast_to(np.asarray(m), batch + (L, S))
    out = np.zeros(batch + (L, values.shape[-1]))
    factor = s if s is not None else 1 / math.sqrt(query.shape[-1])
    for idx in np.ndindex(*batch):
        for i in range(L):
            scores, keep = [], []
            for j in range(S):
                sc = float(query[idx][i] @ keys[idx][j]) * factor
                ok = not (causal and j > i)
                if mfull is not None:
                    mv = mfull[idx][i, j]
                    if mfull.dtype == bool:
                        ok = ok and bool(mv)
                    else:
                        sc += float(mv)
                if ok and sc != -math.inf:
                    scores.append(sc)
                    keep.append(j)
            if keep:
                top = max(scores)
                w = [math.exp(x - top) for x in scores]
                tot = sum(w)
                out[idx][i] = sum(wi / tot * values[idx][j] for wi, j in zip(w, keep))
    return out
''',
    "multi-head-attention": '''import numpy as np
def forward(q, k, v, h, w_in, b_in, w_o, b_o, padding=None, causal=False):
    n, lq, e = q.shape
    d = e // h
    b_in = np.zeros(3 * e) if b_in is None else b_in
    Q, K, V = (t @ w_in[i * e:(i + 1) * e].T + b_in[i * e:(i + 1) * e]
               for i, t in enumerate((q, k, v)))
    ctx = np.zeros((n, lq, e))
    for b in range(n):
        for head in range(h):
            sl = slice(head * d, (head + 1) * d)
            s = Q[b, :, sl] @ K[b, :, sl].T / np.sqrt(d)
            keep = np.ones_like(s, dtype=bool)
            if padding is not None:
                keep[:, padding[b]] = False
            if causal:
                keep &= np.arange(s.shape[1])[None, :] <= np.arange(lq)[:, None]
            for i in range(lq):
                if keep[i].any():
                    z = s[i, keep[i]]
                    p = np.exp(z - z.max())
                    ctx[b, i, sl] = (p / p.sum()) @ V[b, keep[i], sl]
    out = ctx @ w_o.T
    return out if b_o is None else out + b_o
''',
    "sinusoidal-positional-encoding": '''import math
import numpy as np
def table(length, width, theta=10000.0):
    rows = []
    for pos in range(length):
        row = []
        for col in range(width):
            a = pos * math.exp(-math.log(theta) * (col - col % 2) / width)
            row.append(math.cos(a) if col % 2 else math.sin(a))
        rows.append(row)
    return np.array(rows, dtype=float).reshape(length, width)
''',
    "lstm-cell": '''import numpy as np
def step(inp, hid, cell, wi, wh, bi=None, bh=None):
    H = hid.shape[1]
    pre = np.einsum("gi,ni->ng", wi, inp) + np.einsum("gh,nh->ng", wh, hid)
    for b in (bi, bh):
        if b is not None:
            pre = pre + b
    def sigma(t):
        out = np.empty_like(t)
        pos = t >= 0
        out[pos] = 1 / (1 + np.exp(-t[pos]))
        ex = np.exp(t[~pos])
        out[~pos] = ex / (1 + ex)
        return out
    gate = {name: pre[:, j * H:(j + 1) * H] for j, name in enumerate("ifgo")}
    c_next = sigma(gate["f"]) * cell + sigma(gate["i"]) * np.tanh(gate["g"])
    return sigma(gate["o"]) * np.tanh(c_next), c_next
''',
    "gru-cell": '''import numpy as np
def step(inp, hid, wi, wh, bi=None, bh=None):
    H = hid.shape[1]
    bi = np.zeros(3 * H) if bi is None else bi
    bh = np.zeros(3 * H) if bh is None else bh
    out = np.empty_like(hid, dtype=float)
    sig = lambda t: np.exp(-np.logaddexp(0, -t))
    for n in range(hid.shape[0]):
        a = wi @ inp[n] + bi
        b = wh @ hid[n] + bh
        r = sig(a[:H] + b[:H])
        z = sig(a[H:2 * H] + b[H:2 * H])
        cand = np.tanh(a[2 * H:] + r * b[2 * H:])
        out[n] = cand + z * (hid[n] - cand)
    return out
''',
    "group-norm": '''import numpy as np
def gn(inp, groups, gamma=None, beta=None, epsilon=1e-5):
    inp = np.asarray(inp, dtype=float)
    out = np.empty_like(inp)
    per = inp.shape[1] // groups
    for n in range(inp.shape[0]):
        for g in range(groups):
            block = inp[n, g * per:(g + 1) * per]
            mu = block.mean()
            var = np.mean((block - mu) ** 2)
            out[n, g * per:(g + 1) * per] = (block - mu) / np.sqrt(var + epsilon)
    extra = (1,) * (inp.ndim - 2)
    if gamma is not None:
        out = out * np.reshape(gamma, (-1,) + extra)
    if beta is not None:
        out = out + np.reshape(beta, (-1,) + extra)
    return out
''',
    "conv-transpose2d": '''import numpy as np
def deconv(inp, kern, b=None, s=1, p=0, op=0, groups=1, d=1):
    pr = lambda v: (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = pr(s), pr(p), pr(op), pr(d)
    N, Ci, H, W = inp.shape
    _, cog, kh, kw = kern.shape
    Ho = (H - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1
    Wo = (W - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1
    out = np.zeros((N, cog * groups, Ho, Wo))
    cig = Ci // groups
    for ci in range(Ci):
        g = ci // cig
        for y in range(H):
            for x in range(W):
                for ky in range(kh):
                    oy = y * sh - ph + ky * dh
                    if not 0 <= oy < Ho:
                        continue
                    for kx in range(kw):
                        ox = x * sw - pw + kx * dw
                        if 0 <= ox < Wo:
                            out[:, g * cog:(g + 1) * cog, oy, ox] += (
                                inp[:, ci, y, x][:, None] * kern[ci, :, ky, kx][None, :])
    if b is not None:
        out += np.asarray(b)[None, :, None, None]
    return out
''',
    "max-pool2d": '''import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
def mp(a, k, s=None, p=0):
    pr = lambda v: (v, v) if np.ndim(v) == 0 else tuple(v)
    k, p = pr(k), pr(p)
    s = k if s is None else pr(s)
    a = np.pad(np.asarray(a, dtype=np.float32), ((0, 0), (0, 0), (p[0],) * 2, (p[1],) * 2),
               constant_values=-np.inf)
    win = sliding_window_view(a, k, axis=(2, 3))[:, :, ::s[0], ::s[1]]
    return win.max(axis=(-1, -2))
''',
    "avg-pool2d": '''import numpy as np
def ap(a, k, s=None, p=0, include=True):
    pr = lambda v: (v, v) if np.ndim(v) == 0 else tuple(v)
    (kh, kw), (ph, pw) = pr(k), pr(p)
    sh, sw = (kh, kw) if s is None else pr(s)
    N, C, H, W = a.shape
    Ho, Wo = (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1
    out = np.zeros((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            y0, x0 = i * sh - ph, j * sw - pw
            y1, x1 = max(y0, 0), max(x0, 0)
            y2, x2 = min(y0 + kh, H), min(x0 + kw, W)
            total = a[:, :, y1:y2, x1:x2].sum(axis=(2, 3))
            out[:, :, i, j] = total / (kh * kw if include else (y2 - y1) * (x2 - x1))
    return out
''',
    "channel-shuffle": '''import numpy as np
def shuffle(t, g):
    C = t.shape[1]
    per = C // g
    out = np.empty_like(t)
    for i in range(g):
        for j in range(per):
            out[:, j * g + i] = t[:, i * per + j]
    return out
''',
    "squeeze-excitation": '''import numpy as np
def se(feat, fc1, bias1, fc2, bias2, kind="sigmoid"):
    N, C = feat.shape[:2]
    out = np.empty_like(feat, dtype=float)
    for n in range(N):
        s = feat[n].reshape(C, -1).sum(axis=1) / feat[n, 0].size
        hdn = np.maximum(fc1 @ s + (bias1 if bias1 is not None else 0), 0)
        t = fc2 @ hdn + (bias2 if bias2 is not None else 0)
        e = np.exp(-np.logaddexp(0, -t)) if kind == "sigmoid" else np.minimum(np.maximum(t / 6 + 0.5, 0), 1)
        out[n] = feat[n] * e[:, None, None]
    return out
''',
    "h-swish": '''import numpy as np
def hswish(values):
    v = np.asarray(values, dtype=np.float32)
    return np.where(v <= -3, 0, np.where(v >= 3, v, v * (v + 3) / 6)).astype(np.float32)
''',
    "h-sigmoid": '''import numpy as np
def hsig(values):
    v = np.asarray(values, dtype=float)
    return np.where(v <= -3, 0.0, np.where(v >= 3, 1.0, v / 6 + 0.5))
''',
}


@pytest.mark.parametrize("exercise_id", IDS)
def test_independent_solution_passes(exercises: dict[str, Exercise], exercise_id: str) -> None:
    ex = exercises[exercise_id]
    fn = _function_of(INDEPENDENT[exercise_id])
    assert failures(ex, fn, perf=False) == []
    assert failures(ex, fn, seed=5, perf=False) == []
