"""Dice loss against a torch implementation; mean IoU against scikit-learn."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import confusion_matrix as sk_confusion
from sklearn.metrics import jaccard_score

from dlquiz.grading.cases.segmentation import dice_cases, mean_iou_cases
from dlquiz.grading.reference.segmentation import confusion_matrix, dice_loss, mean_iou


def torch_dice(probs: np.ndarray, target: np.ndarray, smooth: float) -> float:
    """Batch soft Dice in torch: F.one_hot, sums over all but the class axis, empty rule."""
    p = torch.from_numpy(np.asarray(probs, dtype=np.float64))
    onehot = F.one_hot(torch.from_numpy(np.asarray(target, dtype=np.int64)), p.shape[1]).movedim(-1, 1).double()
    dims = [0, *range(2, p.ndim)]
    inter = (p * onehot).sum(dims)
    total = p.sum(dims) + onehot.sum(dims)
    dice = torch.where(total > 0, (2 * inter + smooth) / (total + smooth), torch.ones_like(total))
    return float(1 - dice.mean())


def test_dice_matches_torch_on_every_case() -> None:
    for case in dice_cases(np.random.default_rng(0)):
        args = case.args
        smooth = float(args.get("smooth", 1.0))
        assert dice_loss(**args) == pytest.approx(torch_dice(args["probs"], args["target"], smooth),
                                                  rel=1e-10, abs=1e-12), case.name


def test_dice_hand_values() -> None:
    p = np.array([[[[0.9, 0.2]], [[0.1, 0.8]]]])
    t = np.array([[[0, 1]]])
    # class 0: I = 0.9, S = 2.1; class 1: I = 0.8, S = 1.9
    assert dice_loss(p, t, 0.0) == pytest.approx(1 - (1.8 / 2.1 + 1.6 / 1.9) / 2)
    assert dice_loss(p, t, 1.0) == pytest.approx(1 - (2.8 / 3.1 + 2.6 / 2.9) / 2)
    # A third class absent from target and prediction counts as dice 1 (empty-mask rule).
    p3 = np.concatenate([p, np.zeros((1, 1, 1, 2))], axis=1)
    assert dice_loss(p3, t, 0.0) == pytest.approx(1 - (1.8 / 2.1 + 1.6 / 1.9 + 1.0) / 3)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5), st.floats(0.0, 10.0))
def test_dice_properties(seed: int, c: int, smooth: float) -> None:
    rng = np.random.default_rng(seed)
    t = rng.integers(0, c, size=(2, 4, 5))
    logits = rng.normal(size=(2, c, 4, 5))
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    loss = dice_loss(p, t, smooth)
    assert 0.0 <= loss <= 1.0
    onehot = np.moveaxis(np.eye(c)[t], -1, 1)
    assert dice_loss(onehot, t, smooth) == pytest.approx(0.0, abs=1e-12)      # perfect prediction
    perm = rng.permutation(2)                                                  # batch order is irrelevant
    assert dice_loss(p[perm], t[perm], smooth) == pytest.approx(loss, rel=1e-12, abs=1e-12)


def _sk_iou(pred: np.ndarray, target: np.ndarray, c: int, ignore: int) -> np.ndarray:
    keep = target.ravel() != ignore
    t, p = target.ravel()[keep], pred.ravel()[keep]
    out = np.full(c, np.nan)
    present = np.union1d(np.unique(t), np.unique(p)).astype(int)
    if present.size:
        out[present] = jaccard_score(t, p, labels=present, average=None, zero_division=0)
    return out


@pytest.mark.filterwarnings("ignore:A single label was found")
def test_mean_iou_matches_sklearn_on_every_case() -> None:
    for case in mean_iou_cases(np.random.default_rng(0)):
        args = case.args
        ignore = int(args.get("ignore_index", 255))
        miou, per_class = mean_iou(**args)
        want = _sk_iou(np.asarray(args["pred"]), np.asarray(args["target"]), args["num_classes"], ignore)
        np.testing.assert_allclose(per_class, want, rtol=1e-12, atol=1e-12, err_msg=case.name)
        if np.all(np.isnan(want)):
            assert np.isnan(miou)
        else:
            assert miou == pytest.approx(np.nanmean(want), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6))
@pytest.mark.filterwarnings("ignore:A single label was found")
def test_confusion_matrix_matches_sklearn(seed: int, c: int) -> None:
    rng = np.random.default_rng(seed)
    target = np.where(rng.random((3, 7)) < 0.1, 255, rng.integers(0, c, size=(3, 7)))
    pred = rng.integers(0, c, size=(3, 7))
    keep = target != 255
    want = sk_confusion(target[keep], pred[keep], labels=list(range(c)))
    np.testing.assert_array_equal(confusion_matrix(pred, target, c), want)
    assert confusion_matrix(pred, target, c).sum() == keep.sum()


@pytest.mark.filterwarnings("ignore:A single label was found")
def test_mean_iou_on_uint8_label_maps_does_not_wrap() -> None:
    # In uint8, 19 * 20 + 19 = 399 wraps to 143; the reference must count (19, 19) twice.
    pred = np.array([[19, 19, 0]], dtype=np.uint8)
    target = np.array([[19, 19, 255]], dtype=np.uint8)
    miou, per_class = mean_iou(pred, target, 20)
    assert miou == 1.0                                 # class 19: TP 2, FP 0, FN 0
    assert per_class[19] == 1.0 and np.isnan(per_class[:19]).all()
    rng = np.random.default_rng(4)
    t8 = np.where(rng.random((4, 30, 30)) < 0.1, 255, rng.integers(0, 21, (4, 30, 30))).astype(np.uint8)
    p8 = rng.integers(0, 21, (4, 30, 30)).astype(np.uint8)
    np.testing.assert_allclose(mean_iou(p8, t8, 21)[1], _sk_iou(p8, t8, 21, 255), rtol=1e-12)
    keep = t8 != 255
    np.testing.assert_array_equal(confusion_matrix(p8, t8, 21),
                                  sk_confusion(t8[keep], p8[keep], labels=list(range(21))))


def test_dice_float32_case_is_graded_against_float64_sums() -> None:
    case = next(c for c in dice_cases(np.random.default_rng(0)) if "running sum" in c.name)
    p, t = case.args["probs"], case.args["target"]
    assert p.dtype == np.float32 and p.size <= 2**20 and p.nbytes + t.nbytes <= 16 * 2**20
    want = torch_dice(p, t, 1.0)                       # torch, float64 sums
    assert dice_loss(p, t) == pytest.approx(want, rel=1e-12)

    def float32_dice(total: Callable[[np.ndarray], np.float32]) -> float:
        dice = []
        for c in range(p.shape[1]):
            pc, gc = np.ascontiguousarray(p[:, c]).ravel(), (t == c).ravel().astype(np.float32)
            inter, s = total(pc * gc), total(pc) + total(gc)
            dice.append((2 * float(inter) + 1.0) / (float(s) + 1.0))
        return 1.0 - sum(dice) / len(dice)

    # What the prompt says about float32: a running sum (NumPy's cumsum adds in float32
    # one term after another) misses rtol 1e-6 by far; NumPy's pairwise .sum() stays
    # inside it.
    running = float32_dice(lambda a: np.cumsum(a)[-1])
    assert abs(running - want) > 50 * 1e-6 * abs(want)
    pairwise = float32_dice(lambda a: a.sum())
    assert abs(pairwise - want) < 0.5 * 1e-6 * abs(want)


def test_dice_iou_relation_on_card() -> None:
    import pathlib

    import yaml

    path = pathlib.Path(__file__).resolve().parents[2] / "decks" / "segmentation.yaml"
    card = next(c for c in yaml.safe_load(path.read_text(encoding="utf-8"))["cards"]
                if c["id"] == "seg-dice-iou-relation")
    assert "2J / (1 + J)" in card["text"]
    rng = np.random.default_rng(0)
    for _ in range(50):
        a, b = rng.random((8, 8)) < 0.4, rng.random((8, 8)) < 0.4
        j = (a & b).sum() / (a | b).sum()
        d = 2 * (a & b).sum() / (a.sum() + b.sum())
        assert d == pytest.approx(2 * j / (1 + j)) and d >= j
