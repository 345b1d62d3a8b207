"""Architecture generators against independent oracles.

attention_cost: torch's FlopCounterMode on the real matmuls, and meta tensors for
the score bytes. init_std: torch.nn.init on a large tensor (empirical std / max).
stack_receptive_field: the footprint of a one-hot gradient back-propagated through
real torch convs and pools. conv_transpose_output_size: a real ConvTranspose2d.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from dlquiz.numeric import check_answer, get_generator

DRAWS = 40
NAMES = ["attention_cost", "init_std", "stack_receptive_field", "conv_transpose_output_size"]
PARAMS = {
    "attention_cost": [{"quantity": "flops"}, {"quantity": "memory"}],
    "init_std": [{"scheme": s} for s in
                 ("xavier_normal", "xavier_uniform", "kaiming_normal", "kaiming_uniform")],
    "stack_receptive_field": [{"quantity": "rf"}, {"quantity": "jump"}],
    "conv_transpose_output_size": [{}],
}


def problems(name: str, seed: int = 0, draws: int = DRAWS):  # type: ignore[no-untyped-def]
    gen = get_generator(name)
    rng = np.random.default_rng(seed)
    for params in PARAMS[name]:
        for _ in range(draws):
            drawn = gen.draw(rng, params)
            yield params, drawn, gen.solve(drawn, params)


def test_attention_flops_match_torch_flop_counter() -> None:
    for params, d, problem in problems("attention_cost", draws=12):
        if params["quantity"] != "flops":
            continue
        n, h, dm = d["n"], d["heads"], d["d_model"]
        q = torch.empty(1, h, n, dm // h, device="meta")
        with FlopCounterMode(display=False) as counter:
            scores = q @ q.transpose(-1, -2)
            _ = scores @ q
        assert problem.answer[0] == pytest.approx(counter.get_total_flops() / 1e9, rel=1e-12)


def test_attention_memory_matches_meta_tensor_bytes() -> None:
    for params, d, problem in problems("attention_cost"):
        if params["quantity"] != "memory":
            continue
        dtype = {2: torch.float16, 4: torch.float32}[d["bytes"]]
        scores = torch.empty(d["batch"], d["heads"], d["n"], d["n"], dtype=dtype, device="meta")
        assert problem.answer[0] == pytest.approx(
            scores.numel() * scores.element_size() / 2 ** 20, rel=1e-12)


def _torch_weight(d: dict) -> torch.Tensor:  # type: ignore[type-arg]
    if d["kind"] == "Linear":
        return torch.empty(d["c_out"], d["c_in"])
    return torch.empty(d["c_out"], d["c_in"], d["k"], d["k"])


def _init(scheme: str, t: torch.Tensor, mode: str) -> torch.Tensor:
    if scheme == "xavier_normal":
        return torch.nn.init.xavier_normal_(t)
    if scheme == "xavier_uniform":
        return torch.nn.init.xavier_uniform_(t)
    if scheme == "kaiming_normal":
        return torch.nn.init.kaiming_normal_(t, mode=mode, nonlinearity="relu")
    return torch.nn.init.kaiming_uniform_(t, mode=mode, nonlinearity="relu")


def test_init_scale_matches_torch_nn_init_empirically() -> None:
    """torch computes the fans from the weight's shape, so sample many tensors of that shape."""
    torch.manual_seed(0)
    for params, d, problem in problems("init_std", draws=6):
        scheme = params["scheme"]
        shape = _torch_weight(d).shape
        copies = max(1, 60_000 // int(np.prod(shape)))
        values = torch.cat([_init(scheme, torch.empty(shape), d["mode"]).flatten()
                            for _ in range(copies)]).double()
        if scheme.endswith("normal"):
            assert problem.answer[0] == pytest.approx(float(values.std()), rel=0.02)
        else:
            assert problem.answer[0] == pytest.approx(float(values.abs().max()), rel=0.01)
            assert problem.answer[0] / 3 ** 0.5 == pytest.approx(float(values.std()), rel=0.02)


def _footprint(ops: list[str], kernels: list[int], strides: list[int], size: int,
               unit: int) -> tuple[int, int]:
    """First and last input row whose gradient reaches output unit ``unit`` (row 0 column)."""
    x = torch.zeros(1, 1, size, 1, dtype=torch.float64, requires_grad=True)
    y = x
    for op, k, s in zip(ops, kernels, strides):
        if op == "conv":
            y = F.conv2d(y, torch.ones(1, 1, k, 1, dtype=torch.float64), stride=(s, 1))
        elif op == "max-pool":
            # max-pool's gradient reaches one input only; the *field* is the window.
            y = F.avg_pool2d(y, (k, 1), stride=(s, 1))
        else:
            y = F.avg_pool2d(y, (k, 1), stride=(s, 1))
    y[0, 0, unit, 0].backward()
    rows = torch.nonzero(x.grad[0, 0, :, 0]).flatten()
    return int(rows.min()), int(rows.max())


def test_stack_receptive_field_matches_gradient_footprint() -> None:
    for params, d, problem in problems("stack_receptive_field", draws=20):
        # Big enough for two neighbouring units: RF + jump ≤ 1 + (Σ k + 1)·Π s (a loose bound).
        size = 1 + (sum(d["kernels"]) + 1) * math.prod(d["strides"]) + 8
        lo0, hi0 = _footprint(d["ops"], d["kernels"], d["strides"], size, 0)
        lo1, _ = _footprint(d["ops"], d["kernels"], d["strides"], size, 1)
        expected = hi0 - lo0 + 1 if params["quantity"] == "rf" else lo1 - lo0
        assert problem.answer == (float(expected),), d


def test_conv_transpose_output_size_matches_torch() -> None:
    for _, d, problem in problems("conv_transpose_output_size"):
        layer = torch.nn.ConvTranspose2d(1, 1, d["kernel"], stride=d["stride"],
                                         padding=d["padding"], output_padding=d["output_padding"])
        with torch.no_grad():
            out = layer(torch.zeros(1, 1, d["size"], d["size"]))
        assert problem.answer == (float(out.shape[2]),)


def _used(name: str, params: dict, d: dict) -> dict:  # type: ignore[type-arg]
    """The drawn quantities the answer depends on."""
    if name == "attention_cost":
        keys = ("n", "heads", "d_model") if params["quantity"] == "flops" else (
            "n", "heads", "batch", "bytes")
        return {k: d[k] for k in keys}
    if name == "init_std":
        used = {k: d[k] for k in ("c_in", "c_out")}
        if d["kind"] != "Linear":
            used["k"] = d["k"]
        return used
    return {k: v for k, v in d.items() if k != "ops"}


@pytest.mark.parametrize("name", NAMES)
def test_question_shows_every_quantity_the_answer_uses(name: str) -> None:
    for params, d, problem in problems(name, draws=10):
        shown = set(re.findall(r"\d+", problem.question))
        for key, value in _used(name, params, d).items():
            for v in value if isinstance(value, list) else [value]:
                assert str(v) in shown, (name, key, v, problem.question)
        if name == "init_std":
            assert d["kind"] in problem.question
            assert params["scheme"].startswith("xavier") or f"mode='{d['mode']}'" in problem.question
        if name == "stack_receptive_field":
            assert all(op in problem.question for op in d["ops"])


@pytest.mark.parametrize("name", NAMES)
def test_reproducible_and_typed_answer_accepted(name: str) -> None:
    gen = get_generator(name)
    for params, d, problem in problems(name, seed=3, draws=15):
        again = gen.solve(json.loads(json.dumps(d)), params)
        assert again.answer == problem.answer and again.question == problem.question
        assert check_answer(problem, " ".join(f"{v:.4f}" for v in problem.answer))
        assert not check_answer(problem, " ".join(f"{v * 1.05 + 0.01:.4f}" for v in problem.answer))
        assert "**" in problem.explanation
