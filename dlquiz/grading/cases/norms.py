"""Cases for ``layer_norm``, ``batch_norm_train`` and ``batch_norm_eval``."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def layer_norm_cases(rng: np.random.Generator) -> list[Case]:
    """Constant rows, int/list shapes, biased per-sample statistics, eps effects,
    multi-axis shapes, large offsets, optional weight and bias; then random."""
    scales = np.array([[1.0], [2.0], [10.0], [100.0], [3.0]])
    cases = [
        Case(
            "constant row normalises to 0 (then + bias)",
            {"x": np.full((2, 5), 3.0), "normalized_shape": [5], "weight": np.ones(5),
             "bias": np.arange(5.0)},
            "edge",
        ),
        Case(
            "normalized_shape as an int D means [D]",
            {"x": np.full((3, 4), -2.0), "normalized_shape": 4},
            "edge",
        ),
        Case("biased variance, divide by n (1-D input, one sample)",
             {"x": rng.normal(size=(7,)), "normalized_shape": 7}, "edge"),
        Case(
            "statistics per sample (the trailing axis), not over the batch",
            {"x": scales * rng.normal(size=(5, 6)) + 10.0 * scales, "normalized_shape": [6]},
            "edge",
        ),
        Case(
            "single feature: output is the bias",
            {"x": rng.normal(size=(4, 1)), "normalized_shape": [1], "weight": np.array([2.0]),
             "bias": np.array([0.5])},
            "edge",
        ),
        Case(
            "tiny variance: eps inside the square root",
            {"x": 1e-3 * rng.normal(size=(3, 8)), "normalized_shape": 8, "eps": 1e-5},
            "edge",
        ),
        Case(
            "large eps",
            {"x": rng.normal(size=(3, 6)), "normalized_shape": [6], "eps": 1.0},
            "edge",
        ),
        Case(
            "normalise over the last two axes",
            {"x": rng.normal(size=(2, 3, 4, 5)), "normalized_shape": [4, 5],
             "weight": rng.normal(size=(4, 5)), "bias": rng.normal(size=(4, 5))},
            "edge",
        ),
        Case(
            "large common offset 1e6 (E[x²] − E[x]² loses precision)",
            {"x": 1e6 + rng.normal(size=(4, 32)), "normalized_shape": 32},
            "edge",
        ),
        Case(
            "weight without bias",
            {"x": rng.normal(size=(3, 4)), "normalized_shape": 4, "weight": rng.normal(size=4)},
            "edge",
        ),
        Case(
            "bias without weight",
            {"x": rng.normal(size=(3, 4)), "normalized_shape": [4], "bias": rng.normal(size=4)},
            "edge",
        ),
    ]
    for i, (shape, nd) in enumerate([((8, 16), 1), ((4, 10, 32), 1), ((2, 3, 8, 8), 3), ((64, 256), 1)]):
        norm_shape = list(shape[len(shape) - nd:])
        cases.append(
            Case(
                f"random x{shape} normalized_shape={norm_shape} #{i}",
                {"x": 2.0 * rng.normal(size=shape) + rng.normal(), "normalized_shape": norm_shape,
                 "weight": rng.normal(size=norm_shape), "bias": rng.normal(size=norm_shape)},
            )
        )
    return cases


def _bn_args(rng: np.random.Generator, shape: tuple[int, ...]) -> dict[str, object]:
    c = shape[1]
    return {
        "x": rng.normal(size=shape) * rng.uniform(0.5, 3.0) + rng.normal(),
        "gamma": rng.uniform(0.5, 2.0, size=c),
        "beta": rng.normal(size=c),
        "running_mean": rng.normal(size=c),
        "running_var": rng.uniform(0.5, 2.0, size=c),
    }


def batch_norm_train_cases(rng: np.random.Generator) -> list[Case]:
    """(N, C) and NCHW inputs, momentum extremes, constant channels, then random."""
    const = _bn_args(rng, (4, 3, 2, 2))
    x_const = np.asarray(const["x"]).copy()
    x_const[:, 1] = 7.0
    const["x"] = x_const
    # Running stats equal to this batch's own mean and unbiased variance, momentum 0:
    # only y can be wrong here (either momentum convention keeps them as they are).
    same = _bn_args(rng, (6, 4))
    x_same = np.asarray(same["x"])
    same.update(running_mean=x_same.mean(axis=0), running_var=x_same.var(axis=0, ddof=1),
                momentum=0.0)
    cases = [
        Case("y uses the biased batch variance (momentum 0, running stats = the batch's)",
             same, "edge"),
        Case("running_var is updated with the unbiased variance (n − 1), momentum 0.5",
             {**_bn_args(rng, (6, 4)), "momentum": 0.5}, "edge"),
        Case("momentum weights the new batch statistic (torch), momentum 0.1",
             {**_bn_args(rng, (6, 4)), "momentum": 0.1}, "edge"),
        Case("NCHW: per-channel statistics over all N·H·W values", _bn_args(rng, (3, 2, 4, 4)),
             "edge"),
        Case("(N, C) input", _bn_args(rng, (6, 4)), "edge"),
        Case("two samples, one channel", _bn_args(rng, (2, 1)), "edge"),
        Case("batch of 1 with spatial dims", _bn_args(rng, (1, 3, 4, 4)), "edge"),
        Case("constant channel: output is beta", const, "edge"),
        Case("momentum 1: running stats = batch stats", {**_bn_args(rng, (5, 3)), "momentum": 1.0}, "edge"),
        Case("momentum 0: running stats unchanged", {**_bn_args(rng, (5, 3)), "momentum": 0.0}, "edge"),
        Case("large eps", {**_bn_args(rng, (4, 2, 3, 3)), "eps": 0.5}, "edge"),
        Case("(N, C, L) input", _bn_args(rng, (3, 4, 10)), "edge"),
    ]
    for i, shape in enumerate([(8, 3, 5, 5), (16, 8), (4, 16, 8, 8), (32, 32, 4, 4)]):
        args = _bn_args(rng, shape)
        args["momentum"] = float(rng.uniform(0.01, 0.5))
        cases.append(Case(f"random x{shape} #{i}", args))
    return cases


def batch_norm_eval_cases(rng: np.random.Generator) -> list[Case]:
    """Eval mode uses running stats whatever the batch: even one value per channel."""
    # Running stats equal to this batch's own mean and biased variance: only the affine
    # part (gamma scales, beta shifts) can be wrong here, not the choice of statistics.
    same = _bn_args(rng, (6, 4))
    x_same = np.asarray(same["x"])
    same.update(running_mean=x_same.mean(axis=0), running_var=x_same.var(axis=0))
    cases = [
        Case("gamma scales, beta shifts (running stats = this batch's)", same, "edge"),
        Case("running statistics, never the batch's", _bn_args(rng, (6, 4)), "edge"),
        Case("NCHW: the channel axis is 1", _bn_args(rng, (2, 3, 4, 5)), "edge"),
        Case("one value per channel (fine in eval)", _bn_args(rng, (1, 5)), "edge"),
        Case(
            "identity stats: mean 0, var 1 − eps",
            {"x": rng.normal(size=(2, 3, 2, 2)), "gamma": np.ones(3), "beta": np.zeros(3),
             "running_mean": np.zeros(3), "running_var": np.full(3, 1.0 - 1e-5)},
            "edge",
        ),
        Case("zero running variance: eps keeps it finite",
             {**_bn_args(rng, (2, 2, 3, 3)), "running_var": np.zeros(2)}, "edge"),
        Case("large eps", {**_bn_args(rng, (4, 2, 3, 3)), "eps": 0.5}, "edge"),
    ]
    for i, shape in enumerate([(8, 3, 5, 5), (16, 8), (4, 16, 8, 8), (2, 6, 10)]):
        cases.append(Case(f"random x{shape} #{i}", _bn_args(rng, shape)))
    return cases
