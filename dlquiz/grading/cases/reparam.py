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
    def neutral(shape: tuple[int, ...], *, mean: bool, var: bool) -> dict[str, object]:
        """eps 0 and, unless asked for, zero mean / unit variance: only one clause shows."""
        out = args(shape)
        out["eps"] = 0.0
        if not mean:
            out["running_mean"] = np.zeros(shape[0])
        if not var:
            out["running_var"] = np.ones(shape[0])
        return out

    # One clause each, in order: the per-output-channel scale (axis 0 of the
    # weight), the mean, the square root, eps; only then the other edge cases.
    cases = [
        Case("scale per output channel (axis 0 of the weight)",
             neutral((3, 1, 3, 3), mean=False, var=False), "edge"),
        Case("running mean is subtracted", neutral((3, 2, 3, 3), mean=True, var=False), "edge"),
        Case("divide by the standard deviation sqrt(var + eps)",
             neutral((3, 2, 3, 3), mean=True, var=True), "edge"),
        Case("zero running variance: only eps", zero_var, "edge"),
        Case("conv without bias", args((4, 3, 3, 3), bias=False), "edge"),
        Case("1x1 conv", args((5, 4, 1, 1)), "edge"),
        Case("depthwise weight (C, 1, 3, 3)", args((6, 1, 3, 3)), "edge"),
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

    def trivial(rows: int) -> np.ndarray:
        """A BN that does nothing at eps 0 (gamma 1, beta 0, mean 0, var 1)."""
        return np.stack([np.ones(rows), np.zeros(rows), np.zeros(rows), np.ones(rows)])

    centre = {**args(2, 3, False), "eps": 0.0}
    centre.update({"k3": np.zeros((2, 3, 3, 3)), "bn3": trivial(2), "bn1": trivial(2)})
    eye = {**args(2, 2, True), "eps": 0.0}
    eye.update({"bn3": trivial(2), "bn1": trivial(2), "bn_id": trivial(2)})
    # One clause each, first: where the 1x1 kernel goes, what the identity kernel is,
    # that every branch folds its own BN, then eps (every later case uses it).
    cases = [
        Case("the 1x1 kernel goes to the centre of the 3x3", centre, "edge"),
        Case("identity branch = a 3x3 kernel with 1 at the centre of channel i -> i", eye, "edge"),
        Case("each branch folds its own BN", {**args(3, 2, False), "eps": 0.0}, "edge"),
        Case("eps inside the square root", args(3, 2, False), "edge"),
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
        Case("1x1 conv + 2x2 pool: weight / k², stride k", args((4, 3, 1, 1), 2), "edge"),
        Case("merged kernel = the average of the k×k shifted kernels", args((2, 1, 1, 2), 2), "edge"),
        Case("conv without bias", args((2, 2, 3, 3), 2, bias=False), "edge"),
        Case("rectangular 3x1 kernel", args((2, 2, 3, 1), 2), "edge"),
        Case("pool 3 after a 2x2 conv", args((3, 1, 2, 2), 3), "edge"),
        Case("single channel in and out", args((1, 1, 3, 3), 2), "edge"),
    ]
    for i, (shape, k) in enumerate([(((8, 4, 3, 3)), 2), ((16, 8, 5, 5), 2), ((4, 4, 3, 3), 4), ((32, 16, 3, 3), 3)]):
        cases.append(Case(f"random weight{shape} pool={k} #{i}", args(shape, k, bias=bool(i % 2 == 0))))
    return cases
