"""Optimiser and schedule references against torch.optim (CPU, float64).

Each optimiser trajectory is compared with torch's own optimiser stepping a
float64 tensor whose ``.grad`` is set to the same gradient sequence, over every
combination of its flags. The cosine schedule is compared with torch's
``SequentialLR(LinearLR, CosineAnnealingLR)`` chain inside the schedule and a
plain loop past ``total_steps``. Hypothesis properties: invariances that do not
depend on torch (Adam's scale invariance, AdamW = Adam at wd 0, ...).
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.reference.optim import adam, adamw, cosine_warmup_lr, rmsprop, sgd_momentum


def torch_trajectory(opt_cls: type[torch.optim.Optimizer], p0: np.ndarray, grads: np.ndarray,
                     **kwargs: object) -> np.ndarray:
    p = torch.tensor(p0.copy(), dtype=torch.float64, requires_grad=True)
    opt = opt_cls([p], **kwargs)
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append(p.detach().clone().numpy())
    return np.array(out).reshape((len(grads), *p0.shape))


def _data(seed: int, shape: tuple[int, ...] = (3, 4), steps: int = 12) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape), rng.normal(size=(steps, *shape))


@pytest.mark.parametrize(("momentum", "weight_decay", "nesterov"),
                         [(m, wd, n) for m, wd, n in itertools.product([0.0, 0.5, 0.9], [0.0, 0.1], [False, True])
                          if not (n and m == 0)])
def test_sgd_matches_torch(momentum: float, weight_decay: float, nesterov: bool) -> None:
    p0, grads = _data(0)
    want = torch_trajectory(torch.optim.SGD, p0, grads, lr=0.05, momentum=momentum,
                            weight_decay=weight_decay, nesterov=nesterov)
    got = sgd_momentum(p0, grads, 0.05, momentum, weight_decay, nesterov)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("betas", "eps", "weight_decay", "scale"),
                         list(itertools.product([(0.9, 0.999), (0.0, 0.99), (0.8, 0.9)], [1e-8, 1e-3],
                                                [0.0, 0.1], [1e-6, 1.0, 1e3])))
def test_adam_and_adamw_match_torch(betas: tuple[float, float], eps: float, weight_decay: float,
                                    scale: float) -> None:
    p0, grads = _data(1)
    grads = grads * scale
    for ours, theirs in ((adam, torch.optim.Adam), (adamw, torch.optim.AdamW)):
        want = torch_trajectory(theirs, p0, grads, lr=0.01, betas=betas, eps=eps,
                                weight_decay=weight_decay)
        got = ours(p0, grads, 0.01, betas[0], betas[1], eps, weight_decay)
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize(("alpha", "weight_decay", "momentum", "centered"),
                         list(itertools.product([0.9, 0.99], [0.0, 0.1], [0.0, 0.9], [False, True])))
def test_rmsprop_matches_torch(alpha: float, weight_decay: float, momentum: float, centered: bool) -> None:
    p0, grads = _data(2)
    want = torch_trajectory(torch.optim.RMSprop, p0, grads, lr=0.01, alpha=alpha, eps=1e-8,
                            weight_decay=weight_decay, momentum=momentum, centered=centered)
    got = rmsprop(p0, grads, 0.01, alpha, 1e-8, weight_decay, momentum, centered)
    np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-14)


def test_optimisers_match_torch_on_every_exercise_case() -> None:
    from dlquiz.grading.cases.optim import (
        adam_cases,
        adamw_cases,
        rmsprop_cases,
        sgd_momentum_cases,
    )

    def run(cases, ours, theirs, kw):  # type: ignore[no-untyped-def]
        for case in cases:
            a = case.args
            if len(a["grads"]) == 0:
                assert ours(*a.values()).shape == (0, *np.shape(a["param"]))
                continue
            want = torch_trajectory(theirs, np.asarray(a["param"]), a["grads"], **kw(a))
            np.testing.assert_allclose(ours(*a.values()), want, rtol=1e-10, atol=1e-13,
                                       err_msg=case.name)

    rng = np.random.default_rng(0)
    run(sgd_momentum_cases(rng), sgd_momentum, torch.optim.SGD,
        lambda a: {"lr": a["lr"], "momentum": a["momentum"], "weight_decay": a["weight_decay"],
                   "nesterov": a["nesterov"] and a["momentum"] > 0})
    def adam_kw(a):  # type: ignore[no-untyped-def]
        """torch's keywords for what the case passes; the rest are torch's own defaults."""
        kw = {k: a[k] for k in ("lr", "eps", "weight_decay") if k in a}
        if "beta1" in a:
            kw["betas"] = (a["beta1"], a["beta2"])
        return kw

    run(adam_cases(rng), adam, torch.optim.Adam, adam_kw)
    run(adamw_cases(rng), adamw, torch.optim.AdamW, adam_kw)
    run(rmsprop_cases(rng), rmsprop, torch.optim.RMSprop,
        lambda a: {"lr": a["lr"], "alpha": a["alpha"], "eps": a["eps"],
                   "weight_decay": a["weight_decay"], "momentum": a["momentum"],
                   "centered": a["centered"]})


def torch_cosine_chain(base: float, warmup: int, total: int, min_lr: float, n: int) -> np.ndarray:
    """LR used at steps 0..n-1 by SequentialLR(LinearLR ~from 0, CosineAnnealingLR)."""
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(total - warmup, 1), eta_min=min_lr)
    if warmup:
        linear = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1e-12, end_factor=1.0,
                                                   total_iters=warmup)
        sched: torch.optim.lr_scheduler.LRScheduler = torch.optim.lr_scheduler.SequentialLR(
            opt, [linear, cosine], milestones=[warmup])
    else:
        sched = cosine
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # "step() before optimizer.step()" notices
        for _ in range(n):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
    return np.array(lrs)


@pytest.mark.parametrize(("base", "warmup", "total", "min_lr"),
                         [(0.1, 5, 50, 0.0), (1.0, 10, 100, 0.01), (3e-4, 0, 30, 0.0),
                          (0.5, 20, 21, 0.0), (0.01, 1, 40, 1e-4)])
def test_cosine_matches_torch_scheduler_chain(base: float, warmup: int, total: int, min_lr: float) -> None:
    want = torch_cosine_chain(base, warmup, total, min_lr, total + 1)
    got = cosine_warmup_lr(np.arange(total + 1), base, warmup, total, min_lr)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=base * 1e-11)


def test_cosine_after_total_and_warmup_from_zero_by_a_loop() -> None:
    base, w, total, floor = 0.2, 4, 12, 0.02
    for t in range(30):
        if t < w:
            want = base * t / w
        elif t >= total:
            want = floor
        else:
            want = floor + (base - floor) * (1 + math.cos(math.pi * (t - w) / (total - w))) / 2
        assert cosine_warmup_lr([t], base, w, total, floor)[0] == pytest.approx(want, rel=1e-12, abs=1e-15)
    assert cosine_warmup_lr([0], base, w, total)[0] == 0.0
    assert cosine_warmup_lr([w], base, w, total)[0] == base


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**16), st.floats(1e-3, 1e3))
def test_adam_is_invariant_to_gradient_scale(seed: int, c: float) -> None:
    p0, grads = _data(seed, (5,), 6)
    # With eps = 0 Adam's step depends only on the gradient's direction history.
    np.testing.assert_allclose(adam(p0, c * grads, 0.01, eps=0.0), adam(p0, grads, 0.01, eps=0.0),
                               rtol=1e-9, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**16), st.floats(0.0, 0.99), st.floats(0.9, 0.9999))
def test_adamw_without_decay_is_adam_and_first_step_is_sign(seed: int, b1: float, b2: float) -> None:
    p0, grads = _data(seed, (4,), 5)
    np.testing.assert_allclose(adamw(p0, grads, 0.01, b1, b2, 1e-8, 0.0), adam(p0, grads, 0.01, b1, b2),
                               rtol=1e-12)
    first = adam(p0, grads[:1], 0.01, b1, b2, 0.0)[0]
    np.testing.assert_allclose(first, p0 - 0.01 * np.sign(grads[0]), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**16), st.floats(0.0, 0.95))
def test_sgd_momentum_on_constant_gradient_is_a_geometric_sum(seed: int, mu: float) -> None:
    rng = np.random.default_rng(seed)
    g = rng.normal(size=3)
    traj = sgd_momentum(np.zeros(3), np.tile(g, (8, 1)), 0.1, mu)
    for t in range(8):
        velocity_sum = sum(sum(mu ** j for j in range(k + 1)) for k in range(t + 1))
        np.testing.assert_allclose(traj[t], -0.1 * velocity_sum * g, rtol=1e-10, atol=1e-14)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 50), st.integers(0, 200), st.floats(1e-5, 1.0), st.floats(0.0, 1.0))
def test_cosine_is_bounded_and_monotone_after_warmup(warmup: int, extra: int, base: float,
                                                     floor_frac: float) -> None:
    total = warmup + extra
    floor = base * floor_frac
    lr = cosine_warmup_lr(np.arange(total + 5), base, warmup, total, floor)
    assert np.all(lr <= base * (1 + 1e-12)) and lr[0] == 0.0
    assert np.all(np.diff(lr[:warmup + 1]) > 0)
    assert np.all(np.diff(lr[warmup:]) <= 1e-15)
    assert np.all(lr[warmup:] >= floor * (1 - 1e-12))
