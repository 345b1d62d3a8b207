"""Numeric card generators: answers checked against independent oracles.

Each oracle is computed a different way from the generator: torch layers for
shapes and parameter counts, scikit-learn for metrics, SciPy for distances,
autograd for receptive fields, a hand-written loop for NMS.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from scipy.spatial.distance import cosine as scipy_cosine
from scipy.spatial.distance import mahalanobis as scipy_mahalanobis
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

from dlquiz.numeric import check_answer, generator_names, get_generator, parse_numbers

DRAWS = 25

PARAM_SETS: dict[str, list[dict[str, object]]] = {
    "conv_output_size": [{}, {"dilation": True}],
    "conv_cost": [{"kind": k, "quantity": q}
                  for k in ("standard", "group", "depthwise", "depthwise_separable")
                  for q in ("params", "flops")],
    "confusion_metric": [{"metric": m}
                         for m in ("precision", "recall", "f1", "accuracy", "fpr", "tpr")],
    "gelu_value": [{"approx": "none"}, {"approx": "tanh"}],
    "vector_distance": [{"metric": m} for m in ("euclidean", "cosine", "mahalanobis")],
}


def problems(name: str, seed: int = 0):
    gen = get_generator(name)
    rng = np.random.default_rng(seed)
    for params in PARAM_SETS.get(name, [{}]):
        for _ in range(DRAWS):
            drawn = gen.draw(rng, params)
            yield params, drawn, gen.solve(drawn, params)


def test_at_least_twelve_generators() -> None:
    assert len(generator_names()) >= 12


@pytest.mark.parametrize("name", generator_names())
def test_problem_is_reproducible_from_drawn_numbers(name: str) -> None:
    gen = get_generator(name)
    for params, drawn, problem in problems(name):
        stored = json.loads(json.dumps(drawn))  # what the review log keeps
        again = gen.solve(stored, params)
        assert again.answer == problem.answer
        assert again.question == problem.question


@pytest.mark.parametrize("name", generator_names())
def test_typed_answer_as_shown_in_the_explanation_is_accepted(name: str) -> None:
    for _, _, problem in problems(name):
        shown = [f"{v:.4f}" for v in problem.answer]
        assert check_answer(problem, " ".join(shown) + f" {problem.unit}")
        wrong = [f"{v + max(1.0, abs(v)) :.4f}" for v in problem.answer]
        assert not check_answer(problem, " ".join(wrong))
        assert "**" in problem.explanation  # the worked answer is highlighted


def test_parse_numbers_ignores_units_and_thousands_separators() -> None:
    assert parse_numbers("1,234.5 px") == (1234.5,)
    assert parse_numbers("0, 2, 3") == (0.0, 2.0, 3.0)
    assert parse_numbers("-3e-2") == (-0.03,)


def test_conv_output_size_matches_torch() -> None:
    for _, d, problem in problems("conv_output_size"):
        layer = torch.nn.Conv2d(1, 1, d["kernel"], stride=d["stride"], padding=d["padding"],
                                dilation=d["dilation"], bias=False)
        out = layer(torch.zeros(1, 1, d["size"], 8 + d["kernel"] * d["dilation"]))
        assert problem.answer == (float(out.shape[2]),)


def test_conv_cost_matches_torch_parameter_counts() -> None:
    for params, d, problem in problems("conv_cost"):
        kind, k = params["kind"], d["k"]
        if kind == "standard":
            layers = [torch.nn.Conv2d(d["c_in"], d["c_out"], k, bias=False)]
        elif kind == "group":
            layers = [torch.nn.Conv2d(d["c_in"], d["c_out"], k, groups=d["groups"], bias=False)]
        elif kind == "depthwise":
            layers = [torch.nn.Conv2d(d["c_in"], d["c_in"], k, groups=d["c_in"], bias=False)]
        else:
            layers = [torch.nn.Conv2d(d["c_in"], d["c_in"], k, groups=d["c_in"], bias=False),
                      torch.nn.Conv2d(d["c_in"], d["c_out"], 1, bias=False)]
        weights = sum(p.numel() for layer in layers for p in layer.parameters())
        expected = weights * (d["hw"] ** 2 if params["quantity"] == "flops" else 1)
        assert problem.answer == (float(expected),)


def test_receptive_field_matches_autograd_footprint() -> None:
    for _, d, problem in problems("dilated_receptive_field"):
        layers = [torch.nn.Conv2d(1, 1, k, stride=s, dilation=dl, bias=False)
                  for k, s, dl in zip(d["kernels"], d["strides"], d["dilations"])]
        for layer in layers:
            torch.nn.init.constant_(layer.weight, 1.0)
        size = 4 * int(problem.answer[0]) + 8
        x = torch.zeros(1, 1, size, size, requires_grad=True)
        y = x
        for layer in layers:
            y = layer(y)
        y[0, 0, y.shape[2] // 2, y.shape[3] // 2].backward()
        rows = torch.nonzero(x.grad[0, 0].abs().sum(dim=1)).flatten()
        assert problem.answer == (float(rows.max() - rows.min() + 1),)


def _naive_iou(a, b) -> float:
    iw = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def test_box_iou_matches_a_naive_formula() -> None:
    for _, d, problem in problems("box_iou"):
        assert problem.answer[0] == pytest.approx(_naive_iou(d["a"], d["b"]))


def test_nms_survivors_match_a_naive_greedy_loop() -> None:
    for _, d, problem in problems("nms_survivors"):
        order = sorted(range(len(d["scores"])), key=lambda i: -d["scores"][i])
        kept: list[int] = []
        for i in order:
            if all(_naive_iou(d["boxes"][i], d["boxes"][j]) <= d["threshold"] for j in kept):
                kept.append(i)
        assert sorted(problem.answer) == sorted(float(i) for i in kept)
        assert len(kept) < len(d["scores"])  # the draw always suppresses something


def test_confusion_metrics_match_sklearn() -> None:
    for params, d, problem in problems("confusion_metric"):
        y_true = [1] * (d["tp"] + d["fn"]) + [0] * (d["fp"] + d["tn"])
        y_pred = [1] * d["tp"] + [0] * d["fn"] + [1] * d["fp"] + [0] * d["tn"]
        metric = params["metric"]
        if metric == "fpr":
            expected = d["fp"] / (d["fp"] + d["tn"])
        else:
            fn = {"precision": precision_score, "recall": recall_score, "tpr": recall_score,
                  "f1": f1_score, "accuracy": accuracy_score}[metric]
            expected = fn(y_true, y_pred)
        assert problem.answer[0] == pytest.approx(expected)


def test_small_auc_matches_sklearn() -> None:
    for _, d, problem in problems("small_auc"):
        assert problem.answer[0] == pytest.approx(roc_auc_score(d["labels"], d["scores"]))


def test_dropout_scale_is_inverse_keep_probability() -> None:
    for _, d, problem in problems("dropout_scale"):
        assert problem.answer[0] == pytest.approx(d["x"] / (1 - d["p"]))


def test_focal_loss_value_matches_the_paper_formula() -> None:
    for _, d, problem in problems("focal_loss_value"):
        p_t = d["p"] if d["target"] == 1 else 1 - d["p"]
        a_t = d["alpha"] if d["target"] == 1 else 1 - d["alpha"]
        assert problem.answer[0] == pytest.approx(-a_t * (1 - p_t) ** d["gamma"] * math.log(p_t))


def test_gelu_value_matches_torch() -> None:
    for params, d, problem in problems("gelu_value"):
        approx = "tanh" if params["approx"] == "tanh" else "none"
        expected = torch.nn.functional.gelu(torch.tensor([d["x"]], dtype=torch.float64),
                                            approximate=approx)
        assert problem.answer[0] == pytest.approx(float(expected[0]), abs=1e-9)


def test_vit_patches_match_a_torch_patch_embedding() -> None:
    for _, d, problem in problems("vit_patches"):
        conv = torch.nn.Conv2d(d["channels"], d["dim"], d["patch"], stride=d["patch"])
        if d["quantity"] == "params":
            expected = sum(p.numel() for p in conv.parameters())
        else:
            with torch.no_grad():
                out = conv(torch.zeros(1, d["channels"], d["side"], d["side"]))
            expected = out.shape[2] * out.shape[3]
        assert problem.answer == (float(expected),)


def test_bn_fold_matches_torch_conv_then_batchnorm() -> None:
    for _, d, problem in problems("bn_fold"):
        conv = torch.nn.Conv2d(1, 1, 1).double()
        bn = torch.nn.BatchNorm2d(1, eps=0.0).double().eval()
        with torch.no_grad():
            conv.weight.fill_(d["w"])
            conv.bias.fill_(d["b"])
            bn.weight.fill_(d["gamma"])
            bn.bias.fill_(d["beta"])
            bn.running_mean.fill_(d["mean"])
            bn.running_var.fill_(d["var"])
            x = torch.tensor([[[[0.0]], [[1.0]]]], dtype=torch.float64).reshape(2, 1, 1, 1)
            y = bn(conv(x)).flatten()
        w_expected, b_expected = float(y[1] - y[0]), float(y[0])
        assert problem.answer == pytest.approx((w_expected, b_expected))


def test_camera_projection_matches_homogeneous_projection() -> None:
    for _, d, problem in problems("camera_projection"):
        theta = math.radians(d["rot_z_deg"])
        rt = np.array([[math.cos(theta), -math.sin(theta), 0, d["t"][0]],
                       [math.sin(theta), math.cos(theta), 0, d["t"][1]],
                       [0, 0, 1, d["t"][2]]])
        k = np.array([[d["f"], 0, d["cx"]], [0, d["f"], d["cy"]], [0, 0, 1]])
        homog = k @ rt @ np.array([*d["X"], 1.0])
        assert problem.answer == pytest.approx((homog[0] / homog[2], homog[1] / homog[2]))


def test_kalman_gain_matches_scalar_formula() -> None:
    for _, d, problem in problems("kalman_gain"):
        prior = d["p"] + d["q"]
        assert problem.answer[0] == pytest.approx(prior / (prior + d["r"]))


def test_one_euro_alpha_matches_casiez_formula() -> None:
    for _, d, problem in problems("one_euro_alpha"):
        r = 2 * math.pi * d["cutoff"] / d["rate"]
        assert problem.answer[0] == pytest.approx(r / (r + 1))


def test_vector_distances_match_scipy() -> None:
    for params, d, problem in problems("vector_distance"):
        metric = params["metric"]
        if metric == "mahalanobis":
            inv = np.linalg.inv(np.diag(np.array(d["var"], float)))
            expected = scipy_mahalanobis(d["x"], d["mean"], inv)
        elif metric == "cosine":
            expected = 1 - scipy_cosine(d["a"], d["b"])
        else:
            expected = float(np.linalg.norm(np.subtract(d["a"], d["b"])))
        assert problem.answer[0] == pytest.approx(expected)
