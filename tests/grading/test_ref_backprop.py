"""Loss and backward-pass references against torch autograd (CPU, float64).

Label-smoothed cross-entropy against ``F.cross_entropy(label_smoothing=...)``, the
distillation loss against ``F.kl_div(..., reduction="batchmean")`` + ``F.cross_entropy``,
its gradient, conv2d and training-mode BatchNorm gradients against
``.backward()`` through ``F.conv2d`` / ``F.batch_norm``, over every
combination of stride / padding / kernel shape, and hypothesis properties
(row sums, invariances, central-difference gradient checks).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.reference.backprop import (
    batch_norm_backward,
    conv2d_backward,
    distillation_loss,
    label_smoothing_cross_entropy,
    softmax_cross_entropy_backward,
)


def torch_ce(z: np.ndarray, y: np.ndarray, eps: float) -> tuple[float, np.ndarray]:
    zt = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    loss = F.cross_entropy(zt, torch.tensor(y, dtype=torch.int64), label_smoothing=eps)
    loss.backward()
    return float(loss.detach()), zt.grad.numpy()


@pytest.mark.parametrize(("n", "k"), [(1, 2), (4, 3), (32, 10), (64, 1000)])
@pytest.mark.parametrize("eps", [0.0, 0.1, 0.3, 1.0])
@pytest.mark.parametrize("scale", [1.0, 30.0, 1e4])
def test_label_smoothing_ce_and_gradient_match_torch(n: int, k: int, eps: float, scale: float) -> None:
    rng = np.random.default_rng(n * k)
    z, y = scale * rng.normal(size=(n, k)), rng.integers(0, k, size=n)
    loss, grad = torch_ce(z, y, eps)
    assert label_smoothing_cross_entropy(z, y, eps) == pytest.approx(loss, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(softmax_cross_entropy_backward(z, y, eps), grad, rtol=1e-10, atol=1e-15)


def test_ce_exercise_cases_match_torch() -> None:
    from dlquiz.grading.cases.backprop import (
        label_smoothing_cross_entropy_cases,
        softmax_cross_entropy_backward_cases,
    )

    rng = np.random.default_rng(0)
    for case in label_smoothing_cross_entropy_cases(rng) + softmax_cross_entropy_backward_cases(rng):
        z, y, eps = case.args.values()
        loss, grad = torch_ce(z, y, eps)
        assert label_smoothing_cross_entropy(z, y, eps) == pytest.approx(loss, rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(softmax_cross_entropy_backward(z, y, eps), grad,
                                   rtol=1e-10, atol=1e-15, err_msg=case.name)


def torch_conv_grads(x: np.ndarray, w: np.ndarray, gy: np.ndarray, stride, padding):  # type: ignore[no-untyped-def]
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.zeros(w.shape[0], dtype=torch.float64, requires_grad=True)
    y = F.conv2d(xt, wt, bt, stride=stride, padding=padding)
    assert tuple(y.shape) == gy.shape
    y.backward(torch.tensor(gy))
    return xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()


def _out(size: int, k: int, s: int, p: int) -> int:
    return (size + 2 * p - k) // s + 1


@pytest.mark.parametrize(("kernel", "stride", "padding"),
                         list(itertools.product([(1, 1), (3, 3), (2, 3), (5, 5)],
                                                [1, 2, 3, (2, 1)], [0, 1, 2, (1, 2)])))
def test_conv2d_backward_matches_autograd(kernel: tuple[int, int], stride, padding) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(sum(kernel))
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    x, w = rng.normal(size=(2, 3, 9, 8)), rng.normal(size=(4, 3, *kernel))
    gy = rng.normal(size=(2, 4, _out(9, kernel[0], sh, ph), _out(8, kernel[1], sw, pw)))
    want = torch_conv_grads(x, w, gy, stride, padding)
    for ours, theirs in zip(conv2d_backward(x, w, gy, stride, padding), want):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_conv2d_backward_exercise_cases_match_autograd() -> None:
    from dlquiz.grading.cases.backprop import conv2d_backward_cases

    for case in conv2d_backward_cases(np.random.default_rng(0)):
        x, w, gy, s, p = case.args.values()
        want = torch_conv_grads(x, w, gy, tuple(s) if isinstance(s, list) else s,
                                tuple(p) if isinstance(p, list) else p)
        for ours, theirs in zip(conv2d_backward(x, w, gy, s, p), want):
            np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-11, err_msg=case.name)


def torch_bn_grads(x: np.ndarray, gamma: np.ndarray, gy: np.ndarray, eps: float):  # type: ignore[no-untyped-def]
    xt = torch.tensor(x, requires_grad=True)
    gt = torch.tensor(gamma, requires_grad=True)
    bt = torch.zeros_like(gt, requires_grad=True)
    y = F.batch_norm(xt, None, None, gt, bt, training=True, eps=eps)
    y.backward(torch.tensor(gy))
    return xt.grad.numpy(), gt.grad.numpy(), bt.grad.numpy()


@pytest.mark.parametrize("shape", [(2, 1), (8, 3), (4, 3, 5), (2, 4, 3, 3), (3, 2, 2, 3, 2), (1, 3, 4, 4)])
@pytest.mark.parametrize("eps", [1e-5, 0.1])
def test_batch_norm_backward_matches_autograd(shape: tuple[int, ...], eps: float) -> None:
    rng = np.random.default_rng(len(shape))
    x, g, gy = 3 * rng.normal(size=shape) + 1, rng.normal(size=shape[1]), rng.normal(size=shape)
    for ours, theirs in zip(batch_norm_backward(x, g, gy, eps), torch_bn_grads(x, g, gy, eps)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_batch_norm_backward_exercise_cases_match_autograd() -> None:
    from dlquiz.grading.cases.backprop import batch_norm_backward_cases

    for case in batch_norm_backward_cases(np.random.default_rng(0)):
        x, g, gy, eps = case.args.values()
        # torch refuses eps = 0 in training; 1e-300 is the same number in float64 here
        # (the eps = 0 case has variance 1).
        torch_eps = eps if eps > 0 else 1e-300
        for ours, theirs in zip(batch_norm_backward(x, g, gy, eps), torch_bn_grads(x, g, gy, torch_eps)):
            np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-9, err_msg=case.name)


def _central_difference(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:  # type: ignore[no-untyped-def]
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**16), st.floats(0.0, 1.0))
def test_ce_gradient_passes_a_central_difference_check_and_rows_sum_to_zero(seed: int, eps: float) -> None:
    rng = np.random.default_rng(seed)
    z, y = rng.normal(size=(3, 4)), rng.integers(0, 4, size=3)
    grad = softmax_cross_entropy_backward(z, y, eps)
    num = _central_difference(lambda v: label_smoothing_cross_entropy(v, y, eps), z.copy())
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)
    # Adding a constant to a row changes neither loss nor gradient.
    shifted = z + rng.normal(size=(3, 1)) * 100
    assert label_smoothing_cross_entropy(shifted, y, eps) == pytest.approx(
        label_smoothing_cross_entropy(z, y, eps), rel=1e-10)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**16), st.floats(0.1, 10.0), st.floats(-5.0, 5.0))
def test_bn_input_gradient_is_orthogonal_to_shift_and_scale(seed: int, a: float, b: float) -> None:
    rng = np.random.default_rng(seed)
    x, g, gy = rng.normal(size=(6, 2, 3)), rng.normal(size=2), rng.normal(size=(6, 2, 3))
    dx, dg, db = batch_norm_backward(x, g, gy, eps=0.0)
    np.testing.assert_allclose(db, gy.sum(axis=(0, 2)), rtol=1e-12)
    xhat = (x - x.mean(axis=(0, 2), keepdims=True)) / x.std(axis=(0, 2), keepdims=True)
    np.testing.assert_allclose(dx.sum(axis=(0, 2)), 0.0, atol=1e-10)
    np.testing.assert_allclose((dx * xhat).sum(axis=(0, 2)), 0.0, atol=1e-9)
    # With eps = 0 BN's output is invariant to x -> a·x + b, so dx scales by 1/a.
    dx2, dg2, db2 = batch_norm_backward(a * x + b, g, gy, eps=0.0)
    np.testing.assert_allclose(db2, db, rtol=1e-12)
    np.testing.assert_allclose(dx2, dx / a, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dg2, dg, rtol=1e-8, atol=1e-10)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**16), st.integers(1, 3), st.integers(0, 2))
def test_conv_backward_is_the_adjoint_of_the_forward(seed: int, stride: int, padding: int) -> None:
    """<grad_output, conv(x, w)> is bilinear: its gradients are what conv2d_backward returns."""
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(2, 2, 7, 6)), rng.normal(size=(3, 2, 3, 3))
    gy = rng.normal(size=(2, 3, _out(7, 3, stride, padding), _out(6, 3, stride, padding)))
    gx, gw, gb = conv2d_backward(x, w, gy, stride, padding)

    def forward(xx: np.ndarray, ww: np.ndarray) -> float:
        y = F.conv2d(torch.tensor(xx), torch.tensor(ww), stride=stride, padding=padding).numpy()
        return float((y * gy).sum())

    # Linear in x and in w separately: <gy, conv(x, w)> = <gx, x> = <gw, w>.
    total = forward(x, w)
    assert total == pytest.approx(float((gx * x).sum()), rel=1e-9, abs=1e-9)
    assert total == pytest.approx(float((gw * w).sum()), rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(gb, gy.sum(axis=(0, 2, 3)), rtol=1e-12)


def torch_kd(s: np.ndarray, t: np.ndarray, y: np.ndarray, temp: float, alpha: float) -> float:
    st, tt = torch.tensor(s), torch.tensor(t)
    soft = F.kl_div(F.log_softmax(st / temp, dim=1), F.softmax(tt / temp, dim=1), reduction="batchmean")
    return float(alpha * temp**2 * soft + (1 - alpha) * F.cross_entropy(st, torch.tensor(y)))


@pytest.mark.parametrize("temp", [1.0, 2.0, 4.0, 20.0])
@pytest.mark.parametrize("alpha", [0.0, 0.5, 0.9, 1.0])
@pytest.mark.parametrize(("n", "k"), [(1, 2), (8, 10), (64, 1000)])
def test_distillation_loss_matches_torch(temp: float, alpha: float, n: int, k: int) -> None:
    rng = np.random.default_rng(n + k)
    s, t, y = 2 * rng.normal(size=(n, k)), 5 * rng.normal(size=(n, k)), rng.integers(0, k, size=n)
    assert distillation_loss(s, t, y, temp, alpha) == pytest.approx(torch_kd(s, t, y, temp, alpha),
                                                                    rel=1e-10, abs=1e-12)


def test_distillation_exercise_cases_match_torch() -> None:
    from dlquiz.grading.cases.backprop import distillation_loss_cases

    for case in distillation_loss_cases(np.random.default_rng(0)):
        want = torch_kd(*case.args.values())
        assert np.isfinite(want)
        assert distillation_loss(*case.args.values()) == pytest.approx(want, rel=1e-10, abs=1e-12), case.name


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**16), st.floats(0.5, 30.0))
def test_distillation_soft_term_is_nonnegative_zero_at_the_teacher_and_scales_as_t_squared(
        seed: int, temp: float) -> None:
    rng = np.random.default_rng(seed)
    s, t, y = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.integers(0, 4, size=3)
    assert distillation_loss(s, t, y, temp, 1.0) >= -1e-12
    assert distillation_loss(t, t, y, temp, 1.0) == pytest.approx(0.0, abs=1e-12)
    # Shifting every logit of a row leaves both softmaxes and hence the loss unchanged.
    shift = rng.normal(size=(3, 1)) * 50
    assert distillation_loss(s + shift, t - shift, y, temp, 0.4) == pytest.approx(
        distillation_loss(s, t, y, temp, 0.4), rel=1e-9, abs=1e-12)
