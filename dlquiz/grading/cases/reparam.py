"""Cases for ``fold_bn``, ``repvgg_merge`` and ``conv_avgpool_merge``."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def _bn(rng: np.random.Generator, c: int) -> dict[str, np.ndarray]:
    return {
        "gamma": rng.uniform(0.5, 2.0, size=c),
        "beta": rng.normal(size=c),
        "running_mean": rng.normal(size=c),
        "running_var": rng.uniform(0.2, 2.0, size=c),
    }


def _bn_rows(rng: np.random.Generator, c: int) -> np.ndarray:
    """A BN as a (4, C) array: gamma, beta, running_mean, running_var."""
    bn = _bn(rng, c)
    return np.stack([bn["gamma"], bn["beta"], bn["running_mean"], bn["running_var"]])


def fold_bn_cases(rng: np.random.Generator) -> list[Case]:
    """No conv bias, 1×1 and depthwise kernels, zero variance, zero gamma, then random."""

    def args(shape: tuple[int, ...], bias: bool = True) -> dict[str, object]:
        return {
            "conv_weight": rng.normal(size=shape),
            "conv_bias": rng.normal(size=shape[0]) if bias else None,
            **_bn(rng, shape[0]),
        }

    zero_var = args((2, 3, 3, 3))
    zero_var["running_var"] = np.zeros(2)
    zero_gamma = args((3, 2, 3, 3))
    zero_gamma["gamma"] = np.array([1.0, 0.0, 2.0])
    cases = [
        Case("conv without bias", args((4, 3, 3, 3), bias=False), "edge"),
        Case("1x1 conv", args((5, 4, 1, 1)), "edge"),
        Case("depthwise weight (C, 1, 3, 3)", args((6, 1, 3, 3)), "edge"),
        Case("zero running variance: only eps", zero_var, "edge"),
        Case("gamma 0 kills a channel", zero_gamma, "edge"),
        Case("large eps", {**args((2, 2, 3, 3)), "eps": 0.1}, "edge"),
        Case("single output channel", args((1, 3, 5, 5)), "edge"),
    ]
    for i, shape in enumerate([(8, 4, 3, 3), (16, 16, 3, 3), (32, 8, 5, 5), (64, 32, 1, 1)]):
        cases.append(Case(f"random weight{shape} #{i}", args(shape, bias=bool(i % 2))))
    return cases


def repvgg_merge_cases(rng: np.random.Generator) -> list[Case]:
    """With/without identity, one channel, eps, then random blocks."""

    def args(c_out: int, c_in: int, identity: bool) -> dict[str, object]:
        return {
            "k3": rng.normal(size=(c_out, c_in, 3, 3)),
            "bn3": _bn_rows(rng, c_out),
            "k1": rng.normal(size=(c_out, c_in, 1, 1)),
            "bn1": _bn_rows(rng, c_out),
            "bn_id": _bn_rows(rng, c_out) if identity else None,
        }

    cases = [
        Case("no identity branch (in ≠ out channels)", args(4, 2, False), "edge"),
        Case("identity branch, 2 channels", args(2, 2, True), "edge"),
        Case("in == out but no identity (stride-2 block)", args(3, 3, False), "edge"),
        Case("single channel with identity", args(1, 1, True), "edge"),
        Case("eps 1e-3", {**args(3, 3, True), "eps": 1e-3}, "edge"),
    ]
    for i, (c_out, c_in, identity) in enumerate([(8, 8, True), (16, 8, False), (32, 32, True), (64, 64, True)]):
        cases.append(Case(f"random {c_in}→{c_out} identity={identity} #{i}", args(c_out, c_in, identity)))
    return cases


def conv_avgpool_merge_cases(rng: np.random.Generator) -> list[Case]:
    """Pool 1, 1×1 kernels, no bias, rectangular kernels, larger pools, then random."""

    def args(shape: tuple[int, ...], k: int, bias: bool = True) -> dict[str, object]:
        return {
            "weight": rng.normal(size=shape),
            "bias": rng.normal(size=shape[0]) if bias else None,
            "pool_size": k,
        }

    cases = [
        Case("pool size 1 changes nothing", args((2, 3, 3, 3), 1), "edge"),
        Case("1x1 conv + 2x2 pool", args((4, 3, 1, 1), 2), "edge"),
        Case("conv without bias", args((2, 2, 3, 3), 2, bias=False), "edge"),
        Case("rectangular 3x1 kernel", args((2, 2, 3, 1), 2), "edge"),
        Case("pool 3 after a 2x2 conv", args((3, 1, 2, 2), 3), "edge"),
        Case("single channel in and out", args((1, 1, 3, 3), 2), "edge"),
    ]
    for i, (shape, k) in enumerate([(((8, 4, 3, 3)), 2), ((16, 8, 5, 5), 2), ((4, 4, 3, 3), 4), ((32, 16, 3, 3), 3)]):
        cases.append(Case(f"random weight{shape} pool={k} #{i}", args(shape, k, bias=bool(i % 2 == 0))))
    return cases
