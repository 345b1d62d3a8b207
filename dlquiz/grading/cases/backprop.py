"""Cases for label-smoothed cross-entropy, its gradient, conv2d and BatchNorm backward.

Arguments are in signature order. Named cases first (one per clause of each
prompt: ε/K on every class, the 1/N of the mean, huge logits, the floor in the
conv output size, padding discarded, a constant BN channel), then seeded
random cases, then one perf case for conv2d backward.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlquiz.grading.case import Case, CaseKind


def _ce(name: str, z: Any, y: Any, eps: float, kind: CaseKind = "edge") -> Case:
    return Case(name, {"logits": np.asarray(z, dtype=float), "target": np.asarray(y, dtype=np.int64),
                       "label_smoothing": eps}, kind)


def _ce_common(rng: np.random.Generator) -> list[Case]:
    z4 = rng.normal(size=(4, 5))
    y4 = rng.integers(0, 5, size=4)
    return [
        _ce("ε = 0: plain cross-entropy, mean over a batch of 4", z4, y4, 0.0),
        _ce("ε/K goes to every class, the true one included", [[2.0, 0.0, 0.0]], [0], 0.3),
        _ce("smoothing on a batch of 4", z4, y4, 0.1),
        _ce("ε = 1: the target is uniform", z4, y4, 1.0),
        _ce("huge logits ±1e4 (log-sum-exp)", [[1e4, -1e4, 0.0], [-1e4, 1e4, 3.0]], [1, 0], 0.1),
        _ce("K = 2", rng.normal(size=(3, 2)), [0, 1, 1], 0.2),
        _ce("N = 1", rng.normal(size=(1, 6)), [5], 0.1),
        _ce("equal logits: every class has probability 1/K", np.zeros((3, 4)), [0, 1, 3], 0.25),
    ]


def label_smoothing_cross_entropy_cases(rng: np.random.Generator) -> list[Case]:
    """ε = 0 / 0.3 / 1, huge logits, K = 2, N = 1, equal logits, then random."""
    cases = _ce_common(rng)
    for i, (n, k) in enumerate([(8, 3), (32, 10), (128, 100), (1000, 1000)]):
        cases.append(_ce(f"random N={n} K={k} #{i}", 3.0 * rng.normal(size=(n, k)),
                         rng.integers(0, k, size=n), float(rng.choice([0.0, 0.05, 0.1, 0.2])), "random"))
    return cases


def softmax_cross_entropy_backward_cases(rng: np.random.Generator) -> list[Case]:
    """The same clauses as the loss (the gradient of each), then random."""
    cases = [_ce("two samples: (p − onehot) / N", np.zeros((2, 2)), [0, 1], 0.0)] + _ce_common(rng)
    for i, (n, k) in enumerate([(8, 3), (32, 10), (128, 100), (500, 1000)]):
        cases.append(_ce(f"random N={n} K={k} #{i}", 3.0 * rng.normal(size=(n, k)),
                         rng.integers(0, k, size=n), float(rng.choice([0.0, 0.1, 0.2])), "random"))
    return cases


def _conv(name: str, x: Any, w: Any, stride: Any, padding: Any, rng: np.random.Generator,
          kind: CaseKind = "edge") -> Case:
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    (sh, sw) = (stride, stride) if isinstance(stride, int) else stride
    (ph, pw) = (padding, padding) if isinstance(padding, int) else padding
    ho = (x.shape[2] + 2 * ph - w.shape[2]) // sh + 1
    wo = (x.shape[3] + 2 * pw - w.shape[3]) // sw + 1
    gy = rng.normal(size=(x.shape[0], w.shape[0], ho, wo))
    return Case(name, {"x": x, "weight": w, "grad_output": gy,
                       "stride": list(stride) if isinstance(stride, tuple) else stride,
                       "padding": list(padding) if isinstance(padding, tuple) else padding}, kind)


def conv2d_backward_cases(rng: np.random.Generator) -> list[Case]:
    """1×1, 3×3 padded, stride with a dropped row, asymmetric pairs, full-size kernel, perf."""
    r = rng.normal
    cases = [
        _conv("1×1 kernel, stride 1 (batch of 2)", r(size=(2, 3, 4, 4)), r(size=(2, 3, 1, 1)), 1, 0, rng),
        _conv("3×3 kernel, padding 1 (gradient on the padding is discarded)",
              r(size=(1, 2, 5, 5)), r(size=(3, 2, 3, 3)), 1, 1, rng),
        _conv("asymmetric 3×3 kernel is not flipped", r(size=(1, 1, 4, 4)),
              np.arange(9.0).reshape(1, 1, 3, 3), 1, 0, rng),
        _conv("stride 2: windows overlap, gradients add up", r(size=(2, 2, 7, 7)),
              r(size=(2, 2, 3, 3)), 2, 1, rng),
        _conv("stride 2 on an even size: the last row and column get 0",
              r(size=(1, 2, 6, 6)), r(size=(2, 2, 3, 3)), 2, 0, rng),
        _conv("asymmetric stride (2, 3) and padding (1, 2), 2×3 kernel",
              r(size=(2, 3, 8, 9)), r(size=(4, 3, 2, 3)), (2, 3), (1, 2), rng),
        _conv("kernel as large as the padded input: one output pixel",
              r(size=(3, 2, 3, 3)), r(size=(2, 2, 5, 5)), 1, 1, rng),
        _conv("stride larger than the kernel: untouched input pixels get 0",
              r(size=(1, 1, 7, 7)), r(size=(1, 1, 2, 2)), 3, 0, rng),
        _conv("N = 1, C = 1, O = 1", r(size=(1, 1, 5, 4)), r(size=(1, 1, 3, 2)), 1, 0, rng),
        _conv("batch of 5: weight gradient sums over the batch",
              r(size=(5, 2, 4, 4)), r(size=(3, 2, 3, 3)), 1, 1, rng),
    ]
    for i, (n, c, hw, o, k, s, p) in enumerate([(2, 3, 8, 4, 3, 1, 1), (4, 8, 12, 8, 3, 2, 1),
                                                 (2, 4, 15, 6, 5, 2, 2), (3, 16, 16, 16, 1, 1, 0)]):
        cases.append(_conv(f"random N={n} C={c} {hw}×{hw} O={o} k={k} s={s} p={p} #{i}",
                           r(size=(n, c, hw, hw)), r(size=(o, c, k, k)), s, p, rng, "random"))
    cases.append(_conv("perf 8×16×32×32, 32 3×3 filters, padding 1", r(size=(8, 16, 32, 32)),
                       r(size=(32, 16, 3, 3)), 1, 1, rng, "perf"))
    return cases


def _bn(name: str, x: Any, gamma: Any, dy: Any, eps: float, kind: CaseKind = "edge") -> Case:
    return Case(name, {"x": np.asarray(x, dtype=float), "gamma": np.asarray(gamma, dtype=float),
                       "grad_output": np.asarray(dy, dtype=float), "eps": eps}, kind)


def batch_norm_backward_cases(rng: np.random.Generator) -> list[Case]:
    """(N, C), NCHW, two samples, constant channel, constant dy, γ ≤ 0, large eps, then random."""
    r = rng.normal
    const = r(size=(4, 3, 2, 2))
    const[:, 1] = 2.5
    cases = [
        _bn("(N, C) input", r(size=(6, 3)), r(size=3), r(size=(6, 3)), 1e-5),
        _bn("(N, C, H, W) input: statistics over N, H and W", r(size=(2, 3, 4, 4)), r(size=3),
            r(size=(2, 3, 4, 4)), 1e-5),
        _bn("two samples per channel: grad_x is 0", [[1.0], [3.0]], [1.0], [[1.0], [0.0]], 0.0),
        _bn("a constant channel (variance 0)", const, r(size=3), r(size=(4, 3, 2, 2)), 1e-5),
        _bn("constant grad_output: grad_x is 0", r(size=(5, 2)), r(size=2), np.ones((5, 2)), 1e-5),
        _bn("grad_output proportional to x̂: only the scale path", [[0.0], [1.0], [2.0], [5.0]],
            [2.0], [[-2.0], [-1.0], [0.0], [3.0]], 1e-5),
        _bn("negative and zero gamma", r(size=(4, 3, 3)), [-1.5, 0.0, 0.7], r(size=(4, 3, 3)), 1e-5),
        _bn("large eps (0.5) matters", r(size=(8, 2)) * 0.3, r(size=2), r(size=(8, 2)), 0.5),
        _bn("N = 1 with spatial axes (statistics over H, W only)", r(size=(1, 2, 3, 3)),
            r(size=2), r(size=(1, 2, 3, 3)), 1e-5),
        _bn("large offset 1e4 on the input", 1e4 + r(size=(6, 2)), r(size=2), r(size=(6, 2)), 1e-5),
    ]
    for i, shape in enumerate([(16, 4), (8, 8, 5, 5), (4, 16, 7, 7, 2), (32, 64, 8, 8)]):
        cases.append(_bn(f"random shape={shape} #{i}", 2.0 * r(size=shape) + 1.0,
                         r(size=shape[1]), r(size=shape), 1e-5, "random"))
    return cases


def _kd(name: str, s: Any, t: Any, y: Any, temp: float, alpha: float, kind: CaseKind = "edge") -> Case:
    return Case(name, {"student_logits": np.asarray(s, dtype=float),
                       "teacher_logits": np.asarray(t, dtype=float),
                       "target": np.asarray(y, dtype=np.int64), "temperature": temp, "alpha": alpha}, kind)


def distillation_loss_cases(rng: np.random.Generator) -> list[Case]:
    """T² factor, KL direction, batch mean, T on both softmaxes, α = 0 / 1, huge logits."""
    s4, t4 = rng.normal(size=(4, 5)), 3.0 * rng.normal(size=(4, 5))
    y4 = rng.integers(0, 5, size=4)
    return [
        _kd("α = 1, T = 4: soft term only, scaled by T²", s4, t4, y4, 4.0, 1.0),
        _kd("α = 0: plain cross-entropy with the labels", s4, t4, y4, 4.0, 0.0),
        _kd("T = 1, α = 1: KL(teacher ‖ student)", s4, t4, y4, 1.0, 1.0),
        _kd("student equals teacher: soft term is 0", t4, t4, y4, 3.0, 0.5),
        _kd("mixed α = 0.7, T = 2", s4, t4, y4, 2.0, 0.7),
        _kd("batch mean over N = 8, K = 3 (not a mean over classes)", rng.normal(size=(8, 3)),
            rng.normal(size=(8, 3)), rng.integers(0, 3, size=8), 2.0, 1.0),
        _kd("confident teacher: probabilities underflow to 0 (0·log 0 = 0)",
            rng.normal(size=(2, 4)), [[1e4, -1e4, 0.0, 0.0], [-1e4, 0.0, 1e4, 5.0]], [0, 2], 1.0, 0.9),
        _kd("huge student logits ±1e4", [[1e4, -1e4, 0.0]], [[1.0, 0.0, -1.0]], [1], 2.0, 0.5),
        _kd("high temperature T = 20", s4, t4, y4, 20.0, 0.9),
        _kd("N = 1, K = 2", [[0.3, -0.2]], [[2.0, -1.0]], [0], 5.0, 0.5),
    ] + [
        _kd(f"random N={n} K={k} #{i}", 2.0 * rng.normal(size=(n, k)), 4.0 * rng.normal(size=(n, k)),
            rng.integers(0, k, size=n), float(rng.choice([1.0, 2.0, 4.0, 8.0])),
            float(rng.choice([0.1, 0.5, 0.9])), "random")
        for i, (n, k) in enumerate([(8, 10), (32, 100), (128, 10), (256, 1000)])
    ]
