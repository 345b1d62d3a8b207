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


@pytest.mark.parametrize("exercise_id", IDS)
def test_case_arguments_are_a_prefix_of_the_signature(exercises: dict[str, Exercise],
                                                      exercise_id: str) -> None:
    """So ``fn(*case.args.values())`` here is exactly the grader's positional call."""
    ex = exercises[exercise_id]
    names = [p.split("=")[0].strip() for p in ex.signature.split("(", 1)[1].rstrip(")").split(",")]
    for case in resolve_target(ex.cases)(np.random.default_rng(0)):
        keys = list(case.args)
        assert keys == names[:len(keys)], (case.name, keys, names)
