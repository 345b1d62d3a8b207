"""Figures quoted on the attention / RNN / norm / init / pooling cards, recomputed.

Each test derives a number a card states (a parameter count, a cache size, a
pooling value, a default init scale, a mask convention) with torch or from first
principles and checks that the card quotes it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tests.content.raw_decks import _deck, card, text_of


def test_dot_product_std_for_dk_64() -> None:
    rng = np.random.default_rng(0)
    q, k = rng.normal(size=(200_000, 64)), rng.normal(size=(200_000, 64))
    dots = (q * k).sum(axis=1)
    assert dots.std() == pytest.approx(8.0, rel=0.02)
    assert (dots / 8.0).std() == pytest.approx(1.0, rel=0.02)
    c = card("attention", "dot-product-variance")
    assert c["choices"][c["answer"]] == "8 and 1"


def test_softmax_jacobian_formula() -> None:
    s = torch.randn(5, dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, 0), s)
    p = torch.softmax(s, 0)
    assert torch.allclose(jac, torch.diag(p) - torch.outer(p, p))
    assert "pᵢ(δᵢⱼ − pⱼ)" in card("attention", "softmax-saturation-gradient")["back"]


def test_mask_conventions_match_torch() -> None:
    q = torch.randn(1, 1, 4, dtype=torch.float64)
    k = torch.randn(1, 3, 4, dtype=torch.float64)
    v = torch.tensor([[[1.0], [2.0], [3.0]]], dtype=torch.float64)
    keep_first = torch.tensor([[True, False, False]])
    # SDPA: True = takes part -> only key 0 contributes.
    assert F.scaled_dot_product_attention(q, k, v, attn_mask=keep_first).item() == 1.0
    mha = torch.nn.MultiheadAttention(1, 1, bias=False, batch_first=True).double()
    with torch.no_grad():
        mha.in_proj_weight.fill_(1.0)
        mha.out_proj.weight.fill_(1.0)
        out, _ = mha(torch.ones(1, 1, 1, dtype=torch.float64), v, v,
                     key_padding_mask=~keep_first, need_weights=False)
    # MHA: True = ignored -> keys 1 and 2 are ignored, the output is value 0.
    assert out.item() == pytest.approx(1.0)
    c = card("attention", "mask-conventions-torch")
    assert c["choices"][c["answer"]].startswith("SDPA: True = takes part")


def test_is_causal_is_top_left_aligned() -> None:
    q = torch.randn(1, 1, 4)
    k = torch.randn(1, 5, 4)
    v = torch.arange(5.0).reshape(1, 5, 1) + 1.0
    assert F.scaled_dot_product_attention(q, k, v, is_causal=True).item() == 1.0  # key 0 only
    c = card("attention", "causal-mask-alignment")
    assert "Only key 0" in c["choices"][c["answer"]]


def test_fp16_cannot_hold_minus_1e9() -> None:
    assert torch.tensor(-1e9, dtype=torch.float16).item() == -math.inf
    assert torch.finfo(torch.float16).max == 65504
    assert "65504" in card("attention", "mask-value-fp16")["back"]


def test_mha_parameter_count() -> None:
    d = 768
    mha = torch.nn.MultiheadAttention(d, 12)
    n = sum(p.numel() for p in mha.parameters())
    assert n == 4 * d * d + 4 * d == 2_362_368
    assert "2,362,368" in card("attention", "mha-param-count")["explanation"]


def test_lstm_and_gru_parameter_counts() -> None:
    lstm = sum(p.numel() for p in torch.nn.LSTM(256, 256).parameters())
    gru = sum(p.numel() for p in torch.nn.GRU(256, 256).parameters())
    assert lstm == 4 * 256 * 512 + 8 * 256 == 526_336
    assert gru == 3 * 256 * 512 + 6 * 256 == 394_752
    text = card("attention", "lstm-param-count")["explanation"]
    assert "526,336" in text and "394,752" in text


def test_sinusoid_offset_is_a_rotation() -> None:
    omega, p, k = 0.37, 11.0, 5.0
    rot = np.array([[math.cos(omega * k), math.sin(omega * k)],
                    [-math.sin(omega * k), math.cos(omega * k)]])
    now = np.array([math.sin(omega * p), math.cos(omega * p)])
    later = np.array([math.sin(omega * (p + k)), math.cos(omega * (p + k))])
    assert np.allclose(rot @ now, later)


def test_rope_score_depends_on_offset_only() -> None:
    rng = np.random.default_rng(1)
    q, k, theta = rng.normal(size=2), rng.normal(size=2), 0.3

    def rot(a: float) -> np.ndarray:
        return np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])

    scores = [(rot(m * theta) @ q) @ (rot(n * theta) @ k) for m, n in [(3, 7), (10, 14), (0, 4)]]
    assert np.allclose(scores, scores[0])


def test_attention_ffn_crossover_and_kv_cache_size() -> None:
    d = 768
    assert 12 * d * d == 2 * (6 * d) * d  # 12·n·d² = 2·n²·d at n = 6d
    assert 6 * d == 4608
    assert "4,600" in card("attention", "attention-vs-ffn-crossover")["back"]
    per_token = 2 * 32 * 32 * 128 * 2
    assert per_token == 512 * 1024
    assert per_token * 4096 == 2 * 1024 ** 3
    c = card("attention", "kv-cache-size")
    assert "512 KiB" in c["text"] and "2 GiB" in c["explanation"]


def test_group_norm_special_cases() -> None:
    x = torch.randn(2, 6, 3, 3, dtype=torch.float64)
    assert torch.allclose(F.group_norm(x, 1), F.layer_norm(x, x.shape[1:]))
    assert torch.allclose(F.group_norm(x, 6), F.instance_norm(x))
    text = card("architectures", "group-norm-special-cases")["text"]
    assert "LayerNorm over (C, H, W)" in text and "InstanceNorm" in text


def test_batch_norm_refuses_one_value_per_channel() -> None:
    bn = torch.nn.BatchNorm2d(3).train()
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        bn(torch.randn(1, 3, 1, 1))


def test_torch_default_linear_init_is_one_over_sqrt_fan_in() -> None:
    torch.manual_seed(0)
    w = torch.nn.Linear(400, 1000).weight.detach()
    bound = 1 / math.sqrt(400)
    assert float(w.abs().max()) == pytest.approx(bound, rel=0.01)
    assert float(w.std()) == pytest.approx(1 / math.sqrt(3 * 400), rel=0.02)
    assert math.sqrt(2 / 400) / (1 / math.sqrt(3 * 400)) == pytest.approx(math.sqrt(6))
    back = card("architectures", "torch-default-init")["back"]
    assert "U(−1/√fan_in, 1/√fan_in)" in back and "√6 ≈ 2.45" in back


def test_he_init_keeps_relu_activation_scale() -> None:
    torch.manual_seed(0)
    x = torch.randn(4096, 256)
    for _ in range(20):
        w = torch.empty(256, 256)
        torch.nn.init.kaiming_normal_(w, nonlinearity="relu")
        x = torch.relu(x @ w.T)
    assert 0.3 < float((x ** 2).mean()) < 3.0  # no explosion or collapse after 20 layers


def test_avg_pool_corner_values() -> None:
    ones = torch.ones(1, 1, 4, 4)
    inc = F.avg_pool2d(ones, 3, 1, 1)
    exc = F.avg_pool2d(ones, 3, 1, 1, count_include_pad=False)
    assert inc[0, 0, 0, 0].item() == pytest.approx(4 / 9) and exc[0, 0, 0, 0].item() == 1.0
    c = card("architectures", "avg-pool-count-include-pad")
    assert c["choices"][c["answer"]] == "4/9 ≈ 0.444 and 1"


def test_adaptive_pool_bins_example() -> None:
    x = torch.tensor([[[1.0, 10.0, 100.0, 1000.0, 10000.0]]])
    out = F.adaptive_avg_pool1d(x, 3)[0, 0].tolist()
    assert out == pytest.approx([(1 + 10) / 2, (10 + 100 + 1000) / 3, (1000 + 10000) / 2])
    assert "[0, 2), [1, 4), [3, 5)" in card("architectures", "adaptive-pooling-bins")["explanation"]


def test_checkerboard_overlap_counts() -> None:
    ones = torch.ones(1, 1, 1, 8)
    uneven = F.conv_transpose2d(ones, torch.ones(1, 1, 1, 3), stride=(1, 2))[0, 0, 0, 2:-2]
    even = F.conv_transpose2d(ones, torch.ones(1, 1, 1, 4), stride=(1, 2))[0, 0, 0, 2:-2]
    assert set(uneven.tolist()) == {1.0, 2.0}  # alternating 2 taps / 1 tap
    assert set(even.tolist()) == {2.0}
    assert "k = 4, s = 2" in card("architectures", "checkerboard-artifacts")["back"]


def test_vgg_first_fc_weight_count() -> None:
    assert 7 * 7 * 512 * 4096 == 102_760_448
    assert "100 M" in card("architectures", "global-average-pooling")["back"]


def test_new_cards_have_difficulty_and_explanations() -> None:
    for name in ("attention.yaml", "architectures.yaml"):
        for c in _deck(name)["cards"]:
            assert c.get("difficulty") in {"easy", "medium", "hard"}, c["id"]
            if c["type"] in ("basic", "choice"):
                assert c.get("explanation", "").strip(), c["id"]
            assert "notes" not in text_of(c).replace("conv-notes", ""), c["id"]
