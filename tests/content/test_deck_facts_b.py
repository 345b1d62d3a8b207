"""Spot checks of figures quoted in the systems, ml, architectures, training,
algorithms, data-image and deployment decks.

Each test recomputes a number that a card states in prose (a dropout output, the GELU
minimum, EfficientNet's scaling constant, a conv output size, an AUC...) from first
principles or with an independent library (SciPy, scikit-learn, torch), then checks
that the card quotes it. If someone edits a card and gets a number wrong, a test here
fails. The structural checks are at the bottom.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from tests.content.raw_decks import _deck, card, text_of

AREA_FILES = ("systems.yaml", "ml.yaml", "architectures.yaml", "training.yaml",
              "algorithms.yaml", "data-image.yaml", "deployment.yaml")




def test_dropout_example_value_matches_torch() -> None:
    import torch
    torch.manual_seed(0)
    layer = torch.nn.Dropout(p=0.2).train()
    out = layer(torch.full((10_000,), 0.5912))
    kept = out[out != 0]
    value = float(kept[0])
    c = card("training", "dropout-notes-example")
    assert c["choices"][c["answer"]] == f"{value:.4f}"


def test_gelu_minimum_quoted() -> None:
    from scipy.optimize import minimize_scalar
    from scipy.stats import norm

    res = minimize_scalar(lambda x: x * norm.cdf(x), bounds=(-3, 0), method="bounded")
    assert round(res.x, 2) == -0.75 and round(res.fun, 2) == -0.17
    back = card("architectures", "gelu-vs-relu")["back"]
    assert "−0.17" in back and "−0.75" in back


def test_gelu_tanh_error_below_quoted_bound() -> None:
    from scipy.special import erf

    x = np.linspace(-8, 8, 20001)
    exact = 0.5 * x * (1 + erf(x / math.sqrt(2)))
    approx = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    assert np.max(np.abs(exact - approx)) < 1e-3
    assert "10⁻³" in card("architectures", "gelu-def")["explanation"]


def test_efficientnet_constants_satisfy_constraint() -> None:
    alpha, beta, gamma = 1.2, 1.1, 1.15
    assert alpha * beta**2 * gamma**2 == pytest.approx(2.0, abs=0.1)
    back = card("architectures", "efficientnet-compound-scaling")["back"]
    assert "α = 1.2" in back and "β = 1.1" in back and "γ = 1.15" in back


def test_dsc_cost_ratio_for_3x3() -> None:
    import torch
    cin, cout, k = 64, 256, 3
    std = torch.nn.Conv2d(cin, cout, k, bias=False)
    dw = torch.nn.Conv2d(cin, cin, k, groups=cin, bias=False)
    pw = torch.nn.Conv2d(cin, cout, 1, bias=False)
    ratio = (dw.weight.numel() + pw.weight.numel()) / std.weight.numel()
    assert ratio == pytest.approx(1 / cout + 1 / k**2)
    assert "1/C_out + 1/k²" in card("architectures", "dsc-cost-ratio")["text"]


def test_notes_conv_size_bug_numbers() -> None:
    import torch
    x = torch.zeros(1, 1, 101, 101)
    padded = torch.nn.functional.conv2d(x, torch.zeros(1, 1, 3, 3), stride=2, padding=1)
    unpadded = torch.nn.functional.conv2d(x, torch.zeros(1, 1, 3, 3), stride=2)
    notes_formula = (101 - 3 + 1) // 2 + 1
    assert padded.shape[-1] == 51 and len(range(0, 101, 2)) == 51
    assert unpadded.shape[-1] == notes_formula == 50
    back = card("architectures", "conv-notes-size-bug")["back"]
    assert "51" in back and "50" in back


def test_vit_token_count_and_ffn_share() -> None:
    assert (224 // 16) ** 2 == 196
    assert "196 tokens" in card("architectures", "vit-patch-embedding")["explanation"]
    d = 768
    attn, ffn = 4 * d * d, 2 * d * 4 * d
    assert ffn / (attn + ffn) == pytest.approx(2 / 3)


def test_auc_rank_formula_matches_sklearn_with_ties() -> None:
    from scipy.stats import rankdata
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 200)
    s = rng.integers(0, 10, 200).astype(float)  # many ties
    ranks = rankdata(s)  # average ranks for ties
    npos, nneg = int(y.sum()), int((1 - y).sum())
    auc = (ranks[y == 1].sum() - npos * (npos + 1) / 2) / (npos * nneg)
    assert auc == pytest.approx(roc_auc_score(y, s))
    assert roc_auc_score(y, -s) == pytest.approx(1 - auc)  # auc-below-half card


def test_euclid_cosine_identity_for_unit_vectors() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 16))
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    assert np.sum((a - b) ** 2) == pytest.approx(2 - 2 * a @ b)
    assert "2 − 2·cos" in card("ml", "euclid-cosine-normalised")["back"]


def test_sqrt_loss_curvature_and_nonconvexity() -> None:
    a = 2.0
    f2 = lambda x: 12 * x * x - 4 * a  # noqa: E731  (second derivative of (x²−a)²)
    assert f2(math.sqrt(a)) == pytest.approx(8 * a)
    assert f2(0.0) < 0 and f2(math.sqrt(a / 3) * 0.99) < 0
    x = 1.0
    for _ in range(2000):
        x -= 0.01 * 4 * x * (x * x - a)
    assert x == pytest.approx(math.sqrt(a), rel=1e-9)
    assert "1/(4a)" in card("algorithms", "sqrt-gd-step-size")["back"]


def test_newton_sqrt_quadratic_convergence() -> None:
    a, x = 10.0, 10.0
    errors = []
    for _ in range(6):
        x = 0.5 * (x + a / x)
        errors.append(abs(x - math.sqrt(a)))
    assert errors[4] <= 10 * errors[3] ** 2 / math.sqrt(a) + 1e-15


def test_selection_sort_instability_example() -> None:
    items = [(2, "a"), (2, "b"), (1, "c")]
    i_min = min(range(3), key=lambda i: items[i][0])
    items[0], items[i_min] = items[i_min], items[0]
    assert [t[1] for t in items] == ["c", "b", "a"]
    assert "[1, 2b, 2a]" in card("algorithms", "selection-sort-props")["explanation"]


def test_bn_fold_formula_matches_torch() -> None:
    import torch
    torch.manual_seed(1)
    conv = torch.nn.Conv2d(3, 4, 3, padding=1, bias=True)
    bn = torch.nn.BatchNorm2d(4).eval()
    bn.running_mean.uniform_(-1, 1)
    bn.running_var.uniform_(0.5, 2)
    bn.weight.data.uniform_(0.5, 1.5)
    bn.bias.data.uniform_(-1, 1)
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    fused = torch.nn.Conv2d(3, 4, 3, padding=1, bias=True)
    fused.weight.data = conv.weight * scale[:, None, None, None]
    fused.bias.data = (conv.bias - bn.running_mean) * scale + bn.bias
    x = torch.randn(2, 3, 9, 9)
    with torch.no_grad():
        assert torch.allclose(bn(conv(x)), fused(x), atol=1e-5)


def test_conv_avgpool_merge_rule() -> None:
    import torch
    torch.manual_seed(2)
    k, s, p = 3, 2, 2  # overlapping copies: k > s
    conv = torch.nn.Conv2d(2, 3, k, stride=s, bias=False)
    merged_k = k + s * (p - 1)
    w = torch.zeros(3, 2, merged_k, merged_k)
    for i in range(p):
        for j in range(p):
            w[:, :, s * i:s * i + k, s * j:s * j + k] += conv.weight / p**2
    x = torch.randn(1, 2, 21, 21)
    with torch.no_grad():
        ref = torch.nn.functional.avg_pool2d(conv(x), p, p)
        got = torch.nn.functional.conv2d(x, w, stride=s * p)
    assert got.shape == ref.shape and torch.allclose(got, ref, atol=1e-5)
    assert "k + s·(p − 1)" in card("deployment", "conv-avgpool-merge")["back"]


# ---------------------------------------------------------------- structure


def test_every_card_has_topic_and_no_latex() -> None:
    for name in AREA_FILES:
        for c in _deck(name)["cards"]:
            assert c["topics"], c["id"]
            assert not re.search(r"\\(frac|sigma|alpha|cdot|sqrt|sum)\b|\$", text_of(c)), c["id"]


def test_choice_answers_vary_and_explanations_present() -> None:
    answers = []
    for name in AREA_FILES:
        for c in _deck(name)["cards"]:
            if c["type"] == "choice":
                assert c.get("explanation"), c["id"]
                answers.append(str(c["answer"]))
    assert len(set(answers)) >= 4  # the right answer is not always in the same slot
