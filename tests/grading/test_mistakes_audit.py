"""Mistakes an outside audit (round 2) found accepted, each now refused by its own case.

Written by independent solvers from the prompts alone; graded here in the sandbox,
as `dlquiz check` does. Each must fail, and first on the case added for it.
"""

from __future__ import annotations

import pytest

from dlquiz.grading.grader import grade
from dlquiz.grading.registry import bundled_exercises

MISTAKES = [
    ('integral-image', 'large int64 values (an int32 table overflows)', 'an int32 table', "# wrong: int32 accumulator (cv2 default)\nimport numpy as np\n\ndef integral_image(img):\n    a = np.asarray(img)\n    H, W = a.shape\n    if a.dtype.kind == 'f':\n        src = a.astype(np.float64); dt = np.float64\n    else:\n        src = a.astype(np.int32); dt = np.int32\n    S = np.zeros((H + 1, W + 1), dtype=dt)\n    for y in range(H):\n        row = 0\n        for x in range(W):\n            row += src[y, x]\n            S[y + 1, x + 1] = S[y, x + 1] + row\n    return S\n"),
    ('integral-image', 'float64 precision (a float32 table loses it)', 'a float32 table', "# wrong: float input returned as float32\nimport numpy as np\n\ndef integral_image(img):\n    a = np.asarray(img)\n    H, W = a.shape\n    if a.dtype.kind == 'f':\n        src = a.astype(np.float32); dt = np.float32\n    else:\n        src = a.astype(np.int64); dt = np.int64\n    S = np.zeros((H + 1, W + 1), dtype=dt)\n    for y in range(H):\n        row = 0\n        for x in range(W):\n            row += src[y, x]\n            S[y + 1, x + 1] = S[y, x + 1] + row\n    return S\n"),
    ('adamw-step', 'defaults from the signature (lr, betas, eps, weight_decay)', 'default weight_decay 0', '# wrong: default weight_decay 0\nimport math\nimport numpy as np\n\ndef adamw(param, grads, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.0):\n    p0 = np.asarray(param, dtype=np.float64)\n    G = np.asarray(grads, dtype=np.float64).reshape((-1,) + p0.shape)\n    flat = p0.reshape(-1).tolist()\n    n = len(flat)\n    m = [0.0] * n; v = [0.0] * n\n    res = np.zeros((G.shape[0],) + p0.shape)\n    for step in range(G.shape[0]):\n        t = step + 1\n        g = G[step].reshape(-1)\n        bc1 = 1 - beta1 ** t; bc2 = 1 - beta2 ** t\n        for i in range(n):\n            flat[i] *= (1 - lr * weight_decay)\n            m[i] = beta1 * m[i] + (1 - beta1) * g[i]\n            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]\n            flat[i] -= lr * (m[i] / bc1) / (math.sqrt(v[i] / bc2) + eps)\n        res[step] = np.array(flat).reshape(p0.shape)\n    return res\n'),
    ('histogram-equalization', 'rounding ties to even (42.5 -> 42, 212.5 -> 212)', 'round half up', 'import numpy as np\ndef equalize_hist(img):\n    a = np.asarray(img)\n    hist = np.bincount(a.ravel(), minlength=256)\n    cdf = np.cumsum(hist); N = a.size\n    vmin = np.nonzero(hist)[0][0]\n    if hist[vmin] == N: return a.copy()\n    # classic: round half up instead of ties-to-even\n    lut = np.floor((cdf - cdf[vmin]) * 255.0 / (N - cdf[vmin]) + 0.5)\n    lut = np.clip(lut, 0, 255).astype(np.uint8)\n    return lut[a]\n'),
    ('soft-nms', 'every score below score_threshold: nothing kept', 'prunes only after each pick', 'import numpy as np\ndef soft_nms(boxes, scores, iou_threshold=0.3, sigma=0.5, score_threshold=0.001, method="gaussian"):\n    b = np.asarray(boxes, float).reshape(-1, 4); s = np.asarray(scores, float).copy()\n    area = (b[:, 2]-b[:, 0])*(b[:, 3]-b[:, 1]); rem = list(range(len(s))); keep = []; ks = []\n    while rem:\n        r = np.array(rem); i = r[np.argmax(s[r])]; keep.append(i); ks.append(s[i]); rem.remove(i)\n        if not rem: break\n        r = np.array(rem)\n        iw = np.clip(np.minimum(b[i, 2], b[r, 2])-np.maximum(b[i, 0], b[r, 0]), 0, None)\n        ih = np.clip(np.minimum(b[i, 3], b[r, 3])-np.maximum(b[i, 1], b[r, 1]), 0, None)\n        I = iw*ih; U = area[i]+area[r]-I; o = np.where(U > 0, I/np.where(U > 0, U, 1), 0)\n        if method == "linear": s[r] *= np.where(o > iou_threshold, 1-o, 1)\n        else: s[r] *= np.exp(-o**2/sigma)\n        rem = [j for j in rem if s[j] >= score_threshold]   # prunes only after decay: never prunes initially-low boxes before 1st pick? (they get pruned after first pick)\n    return np.array(keep, np.int64), np.array(ks, float)\n'),
    ('observer-qparams', 'zero point rounds half to even (−21.5 → −22)', 'zero point rounded half up', "import numpy as np\n# wrong: zero point rounds half up (floor(v+0.5)) instead of half-to-even\ndef observer_qparams(x, dtype='quint8', symmetric=False):\n    vals = np.asarray(x, dtype=np.float64).ravel()\n    qmin, qmax = (0, 255) if dtype == 'quint8' else (-128, 127)\n    lo = min(float(vals.min()), 0.0)\n    hi = max(float(vals.max()), 0.0)\n    eps = 2.0 ** -23\n    if symmetric:\n        sc = max(max(-lo, hi) / ((qmax - qmin) / 2.0), eps)\n        zp = 128 if dtype == 'quint8' else 0\n    else:\n        sc = max((hi - lo) / float(qmax - qmin), eps)\n        zp = qmin - int(np.floor(lo / sc + 0.5))\n        zp = int(min(max(zp, qmin), qmax))\n    return float(sc), int(zp)\n"),
]


FIRST_PIVOT_QUICKSELECT = """
def quickselect(arr, k):
    values = list(arr)
    while True:
        p = values[0]                      # first-element pivot, three-way split
        less = [v for v in values if v < p]
        eq = [v for v in values if v == p]
        if k < len(less):
            values = less
        elif k < len(less) + len(eq):
            return p
        else:
            k -= len(less) + len(eq)
            values = [v for v in values if v > p]
"""


def test_a_first_element_pivot_runs_out_of_time_as_the_prompt_says() -> None:
    report = grade(bundled_exercises()["quickselect"], FIRST_PIVOT_QUICKSELECT, seed=5)
    assert report.verdict == "time_limit"
    assert report.first_failure is not None
    assert report.first_failure.name == "sorted input, n = 50000 (first-element pivot worst case)"


@pytest.mark.parametrize(("exercise_id", "case", "what", "source"), MISTAKES,
                         ids=[f"{m[0]}: {m[2]}" for m in MISTAKES])
def test_the_mistake_fails_on_its_case(exercise_id: str, case: str, what: str, source: str) -> None:
    report = grade(bundled_exercises()[exercise_id], source, seed=11)
    assert report.verdict == "wrong_answer", report.message
    assert report.first_failure is not None and report.first_failure.name == case
