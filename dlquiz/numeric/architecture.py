"""Numeric cards on architecture arithmetic: attention cost, init scales, receptive fields.

Conventions, each stated in the question because they differ between papers:

* ``attention_cost``: the two attention matrix products only (``Q·Kᵀ`` and
  ``softmax·V``), not the Q/K/V/output projections, the softmax or the mask.
  One multiply-accumulate (MAC) = 2 FLOPs, so the products cost
  ``2·n²·d`` MACs = ``4·n²·d`` FLOPs per sequence and layer (all heads together,
  since the heads split d). The score memory is ``batch·heads·n²`` elements
  times the bytes per element, in MiB (2²⁰ bytes) — what a naive
  implementation materialises and FlashAttention never does.
* ``init_std``: ``torch.nn.init`` formulas. fan_in = C_in·k_h·k_w, fan_out =
  C_out·k_h·k_w; Xavier (gain 1): std ``√(2/(fan_in + fan_out))``, uniform bound
  ``√(6/(fan_in + fan_out))``; Kaiming with ReLU's gain √2: std ``√2/√fan``,
  uniform bound ``√(6/fan)``, fan = fan_in or fan_out as the question says.
* ``stack_receptive_field``: a plain stack of unpadded convs and pools (a pool
  counts like a conv of its kernel and stride). ``RF = 1 + Σ (kᵢ − 1)·Πⱼ<ᵢ sⱼ``;
  the jump (output stride) is ``Π sᵢ``.
* ``conv_transpose_output_size``: torch's ``ConvTranspose2d`` rule
  ``(H − 1)·s − 2p + d·(k − 1) + output_padding + 1``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from dlquiz.numeric.problem import NumericProblem, SimpleGenerator

MIB = 2 ** 20


def attention_matmul_flops(n: int, d_model: int) -> int:
    """FLOPs of Q·Kᵀ plus softmax·V for one sequence: 2 products × n²·d MACs × 2."""
    return 4 * n * n * d_model


def attention_score_bytes(batch: int, heads: int, n: int, bytes_per_element: int) -> int:
    """Bytes of the (batch, heads, n, n) score (or probability) tensor."""
    return batch * heads * n * n * bytes_per_element


def _draw_attention(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    heads = int(rng.choice([8, 12, 16, 32]))
    head_dim = int(rng.choice([32, 64, 128]))
    return {"n": int(rng.choice([256, 512, 1024, 2048, 4096, 8192])), "heads": heads,
            "d_model": heads * head_dim, "batch": int(rng.choice([1, 2, 4, 8, 16])),
            "bytes": int(rng.choice([2, 4]))}


def _solve_attention(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    n, h, d, b, nbytes = (drawn[k] for k in ("n", "heads", "d_model", "batch", "bytes"))
    dtype = {2: "fp16/bf16", 4: "fp32"}[nbytes]
    if params.get("quantity", "flops") == "memory":
        total = attention_score_bytes(b, h, n, nbytes)
        question = (f"Self-attention over a batch of {b} sequences of length n = {n}, with "
                    f"{h} heads, stored in {dtype} ({nbytes} bytes per element). How many MiB "
                    "(1 MiB = 2²⁰ bytes) does one layer's attention-score matrix softmax(QKᵀ) "
                    "take if it is materialised?")
        explanation = (f"One n×n matrix per sequence and head: batch·heads·n² = {b}·{h}·{n}² = "
                       f"{b * h * n * n:,} elements × {nbytes} B = {total:,} B = "
                       f"{total:,} / {MIB:,} = **{total / MIB:,.2f} MiB**.\n\nIt grows with n²: "
                       "doubling the context quadruples it. FlashAttention never writes this "
                       "matrix to HBM: it streams K/V tiles through on-chip SRAM with an online "
                       "softmax, so extra memory is O(n) per head.")
        return NumericProblem(question, (total / MIB,), explanation, dict(drawn), rel_tol=2e-3,
                              abs_tol=0.01, unit="MiB")
    flops = attention_matmul_flops(n, d)
    question = (f"A self-attention layer has model width d = {d} ({h} heads of {d // h}) and "
                f"sequence length n = {n}. Counting only the two attention products Q·Kᵀ and "
                "softmax·V (not the projections or the softmax), with 1 multiply-add = 2 "
                "FLOPs, how many GFLOPs (10⁹) does one sequence cost?")
    explanation = (f"Q·Kᵀ: each head multiplies (n × d/h)·(d/h × n): n²·d/h MACs; over {h} "
                   f"heads n²·d = {n}²·{d} = {n * n * d:,} MACs. softmax·V costs the same. "
                   f"Total 2·n²·d MACs = 4·n²·d FLOPs = {flops:,} FLOPs = "
                   f"**{flops / 1e9:,.3f} GFLOPs**.\n\nThe heads do not change the count (they "
                   "split d). Compare the projections, 4·n·d² MACs: attention's n² term "
                   f"dominates once n > d (here n {'>' if n > d else '≤'} d).")
    return NumericProblem(question, (flops / 1e9,), explanation, dict(drawn), rel_tol=2e-3,
                          abs_tol=1e-4, unit="GFLOPs")


_LAYERS = [("Linear", 0), ("Conv2d", 1), ("Conv2d", 3), ("Conv2d", 3), ("Conv2d", 5),
           ("Conv2d", 7)]


def fans(c_in: int, c_out: int, k: int) -> tuple[int, int]:
    """(fan_in, fan_out) of a Linear (k = 0) or a k×k Conv2d, as torch computes them."""
    field = 1 if k == 0 else k * k
    return c_in * field, c_out * field


def init_scale(scheme: str, fan_in: int, fan_out: int, mode: str = "fan_in") -> float:
    """Std (normal schemes) or bound a of U(−a, a) (uniform schemes), torch.nn.init's rules."""
    if scheme.startswith("xavier"):
        base = 2.0 / (fan_in + fan_out)
    else:
        base = 2.0 / (fan_in if mode == "fan_in" else fan_out)  # ReLU gain² = 2
    return math.sqrt(3.0 * base) if scheme.endswith("uniform") else math.sqrt(base)


def _draw_init(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    kind, k = _LAYERS[int(rng.integers(len(_LAYERS)))]
    return {"kind": kind, "k": k, "c_in": int(rng.choice([3, 16, 32, 64, 128, 256, 512])),
            "c_out": int(rng.choice([16, 32, 64, 128, 256, 512, 1000])),
            "mode": str(rng.choice(["fan_in", "fan_out"]))}


_SCHEME_TEXT = {
    "xavier_normal": ("Xavier/Glorot normal (gain 1)", "std", "√(2 / (fan_in + fan_out))"),
    "xavier_uniform": ("Xavier/Glorot uniform (gain 1)", "bound a of U(−a, a)",
                       "√(6 / (fan_in + fan_out))"),
    "kaiming_normal": ("Kaiming/He normal for ReLU (gain √2)", "std", "√2 / √fan"),
    "kaiming_uniform": ("Kaiming/He uniform for ReLU (gain √2)", "bound a of U(−a, a)",
                        "√2 · √(3 / fan) = √(6 / fan)"),
}


def _solve_init(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    scheme = str(params.get("scheme", "kaiming_normal"))
    kind, k, c_in, c_out, mode = (drawn[x] for x in ("kind", "k", "c_in", "c_out", "mode"))
    fan_in, fan_out = fans(c_in, c_out, k)
    value = init_scale(scheme, fan_in, fan_out, mode)
    title, what, formula = _SCHEME_TEXT[scheme]
    layer = (f"nn.Linear({c_in}, {c_out})" if kind == "Linear"
             else f"nn.Conv2d({c_in}, {c_out}, kernel_size={k})")
    kaiming = scheme.startswith("kaiming")
    mode_text = f" with mode='{mode}'" if kaiming else ""
    question = (f"You initialise the weight of {layer} with {title}{mode_text}. What is the "
                f"{what}? (fan_in = C_in·k·k, fan_out = C_out·k·k; k = 1 for Linear.)")
    field = "" if kind == "Linear" else f"·{k}·{k}"
    fan_line = (f"fan_in = {c_in}{field} = {fan_in}, fan_out = {c_out}{field} = {fan_out}.")
    num = 6 if scheme.endswith("uniform") else 2
    if kaiming:
        fan = fan_in if mode == "fan_in" else fan_out
        work = f"{formula} with fan = {mode} = {fan}: √({num} / {fan})"
    else:
        work = f"{formula} = √({num} / ({fan_in} + {fan_out})) = √({num} / {fan_in + fan_out})"
    explanation = (f"{fan_line} {what.capitalize()} = {work} = **{value:.5f}**.\n\n"
                   + ("He et al. keep the variance of the activations constant through ReLU "
                      "layers: Var(w) = 2/fan_in (the 2 because ReLU zeroes half the input); "
                      "mode='fan_out' preserves the gradients' variance in the backward pass "
                      "instead." if kaiming else
                      "Glorot & Bengio compromise between keeping forward activations "
                      "(Var(w) = 1/fan_in) and backward gradients (1/fan_out) constant for "
                      "tanh-like units: Var(w) = 2/(fan_in + fan_out).")
                   + (" A uniform U(−a, a) has variance a²/3, hence the √3." if
                      scheme.endswith("uniform") else ""))
    return NumericProblem(question, (value,), explanation, dict(drawn), rel_tol=5e-3,
                          abs_tol=5e-5)


def stack_receptive_field(kernels: list[int], strides: list[int]) -> tuple[int, int]:
    """(receptive field, jump) of a stack of unpadded, undilated convs/pools."""
    rf, jump = 1, 1
    for k, s in zip(kernels, strides):
        rf += (k - 1) * jump
        jump *= s
    return rf, jump


_BLOCKS = [("conv", 3, 1), ("conv", 3, 1), ("conv", 3, 2), ("conv", 5, 1), ("conv", 7, 2),
           ("conv", 1, 1), ("max-pool", 2, 2), ("max-pool", 3, 2), ("avg-pool", 2, 2)]


def _draw_stack(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    n = int(rng.integers(3, 7))
    picks = [_BLOCKS[int(i)] for i in rng.integers(len(_BLOCKS), size=n)]
    return {"ops": [p[0] for p in picks], "kernels": [p[1] for p in picks],
            "strides": [p[2] for p in picks]}


def _solve_stack(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    ops, ks, ss = list(drawn["ops"]), list(drawn["kernels"]), list(drawn["strides"])
    quantity = str(params.get("quantity", "rf"))
    rows = "\n".join(f"| {i + 1} | {op} | {k}×{k} | {s} |"
                     for i, (op, k, s) in enumerate(zip(ops, ks, ss)))
    rf, jump = stack_receptive_field(ks, ss)
    ask = ("the receptive field (input pixels along one side) of one output unit" if
           quantity == "rf" else "the jump: how many input pixels apart two neighbouring "
           "output units' receptive fields start (the total stride)")
    question = (f"A stack of layers, none padded or dilated:\n\n| layer | op | kernel | stride |"
                f"\n|---|---|---|---|\n{rows}\n\nWhat is {ask}?")
    steps, r, j = [], 1, 1
    for i, (k, s) in enumerate(zip(ks, ss)):
        steps.append(f"layer {i + 1}: RF {r} + (k − 1)·jump = {r} + {k - 1}·{j} = "
                     f"{r + (k - 1) * j}; jump {j}·{s} = {j * s}")
        r += (k - 1) * j
        j *= s
    answer = rf if quantity == "rf" else jump
    explanation = ("Start with RF = 1, jump = 1. Each layer widens the field by (k − 1) "
                   "times the jump of its input, then multiplies the jump by its stride "
                   "(a pool counts like a conv with its kernel and stride):\n\n"
                   + "\n".join(f"- {s}" for s in steps)
                   + f"\n\n{'Receptive field' if quantity == 'rf' else 'Jump'} = "
                   f"**{answer}**. The theoretical field is an upper bound: the *effective* "
                   "receptive field is much smaller and roughly Gaussian (Luo et al., 2016).")
    return NumericProblem(question, (float(answer),), explanation, dict(drawn), rel_tol=0,
                          abs_tol=0.01, unit="px")


def _draw_ct(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    while True:
        size = int(rng.integers(2, 65))
        kernel = int(rng.choice([2, 3, 4, 5]))
        stride = int(rng.choice([1, 2, 2, 3]))
        padding = int(rng.integers(0, 3))
        out_pad = int(rng.integers(0, stride))
        out = (size - 1) * stride - 2 * padding + (kernel - 1) + out_pad + 1
        if out >= 1 and padding <= (kernel - 1):
            return {"size": size, "kernel": kernel, "stride": stride, "padding": padding,
                    "output_padding": out_pad}


def _solve_ct(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    h, k, s, p, op = (drawn[x] for x in ("size", "kernel", "stride", "padding", "output_padding"))
    out = (h - 1) * s - 2 * p + (k - 1) + op + 1
    question = (f"nn.ConvTranspose2d(kernel_size={k}, stride={s}, padding={p}, "
                f"output_padding={op}) gets a {h}×{h} input. What is the output height?")
    explanation = (f"H_out = (H − 1)·s − 2p + (k − 1) + output_padding + 1 = ({h} − 1)·{s} − "
                   f"2·{p} + ({k} − 1) + {op} + 1 = {(h - 1) * s} − {2 * p} + {k - 1} + {op} + 1"
                   f" = **{out}**.\n\nIt inverts the conv size rule: a Conv2d with the same k, s, "
                   f"p maps {out} back to {h}. Because the conv floors, several sizes map to "
                   "the same one; output_padding (< stride) picks which, adding rows at the "
                   "bottom/right only.")
    return NumericProblem(question, (float(out),), explanation, dict(drawn), rel_tol=0,
                          abs_tol=0.01, unit="px")


GENERATORS: tuple[SimpleGenerator, ...] = (
    SimpleGenerator(
        "attention_cost", "Self-attention FLOPs and score memory", _draw_attention,
        _solve_attention,
        {"type": "object", "additionalProperties": False,
         "properties": {"quantity": {"enum": ["flops", "memory"]}}}),
    SimpleGenerator(
        "init_std", "Xavier / Kaiming initialisation scale", _draw_init, _solve_init,
        {"type": "object", "additionalProperties": False,
         "properties": {"scheme": {"enum": sorted(_SCHEME_TEXT)}}}),
    SimpleGenerator(
        "stack_receptive_field", "Receptive field and jump of a conv/pool stack", _draw_stack,
        _solve_stack,
        {"type": "object", "additionalProperties": False,
         "properties": {"quantity": {"enum": ["rf", "jump"]}}}),
    SimpleGenerator(
        "conv_transpose_output_size", "Transposed convolution output size", _draw_ct, _solve_ct),
)
