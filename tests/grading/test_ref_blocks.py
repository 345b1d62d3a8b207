"""Block references against torch CPU (float64) and hypothesis properties."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.cases import blocks as cases
from dlquiz.grading.reference import blocks as ref


def _t(a: object) -> torch.Tensor | None:
    return None if a is None else torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64))


def _pair(v: object) -> object:
    return tuple(v) if isinstance(v, list) else v


def _all(fn):  # type: ignore[no-untyped-def]
    return [c for seed in (0, 1) for c in fn(np.random.default_rng(seed)) if c.kind != "perf"]


def test_group_norm_matches_torch() -> None:
    for case in _all(cases.group_norm_cases):
        a = case.args
        want = F.group_norm(_t(a["x"]), a["num_groups"], _t(a.get("weight")), _t(a.get("bias")),
                            a.get("eps", 1e-5)).numpy()
        np.testing.assert_allclose(ref.group_norm(**a), want, rtol=1e-7, atol=1e-9,
                                   err_msg=case.name)


def test_conv_transpose2d_matches_torch() -> None:
    for case in _all(cases.conv_transpose2d_cases):
        a = case.args
        want = F.conv_transpose2d(_t(a["x"]), _t(a["weight"]), _t(a.get("bias")),
                                  _pair(a.get("stride", 1)), _pair(a.get("padding", 0)),
                                  _pair(a.get("output_padding", 0)), a.get("groups", 1),
                                  _pair(a.get("dilation", 1))).numpy()
        got = ref.conv_transpose2d(**a)
        assert got.shape == want.shape, case.name
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10, err_msg=case.name)


def test_pooling_matches_torch() -> None:
    for case in _all(cases.max_pool2d_cases):
        a = case.args
        want = F.max_pool2d(_t(a["x"]), _pair(a["kernel_size"]), _pair(a.get("stride")),
                            _pair(a.get("padding", 0))).numpy()
        np.testing.assert_array_equal(ref.max_pool2d(**a), want, err_msg=case.name)
    for case in _all(cases.avg_pool2d_cases):
        a = case.args
        want = F.avg_pool2d(_t(a["x"]), _pair(a["kernel_size"]), _pair(a.get("stride")),
                            _pair(a.get("padding", 0)),
                            count_include_pad=a.get("count_include_pad", True)).numpy()
        np.testing.assert_allclose(ref.avg_pool2d(**a), want, rtol=1e-12, atol=1e-12,
                                   err_msg=case.name)


def test_channel_shuffle_matches_torch() -> None:
    for case in _all(cases.channel_shuffle_cases):
        a = case.args
        x = a["x"]
        if x.ndim < 3:  # torch's ChannelShuffle wants at least one trailing axis
            want = torch.nn.ChannelShuffle(a["groups"])(_t(x[..., None])).numpy()[..., 0]
        else:
            want = torch.nn.ChannelShuffle(a["groups"])(_t(x)).numpy()
        np.testing.assert_array_equal(ref.channel_shuffle(**a), want, err_msg=case.name)


def test_squeeze_excitation_matches_torch_modules() -> None:
    for case in _all(cases.squeeze_excitation_cases):
        a = case.args
        x = _t(a["x"])
        cr, c = a["w1"].shape
        fc1 = torch.nn.Conv2d(c, cr, 1, bias=a["b1"] is not None).double()
        fc2 = torch.nn.Conv2d(cr, c, 1, bias=a["b2"] is not None).double()
        with torch.no_grad():
            fc1.weight.copy_(_t(a["w1"]).reshape(cr, c, 1, 1))
            fc2.weight.copy_(_t(a["w2"]).reshape(c, cr, 1, 1))
            if a["b1"] is not None:
                fc1.bias.copy_(_t(a["b1"]))
            if a["b2"] is not None:
                fc2.bias.copy_(_t(a["b2"]))
            gate = torch.sigmoid if a.get("gate", "sigmoid") == "sigmoid" else F.hardsigmoid
            s = F.adaptive_avg_pool2d(x, 1)
            want = (x * gate(fc2(torch.relu(fc1(s))))).numpy()
        np.testing.assert_allclose(ref.squeeze_excitation(**a), want, rtol=1e-9, atol=1e-12,
                                   err_msg=case.name)


def test_hard_activations_match_torch() -> None:
    for case in _all(cases.h_swish_cases):
        x = np.asarray(case.args["x"], dtype=np.float64)
        np.testing.assert_allclose(ref.h_swish(x), F.hardswish(_t(x)).numpy(), atol=1e-12,
                                   err_msg=case.name)
    for case in _all(cases.h_sigmoid_cases):
        x = np.asarray(case.args["x"], dtype=np.float64)
        np.testing.assert_allclose(ref.h_sigmoid(x), F.hardsigmoid(_t(x)).numpy(), atol=1e-12,
                                   err_msg=case.name)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.sampled_from([(4, 2), (6, 3), (8, 4), (6, 1)]),
       st.floats(0.1, 10.0), st.floats(-100, 100), st.integers(0, 2**31 - 1))
def test_group_norm_ignores_a_per_sample_affine_change(n: int, cg: tuple[int, int], scale: float,
                                                       shift: float, seed: int) -> None:
    c, g = cg
    x = np.random.default_rng(seed).normal(size=(n, c, 3, 2))
    np.testing.assert_allclose(ref.group_norm(scale * x + shift, g, eps=0.0),
                               ref.group_norm(x, g, eps=0.0), atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(0, 2), st.integers(1, 2),
       st.integers(0, 2**31 - 1))
def test_conv_transpose_is_the_adjoint_of_conv2d(k: int, s: int, p: int, d: int,
                                                 seed: int) -> None:
    """⟨conv2d(y, w), x⟩ = ⟨y, conv_transpose2d(x, w)⟩ for matching shapes."""
    rng = np.random.default_rng(seed)
    if p > (d * (k - 1)) // 2:
        p = 0
    w = rng.normal(size=(3, 2, k, k))                 # conv2d: 2 → 3 channels
    y = rng.normal(size=(1, 2, 7, 6))
    conv = F.conv2d(_t(y), _t(w), stride=s, padding=p, dilation=d).numpy()
    x = rng.normal(size=conv.shape)
    h_out = ref.conv_transpose_length(conv.shape[2], k, s, p, 0, d)
    w_out = ref.conv_transpose_length(conv.shape[3], k, s, p, 0, d)
    op = (7 - h_out, 6 - w_out)
    if max(op) >= max(s, d):
        return
    back = ref.conv_transpose2d(x, w, None, s, p, list(op), 1, d)
    assert back.shape == y.shape
    np.testing.assert_allclose(np.sum(conv * x), np.sum(y * back), rtol=1e-9, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([(6, 2), (6, 3), (12, 4), (8, 2), (5, 5)]), st.integers(0, 2**31 - 1))
def test_channel_shuffle_is_a_permutation_undone_by_groups_c_over_g(cg: tuple[int, int],
                                                                      seed: int) -> None:
    c, g = cg
    x = np.random.default_rng(seed).normal(size=(2, c, 3))
    y = ref.channel_shuffle(x, g)
    assert sorted(y.ravel().tolist()) == sorted(x.ravel().tolist())
    np.testing.assert_array_equal(ref.channel_shuffle(y, c // g), x)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(0, 1), st.floats(-5, 5))
def test_pooling_a_constant_map(k: int, s: int, p: int, value: float) -> None:
    p = min(p, k // 2)
    x = np.full((1, 2, 7, 6), value)
    np.testing.assert_allclose(ref.avg_pool2d(x, k, s, p, False), value, atol=1e-12)
    mx = ref.max_pool2d(x, k, s, p)
    assert np.all(mx == value)  # −inf padding never wins


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=30))
def test_h_swish_is_x_times_h_sigmoid_and_bounded(values: list[float]) -> None:
    x = np.array(values)
    np.testing.assert_allclose(ref.h_swish(x), x * ref.h_sigmoid(x))
    assert np.all((ref.h_sigmoid(x) >= 0) & (ref.h_sigmoid(x) <= 1))
    assert np.all(ref.h_swish(x) >= -0.375)
