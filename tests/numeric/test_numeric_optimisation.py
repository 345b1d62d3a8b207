"""Numeric generators for Adam, quantisation parameters, cosine warm-up and label smoothing.

Each answer is checked over many seeded draws against an oracle computed a
different way: ``torch.optim.Adam`` stepping a scalar tensor,
``torch.ao.quantization.MinMaxObserver``, torch's ``SequentialLR(LinearLR,
CosineAnnealingLR)`` chain (and a loop past the end), ``F.cross_entropy``.
Every question must show each drawn number the answer depends on.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlquiz.numeric import check_answer, get_generator

DRAWS = 60
NAMES = ("adam_step", "quant_qparams", "cosine_warmup_lr", "label_smoothing_loss")
PARAMS = {"adam_step": [{"steps": 1}, {"steps": 2}], "quant_qparams": [{}, {"symmetric": True}],
          "cosine_warmup_lr": [{}], "label_smoothing_loss": [{}]}


def problems(name: str, seed: int = 0):  # type: ignore[no-untyped-def]
    gen = get_generator(name)
    rng = np.random.default_rng(seed)
    for params in PARAMS[name]:
        for _ in range(DRAWS):
            drawn = gen.draw(rng, params)
            yield params, drawn, gen.solve(json.loads(json.dumps(drawn)), params)


def _shown(value: object) -> list[str]:
    if isinstance(value, list):
        return [s for v in value for s in _shown(v)]
    return [f"{value:g}" if isinstance(value, float) else str(value)]


@pytest.mark.parametrize("name", NAMES)
def test_question_shows_every_drawn_number(name: str) -> None:
    for _, drawn, problem in problems(name):
        for key, value in drawn.items():
            for text in _shown(value):
                assert text in problem.question, (name, key, text, problem.question)


@pytest.mark.parametrize("name", NAMES)
def test_answer_as_explained_is_accepted_and_others_rejected(name: str) -> None:
    for _, _, problem in problems(name):
        assert "**" in problem.explanation
        typed = " ".join(f"{v:.4g}" if abs(v) < 1 and v != 0 else f"{v:.4f}" for v in problem.answer)
        assert check_answer(problem, typed), (problem.question, typed, problem.answer)
        off = " ".join(f"{v * 1.02 + 0.01:.6f}" for v in problem.answer)
        assert not check_answer(problem, off)


def test_adam_step_matches_torch_adam() -> None:
    for _, d, problem in problems("adam_step"):
        p = torch.tensor([d["theta"]], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adam([p], lr=d["lr"], betas=(d["beta1"], d["beta2"]), eps=1e-8)
        for g in d["grads"]:
            p.grad = torch.tensor([g], dtype=torch.float64)
            opt.step()
        assert problem.answer[0] == pytest.approx(float(p.detach()[0]), rel=1e-12, abs=1e-12)
        assert all(abs(g) >= 0.1 for g in d["grads"])          # no 0/eps steps


def test_adam_first_step_is_lr_times_sign() -> None:
    for params, d, problem in problems("adam_step"):
        if params["steps"] == 1:
            expected = d["theta"] - d["lr"] * math.copysign(1.0, d["grads"][0])
            assert problem.answer[0] == pytest.approx(expected, abs=1e-6)


def test_qparams_match_minmax_observer() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for params, d, problem in problems("quant_qparams"):
            symmetric = bool(params.get("symmetric"))
            obs = torch.ao.quantization.MinMaxObserver(
                dtype=torch.qint8 if symmetric else torch.quint8,
                qscheme=torch.per_tensor_symmetric if symmetric else torch.per_tensor_affine)
            obs(torch.tensor([d["min"], d["max"]], dtype=torch.float32))
            scale, zp = obs.calculate_qparams()
            assert problem.answer[0] == pytest.approx(float(scale), rel=1e-6)
            if symmetric:
                assert int(zp) == 0 and len(problem.answer) == 1
            else:
                assert problem.answer[1] == int(zp)


def test_qparams_closed_form_from_the_torch_docs() -> None:
    """scale = (max − min)/(qmax − qmin), zp = qmin − round(min/scale), written out separately."""
    for params, d, problem in problems("quant_qparams"):
        if params.get("symmetric"):
            assert problem.answer[0] == pytest.approx(max(-d["min"], d["max"]) / 127.5, rel=1e-12)
            continue
        scale = (d["max"] - d["min"]) / 255
        zp = 0 - round(d["min"] / scale)            # Python round: half to even, as torch.round
        assert problem.answer == pytest.approx((scale, zp), rel=1e-12)
        u = -d["min"] / scale
        assert abs(u - math.floor(u) - 0.5) > 0.01    # drawn away from a rounding tie


def _torch_schedule(base: float, warmup: int, total: int, floor: float, t: int) -> float:
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=floor)
    if warmup:
        linear = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1e-12, total_iters=warmup)
        sched: torch.optim.lr_scheduler.LRScheduler = torch.optim.lr_scheduler.SequentialLR(
            opt, [linear, cosine], milestones=[warmup])
    else:
        sched = cosine
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(t):
            opt.step()
            sched.step()
    return float(opt.param_groups[0]["lr"])


def test_cosine_lr_matches_torch_scheduler_chain_and_a_loop() -> None:
    checked = 0
    for _, d, problem in problems("cosine_warmup_lr"):
        base, w, total, t, floor = (d[k] for k in ("base_lr", "warmup", "total", "t", "min_lr"))
        if t >= total:
            assert problem.answer[0] == pytest.approx(floor, abs=1e-15)
            continue
        if checked < 12:       # the torch chain steps t times: keep the run short
            checked += 1
            assert problem.answer[0] == pytest.approx(_torch_schedule(base, w, total, floor, t),
                                                      rel=1e-7, abs=1e-12)
        lr = base * t / w if t < w else floor + (base - floor) * (1 + math.cos(math.pi * (t - w) / (total - w))) / 2
        assert problem.answer[0] == pytest.approx(lr, rel=1e-12, abs=1e-15)
    assert checked == 12


def test_label_smoothing_loss_matches_torch() -> None:
    for _, d, problem in problems("label_smoothing_loss"):
        loss = F.cross_entropy(torch.tensor([d["logits"]], dtype=torch.float64),
                               torch.tensor([d["target"]]), label_smoothing=d["eps"])
        assert problem.answer[0] == pytest.approx(float(loss), rel=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_problem_is_reproducible_from_the_stored_draw(name: str) -> None:
    gen = get_generator(name)
    for params, drawn, problem in problems(name, seed=5):
        again = gen.solve(json.loads(json.dumps(drawn)), params)
        assert again.answer == problem.answer and again.question == problem.question
