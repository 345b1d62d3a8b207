"""Audit of matching, ROC, resize and convolution exercises (issues 10 and 14).

match-brute-force, match-cross-check, match-ratio-test, roc-auc, roc-curve,
bilinear-resize, conv2d, depthwise-separable-conv, patch-embedding: one
independently written correct solution each (loops, other names, lists where
the prompt allows) passes every case; each classic mistake fails, first on the
case named for its clause. Same harness as ``test_audit_a1``.
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


_DIST = '''import numpy as np
def dists(row, others, metric):
    row, others = np.asarray(row), np.asarray(others)
    if metric == "hamming":
        bits = np.unpackbits(np.bitwise_xor(row[None, :], others), axis=1).sum(axis=1)
        return bits.astype(float).tolist()
    diff = others.astype(float) - row.astype(float)
    return np.sqrt((diff * diff).sum(axis=1)).tolist()
def nearest(row, others, metric):
    best, best_d = 0, None
    for j, d in enumerate(dists(row, others, metric)):
        if best_d is None or d < best_d:
            best, best_d = j, d
    return best, best_d
'''

_BRUTE = _DIST + '''def match_brute_force(queries, train, kind="l2"):
    found = [nearest(q, train, kind) for q in queries]
    return np.array([j for j, _ in found], dtype=np.int64), [d for _, d in found]
'''

_CROSS = _DIST + '''def match_cross_check(queries, train, kind="l2"):
    pairs = []
    for i, q in enumerate(queries):
        j, _ = nearest(q, train, kind)
        if nearest(train[j], queries, kind)[0] == i:
            pairs.append((i, j))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)
'''

_RATIO = _DIST + '''def match_ratio_test(queries, train, r=0.75, kind="l2"):
    pairs = []
    for i, q in enumerate(queries):
        ds = sorted(zip(dists(q, train, kind), range(len(train))))
        if len(ds) >= 2 and ds[0][0] < r * ds[1][0]:
            pairs.append((i, ds[0][1]))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)
'''

#: Mann-Whitney U with average ranks, in plain Python.
_AUC = '''def roc_auc(labels, scores):
    order = sorted(range(len(scores)), key=lambda i: float(scores[i]))
    ranks = [0.0] * len(order)
    k = 0
    while k < len(order):
        m = k
        while m + 1 < len(order) and scores[order[m + 1]] == scores[order[k]]:
            m += 1
        for t in range(k, m + 1):
            ranks[order[t]] = (k + m) / 2 + 1
        k = m + 1
    pos = [r for r, y in zip(ranks, labels) if y]
    n_pos, n_neg = len(pos), len(labels) - len(pos)
    return (sum(pos) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
'''

_CURVE = '''import numpy as np
def roc_curve(labels, scores):
    labels = [bool(v) for v in labels]
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    pairs = sorted(zip([float(s) for s in scores], labels), reverse=True)
    fpr, tpr, thr = [0.0], [0.0], [float("inf")]
    tp = fp = 0
    for k, (s, y) in enumerate(pairs):
        tp += y
        fp += not y
        if k + 1 == len(pairs) or pairs[k + 1][0] != s:
            fpr.append(fp / n_neg)
            tpr.append(tp / n_pos)
            thr.append(s)
    return np.array(fpr), np.array(tpr), np.array(thr)
'''

_RESIZE = '''import math
import numpy as np
def coords(L, l, corners):
    out = []
    for d in range(l):
        if corners:
            s = d * (L - 1) / (l - 1) if l > 1 else 0.0
        else:
            s = max((d + 0.5) * L / l - 0.5, 0.0)
        i0 = min(math.floor(s), L - 1)
        out.append((i0, min(i0 + 1, L - 1), s - i0))
    return out
def bilinear_resize(img, size, corners=False):
    img = np.asarray(img, dtype=np.float64)
    H, W = img.shape[2:]
    rows, cols = coords(H, size[0], corners), coords(W, size[1], corners)
    out = np.empty(img.shape[:2] + (size[0], size[1]))
    for a, (r0, r1, ly) in enumerate(rows):
        line = (1 - ly) * img[:, :, r0, :] + ly * img[:, :, r1, :]
        for b, (c0, c1, lx) in enumerate(cols):
            out[:, :, a, b] = (1 - lx) * line[:, :, c0] + lx * line[:, :, c1]
    return out
'''

#: Loops over kernel taps; each group is one matrix product per tap.
_CONV = '''import numpy as np
def pair(v):
    return (int(v), int(v)) if np.isscalar(v) else (int(v[0]), int(v[1]))
def conv2d(inp, w, b=None, s=1, p=0, d=1, g=1):
    (sh, sw), (ph, pw), (dh, dw) = pair(s), pair(p), pair(d)
    n, c, H, W = inp.shape
    o, cg, kh, kw = w.shape
    xp = np.zeros((n, c, H + 2 * ph, W + 2 * pw))
    xp[:, :, ph:ph + H, pw:pw + W] = inp
    oh = (H + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (W + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    og = o // g
    out = np.zeros((n, o, oh, ow))
    for grp in range(g):
        xs = xp[:, grp * cg:(grp + 1) * cg]
        for u in range(kh):
            for v in range(kw):
                patch = xs[:, :, u * dh:u * dh + sh * (oh - 1) + 1:sh,
                           v * dw:v * dw + sw * (ow - 1) + 1:sw]
                tap = w[grp * og:(grp + 1) * og, :, u, v]
                out[:, grp * og:(grp + 1) * og] += np.einsum("ncij,oc->noij", patch, tap)
    if b is not None:
        out += np.asarray(b)[None, :, None, None]
    return out
'''

_DSC = '''import numpy as np
def depthwise_separable_conv(x, kd, kp, bd=None, bp=None, step=1, pad=0):
    n, c, H, W = x.shape
    cm, _, kh, kw = kd.shape
    m = cm // c
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (H + 2 * pad - kh) // step + 1, (W + 2 * pad - kw) // step + 1
    mid = np.zeros((n, cm, oh, ow))
    for j in range(cm):
        src = xp[:, j // m]
        for i in range(oh):
            for q in range(ow):
                win = src[:, i * step:i * step + kh, q * step:q * step + kw]
                mid[:, j, i, q] = (win * kd[j, 0]).sum(axis=(1, 2))
        if bd is not None:
            mid[:, j] += bd[j]
    out = np.tensordot(mid, kp[:, :, 0, 0], axes=([1], [1])).transpose(0, 3, 1, 2)
    return out if bp is None else out + np.asarray(bp)[None, :, None, None]
'''

_PATCH = '''import numpy as np
def patch_embedding(x, w, b, p):
    n, c, H, W = x.shape
    d = w.shape[0]
    flat_w = w.reshape(d, -1)
    tokens = []
    for img in x:
        row = []
        for r in range(H // p):
            for q in range(W // p):
                patch = img[:, r * p:(r + 1) * p, q * p:(q + 1) * p].reshape(-1)
                row.append(flat_w @ patch + (0.0 if b is None else b))
        tokens.append(row)
    return np.array(tokens).reshape(n, (H // p) * (W // p), d)
'''

INDEPENDENT: dict[str, str] = {
    "match-brute-force": _BRUTE, "match-cross-check": _CROSS, "match-ratio-test": _RATIO,
    "roc-auc": _AUC, "roc-curve": _CURVE, "bilinear-resize": _RESIZE, "conv2d": _CONV,
    "depthwise-separable-conv": _DSC, "patch-embedding": _PATCH,
}

_SQUARED = ("np.sqrt((diff * diff).sum(axis=1))", "(diff * diff).sum(axis=1)")
_LAST_TIE = ("if best_d is None or d < best_d:", "if best_d is None or d <= best_d:")
_BYTES = ("np.unpackbits(np.bitwise_xor(row[None, :], others), axis=1).sum(axis=1)",
          "(row[None, :] != others).sum(axis=1)")

#: exercise id -> [(the mistake, the named case that must be the first it fails, source)].
MISTAKES: dict[str, list[tuple[str, str, str]]] = {
    "match-brute-force": [
        ("squared L2 distances", "l2 distances are Euclidean, not squared", variant(_BRUTE, _SQUARED)),
        ("ties go to the last index", "duplicate train descriptors: the lowest index wins",
         variant(_BRUTE, _LAST_TIE)),
        ("hamming counts differing bytes", "hamming counts differing bits, not bytes",
         variant(_BRUTE, _BYTES)),
    ],
    "match-cross-check": [
        ("no backward check (plain nearest neighbours)",
         "many queries, one close train descriptor (many-to-one)",
         variant(_CROSS, ("if nearest(train[j], queries, kind)[0] == i:", "if True:"))),
        ("rows in train order", "rows sorted by query index (not by train index)",
         variant(_CROSS, ("    return np.array(pairs, dtype=np.int64)",
                          "    pairs.sort(key=lambda ij: ij[1])\n    return np.array(pairs, dtype=np.int64)"))),
        ("forward ties go to the last index", "duplicate train descriptors: the lowest index wins",
         variant(_CROSS, _LAST_TIE)),
        ("hamming counts differing bytes", "hamming counts differing bits, not bytes",
         variant(_CROSS, _BYTES)),
        ("no pairs returned as shape (0,)", "empty query set",
         variant(_CROSS, (".reshape(-1, 2)", ""))),
    ],
    "match-ratio-test": [
        ("ratio applied to squared distances",
         "ratio of distances, not of squared distances (d1/d2 = 0.8)", variant(_RATIO, _SQUARED)),
        ("d1 <= ratio·d2 kept", "d1 = 0.75·d2 exactly is rejected (strict <)",
         variant(_RATIO, ("ds[0][0] < r * ds[1][0]", "ds[0][0] <= r * ds[1][0]"))),
        ("a lone train descriptor is always kept",
         "one train descriptor: no second neighbour, nothing kept",
         variant(_RATIO, ("if len(ds) >= 2 and ds[0][0] < r * ds[1][0]:",
                          "if len(ds) < 2 or ds[0][0] < r * ds[1][0]:"))),
        ("second neighbour skips duplicates of the nearest",
         "duplicate train descriptors: the lowest index wins",
         variant(_RATIO, ("        if len(ds) >= 2", "        ds = [ds[0]] + [e for e in ds[1:] if e[0] != ds[0][0]]\n        if len(ds) >= 2"))),
    ],
    "roc-auc": [
        ("higher score read as more negative", "two samples, perfect",
         variant(_AUC, ("key=lambda i: float(scores[i]))", "key=lambda i: -float(scores[i]))"))),
        ("ties broken by position (ordinal ranks)", "all scores equal",
         variant(_AUC, ("ranks[order[t]] = (k + m) / 2 + 1", "ranks[order[t]] = t + 1"))),
        ("tied pairs count 0 instead of 1/2", "all scores equal",
         variant(_AUC, ("ranks[order[t]] = (k + m) / 2 + 1", "ranks[order[t]] = k + 1"))),
    ],
    "roc-curve": [
        ("no +inf starting point", "+inf first, then every distinct score (score >= threshold)",
         variant(_CURVE, ('fpr, tpr, thr = [0.0], [0.0], [float("inf")]', "fpr, tpr, thr = [], [], []"))),
        ("a point per sample (ties split)", "tied scores form one threshold (a diagonal step)",
         variant(_CURVE, ("if k + 1 == len(pairs) or pairs[k + 1][0] != s:", "if True:"))),
        ("samples not sorted by score", "samples in any order: sort by score first",
         variant(_CURVE, ("sorted(zip([float(s) for s in scores], labels), reverse=True)",
                          "list(zip([float(s) for s in scores], labels))"))),
        ("thresholds without the +inf but the curve from (0, 0)",
         "+inf first, then every distinct score (score >= threshold)",
         variant(_CURVE, ('[float("inf")]', "[]"))),
    ],
    "bilinear-resize": [
        ("align_corners=True mapping always", "downscale, align_corners=False: s = (d + 0.5)·L/l − 0.5",
         variant(_RESIZE, ("        if corners:", "        if True:"))),
        ("i1 not clamped to L - 1", "1-pixel axis: i1 = min(i0 + 1, L − 1)",
         variant(_RESIZE, ("min(i0 + 1, L - 1)", "i0 + 1"))),
        ("negative source coordinates not clamped", "upscale, align_corners=False: negative s clamps to 0",
         variant(_RESIZE, ("max((d + 0.5) * L / l - 0.5, 0.0)", "(d + 0.5) * L / l - 0.5"),
                 ("i0 = min(math.floor(s), L - 1)", "i0 = min(max(math.floor(s), 0), L - 1)"))),
        ("align_corners ignored", "align_corners=True: the corner pixels coincide",
         variant(_RESIZE, ("        if corners:", "        if False:"))),
        ("align_corners=True divides by l - 1 = 0", "to 1x1, align_corners=True",
         variant(_RESIZE, ("d * (L - 1) / (l - 1) if l > 1 else 0.0", "d * (L - 1) / (l - 1)"))),
    ],
    "conv2d": [
        ("kernel flipped (true convolution)", "cross-correlation: the kernel is not flipped",
         variant(_CONV, ("tap = w[grp * og:(grp + 1) * og, :, u, v]",
                         "tap = w[grp * og:(grp + 1) * og, :, kh - 1 - u, kw - 1 - v]"))),
        ("bias ignored", "bias given", variant(_CONV, ("    if b is not None:", "    if False:"))),
        ("padding on one side only", "padding 1 (same size)",
         variant(_CONV, ("H + 2 * ph, W + 2 * pw)", "H + ph, W + pw)"),
                 ("xp[:, :, ph:ph + H, pw:pw + W]", "xp[:, :, ph:, pw:]"),
                 ("(H + 2 * ph -", "(H + ph -"), ("(W + 2 * pw -", "(W + pw -"))),
        ("dilation ignored", "dilation 2",
         variant(_CONV, ("(dh, dw) = pair(s), pair(p), pair(d)", "(dh, dw) = pair(s), pair(p), (1, 1)"))),
        ("groups ignored", "groups 2", variant(_CONV, ("og = o // g", "g = 1\n    og = o"))),
        ("pair parameters read as (w, h)", "pair stride/padding/dilation",
         variant(_CONV, ("else (int(v[0]), int(v[1]))", "else (int(v[1]), int(v[0]))"))),
    ],
    "depthwise-separable-conv": [
        ("depthwise step sums over channels", "depthwise step filters each channel alone (no mixing)",
         variant(_DSC, ("src = xp[:, j // m]", "src = xp.sum(axis=1)"))),
        ("padding also in the pointwise step", "padding applies to the depthwise step only",
         variant(_DSC, ("    out = np.tensordot(mid,",
                        "    mid = np.pad(mid, ((0, 0), (0, 0), (pad, pad), (pad, pad)))\n    out = np.tensordot(mid,"))),
        ("depth multiplier maps channel j to j % C", "depth multiplier 2",
         variant(_DSC, ("src = xp[:, j // m]", "src = xp[:, j % c]"))),
        ("biases swapped", "with both biases",
         variant(_DSC, ("mid[:, j] += bd[j]", "mid[:, j] += bp[j]"),
                 ("else out + np.asarray(bp)", "else out + np.asarray(bd)"))),
    ],
    "patch-embedding": [
        ("patches in column-major order", "rectangular image 4x8 (raster order)",
         variant(_PATCH, ("        for r in range(H // p):\n            for q in range(W // p):",
                          "        for q in range(W // p):\n            for r in range(H // p):"))),
        ("patch flattened channels-last (P, P, C)",
         "C = 3: a patch is flattened as (C, P, P), like the weight",
         variant(_PATCH, (".reshape(-1)\n", ".transpose(1, 2, 0).reshape(-1)\n"))),
        ("bias None not handled", "no bias", variant(_PATCH, ("(0.0 if b is None else b)", "b"))),
        ("trailing pixels not dropped", "H, W not multiples of P: trailing pixels dropped",
         variant(_PATCH, ("range(H // p)", "range(-(-H // p))"), ("range(W // p)", "range(-(-W // p))"))),
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
