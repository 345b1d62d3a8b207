"""Cases for conv2d: one named case per hyper-parameter that learners get wrong.

All tensors are float64 NCHW / OIHW. Hyper-parameters are passed as ints or
as ``[h, w]`` lists (the pair form), never tuples, so they cross the sandbox
as plain data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlquiz.grading.case import Case, CaseKind


def conv_case(
    rng: np.random.Generator,
    name: str,
    *,
    n: int = 1,
    c: int = 2,
    hw: tuple[int, int] = (7, 7),
    out: int = 3,
    k: tuple[int, int] = (3, 3),
    bias: bool = False,
    kind: CaseKind = "edge",
    **params: Any,
) -> Case:
    """A case with random input/weights; ``params`` are stride, padding, dilation, groups."""
    groups = int(params.get("groups", 1))
    args: dict[str, Any] = {
        "x": rng.standard_normal((n, c, *hw)),
        "weight": rng.standard_normal((out, c // groups, *k)),
        "bias": rng.standard_normal(out) if bias else None,
    }
    args.update(params)
    return Case(name, args, kind)


def conv2d_cases(rng: np.random.Generator) -> list[Case]:
    """Edge cases for each hyper-parameter, random combinations, one perf case."""
    # An asymmetric kernel on a ramp: a flipped (true) convolution gives other numbers.
    ramp = np.arange(20, dtype=np.float64).reshape(1, 1, 4, 5)
    asym = np.array([[[[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]]]])
    cases = [
        Case("cross-correlation: the kernel is not flipped",
             {"x": ramp, "weight": asym, "bias": None}, "edge"),
        conv_case(rng, "plain 3x3, no padding"),
        conv_case(rng, "1x1 kernel", k=(1, 1), c=4, out=5),
        conv_case(rng, "bias given", bias=True),
        conv_case(rng, "padding 1 (same size)", padding=1),
        conv_case(rng, "padding > kernel/2", padding=2),
        conv_case(rng, "stride 2", hw=(8, 9), stride=2),
        conv_case(rng, "stride > kernel", k=(2, 2), hw=(9, 10), stride=3),
        conv_case(rng, "dilation 2", hw=(9, 9), dilation=2),
        conv_case(rng, "dilation with padding", hw=(6, 6), dilation=2, padding=2),
        conv_case(rng, "groups 2", c=4, out=6, groups=2),
        conv_case(rng, "depthwise (groups = channels)", c=4, out=4, groups=4, padding=1),
        conv_case(rng, "depthwise multiplier 2", c=3, out=6, groups=3),
        conv_case(rng, "pair stride/padding/dilation", hw=(10, 11), k=(3, 2),
                  stride=[2, 1], padding=[1, 2], dilation=[1, 2]),
        conv_case(rng, "non-square kernel", k=(1, 3), hw=(5, 6)),
        conv_case(rng, "kernel covers the whole input", hw=(3, 3)),
        conv_case(rng, "size not divisible by stride", hw=(11, 11), stride=2, bias=True),
        conv_case(rng, "batch of 3", n=3, bias=True, padding=1),
    ]
    for i in range(6):
        groups = int(rng.choice([1, 1, 2, 4]))
        c = groups * int(rng.integers(1, 4))
        out = groups * int(rng.integers(1, 4))
        kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
        stride = [int(v) for v in rng.integers(1, 4, size=2)]
        padding = [int(v) for v in rng.integers(0, 3, size=2)]
        dilation = [int(v) for v in rng.integers(1, 3, size=2)]
        h = dilation[0] * (kh - 1) + 1 + int(rng.integers(0, 12))
        w = dilation[1] * (kw - 1) + 1 + int(rng.integers(0, 12))
        cases.append(
            conv_case(rng, f"random {c}->{out} k={kh}x{kw} #{i + 1}", n=int(rng.integers(1, 4)), c=c,
                      hw=(h, w), out=out, k=(kh, kw), bias=bool(i % 2), kind="random",
                      stride=stride, padding=padding, dilation=dilation, groups=groups)
        )
    cases.append(conv_case(rng, "perf 4x16x32x32, 3x3, 32 out", n=4, c=16, hw=(32, 32), out=32,
                           bias=True, kind="perf", padding=1))
    return cases
