"""Cases for ``depthwise_separable_conv``."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def depthwise_separable_conv_cases(rng: np.random.Generator) -> list[Case]:
    """1×1 depthwise, stride/padding corner cases, depth multiplier, biases, then random."""

    def args(
        n: int, c: int, hw: int, k: int, o: int, *, mult: int = 1, stride: int = 1,
        padding: int = 0, biases: bool = False,
    ) -> dict[str, object]:
        out: dict[str, object] = {
            "x": rng.normal(size=(n, c, hw, hw)),
            "dw_weight": rng.normal(size=(c * mult, 1, k, k)),
            "pw_weight": rng.normal(size=(o, c * mult, 1, 1)),
            "stride": stride,
            "padding": padding,
        }
        if biases:
            out["dw_bias"] = rng.normal(size=c * mult)
            out["pw_bias"] = rng.normal(size=o)
        return out

    cases = [
        Case("depthwise step filters each channel alone (no mixing)", args(1, 3, 5, 3, 2), "edge"),
        Case("1x1 depthwise kernel", args(1, 3, 4, 1, 2), "edge"),
        Case("single channel", args(2, 1, 5, 3, 1), "edge"),
        Case("with both biases", args(1, 4, 6, 3, 5, biases=True), "edge"),
        Case("padding applies to the depthwise step only", args(1, 3, 5, 3, 2, padding=1), "edge"),
        Case("stride 2, padding 1", args(2, 3, 7, 3, 4, stride=2, padding=1), "edge"),
        Case("padding larger than kernel/2", args(1, 2, 4, 3, 3, padding=3), "edge"),
        Case("stride larger than the kernel", args(1, 2, 9, 2, 3, stride=3), "edge"),
        Case("depth multiplier 2", args(1, 3, 6, 3, 4, mult=2, biases=True), "edge"),
        Case("kernel as large as the input", args(2, 3, 5, 5, 2), "edge"),
    ]
    for i, (n, c, hw, k, o, s, p) in enumerate(
        [(2, 8, 16, 3, 16, 1, 1), (4, 16, 14, 3, 32, 2, 1), (1, 32, 28, 5, 64, 1, 2), (8, 24, 12, 3, 48, 1, 0)]
    ):
        cases.append(
            Case(f"random {n}x{c}x{hw}x{hw} k={k} out={o} stride={s} pad={p} #{i}",
                 args(n, c, hw, k, o, stride=s, padding=p, biases=bool(i % 2)))
        )
    return cases
