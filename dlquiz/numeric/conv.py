"""Numeric cards about convolution shapes and costs.

Answers come from the closed-form shape rules that torch uses (the tests check
them against real ``torch.nn.Conv2d`` layers). Costs count multiply-accumulate
operations (MACs) and exclude biases, the usual convention in the MobileNet and
ShuffleNet papers; each question says so, because "FLOPs" is ambiguous by 2×.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from dlquiz.numeric.problem import NumericProblem, SimpleGenerator


def conv_output_length(size: int, kernel: int, stride: int = 1, padding: int = 0,
                       dilation: int = 1) -> int:
    """``floor((size + 2p − d(k − 1) − 1) / s) + 1``, torch's Conv2d rule."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _draw_conv_size(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    while True:
        size = int(rng.integers(7, 230))
        kernel = int(rng.choice([1, 3, 5, 7]))
        stride = int(rng.choice([1, 2, 2, 3]))
        padding = int(rng.integers(0, 4))
        dilation = int(rng.choice([1, 2, 3])) if params.get("dilation") else 1
        if dilation * (kernel - 1) + 1 <= size + 2 * padding:
            return {"size": size, "kernel": kernel, "stride": stride,
                    "padding": padding, "dilation": dilation}


def _solve_conv_size(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    h, k, s, p, d = (drawn[n] for n in ("size", "kernel", "stride", "padding", "dilation"))
    out = conv_output_length(h, k, s, p, d)
    eff = d * (k - 1) + 1
    dil = f", dilation {d}" if params.get("dilation") else ""
    question = (f"A {h}×{h} feature map goes through a {k}×{k} convolution with stride {s}, "
                f"padding {p}{dil}. What is the output height?")
    explanation = (
        f"Effective kernel = d·(k − 1) + 1 = {d}·{k - 1} + 1 = {eff}.\n\n"
        f"out = ⌊(H + 2p − eff) / s⌋ + 1 = ⌊({h} + {2 * p} − {eff}) / {s}⌋ + 1 "
        f"= ⌊{h + 2 * p - eff} / {s}⌋ + 1 = {(h + 2 * p - eff) // s} + 1 = **{out}**.\n\n"
        "The floor is why a stride-2 layer on an odd size loses the last row: "
        "the window may not start where it would overhang the padded input."
    )
    return NumericProblem(question, (float(out),), explanation, dict(drawn), rel_tol=0,
                          abs_tol=0.01, unit="px")


_COST_KINDS = ("standard", "group", "depthwise", "depthwise_separable")


def conv_cost(kind: str, c_in: int, c_out: int, k: int, groups: int = 1) -> int:
    """Weights of one conv layer (no bias) for each kind; MACs = weights × H_out × W_out."""
    if kind == "standard":
        return k * k * c_in * c_out
    if kind == "group":
        return k * k * (c_in // groups) * c_out
    if kind == "depthwise":
        return k * k * c_in
    if kind == "depthwise_separable":
        return k * k * c_in + c_in * c_out
    raise ValueError(f"unknown conv kind {kind!r}")


def _draw_cost(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    c_in = int(rng.choice([16, 32, 64, 128, 256]))
    c_out = c_in if params.get("kind") == "depthwise" else int(rng.choice([32, 64, 128, 256]))
    return {"c_in": c_in, "c_out": c_out, "k": int(rng.choice([3, 5])),
            "groups": int(rng.choice([2, 4, 8])), "hw": int(rng.choice([7, 14, 28, 56]))}


_KIND_TEXT = {
    "standard": "a standard {k}×{k} convolution from {c_in} to {c_out} channels",
    "group": "a {k}×{k} group convolution from {c_in} to {c_out} channels with {groups} groups",
    "depthwise": "a {k}×{k} depthwise convolution over {c_in} channels",
    "depthwise_separable": "a depthwise-separable convolution ({k}×{k} depthwise over {c_in} "
    "channels, then a 1×1 pointwise conv to {c_out} channels)",
}

_KIND_WORK = {
    "standard": "k²·C_in·C_out = {k}²·{c_in}·{c_out}",
    "group": "k²·(C_in/g)·C_out = {k}²·({c_in}/{groups})·{c_out}",
    "depthwise": "k²·C = {k}²·{c_in} (one k×k filter per channel)",
    "depthwise_separable": "k²·C_in + C_in·C_out = {k}²·{c_in} + {c_in}·{c_out}",
}


def _solve_cost(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    kind = str(params.get("kind", "standard"))
    quantity = str(params.get("quantity", "params"))
    d = dict(drawn)
    weights = conv_cost(kind, d["c_in"], d["c_out"], d["k"], d["groups"])
    layer = _KIND_TEXT[kind].format(**d)
    work = _KIND_WORK[kind].format(**d)
    if quantity == "flops":
        macs = weights * d["hw"] * d["hw"]
        question = (f"How many multiply-accumulates (MACs, bias ignored) does {layer} cost on a "
                    f"{d['hw']}×{d['hw']} output map?")
        explanation = (f"Weights = {work} = {weights:,}. Every weight is used once per output "
                       f"pixel: MACs = {weights:,} × {d['hw']}² = **{macs:,}**.")
        answer = macs
    else:
        question = f"How many weights (bias ignored) does {layer} have?"
        explanation = f"Weights = {work} = **{weights:,}**."
        answer = weights
    standard = conv_cost("standard", d["c_in"], d["c_out"], d["k"])
    if kind != "standard":
        explanation += (f"\n\nA standard conv would need {standard:,} weights — "
                        f"{standard / weights:.1f}× more.")
    return NumericProblem(question, (float(answer),), explanation, d, rel_tol=1e-9, abs_tol=0.5)


def receptive_field(kernels: list[int], strides: list[int], dilations: list[int]) -> int:
    """RF = 1 + Σᵢ (kᵢ − 1)·dᵢ·Πⱼ<ᵢ sⱼ for a plain stack of convolutions."""
    rf, jump = 1, 1
    for k, s, d in zip(kernels, strides, dilations):
        rf += (k - 1) * d * jump
        jump *= s
    return rf


def _draw_rf(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    n = int(rng.integers(2, 5))
    return {
        "kernels": [int(rng.choice([3, 3, 5])) for _ in range(n)],
        "strides": [int(rng.choice([1, 1, 2])) for _ in range(n)],
        "dilations": [int(rng.choice([1, 2, 4])) for _ in range(n)],
    }


def _solve_rf(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    ks, ss, ds = list(drawn["kernels"]), list(drawn["strides"]), list(drawn["dilations"])
    rows = "\n".join(f"| {i + 1} | {k}×{k} | {s} | {d} |"
                     for i, (k, s, d) in enumerate(zip(ks, ss, ds)))
    question = ("What is the receptive field (in input pixels, one side) of a unit after this "
                "stack of convolutions (空洞卷积 = dilated conv)?\n\n| layer | kernel | stride | "
                "dilation |\n|---|---|---|---|\n" + rows)
    steps, rf, jump = [], 1, 1
    for i, (k, s, d) in enumerate(zip(ks, ss, ds)):
        add = (k - 1) * d * jump
        steps.append(f"layer {i + 1}: + (k−1)·d·jump = {k - 1}·{d}·{jump} = {add} → {rf + add}")
        rf += add
        jump *= s
    explanation = ("Start at 1; each layer adds (k − 1)·d times the product of the strides "
                   "before it (the 'jump' between neighbouring units):\n\n"
                   + "\n".join(f"- {s}" for s in steps) + f"\n\nReceptive field = **{rf}**.")
    return NumericProblem(question, (float(receptive_field(ks, ss, ds)),), explanation,
                          dict(drawn), rel_tol=0, abs_tol=0.01, unit="px")


def _draw_vit(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    patch = int(rng.choice([8, 14, 16, 32]))
    side = patch * int(rng.choice([7, 14, 16, 24]))
    return {"side": side, "patch": patch, "channels": 3, "dim": int(rng.choice([384, 768, 1024])),
            "quantity": str(rng.choice(["tokens", "params"]))}


def _solve_vit(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    side, p, c, dim = drawn["side"], drawn["patch"], drawn["channels"], drawn["dim"]
    n = (side // p) ** 2
    if drawn["quantity"] == "tokens":
        question = (f"A ViT splits a {side}×{side}×{c} image into {p}×{p} patches. How many patch "
                    "tokens enter the encoder (not counting the [CLS] token)?")
        explanation = (f"({side}/{p})² = {side // p}² = **{n}** tokens; with [CLS] the sequence "
                       f"has {n + 1}. Halving the patch size quadruples the tokens, and "
                       "self-attention cost grows with the square of that.")
        answer = n
    else:
        weights = p * p * c * dim + dim
        question = (f"How many parameters does the patch embedding of a ViT with {p}×{p} patches, "
                    f"{c} input channels and width D = {dim} have (weights + bias)?")
        explanation = (f"It is a {p}×{p} conv with stride {p} from {c} to {dim} channels: "
                       f"P²·C·D + D = {p}²·{c}·{dim} + {dim} = **{weights:,}**.")
        answer = weights
    return NumericProblem(question, (float(answer),), explanation, dict(drawn), rel_tol=0,
                          abs_tol=0.01)


GENERATORS: tuple[SimpleGenerator, ...] = (
    SimpleGenerator(
        "conv_output_size", "Convolution output size", _draw_conv_size, _solve_conv_size,
        {"type": "object", "additionalProperties": False,
         "properties": {"dilation": {"type": "boolean"}}}),
    SimpleGenerator(
        "conv_cost", "Parameters / MACs of conv variants", _draw_cost, _solve_cost,
        {"type": "object", "additionalProperties": False,
         "properties": {"kind": {"enum": list(_COST_KINDS)},
                        "quantity": {"enum": ["params", "flops"]}}}),
    SimpleGenerator(
        "dilated_receptive_field", "Receptive field of stacked (dilated) convs", _draw_rf, _solve_rf),
    SimpleGenerator("vit_patches", "ViT patch tokens and embedding size", _draw_vit,
                             _solve_vit),
)
