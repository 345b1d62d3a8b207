"""Attention references against torch CPU (float64) and hypothesis properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.cases.attention import mha_cases, sdpa_cases, sinusoidal_pe_cases
from dlquiz.grading.reference.attention import (
    multi_head_attention,
    scaled_dot_product_attention,
    sinusoidal_positional_encoding,
)


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a))


def _torch_sdpa(q, k, v, mask=None, is_causal=False, scale=None) -> np.ndarray:  # type: ignore[no-untyped-def]
    """torch's SDPA; a mask plus is_causal (torch refuses both) is folded into one bool mask.

    torch refuses integer masks; the contract adds any non-bool mask, as torch does a
    float one, so an integer mask is handed over as float64."""
    m = None if mask is None else _t(np.asarray(mask))
    if m is not None and m.dtype != torch.bool and not m.is_floating_point():
        m = m.to(torch.float64)
    if is_causal and m is not None:
        causal = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
        m = m & causal if m.dtype == torch.bool else m.masked_fill(~causal, -math.inf)
        is_causal = False
    out = F.scaled_dot_product_attention(_t(q), _t(k), _t(v), attn_mask=m, is_causal=is_causal,
                                         scale=scale)
    return out.numpy()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sdpa_matches_torch_on_every_case(seed: int) -> None:
    for case in sdpa_cases(np.random.default_rng(seed)):
        got = scaled_dot_product_attention(**case.args)
        want = _torch_sdpa(**case.args)
        # torch gives NaN for a float row that is entirely -inf; our contract says zeros.
        want = np.where(np.isnan(want), 0.0, want)
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-11, err_msg=case.name)


def test_fully_masked_rows_are_zero_and_others_untouched() -> None:
    rng = np.random.default_rng(3)
    q, k, v = rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    mask = np.ones((4, 5), dtype=bool)
    mask[1] = False
    out = scaled_dot_product_attention(q, k, v, mask)
    assert np.all(out[1] == 0.0)
    np.testing.assert_allclose(out[[0, 2, 3]], scaled_dot_product_attention(q, k, v)[[0, 2, 3]])
    additive = np.where(mask, 0.0, -np.inf)
    np.testing.assert_allclose(scaled_dot_product_attention(q, k, v, additive), out)


def _loop_sdpa(q: np.ndarray, k: np.ndarray, v: np.ndarray, add: np.ndarray,
               scale: float) -> np.ndarray:
    """One query at a time: softmax over the keys whose score + add[i, j] is not -inf."""
    out = np.zeros((len(q), v.shape[1]))
    for i in range(len(q)):
        s = [scale * sum(a * b for a, b in zip(q[i], k[j])) + float(add[i, j])
             for j in range(len(k))]
        live = [j for j in range(len(k)) if s[j] != -math.inf]
        if not live:
            continue                                   # fully blocked: zeros
        top = max(s[j] for j in live)
        w = {j: math.exp(s[j] - top) for j in live}
        z = sum(w.values())
        for j in live:
            out[i] += w[j] / z * v[j]
    return out


def test_sdpa_scale_zero_integer_mask_and_all_neg_inf_float_rows() -> None:
    rng = np.random.default_rng(7)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    # scale = 0.0 is used, not replaced by 1/sqrt(E): every score is 0, so uniform weights.
    got = scaled_dot_product_attention(q, k, v, None, False, 0.0)
    np.testing.assert_allclose(got, np.tile(v.mean(axis=0), (3, 1)), rtol=1e-12)
    np.testing.assert_allclose(got, _torch_sdpa(q, k, v, scale=0.0), rtol=1e-12)
    # An integer mask is added (1 adds 1, 0 adds nothing), not read as True/False.
    int_mask = np.array([[0, 1, 2, 0, -1], [1, 0, 0, -3, 2], [0, 0, 1, 1, 0]], dtype=np.int64)
    got = scaled_dot_product_attention(q, k, v, int_mask)
    np.testing.assert_allclose(got, _loop_sdpa(q, k, v, int_mask, 0.5), rtol=1e-12)
    np.testing.assert_allclose(got, _torch_sdpa(q, k, v, int_mask), rtol=1e-12)
    assert not np.allclose(got, scaled_dot_product_attention(q, k, v, int_mask.astype(bool)))
    # A float row that is -inf everywhere gives zeros (torch 2.13's math backend agrees).
    dead = np.zeros((3, 5))
    dead[1] = -np.inf
    dead[2, 0] = -1.5
    got = scaled_dot_product_attention(q, k, v, dead)
    assert np.all(got[1] == 0.0)
    np.testing.assert_allclose(got, _loop_sdpa(q, k, v, dead, 0.5), rtol=1e-12)
    torch_out = _torch_sdpa(q, k, v, dead)
    np.testing.assert_allclose(got[[0, 2]], torch_out[[0, 2]], rtol=1e-12)
    if not np.isnan(torch_out[1]).any():                # older torch returns NaN there
        np.testing.assert_array_equal(torch_out[1], 0.0)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 7), st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_sdpa_key_permutation_invariance_and_convexity(n_q: int, n_k: int, e: int,
                                                       seed: int) -> None:
    rng = np.random.default_rng(seed)
    q, k, v = rng.normal(size=(n_q, e)), rng.normal(size=(n_k, e)), rng.normal(size=(n_k, 3))
    mask = rng.random((n_q, n_k)) > 0.3
    perm = rng.permutation(n_k)
    out = scaled_dot_product_attention(q, k, v, mask)
    np.testing.assert_allclose(scaled_dot_product_attention(q, k[perm], v[perm], mask[:, perm]),
                               out, atol=1e-12)
    # Each non-empty row is a convex combination of the allowed values.
    for i in range(n_q):
        if mask[i].any():
            allowed = v[mask[i]]
            assert np.all(out[i] <= allowed.max(axis=0) + 1e-12)
            assert np.all(out[i] >= allowed.min(axis=0) - 1e-12)
        else:
            assert np.all(out[i] == 0.0)


@settings(max_examples=30, deadline=None)
@given(st.floats(-50, 50), st.integers(0, 2**31 - 1))
def test_sdpa_float_mask_row_constant_does_not_matter(shift: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    bias = rng.normal(size=(3, 5))
    np.testing.assert_allclose(scaled_dot_product_attention(q, k, v, bias + shift),
                               scaled_dot_product_attention(q, k, v, bias), atol=1e-10)


def _torch_mha(args: dict) -> np.ndarray:  # type: ignore[type-arg]
    e = args["query"].shape[-1]
    bias = args["in_proj_bias"] is not None
    mha = torch.nn.MultiheadAttention(e, args["num_heads"], bias=bias, batch_first=True).double()
    with torch.no_grad():
        mha.in_proj_weight.copy_(_t(args["in_proj_weight"]))
        mha.out_proj.weight.copy_(_t(args["out_proj_weight"]))
        if bias:
            mha.in_proj_bias.copy_(_t(args["in_proj_bias"]))
            mha.out_proj.bias.copy_(_t(args["out_proj_bias"]))
    kpm = args.get("key_padding_mask")
    causal = args.get("causal", False)
    lq, lk = args["query"].shape[1], args["key"].shape[1]
    attn_mask = torch.ones(lq, lk, dtype=torch.bool).triu(1) if causal else None
    with torch.no_grad():
        out, _ = mha(_t(args["query"]), _t(args["key"]), _t(args["value"]),
                     key_padding_mask=None if kpm is None else _t(kpm), attn_mask=attn_mask,
                     need_weights=False)
    return out.numpy()


@pytest.mark.parametrize("seed", [0, 1])
def test_mha_matches_torch_multihead_attention(seed: int) -> None:
    for case in mha_cases(np.random.default_rng(seed)):
        if case.kind == "perf":
            continue
        got = multi_head_attention(**case.args)
        kpm = case.args.get("key_padding_mask")
        if kpm is not None and np.asarray(kpm).all(axis=1).any():
            # Older torch versions return NaN for a sample whose keys are all padding; the
            # contract says the context is zero, so the row is out_proj_bias.
            dead = np.asarray(kpm).all(axis=1)
            np.testing.assert_allclose(got[dead], np.broadcast_to(
                case.args["out_proj_bias"], got[dead].shape))
            sub = {**case.args, "query": case.args["query"][~dead], "key": case.args["key"][~dead],
                   "value": case.args["value"][~dead], "key_padding_mask": kpm[~dead]}
            np.testing.assert_allclose(got[~dead], _torch_mha(sub), rtol=1e-9, atol=1e-11)
            continue
        np.testing.assert_allclose(got, _torch_mha(case.args), rtol=1e-9, atol=1e-11,
                                   err_msg=case.name)


def test_one_head_mha_is_sdpa_of_the_projections() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 4, 6))
    w, wo = rng.normal(size=(18, 6)), rng.normal(size=(6, 6))
    out = multi_head_attention(x, x, x, 1, w, None, wo, None)
    ctx = scaled_dot_product_attention(x @ w[:6].T, x @ w[6:12].T, x @ w[12:].T)
    np.testing.assert_allclose(out, ctx @ wo.T, atol=1e-12)


def _pe_loop(n: int, d: int, base: float) -> np.ndarray:
    out = np.zeros((n, d))
    for p in range(n):
        for i in range(0, d, 2):
            angle = p / base ** (i / d)
            out[p, i] = math.sin(angle)
            if i + 1 < d:
                out[p, i + 1] = math.cos(angle)
    return out


def test_pe_matches_a_scalar_loop_on_every_case() -> None:
    for case in sinusoidal_pe_cases(np.random.default_rng(0)):
        a = case.args
        want = _pe_loop(a["num_positions"], a["d_model"], a.get("base", 10000.0))
        got = sinusoidal_positional_encoding(**a)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=case.name)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 64).map(lambda h: 2 * h), st.integers(0, 500), st.integers(0, 500))
def test_pe_offset_is_a_rotation_per_pair(d: int, p: int, k: int) -> None:
    pe = sinusoidal_positional_encoding(p + k + 1, d)
    freq = 1.0 / 10000.0 ** (np.arange(0, d, 2) / d)
    c, s = np.cos(k * freq), np.sin(k * freq)
    sin_p, cos_p = pe[p, 0::2], pe[p, 1::2]
    np.testing.assert_allclose(pe[p + k, 0::2], sin_p * c + cos_p * s, atol=1e-9)
    np.testing.assert_allclose(pe[p + k, 1::2], cos_p * c - sin_p * s, atol=1e-9)
    np.testing.assert_allclose(sin_p ** 2 + cos_p ** 2, 1.0, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 6), st.integers(1, 6), st.sampled_from([(4, 1), (4, 2), (6, 3), (8, 4)]),
       st.integers(0, 2**31 - 1))
def test_mha_is_equivariant_to_query_order_and_invariant_to_key_order(
        n: int, lq: int, lk: int, eh: tuple[int, int], seed: int) -> None:
    e, h = eh
    rng = np.random.default_rng(seed)
    q, kv = rng.normal(size=(n, lq, e)), rng.normal(size=(n, lk, e))
    w, b = rng.normal(size=(3 * e, e)), rng.normal(size=3 * e)
    wo, bo = rng.normal(size=(e, e)), rng.normal(size=e)
    out = multi_head_attention(q, kv, kv, h, w, b, wo, bo)
    pq, pk = rng.permutation(lq), rng.permutation(lk)
    np.testing.assert_allclose(multi_head_attention(q[:, pq], kv, kv, h, w, b, wo, bo),
                               out[:, pq], atol=1e-10)
    np.testing.assert_allclose(multi_head_attention(q, kv[:, pk], kv[:, pk], h, w, b, wo, bo),
                               out, atol=1e-10)
