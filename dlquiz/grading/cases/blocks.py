"""Cases for the CNN building-block exercises (arguments in signature order)."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def group_norm_cases(rng: np.random.Generator) -> list[Case]:
    """G = 1 (LayerNorm-like), G = C (InstanceNorm), contiguous groups, offsets, 3-D/5-D."""
    c6 = rng.normal(size=(2, 6, 3, 3))
    c6[:, :3] += 10.0                             # contiguous groups differ from strided ones
    cases = [
        Case("num_groups = 1: one group over C·H·W", {"x": rng.normal(size=(2, 4, 3, 3)),
                                                     "num_groups": 1}, "edge"),
        Case("num_groups = C: InstanceNorm", {"x": rng.normal(size=(2, 4, 3, 3)),
                                             "num_groups": 4}, "edge"),
        Case("groups are contiguous channel blocks (channels 0-2 shifted by +10)",
             {"x": c6, "num_groups": 2}, "edge"),
        Case("per-channel weight and bias",
             {"x": rng.normal(size=(2, 6, 4, 4)), "num_groups": 3,
              "weight": rng.normal(size=6), "bias": rng.normal(size=6)}, "edge"),
        Case("large offset 1e6: two-pass variance",
             {"x": 1e6 + rng.normal(size=(2, 4, 5, 5)), "num_groups": 2}, "edge"),
        Case("constant group: variance 0, output 0 (eps keeps it finite)",
             {"x": np.full((1, 4, 2, 2), 3.0), "num_groups": 2}, "edge"),
        Case("bigger eps", {"x": 0.01 * rng.normal(size=(2, 4, 3, 3)), "num_groups": 2,
                            "weight": None, "bias": None, "eps": 1e-2}, "edge"),
        Case("batch size 1 (GroupNorm does not need a batch)",
             {"x": rng.normal(size=(1, 8, 4, 4)), "num_groups": 4}, "edge"),
        Case("3-D input (N, C, L)", {"x": rng.normal(size=(3, 6, 10)), "num_groups": 3}, "edge"),
        Case("5-D input (N, C, D, H, W)", {"x": rng.normal(size=(2, 4, 3, 4, 5)),
                                          "num_groups": 2}, "edge"),
        Case("no spatial axes (N, C)", {"x": rng.normal(size=(4, 8)), "num_groups": 2}, "edge"),
    ]
    for i, (n, c, g, s) in enumerate([(2, 8, 4, 5), (4, 32, 8, 7), (3, 64, 32, 9)]):
        cases.append(Case(f"random N={n} C={c} G={g} {s}×{s} #{i}",
                          {"x": 3.0 * rng.normal(size=(n, c, s, s)) + 1.0, "num_groups": g,
                           "weight": rng.normal(size=c), "bias": rng.normal(size=c)}))
    cases.append(Case("perf: 8×64×28×28, 32 groups", {"x": rng.normal(size=(8, 64, 28, 28)),
                                                       "num_groups": 32}, "perf"))
    return cases


def _ct(rng: np.random.Generator, n: int, c_in: int, c_out_g: int, hw: tuple[int, int],
        k: tuple[int, int], groups: int = 1) -> dict[str, object]:
    return {"x": rng.normal(size=(n, c_in) + hw),
            "weight": rng.normal(size=(c_in, c_out_g) + k), "bias": rng.normal(size=c_out_g * groups)}


def conv_transpose2d_cases(rng: np.random.Generator) -> list[Case]:
    """Each argument on its own, asymmetric pairs, combinations, then random and perf."""
    delta = np.zeros((1, 1, 3, 3))
    delta[0, 0, 1, 1] = 1.0
    cases = [
        Case("a single input pixel stamps the kernel (not flipped)",
             {"x": delta, "weight": rng.normal(size=(1, 2, 3, 3)), "bias": None}, "edge"),
        Case("stride 1, no padding: output H + k − 1", _ct(rng, 2, 3, 2, (4, 5), (3, 3)), "edge"),
        Case("weight layout (C_in, C_out, kH, kW) with C_in ≠ C_out",
             _ct(rng, 1, 4, 2, (3, 3), (2, 2)), "edge"),
        Case("stride 2: zeros between taps, overlapping 3×3 windows",
             {**_ct(rng, 1, 2, 3, (4, 4), (3, 3)), "stride": 2}, "edge"),
        Case("stride 2, kernel 2: no overlap (pixel-to-block)",
             {**_ct(rng, 1, 2, 2, (3, 3), (2, 2)), "stride": 2}, "edge"),
        Case("padding crops p rows/cols from each side",
             {**_ct(rng, 1, 2, 2, (4, 4), (3, 3)), "stride": 1, "padding": 1}, "edge"),
        Case("output_padding adds one row/col at the bottom/right",
             {**_ct(rng, 1, 2, 2, (4, 4), (3, 3)), "stride": 2, "padding": 1,
              "output_padding": 1}, "edge"),
        Case("groups = 2", {**_ct(rng, 2, 4, 3, (3, 4), (3, 3), groups=2), "stride": 1,
                            "padding": 0, "output_padding": 0, "groups": 2}, "edge"),
        Case("depthwise: groups = C_in", {**_ct(rng, 1, 4, 1, (3, 3), (3, 3), groups=4),
                                          "stride": 2, "padding": 1, "output_padding": 1,
                                          "groups": 4}, "edge"),
        Case("dilation 2", {**_ct(rng, 1, 2, 2, (4, 4), (3, 3)), "stride": 1, "padding": 0,
                            "output_padding": 0, "groups": 1, "dilation": 2}, "edge"),
        Case("asymmetric pairs: stride (2, 3), padding (1, 0), output_padding (1, 2)",
             {**_ct(rng, 1, 2, 3, (3, 4), (3, 4)), "stride": [2, 3], "padding": [1, 0],
              "output_padding": [1, 2]}, "edge"),
        Case("non-square kernel 1×3, bias None",
             {**_ct(rng, 2, 3, 2, (2, 5), (1, 3)), "bias": None}, "edge"),
        Case("1×1 input, stride 4, kernel 4",
             {**_ct(rng, 2, 3, 5, (1, 1), (4, 4)), "stride": 4}, "edge"),
    ]
    configs = [(2, 4, 3, (6, 6), (4, 4), 2, 1, 0, 1, 1), (2, 6, 2, (5, 7), (3, 3), 2, 1, 1, 3, 1),
               (1, 8, 4, (8, 8), (5, 5), 3, 2, 2, 2, 1), (2, 4, 4, (5, 5), (3, 3), 2, 2, 1, 1, 2)]
    for i, (n, ci, cog, hw, k, s, p, op, g, d) in enumerate(configs):
        args = {**_ct(rng, n, ci, cog, hw, k, groups=g), "stride": s, "padding": p,
                "output_padding": op, "groups": g, "dilation": d}
        cases.append(Case(f"random k={k[0]} s={s} p={p} op={op} g={g} d={d} #{i}", args))
    cases.append(Case("perf: 4×32×32×32 → 16 channels, k 4, stride 2",
                      {**_ct(rng, 4, 32, 16, (32, 32), (4, 4)), "stride": 2, "padding": 1},
                      "perf"))
    return cases


def max_pool2d_cases(rng: np.random.Generator) -> list[Case]:
    """Default stride, padding never wins, floor sizes, pairs, ties, random, perf."""
    neg = -1.0 - rng.random(size=(1, 2, 4, 4))
    cases = [
        Case("stride defaults to the kernel size", {"x": rng.normal(size=(1, 2, 6, 6)),
                                                    "kernel_size": 2}, "edge"),
        Case("all-negative input with padding: padding is −inf, never the max",
             {"x": neg, "kernel_size": 3, "stride": 1, "padding": 1}, "edge"),
        Case("odd size, stride 2: floor drops the last row (ceil_mode=False)",
             {"x": rng.normal(size=(1, 1, 7, 7)), "kernel_size": 2, "stride": 2}, "edge"),
        Case("overlapping windows: kernel 3, stride 2, padding 1 (ResNet stem)",
             {"x": rng.normal(size=(2, 3, 9, 9)), "kernel_size": 3, "stride": 2,
              "padding": 1}, "edge"),
        Case("pairs: kernel (2, 3), stride (1, 2), padding (1, 0)",
             {"x": rng.normal(size=(1, 2, 5, 7)), "kernel_size": [2, 3], "stride": [1, 2],
              "padding": [1, 0]}, "edge"),
        Case("ties: a constant map", {"x": np.full((1, 1, 4, 4), 2.5), "kernel_size": 2}, "edge"),
        Case("kernel = input size: global max",
             {"x": rng.normal(size=(2, 3, 5, 5)), "kernel_size": 5}, "edge"),
        Case("kernel 1, stride 2: subsampling",
             {"x": rng.normal(size=(1, 2, 5, 6)), "kernel_size": 1, "stride": 2}, "edge"),
    ]
    for i, (n, c, s, k, st, p) in enumerate([(2, 3, 8, 2, 2, 0), (2, 4, 13, 3, 2, 1),
                                             (1, 8, 17, 5, 3, 2)]):
        cases.append(Case(f"random {s}×{s} k={k} s={st} p={p} #{i}",
                          {"x": rng.normal(size=(n, c, s, s)), "kernel_size": k, "stride": st,
                           "padding": p}))
    cases.append(Case("perf: 4×32×112×112, 3×3 stride 2 pad 1",
                      {"x": rng.normal(size=(4, 32, 112, 112)), "kernel_size": 3, "stride": 2,
                       "padding": 1}, "perf"))
    return cases


def avg_pool2d_cases(rng: np.random.Generator) -> list[Case]:
    """Default stride, both count_include_pad values with padding, floor sizes, random, perf."""
    ones = np.ones((1, 1, 4, 4))
    cases = [
        Case("stride defaults to the kernel size", {"x": rng.normal(size=(1, 2, 6, 6)),
                                                    "kernel_size": 2}, "edge"),
        Case("count_include_pad=True (default): padding counts as zeros in k·k",
             {"x": ones, "kernel_size": 3, "stride": 1, "padding": 1}, "edge"),
        Case("count_include_pad=False: divide by the real pixels only",
             {"x": ones, "kernel_size": 3, "stride": 1, "padding": 1,
              "count_include_pad": False}, "edge"),
        Case("count_include_pad=False without padding: same as True",
             {"x": rng.normal(size=(1, 2, 6, 6)), "kernel_size": 3, "stride": 3, "padding": 0,
              "count_include_pad": False}, "edge"),
        Case("odd size, stride 2: floor drops the last row (ceil_mode=False)",
             {"x": rng.normal(size=(1, 1, 7, 7)), "kernel_size": 2, "stride": 2}, "edge"),
        Case("pairs: kernel (3, 2), stride (2, 1), padding (1, 1), exclude pad",
             {"x": rng.normal(size=(2, 2, 5, 6)), "kernel_size": [3, 2], "stride": [2, 1],
              "padding": [1, 1], "count_include_pad": False}, "edge"),
        Case("kernel = input size: global average pooling",
             {"x": rng.normal(size=(2, 3, 7, 7)), "kernel_size": 7}, "edge"),
    ]
    for i, (n, c, s, k, st, p, cip) in enumerate([(2, 3, 8, 2, 2, 0, True),
                                                  (2, 4, 13, 3, 2, 1, False),
                                                  (1, 8, 17, 5, 3, 2, True)]):
        cases.append(Case(f"random {s}×{s} k={k} s={st} p={p} include_pad={cip} #{i}",
                          {"x": rng.normal(size=(n, c, s, s)), "kernel_size": k, "stride": st,
                           "padding": p, "count_include_pad": cip}))
    cases.append(Case("perf: 8×64×56×56, 3×3 stride 2 pad 1, exclude pad",
                      {"x": rng.normal(size=(8, 64, 56, 56)), "kernel_size": 3, "stride": 2,
                       "padding": 1, "count_include_pad": False}, "perf"))
    return cases


def channel_shuffle_cases(rng: np.random.Generator) -> list[Case]:
    """g ≠ C/g (catches the inverse shuffle), g = 1 and g = C, 2-D/3-D/5-D inputs."""
    ramp = np.arange(12.0).reshape(1, 12, 1, 1)
    return [
        Case("channels 0..11, g = 3 (≠ C/g = 4)", {"x": ramp, "groups": 3}, "edge"),
        Case("channels 0..11, g = 4 (≠ C/g = 3)", {"x": ramp, "groups": 4}, "edge"),
        Case("g = 2 with spatial extent", {"x": rng.normal(size=(2, 6, 3, 4)), "groups": 2},
             "edge"),
        Case("g = 1: identity", {"x": rng.normal(size=(1, 5, 2, 2)), "groups": 1}, "edge"),
        Case("g = C: identity", {"x": rng.normal(size=(1, 5, 2, 2)), "groups": 5}, "edge"),
        Case("3-D input (N, C, L)", {"x": rng.normal(size=(2, 6, 7)), "groups": 3}, "edge"),
        Case("2-D input (N, C)", {"x": rng.normal(size=(3, 8)), "groups": 2}, "edge"),
        Case("5-D input (N, C, D, H, W)", {"x": rng.normal(size=(1, 6, 2, 3, 2)), "groups": 2},
             "edge"),
        Case("random 4×24×7×7, g = 3", {"x": rng.normal(size=(4, 24, 7, 7)), "groups": 3}),
        Case("random 2×116×14×14, g = 2 (ShuffleNet v2 width)",
             {"x": rng.normal(size=(2, 116, 14, 14)), "groups": 2}),
        Case("random 2×240×8×8, g = 8", {"x": rng.normal(size=(2, 240, 8, 8)), "groups": 8}),
    ]


def _se(rng: np.random.Generator, n: int, c: int, r: int, hw: int,
        bias: bool = True) -> dict[str, object]:
    cr = max(c // r, 1)
    return {"x": rng.normal(size=(n, c, hw, hw)) + 0.5, "w1": rng.normal(size=(cr, c)),
            "b1": rng.normal(size=cr) if bias else None, "w2": rng.normal(size=(c, cr)),
            "b2": rng.normal(size=c) if bias else None}


def squeeze_excitation_cases(rng: np.random.Generator) -> list[Case]:
    """Mean (not max) squeeze, ReLU between the FCs, both gates, no bias, saturation, random."""
    peaky = _se(rng, 2, 4, 2, 5)
    peaky["x"][:, :, 0, 0] += 20.0                # one hot pixel: the mean differs from the max
    peaky["b1"] = np.full(2, 50.0)                # hidden pre-activations > 0: ReLU is inert
    negative = _se(rng, 2, 4, 2, 3)
    negative["x"] = np.broadcast_to(rng.normal(size=(2, 4, 1, 1)), (2, 4, 3, 3)).copy()
    negative["b1"] = np.array([-5.0, 0.5])        # ReLU clips one hidden unit to 0
    loud = _se(rng, 1, 6, 3, 3)
    loud["w2"] = 200.0 * loud["w2"]               # saturates the gate: no overflow allowed
    return [
        Case("ReLU between the two FC layers (a hidden unit below 0; constant maps)", negative,
             "edge"),
        Case("squeeze is the spatial mean (one hot pixel)", peaky, "edge"),
        Case("no biases (None)", _se(rng, 2, 8, 4, 4, bias=False), "edge"),
        Case("1×1 spatial map", _se(rng, 3, 4, 2, 1), "edge"),
        Case("reduction to one hidden unit", _se(rng, 2, 4, 4, 3), "edge"),
        Case("gate = 'hsigmoid' (MobileNetV3)", {**_se(rng, 2, 8, 4, 4), "gate": "hsigmoid"},
             "edge"),
        Case("saturated gate (|logits| in the thousands)", loud, "edge"),
        Case("random N=4 C=32 r=4 7×7", _se(rng, 4, 32, 4, 7)),
        Case("random N=2 C=64 r=16 14×14, hsigmoid",
             {**_se(rng, 2, 64, 16, 14), "gate": "hsigmoid"}),
        Case("random N=8 C=128 r=16 8×8", _se(rng, 8, 128, 16, 8)),
    ]


def _knees(rng: np.random.Generator) -> np.ndarray:
    return np.array([-1e4, -6.0, -3.0 - 1e-9, -3.0, -2.999, -1.5, 0.0, 1.5, 2.999, 3.0,
                     3.0 + 1e-9, 6.0, 1e4])


def h_swish_cases(rng: np.random.Generator) -> list[Case]:
    """The knees at ±3, far tails, the minimum at −1.5, shapes, float32, random."""
    return [
        Case("knees at −3 and 3, tails ±1e4", {"x": _knees(rng)}, "edge"),
        Case("the minimum −0.375 at x = −1.5", {"x": np.array([-1.5, -1.0, -2.0])}, "edge"),
        Case("0-d input", {"x": np.array(2.0)}, "edge"),
        Case("4-D feature map", {"x": 4.0 * rng.normal(size=(2, 3, 4, 4))}, "edge"),
        Case("float32 input", {"x": (4.0 * rng.normal(size=50)).astype(np.float32)}, "edge"),
        Case("empty array", {"x": np.zeros((0, 3))}, "edge"),
        Case("random 1000 values in [−8, 8]", {"x": rng.uniform(-8, 8, size=1000)}),
    ]


def h_sigmoid_cases(rng: np.random.Generator) -> list[Case]:
    """Saturation at 0 and 1 (not Keras' 0.2x + 0.5), knees, shapes, random."""
    return [
        Case("knees at −3 and 3, tails ±1e4", {"x": _knees(rng)}, "edge"),
        Case("slope 1/6 between the knees: 0.5 at 0, 0.75 at 1.5", {"x": np.array([0.0, 1.5, -1.5])},
             "edge"),
        Case("between 2.5 and 3 (Keras' hard_sigmoid is already 1 there)",
             {"x": np.array([2.5, 2.75, -2.75])}, "edge"),
        Case("0-d input", {"x": np.array(-0.5)}, "edge"),
        Case("4-D feature map", {"x": 4.0 * rng.normal(size=(2, 3, 4, 4))}, "edge"),
        Case("empty array", {"x": np.zeros((0,))}, "edge"),
        Case("random 1000 values in [−8, 8]", {"x": rng.uniform(-8, 8, size=1000)}),
    ]
