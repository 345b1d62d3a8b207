"""Figures and conventions quoted on the optimisation, distillation, quantisation and
pruning cards, recomputed with torch (CPU) or from first principles.

Each test derives what a card states — a default, a step size, a gradient identity, an
observer's scale — and checks that the card still says it, so an edit that makes a card
wrong fails here.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tests.content.raw_decks import card, text_of


def flat(text: str) -> str:
    """Card text with line breaks and repeated spaces collapsed."""
    return " ".join(text.split())


def _lrs(sched_factory, steps: int) -> list[float]:  # type: ignore[no-untyped-def]
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0, momentum=0.9)
    sched = sched_factory(opt)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(steps):
            out.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
    return out


def test_optimizer_defaults_quoted() -> None:
    p = [torch.zeros(1, requires_grad=True)]
    adam, adamw = torch.optim.Adam(p).defaults, torch.optim.AdamW(p).defaults
    rms = torch.optim.RMSprop(p).defaults
    assert (adam["lr"], adam["betas"], adam["eps"], adam["weight_decay"]) == (1e-3, (0.9, 0.999), 1e-8, 0)
    assert adamw["weight_decay"] == 0.01 and rms["alpha"] == 0.99
    text = flat(card("optimisation", "adam-defaults-cloze")["text"])
    assert "{{c1::1e-3}}" in text and "(0.9, 0.999)" in text and "{{c4::0.01}}" in text
    assert "{{c3::0.99}}" in card("optimisation", "rmsprop-torch-cloze")["text"]


def test_momentum_step_approaches_ten_times_lr() -> None:
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.01, momentum=0.9)
    before = 0.0
    for _ in range(300):
        p.grad = torch.ones(1)
        opt.step()
        step, before = before - float(p.detach()), float(p.detach())
    assert step == pytest.approx(10 * 0.01, rel=1e-4)      # float32 parameter
    c = card("optimisation", "momentum-effective-step")
    assert c["choices"][c["answer"]] == "10·lr·g"


def test_nesterov_direction_is_g_plus_mu_b() -> None:
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0, momentum=0.5, nesterov=True)
    for g in (1.0, 2.0):
        p.grad = torch.tensor([g])
        opt.step()
    # b1 = 1, d1 = 1 + 0.5·1; b2 = 0.5·1 + 2 = 2.5, d2 = 2 + 0.5·2.5
    assert float(p.detach()) == pytest.approx(-(1.5 + 3.25))
    c = card("optimisation", "nesterov-torch-direction")
    assert c["choices"][c["answer"]] == "d = g + μ·b"


def test_adam_first_step_with_and_without_bias_correction() -> None:
    for g in (1e-4, 0.3, 50.0):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.Adam([p], lr=0.1)
        p.grad = torch.tensor([g])
        opt.step()
        assert float(p.detach()) == pytest.approx(-0.1, rel=1e-3)         # ≈ lr·sign(g)
    uncorrected = 0.1 / math.sqrt(0.001)
    assert round(uncorrected, 2) == 3.16
    assert "3.16·lr·sign(g)" in flat(card("optimisation", "adam-bias-correction-why")["back"])


def test_rmsprop_first_step_is_ten_lr() -> None:
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.RMSprop([p], lr=0.01)
    p.grad = torch.tensor([0.37])
    opt.step()
    assert float(p.detach()) == pytest.approx(-0.1, rel=1e-5)
    assert "10·lr·sign(g)" in flat(card("optimisation", "rmsprop-torch-cloze")["explanation"])


def test_torch_adam_weight_decay_is_l2_and_adamw_is_decoupled() -> None:
    def step(cls, **kw):  # type: ignore[no-untyped-def]
        p = torch.tensor([2.0], requires_grad=True)
        opt = cls([p], lr=0.1, **kw)
        p.grad = torch.tensor([0.0])
        opt.step()
        return float(p.detach())

    assert step(torch.optim.Adam, weight_decay=0.5) == pytest.approx(2.0 - 0.1, rel=1e-6)   # sign step
    assert step(torch.optim.AdamW, weight_decay=0.5) == pytest.approx(2.0 * (1 - 0.05))
    c = card("optimisation", "torch-adam-weight-decay-choice")
    assert "adds 0.01·p to the gradient" in c["choices"][c["answer"]]


def test_cosine_annealing_rises_after_t_max() -> None:
    lrs = _lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=50), 101)
    assert lrs[50] == pytest.approx(0.0, abs=1e-12) and lrs[100] == pytest.approx(1.0)
    assert "climbs back to the initial value at epoch 100" in flat(card("optimisation", "torch-cosine-past-tmax")["back"])


def test_one_cycle_defaults_quoted() -> None:
    lrs = _lrs(lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=1000), 1000)
    assert lrs[0] == pytest.approx(1 / 25)
    assert int(np.argmax(lrs)) in (299, 300)
    assert lrs[-1] == pytest.approx(1 / 25 / 1e4, rel=1e-2)
    back = flat(card("optimisation", "one-cycle-policy")["back"])
    assert "pct_start = 0.3" in back and "max_lr/25" in back and "start/10⁴" in back
    assert "0.95 down to 0.85" in back


def test_gradcheck_defaults_quoted() -> None:
    import inspect

    sig = inspect.signature(torch.autograd.gradcheck).parameters
    assert (sig["eps"].default, sig["atol"].default, sig["rtol"].default) == (1e-6, 1e-5, 1e-3)
    assert "eps = 1e-6, atol = 1e-5, rtol = 1e-3" in flat(card("optimisation", "gradient-check-central")["explanation"])


def test_central_difference_error_orders() -> None:
    f, x = math.exp, 0.3
    for h in (1e-2, 1e-3):
        forward = abs((f(x + h) - f(x)) / h - f(x))
        central = abs((f(x + h) - f(x - h)) / (2 * h) - f(x))
        assert forward == pytest.approx(h / 2 * f(x), rel=0.05)        # O(h)
        assert central == pytest.approx(h * h / 6 * f(x), rel=0.05)    # O(h²)


def test_softmax_vjp_formula() -> None:
    z = torch.randn(5, dtype=torch.float64, requires_grad=True)
    g = torch.randn(5, dtype=torch.float64)
    p = torch.softmax(z, 0)
    p.backward(g)
    pd = p.detach()
    np.testing.assert_allclose(z.grad.numpy(), (pd * (g - (g * pd).sum())).numpy(), rtol=1e-12)
    assert "p ⊙ (g − ⟨g, p⟩)" in flat(card("optimisation", "softmax-jacobian")["back"])


def test_frozen_bn_gradient_is_the_affine_factor() -> None:
    bn = torch.nn.BatchNorm1d(3).double().eval()
    bn.running_var.uniform_(0.5, 2.0)
    bn.weight.data.uniform_(0.5, 1.5)
    x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    dy = torch.randn(4, 3, dtype=torch.float64)
    bn(x).backward(dy)
    want = dy * bn.weight.detach() / torch.sqrt(bn.running_var + bn.eps)
    np.testing.assert_allclose(x.grad.numpy(), want.numpy(), rtol=1e-12)
    c = card("optimisation", "frozen-bn-gradient")
    assert c["choices"][c["answer"]] == "γ·dy/√(σ²_r + ε)"


def test_zero_grad_default_is_set_to_none_and_backward_accumulates() -> None:
    import inspect

    assert inspect.signature(torch.optim.Optimizer.zero_grad).parameters["set_to_none"].default is True
    w = torch.ones(1, requires_grad=True)
    (2 * w).sum().backward()
    (2 * w).sum().backward()
    assert float(w.grad) == 4.0
    assert "set_to_none=True" in flat(card("optimisation", "zero-grad-accumulates")["explanation"])


def test_label_smoothing_true_class_target() -> None:
    z = torch.zeros(1, 10, requires_grad=True)
    F.cross_entropy(z, torch.tensor([3]), label_smoothing=0.1).backward()
    # gradient = p − q with p = 0.1 everywhere: true class 0.1 − 0.91
    assert float(z.grad[0, 3]) == pytest.approx(0.1 - 0.91)
    c = card("training", "label-smoothing-torch-target")
    assert c["choices"][c["answer"]] == "0.91"


def test_distillation_gradient_scales_as_one_over_t_squared() -> None:
    torch.manual_seed(0)
    zs0, zt = torch.randn(10, dtype=torch.float64), torch.randn(10, dtype=torch.float64)
    zs0, zt = zs0 - zs0.mean(), zt - zt.mean()
    norms = []
    for temp in (20.0, 40.0, 80.0):
        zs = zs0.clone().requires_grad_(True)
        loss = F.kl_div(F.log_softmax(zs / temp, 0), F.softmax(zt / temp, 0), reduction="sum")
        loss.backward()
        norms.append(float(zs.grad.norm()))
        # Hinton et al. eq. 4: for high T the gradient ≈ (z_s − z_t)/(N·T²)
        approx = (zs0 - zt) / (10 * temp**2)
        assert float((zs.grad - approx).norm() / approx.norm()) < 0.1
    assert norms[0] / norms[1] == pytest.approx(4.0, rel=0.05)
    assert norms[1] / norms[2] == pytest.approx(4.0, rel=0.05)
    assert "(zᵢ − vᵢ)/(N·T²)" in flat(card("training", "kd-t-squared-why")["back"])


def test_kl_and_cross_entropy_give_the_same_student_gradient() -> None:
    zs = torch.randn(6, dtype=torch.float64, requires_grad=True)
    pt = torch.softmax(torch.randn(6, dtype=torch.float64), 0)
    F.kl_div(F.log_softmax(zs, 0), pt, reduction="sum").backward()
    g_kl = zs.grad.clone()
    zs.grad = None
    (-(pt * F.log_softmax(zs, 0)).sum()).backward()
    np.testing.assert_allclose(g_kl.numpy(), zs.grad.numpy(), rtol=1e-12, atol=1e-15)
    c = card("training", "kd-kl-vs-ce-choice")
    assert "None in the gradient" in c["choices"][c["answer"]]


def test_observer_symmetric_and_affine_scales_and_restricted_range() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        obs = torch.ao.quantization.MinMaxObserver(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric)
        obs(torch.tensor([-1.0, 2.55]))
        scale, zp = obs.calculate_qparams()
        assert float(scale) == pytest.approx(2.55 / 127.5) and int(zp) == 0
        q = torch.quantize_per_tensor(torch.tensor([2.55, -2.55]), float(scale), 0, torch.qint8)
    assert q.int_repr().tolist() == [127, -128]        # the asymmetric error the card describes
    c = card("deployment", "restricted-int8-range")
    assert "scale max|x|/127.5" in flat(c["explanation"]) and "−128" in c["explanation"]


def test_fake_quant_backward_is_the_ste_mask() -> None:
    x = torch.tensor([-1.0, 0.3, 0.9, 5.0], requires_grad=True)
    torch.fake_quantize_per_tensor_affine(x, 0.01, 0, 0, 255).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 1.0, 0.0]
    assert "gradient 1 where q_min ≤ round(x/s) + z ≤ q_max, else 0" in flat(card(
        "deployment", "straight-through-estimator")["explanation"])


def test_fuse_modules_gives_convrelu_and_identities() -> None:
    model = torch.nn.Sequential()
    model.add_module("conv", torch.nn.Conv2d(3, 4, 3))
    model.add_module("bn", torch.nn.BatchNorm2d(4))
    model.add_module("relu", torch.nn.ReLU())
    fused = torch.ao.quantization.fuse_modules(model.eval(), [["conv", "bn", "relu"]])
    assert type(fused.conv).__name__ == "ConvReLU2d"
    assert isinstance(fused.bn, torch.nn.Identity) and isinstance(fused.relu, torch.nn.Identity)
    text = flat(card("deployment", "fuse-modules-cloze")["text"])
    assert "{{c2::one ConvReLU2d}}" in text and "{{c3::Identity}}" in text and "{{c1::eval}}" in text


def test_torch_prune_masks_but_keeps_dense_weights() -> None:
    from torch.nn.utils import prune

    conv = torch.nn.Conv2d(2, 4, 3)
    prune.l1_unstructured(conv, "weight", amount=0.5)
    names = {n for n, _ in conv.named_parameters()} | {n for n, _ in conv.named_buffers()}
    assert {"weight_orig", "weight_mask"} <= names and conv.weight.shape == (4, 2, 3, 3)
    assert float((conv.weight == 0).float().mean()) == pytest.approx(0.5)
    c = card("deployment", "torch-prune-masks")
    assert "weight_orig" in c["choices"][c["answer"]]


def test_number_format_figures() -> None:
    assert float(torch.finfo(torch.float16).max) == 65504
    assert float(torch.finfo(torch.float16).tiny) == pytest.approx(6.1e-5, rel=0.01)
    assert torch.finfo(torch.bfloat16).max == pytest.approx(torch.finfo(torch.float32).max, rel=0.01)
    assert "max ≈ 65504" in flat(card("deployment", "fp16-bf16-formats")["back"])


def test_calibration_and_size_arithmetic() -> None:
    scale = 60 / 255
    assert round(scale, 3) == 0.235 and round(4 / scale) == 17       # codes 0 … 17
    c = card("deployment", "calibration-choice")
    assert "60/255 ≈ 0.235" in c["choices"][c["answer"]] and "18 codes (0 … 17)" in c["choices"][c["answer"]]
    c = card("deployment", "int8-size-choice")
    assert c["choices"][c["answer"]] == f"{25e6 / 1e6:g} MB"


def test_adam_mixed_precision_bytes_per_parameter() -> None:
    fp16_weights, fp16_grads, fp32_master, m, v = 2, 2, 4, 4, 4
    assert fp16_weights + fp16_grads + fp32_master + m + v == 16
    assert "= 16 bytes per parameter" in flat(text_of(card("optimisation", "adam-memory-cost")))
