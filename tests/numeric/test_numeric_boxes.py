"""Box-metric generators against independent oracles.

ranked_ap: the VOC devkit's integration written as a loop (all-point) and the
11-point rule written from the VOC 2007 definition; scikit-learn's
average_precision_score where its semantics agree (every object detected and
precision already non-increasing after each TP). box_delta: torchvision's
BoxCoder.encode re-typed in torch. giou_pair: GIoU and DIoU from their
definitions in plain Python. Every question shows every number the answer uses.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
import torch
from sklearn.metrics import average_precision_score

from dlquiz.numeric import check_answer, generator_names, get_generator

DRAWS = 60
PARAMS = {
    "ranked_ap": [{"method": "all-point"}, {"method": "11-point"}, {}],
    "box_delta": [{}],
    "giou_pair": [{"metric": "giou"}, {"metric": "diou"}, {}],
}


def problems(name: str, seed: int = 0):  # type: ignore[no-untyped-def]
    gen = get_generator(name)
    rng = np.random.default_rng(seed)
    for params in PARAMS[name]:
        for _ in range(DRAWS):
            drawn = gen.draw(rng, params)
            yield params, drawn, gen.solve(drawn, params)


def test_generators_are_registered() -> None:
    assert set(PARAMS) <= set(generator_names())


def loop_ap(hits: list[int], n_gt: int, method: str) -> float:
    tp, prec, rec = 0, [], []
    for k, h in enumerate(hits, start=1):
        tp += h
        prec.append(tp / k)
        rec.append(tp / n_gt)
    if method == "11-point":
        return sum(max([p for p, r in zip(prec, rec) if r >= t / 10 - 1e-12], default=0.0)
                   for t in range(11)) / 11
    mrec, mpre = [0.0, *rec, 1.0], [0.0, *prec, 0.0]
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    return sum((mrec[i + 1] - mrec[i]) * mpre[i + 1] for i in range(len(mrec) - 1) if mrec[i + 1] != mrec[i])


def test_ranked_ap_matches_loop_and_sklearn() -> None:
    agreed = 0
    for params, d, problem in problems("ranked_ap"):
        method = params.get("method", "all-point")
        assert problem.answer[0] == pytest.approx(loop_ap(d["hits"], d["n_gt"], method), abs=1e-12)
        assert 0 < sum(d["hits"]) < len(d["hits"]) and d["n_gt"] >= sum(d["hits"])
        assert d["scores"] == sorted(d["scores"], reverse=True) and len(set(d["scores"])) == len(d["scores"])
        tp = np.cumsum(d["hits"])
        prec = tp / np.arange(1, len(tp) + 1)
        monotone = all(prec[k] >= prec[j] for k in range(len(tp)) for j in range(k, len(tp)) if d["hits"][k])
        if method == "all-point" and d["n_gt"] == sum(d["hits"]) and monotone:
            assert problem.answer[0] == pytest.approx(average_precision_score(d["hits"], d["scores"]), abs=1e-12)
            agreed += 1
    assert agreed >= 3


def torch_encode(a: list[int], g: list[int], w: list[int]) -> list[float]:
    an, gt = torch.tensor([a], dtype=torch.float64), torch.tensor([g], dtype=torch.float64)
    aw, ah = an[:, 2] - an[:, 0], an[:, 3] - an[:, 1]
    gw, gh = gt[:, 2] - gt[:, 0], gt[:, 3] - gt[:, 1]
    ax, ay = an[:, 0] + 0.5 * aw, an[:, 1] + 0.5 * ah
    gx, gy = gt[:, 0] + 0.5 * gw, gt[:, 1] + 0.5 * gh
    out = torch.cat([w[0] * (gx - ax) / aw, w[1] * (gy - ay) / ah, w[2] * torch.log(gw / aw),
                     w[3] * torch.log(gh / ah)])
    return [float(v) for v in out]


def test_box_delta_matches_torch_box_coder() -> None:
    for _, d, problem in problems("box_delta"):
        assert problem.answer == pytest.approx(tuple(torch_encode(d["anchor"], d["gt"], d["weights"])), abs=1e-12)
        assert min(d["anchor"] + d["gt"]) > 0, "a box leaves the image (negative coordinate)"
        assert d["gt"][2] > d["gt"][0] and d["gt"][3] > d["gt"][1]


def pair_metric(a: list[int], b: list[int], metric: str) -> float:
    iw = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - iw * ih
    iou = iw * ih / union
    cw, ch = max(a[2], b[2]) - min(a[0], b[0]), max(a[3], b[3]) - min(a[1], b[1])
    if metric == "diou":
        rho2 = ((a[0] + a[2] - b[0] - b[2]) / 2) ** 2 + ((a[1] + a[3] - b[1] - b[3]) / 2) ** 2
        return iou - rho2 / (cw ** 2 + ch ** 2)
    return iou - (cw * ch - union) / (cw * ch)


def test_giou_pair_matches_definitions() -> None:
    disjoint = 0
    for params, d, problem in problems("giou_pair"):
        metric = params.get("metric", "giou")
        assert problem.answer[0] == pytest.approx(pair_metric(d["a"], d["b"], metric), abs=1e-12)
        disjoint += "disjoint" in problem.explanation
    assert disjoint > 10          # the interesting non-overlapping draws do occur


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_question_shows_every_number_and_answer_is_accepted(name: str) -> None:
    for params, d, problem in problems(name, seed=5):
        json.loads(json.dumps(d))
        numbers = re.findall(r"-?\d+(?:\.\d+)?", problem.question)
        shown = {float(x) for x in numbers}
        flat = []
        for key, value in d.items():
            if key == "hits":                           # shown as the TP / FP column
                assert re.findall(r"\| (TP|FP) \|", problem.question) == ["TP" if h else "FP" for h in value]
                continue
            flat.extend(value if isinstance(value, list) else [value])
        missing = [v for v in flat if float(v) not in shown]
        assert missing == [], (name, missing, problem.question)
        assert check_answer(problem, " ".join(f"{v:.3f}" for v in problem.answer))
        assert not check_answer(problem, " ".join(f"{v + 0.01:.3f}" for v in problem.answer))
        assert "**" in problem.explanation
        assert all(math.isfinite(v) for v in problem.answer)
