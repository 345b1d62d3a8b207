"""Attention / RNN / block exercises: classic mistakes are caught, other styles pass.

In-process and sandbox-free (fast). The learner's function is called
**positionally** in signature order, as the grader will (issue 10), so
parameter names never matter. Each classic mistake must fail, and the first
case it fails must be the one written for that clause of the contract.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from grader_support import solution_function

from dlquiz.grading import checkers
from dlquiz.grading.registry import bundled_exercises, resolve_target
from dlquiz.model import Exercise

IDS = ["scaled-dot-product-attention", "multi-head-attention", "sinusoidal-positional-encoding",
       "lstm-cell", "gru-cell", "group-norm", "conv-transpose2d", "max-pool2d", "avg-pool2d",
       "channel-shuffle", "squeeze-excitation", "h-swish", "h-sigmoid"]


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return bundled_exercises()


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


def failures(ex: Exercise, fn: Callable[..., Any], seed: int = 0, perf: bool = True) -> list[str]:
    """Names of the cases ``fn`` fails (called positionally), in case order.

    ``perf=False`` skips the perf case (loop-style solutions are checked for
    correctness only; speed is the sandbox grader's business).
    """
    reference = resolve_target(ex.reference)
    failed = []
    for case in resolve_target(ex.cases)(np.random.default_rng(seed)):
        if case.kind == "perf" and not perf:
            continue
        expected = reference(*[_copy(v) for v in case.args.values()])
        with np.errstate(all="ignore"):
            try:
                got = fn(*[_copy(v) for v in case.args.values()])
            except Exception:  # noqa: BLE001 - a crash is a failure
                failed.append(case.name)
                continue
        if not checkers.check(ex.checker.name, dict(ex.checker.options), expected, got, case).ok:
            failed.append(case.name)
    return failed


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_passes_starter_fails_positionally(exercises: dict[str, Exercise],
                                                    exercise_id: str) -> None:
    ex = exercises[exercise_id]
    assert ex.difficulty in {"easy", "medium", "hard"}
    assert failures(ex, solution_function(ex.solution, ex.function)) == []
    assert failures(ex, solution_function(ex.solution, ex.function), seed=11) == []
    assert failures(ex, solution_function(ex.starter, ex.function)) != []
    assert len(ex.hints) >= 2


_SOFTMAX = '''
def _softmax(s, allowed):
    s = np.where(allowed, s, -np.inf)
    m = s.max(axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.where(allowed, np.exp(s - m), 0.0)
    t = e.sum(axis=-1, keepdims=True)
    return np.divide(e, t, out=np.zeros_like(e), where=t > 0)
'''


def _sdpa(body: str) -> str:
    return ("import numpy as np\n" + _SOFTMAX +
            "def sdpa(q, k, v, mask=None, is_causal=False, scale=None):\n"
            "    L, S = q.shape[-2], k.shape[-2]\n" + body)


_SDPA_OK_TAIL = '''
    allowed = np.ones(s.shape, dtype=bool)
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype == bool:
            allowed &= mask
        else:
            s = s + mask
            allowed &= ~np.isneginf(s)
    if is_causal:
        allowed &= np.tril(np.ones((L, S), dtype=bool))
    return _softmax(s, allowed) @ v
'''

#: exercise id -> [(what the mistake is, name of the first case it must fail, source)].
MISTAKES: dict[str, list[tuple[str, str, str]]] = {
    "scaled-dot-product-attention": [
        ("no 1/√E scale", "no mask: plain softmax",
         _sdpa("    s = q @ np.swapaxes(k, -1, -2) * (1.0 if scale is None else scale)\n"
               + _SDPA_OK_TAIL)),
        ("boolean mask read as True = blocked", "boolean mask: True = takes part",
         _sdpa("    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])\n"
               + _SDPA_OK_TAIL.replace("allowed &= mask", "allowed &= ~mask"))),
        ("fully masked row left as NaN (plain -inf softmax)",
         "boolean mask with a fully masked query row",
         _sdpa('''    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1]) if scale is None else q @ np.swapaxes(k, -1, -2) * scale
    if mask is not None:
        mask = np.asarray(mask)
        s = np.where(mask, s, -np.inf) if mask.dtype == bool else s + mask
    if is_causal:
        s = np.where(np.tril(np.ones((L, S), dtype=bool)), s, -np.inf)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True) @ v
''')),
        ("causal mask off by one (j < i, the diagonal blocked)", "is_causal, square",
         _sdpa("    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])\n"
               + _SDPA_OK_TAIL.replace("np.tril(np.ones((L, S), dtype=bool))",
                                       "np.tril(np.ones((L, S), dtype=bool), -1)"))),
        ("causal mask bottom-right aligned", "is_causal, more keys than queries",
         _sdpa("    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])\n"
               + _SDPA_OK_TAIL.replace("np.tril(np.ones((L, S), dtype=bool))",
                                       "np.tril(np.ones((L, S), dtype=bool), S - L)"))),
        ("softmax without subtracting the max", "large scores",
         _sdpa('''    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1]) if scale is None else q @ np.swapaxes(k, -1, -2) * scale
    allowed = np.ones(s.shape, dtype=bool)
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype == bool:
            allowed &= mask
        else:
            s = s + mask
            allowed &= ~np.isneginf(s)
    if is_causal:
        allowed &= np.tril(np.ones((L, S), dtype=bool))
    e = np.where(allowed, np.exp(np.where(allowed, s, 0.0)), 0.0)
    t = e.sum(axis=-1, keepdims=True)
    return np.divide(e, t, out=np.zeros_like(e), where=t > 0) @ v
''')),
    ],
    "multi-head-attention": [
        ("key_padding_mask read with SDPA's convention (True = keep)", "key_padding_mask",
         "MHA_KPM_INVERTED"),
        ("scale 1/√E instead of 1/√Dh", "self-attention, 2 heads", "MHA_SCALE_E"),
        ("heads merged without the transpose", "self-attention, 2 heads", "MHA_NO_TRANSPOSE"),
        ("W_q used for all three projections", "one head", "MHA_SAME_W"),
    ],
    "sinusoidal-positional-encoding": [
        ("concatenated layout: all sines, then all cosines", "one position (p = 0)",
         '''import numpy as np
def pe(n, d, base=10000.0):
    i = np.arange(d // 2)
    ang = np.arange(n)[:, None] / base ** (2 * i / d)
    return np.concatenate([np.sin(ang), np.cos(ang)], axis=1)
'''),
        ("exponent i/d instead of 2i/d", "interleaved, not concatenated",
         '''import numpy as np
def pe(n, d, base=10000.0):
    j = np.arange(d)
    ang = np.arange(n)[:, None] / base ** ((j // 2) / d)
    return np.where(j % 2 == 0, np.sin(ang), np.cos(ang))
'''),
        ("positions start at 1", "one position (p = 0)",
         '''import numpy as np
def pe(n, d, base=10000.0):
    j = np.arange(d)
    ang = np.arange(1, n + 1)[:, None] / base ** ((j // 2) * 2 / d)
    return np.where(j % 2 == 0, np.sin(ang), np.cos(ang))
'''),
        ("every column gets its own frequency j/d", "d_model = 2",
         '''import numpy as np
def pe(n, d, base=10000.0):
    j = np.arange(d)
    ang = np.arange(n)[:, None] / base ** (j / d)
    return np.where(j % 2 == 0, np.sin(ang), np.cos(ang))
'''),
        ("odd d_model crashes (pairs assumed)", "odd d_model",
         '''import numpy as np
def pe(n, d, base=10000.0):
    out = np.zeros((n, d))
    ang = np.arange(n)[:, None] / base ** (np.arange(0, d, 2) / d)
    out[:, 0::2], out[:, 1::2] = np.sin(ang), np.cos(ang)
    return out
'''),
    ],
    "lstm-cell": [
        ("gate order i, f, o, g (Keras' kernel order is i, f, c, o; some write i, f, o, g)",
         "zero weights", "LSTM_IFOG"),
        ("h' = o ⊙ c' (no tanh on the new cell)", "zero weights", "LSTM_NO_TANH"),
        ("bias_hh forgotten", "zero weights", "LSTM_NO_BHH"),
        ("sigmoid instead of tanh on the cell candidate g", "zero weights", "LSTM_SIG_G"),
    ],
    "gru-cell": [
        ("h' = z·n + (1 − z)·h (gates swapped)", "gate order r, z, n: rows 0..2 drive 'r'",
         "GRU_SWAP_Z"),
        ("Cho et al.'s reset before the product: W_hn (r ⊙ h)", "gate order r, z, n: rows 0..2",
         "GRU_CHO"),
        ("b_hn outside the reset product", "b_hn sits inside", "GRU_BHN_OUT"),
        ("gate order z, r, n", "gate order r, z, n: rows 0..2 drive 'r'", "GRU_ZRN"),
    ],
    "group-norm": [
        ("strided groups (channel c in group c % G)", "groups are contiguous", "GN_STRIDED"),
        ("unbiased variance (ddof = 1)", "num_groups = 1", "GN_DDOF1"),
        ("one-pass variance E[x²] − E[x]²", "large offset 1e6", "GN_ONE_PASS"),
        ("statistics per channel group but per position (spatial axes kept)",
         "num_groups = 1", "GN_PER_POSITION"),
    ],
    "conv-transpose2d": [
        ("kernel flipped (the gather view applied to the scatter)",
         "a single input pixel stamps the kernel", "CT_FLIP"),
        ("output_padding ignored", "output_padding", "CT_NO_OP"),
        ("weight read as (C_out, C_in, k, k)", "a single input pixel", "CT_LAYOUT"),
        ("padding cropped from the bottom/right only", "padding crops", "CT_CROP_END"),
        ("groups ignored", "groups = 2", "CT_NO_GROUPS"),
    ],
    "max-pool2d": [
        ("zero padding", "all-negative input with padding", "MP_ZERO_PAD"),
        ("stride defaults to 1", "stride defaults to the kernel size", "MP_STRIDE1"),
        ("ceil instead of floor for the output size", "odd size, stride 2", "MP_CEIL"),
    ],
    "avg-pool2d": [
        ("count_include_pad ignored (always k·k)", "count_include_pad=False: divide",
         "AP_ALWAYS_KK"),
        ("count_include_pad ignored (always real pixels)", "count_include_pad=True (default)",
         "AP_ALWAYS_REAL"),
        ("stride defaults to 1", "stride defaults to the kernel size", "AP_STRIDE1"),
    ],
    "channel-shuffle": [
        ("inverse shuffle: reshape to (C/g, g) first", "channels 0..11, g = 3", '''import numpy as np
def shuffle(x, g):
    n, c = x.shape[:2]
    return x.reshape((n, c // g, g) + x.shape[2:]).swapaxes(1, 2).reshape(x.shape)
'''),
        ("4-D only: transpose(0, 2, 1, 3, 4)", "3-D input", '''import numpy as np
def shuffle(x, g):
    n, c, h, w = x.shape
    return x.reshape(n, g, c // g, h, w).transpose(0, 2, 1, 3, 4).reshape(x.shape)
'''),
        ("spatial axes folded into the channel reshape (N, g, -1)", "g = 2 with spatial extent",
         '''import numpy as np
def shuffle(x, g):
    n = x.shape[0]
    return x.reshape(n, g, -1).swapaxes(1, 2).reshape(x.shape)
'''),
    ],
    "squeeze-excitation": [
        ("max pooling as the squeeze", "squeeze is the spatial mean", '''import numpy as np
def se(x, w1, b1, w2, b2, gate="sigmoid"):
    s = x.max(axis=(2, 3))
    z = np.maximum(s @ w1.T + (0 if b1 is None else b1), 0)
    t = z @ w2.T + (0 if b2 is None else b2)
    e = 0.5 * (1 + np.tanh(t / 2)) if gate == "sigmoid" else np.clip(t + 3, 0, 6) / 6
    return x * e[:, :, None, None]
'''),
        ("no ReLU between the FCs", "ReLU between the two FC layers", '''import numpy as np
def se(x, w1, b1, w2, b2, gate="sigmoid"):
    s = x.mean(axis=(2, 3))
    z = s @ w1.T + (0 if b1 is None else b1)
    t = z @ w2.T + (0 if b2 is None else b2)
    e = 0.5 * (1 + np.tanh(t / 2)) if gate == "sigmoid" else np.clip(t + 3, 0, 6) / 6
    return x * e[:, :, None, None]
'''),
        ("gate argument ignored (always sigmoid)", "gate = 'hsigmoid'", '''import numpy as np
def se(x, w1, b1, w2, b2, gate="sigmoid"):
    s = x.mean(axis=(2, 3))
    z = np.maximum(s @ w1.T + (0 if b1 is None else b1), 0)
    t = z @ w2.T + (0 if b2 is None else b2)
    return x * (0.5 * (1 + np.tanh(t / 2)))[:, :, None, None]
'''),
    ],
    "h-swish": [
        ("swish x·σ(x) instead of the hard version", "knees at −3 and 3", '''import numpy as np
def hs(x):
    x = np.asarray(x, dtype=float)
    return x / (1 + np.exp(-x))
'''),
        ("relu(x + 3) without the cap at 6", "knees at −3 and 3", '''import numpy as np
def hs(x):
    x = np.asarray(x, dtype=float)
    return x * np.maximum(x + 3, 0) / 6
'''),
        ("relu6(x + 3)/6 without the factor x (that is h-sigmoid)", "knees at −3 and 3",
         '''import numpy as np
def hs(x):
    return np.clip(np.asarray(x, dtype=float) + 3, 0, 6) / 6
'''),
    ],
    "h-sigmoid": [
        ("Keras' hard_sigmoid clip(0.2x + 0.5)", "knees at −3 and 3", '''import numpy as np
def hsig(x):
    return np.clip(0.2 * np.asarray(x, dtype=float) + 0.5, 0, 1)
'''),
        ("relu(x + 3)/6 without the cap", "knees at −3 and 3", '''import numpy as np
def hsig(x):
    return np.maximum(np.asarray(x, dtype=float) + 3, 0) / 6
'''),
        ("relu6(x) / 6 (no shift by 3)", "knees at −3 and 3", '''import numpy as np
def hsig(x):
    return np.clip(np.asarray(x, dtype=float), 0, 6) / 6
'''),
    ],
}


def mutate(source: str, old: str, new: str) -> str:
    """``source`` with one real change (the fragment must be there)."""
    assert old in source, old
    return source.replace(old, new)


_MHA = '''import numpy as np
def mha(q_in, k_in, v_in, heads, w_in, b_in, w_out, b_out, pad=None, causal=False):
    n, lq, e = q_in.shape
    lk = k_in.shape[1]
    b_in = np.zeros(3 * e) if b_in is None else b_in
    dh = e // heads
    q = q_in @ w_in[:e].T + b_in[:e]
    k = k_in @ w_in[e:2 * e].T + b_in[e:2 * e]
    v = v_in @ w_in[2 * e:].T + b_in[2 * e:]
    split = lambda t: t.reshape(n, -1, heads, dh).transpose(0, 2, 1, 3)
    q, k, v = split(q), split(k), split(v)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    ok = np.ones((n, 1, lq, lk), dtype=bool)
    if pad is not None:
        ok = ok & ~pad[:, None, None, :]
    if causal:
        ok = ok & np.tril(np.ones((lq, lk), dtype=bool))
    ok = np.broadcast_to(ok, s.shape)
    s = np.where(ok, s, -np.inf)
    m = s.max(axis=-1, keepdims=True)
    ex = np.where(ok, np.exp(s - np.where(np.isfinite(m), m, 0.0)), 0.0)
    tot = ex.sum(axis=-1, keepdims=True)
    w = np.divide(ex, tot, out=np.zeros_like(ex), where=tot > 0)
    ctx = (w @ v).transpose(0, 2, 1, 3).reshape(n, lq, e)
    out = ctx @ w_out.T
    return out if b_out is None else out + b_out
'''

_LSTM = '''import numpy as np
def cell(x, h, c, w_ih, w_hh, b_ih=None, b_hh=None):
    g = x @ w_ih.T + h @ w_hh.T
    g = g + (0 if b_ih is None else b_ih)
    g = g + (0 if b_hh is None else b_hh)
    H = h.shape[1]
    sig = lambda t: 0.5 * (1 + np.tanh(t / 2))
    i, f, gg, o = g[:, :H], g[:, H:2 * H], g[:, 2 * H:3 * H], g[:, 3 * H:]
    c2 = sig(f) * c + sig(i) * np.tanh(gg)
    return sig(o) * np.tanh(c2), c2
'''

_GRU = '''import numpy as np
def cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    H = h.shape[1]
    a = x @ w_ih.T + (0 if b_ih is None else b_ih)
    b = h @ w_hh.T + (0 if b_hh is None else b_hh)
    sig = lambda t: 0.5 * (1 + np.tanh(t / 2))
    r = sig(a[:, :H] + b[:, :H])
    z = sig(a[:, H:2 * H] + b[:, H:2 * H])
    n = np.tanh(a[:, 2 * H:] + r * b[:, 2 * H:])
    return (1 - z) * n + z * h
'''

_GN = '''import numpy as np
def gn(x, G, weight=None, bias=None, eps=1e-5):
    N, C = x.shape[:2]
    g = x.reshape(N, G, -1)
    mu = g.mean(axis=2, keepdims=True)
    var = ((g - mu) ** 2).mean(axis=2, keepdims=True)
    y = ((g - mu) / np.sqrt(var + eps)).reshape(x.shape)
    shape = (1, C) + (1,) * (x.ndim - 2)
    y = y if weight is None else y * weight.reshape(shape)
    return y if bias is None else y + bias.reshape(shape)
'''

_CT = '''import numpy as np
def ct(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    two = lambda v: (v, v) if np.isscalar(v) else tuple(v)
    (sh, sw), (ph, pw), (oh, ow), (dh, dw) = map(two, (stride, padding, output_padding, dilation))
    N, Ci, H, W = x.shape
    _, Cog, kh, kw = w.shape
    Cig = Ci // groups
    Ho = (H - 1) * sh - 2 * ph + dh * (kh - 1) + oh + 1
    Wo = (W - 1) * sw - 2 * pw + dw * (kw - 1) + ow + 1
    full = np.zeros((N, groups * Cog, (H - 1) * sh + dh * (kh - 1) + 1 + oh,
                     (W - 1) * sw + dw * (kw - 1) + 1 + ow))
    for g in range(groups):
        xs = x[:, g * Cig:(g + 1) * Cig]
        for ky in range(kh):
            for kx in range(kw):
                tap = np.einsum("nihw,io->nohw", xs, w[g * Cig:(g + 1) * Cig, :, ky, kx])
                full[:, g * Cog:(g + 1) * Cog, ky * dh:ky * dh + (H - 1) * sh + 1:sh,
                     kx * dw:kx * dw + (W - 1) * sw + 1:sw] += tap
    out = full[:, :, ph:ph + Ho, pw:pw + Wo]
    return out if b is None else out + b.reshape(1, -1, 1, 1)
'''

_POOL = '''import numpy as np
def pool(x, k, stride=None, padding=0, count_include_pad=True):
    two = lambda v: (v, v) if np.isscalar(v) else tuple(v)
    kh, kw = two(k)
    sh, sw = two(k if stride is None else stride)
    ph, pw = two(padding)
    H, W = x.shape[2:]
    Ho, Wo = (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=FILL)
    ones = np.pad(np.ones((H, W)), ((ph, ph), (pw, pw)))
    out = np.zeros(x.shape[:2] + (Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            count = kh * kw if count_include_pad else ones[i * sh:i * sh + kh, j * sw:j * sw + kw].sum()
            out[:, :, i, j] = REDUCE
    return out
'''
_MAX = _POOL.replace("FILL", "-np.inf").replace("REDUCE", "win.max(axis=(2, 3))")
_AVG = _POOL.replace("FILL", "0.0").replace("REDUCE", "win.sum(axis=(2, 3)) / count")

_TEMPLATES = {
    "MHA_KPM_INVERTED": mutate(_MHA, "ok & ~pad[", "ok & pad["),
    "MHA_SCALE_E": mutate(_MHA, "/ np.sqrt(dh)", "/ np.sqrt(e)"),
    "MHA_NO_TRANSPOSE": mutate(_MHA, "(w @ v).transpose(0, 2, 1, 3).reshape", "(w @ v).reshape"),
    "MHA_SAME_W": mutate(mutate(_MHA, "k_in @ w_in[e:2 * e].T", "k_in @ w_in[:e].T"),
                         "v_in @ w_in[2 * e:].T", "v_in @ w_in[:e].T"),
    "LSTM_IFOG": mutate(_LSTM, "i, f, gg, o = g[:, :H], g[:, H:2 * H], g[:, 2 * H:3 * H], g[:, 3 * H:]",
                        "i, f, o, gg = g[:, :H], g[:, H:2 * H], g[:, 2 * H:3 * H], g[:, 3 * H:]"),
    "LSTM_NO_TANH": mutate(_LSTM, "sig(o) * np.tanh(c2)", "sig(o) * c2"),
    "LSTM_NO_BHH": mutate(_LSTM, "g = g + (0 if b_hh is None else b_hh)", "pass"),
    "LSTM_SIG_G": mutate(_LSTM, "sig(i) * np.tanh(gg)", "sig(i) * sig(gg)"),
    "GRU_SWAP_Z": mutate(_GRU, "(1 - z) * n + z * h", "z * n + (1 - z) * h"),
    "GRU_CHO": mutate(_GRU, "r * b[:, 2 * H:]",
                      "(r * h) @ w_hh[2 * H:].T + (0 if b_hh is None else b_hh[2 * H:])"),
    "GRU_BHN_OUT": mutate(_GRU, "r * b[:, 2 * H:]",
                          "r * (h @ w_hh[2 * H:].T) + (0 if b_hh is None else b_hh[2 * H:])"),
    "GRU_ZRN": mutate(mutate(_GRU, "r = sig(a[:, :H] + b[:, :H])", "r = sig(a[:, H:2 * H] + b[:, H:2 * H])"),
                      "z = sig(a[:, H:2 * H] + b[:, H:2 * H])", "z = sig(a[:, :H] + b[:, :H])"),
    "GN_STRIDED": mutate(mutate(_GN, "g = x.reshape(N, G, -1)",
                                "g = x.reshape((N, C // G, G) + x.shape[2:]).swapaxes(1, 2).reshape(N, G, -1)"),
                         "y = ((g - mu) / np.sqrt(var + eps)).reshape(x.shape)",
                         "y = ((g - mu) / np.sqrt(var + eps)).reshape((N, G, C // G) + x.shape[2:]).swapaxes(1, 2).reshape(x.shape)"),
    "GN_DDOF1": mutate(_GN, "((g - mu) ** 2).mean(axis=2, keepdims=True)", "g.var(axis=2, ddof=1, keepdims=True)"),
    "GN_ONE_PASS": mutate(_GN, "((g - mu) ** 2).mean(axis=2, keepdims=True)", "(g ** 2).mean(axis=2, keepdims=True) - mu ** 2"),
    "GN_PER_POSITION": mutate(_GN, "g = x.reshape(N, G, -1)",
                              "g = x.reshape((N, G, C // G) + x.shape[2:])"),
    "CT_FLIP": mutate(_CT, "w[g * Cig:(g + 1) * Cig, :, ky, kx]", "w[g * Cig:(g + 1) * Cig, :, kh - 1 - ky, kw - 1 - kx]"),
    "CT_NO_OP": mutate(mutate(_CT, "+ oh + 1\n", "+ 1\n"), "+ ow + 1\n", "+ 1\n"),
    "CT_LAYOUT": mutate(_CT, "_, Cog, kh, kw = w.shape", "Cog, _, kh, kw = w.shape; w = w.transpose(1, 0, 2, 3)"),
    "CT_CROP_END": mutate(_CT, "full[:, :, ph:ph + Ho, pw:pw + Wo]", "full[:, :, :Ho, :Wo]"),
    "CT_NO_GROUPS": mutate(_CT, "    for g in range(groups):",
                           "    groups, Cig = 1, Ci\n    for g in range(groups):"),
    "MP_ZERO_PAD": mutate(_MAX, "constant_values=-np.inf", "constant_values=0.0"),
    "MP_STRIDE1": mutate(_MAX, "two(k if stride is None else stride)", "two(1 if stride is None else stride)"),
    "MP_CEIL": mutate(_MAX, "Ho, Wo = (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1",
                      "Ho, Wo = -(-(H + 2 * ph - kh) // sh) + 1, -(-(W + 2 * pw - kw) // sw) + 1\n"
                      "    x = np.pad(x, ((0, 0), (0, 0), (0, sh), (0, sw)), constant_values=-np.inf)"),
    "AP_ALWAYS_KK": mutate(_AVG, "kh * kw if count_include_pad else", "kh * kw if True else"),
    "AP_ALWAYS_REAL": mutate(_AVG, "kh * kw if count_include_pad else", "kh * kw if False else"),
    "AP_STRIDE1": mutate(_AVG, "two(k if stride is None else stride)", "two(1 if stride is None else stride)"),
}


def _source(entry: str) -> str:
    return _TEMPLATES.get(entry, entry)


def _function_of(source: str) -> Callable[..., Any]:
    """The one public function a mistake or independent solution defines."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<d1>", "exec"), namespace)  # noqa: S102 - test code
    names = [k for k, v in namespace.items() if not k.startswith("_")
             and getattr(getattr(v, "__code__", None), "co_filename", "") == "<d1>"]
    assert len(names) == 1, names
    return namespace[names[0]]  # type: ignore[no-any-return]


MISTAKE_PARAMS = [(eid, label, first, src) for eid, items in MISTAKES.items()
                  for label, first, src in items]


@pytest.mark.parametrize(("exercise_id", "label", "first", "source"), MISTAKE_PARAMS,
                         ids=[f"{m[0]}:{m[1][:40]}" for m in MISTAKE_PARAMS])
def test_classic_mistake_fails_on_its_named_case(exercises: dict[str, Exercise], exercise_id: str,
                                                 label: str, first: str, source: str) -> None:
    failed = failures(exercises[exercise_id], _function_of(_source(source)), perf=False)
    assert failed, f"{label}: passed every case"
    assert failed[0].startswith(first), f"{label}: first failure {failed[0]!r}, expected {first!r}"


def test_every_exercise_has_three_mistakes_and_the_templates_are_right(
        exercises: dict[str, Exercise]) -> None:
    assert set(MISTAKES) == set(IDS)
    assert all(len(items) >= 3 for items in MISTAKES.values())
    # The unmutated templates are correct solutions, so each mistake is one real change.
    for eid, template in [("multi-head-attention", _MHA), ("lstm-cell", _LSTM),
                          ("gru-cell", _GRU), ("group-norm", _GN), ("conv-transpose2d", _CT),
                          ("max-pool2d", _MAX), ("avg-pool2d", _AVG)]:
        assert failures(exercises[eid], _function_of(template), perf=False) == [], eid
    ok = _sdpa("    s = q @ np.swapaxes(k, -1, -2) * (1 / np.sqrt(q.shape[-1]) if scale is None "
               "else scale)\n" + _SDPA_OK_TAIL)
    assert failures(exercises["scaled-dot-product-attention"], _function_of(ok), perf=False) == []


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
