"""Cases for ``dice_loss`` and ``mean_iou``.

Dice: a perfect one-hot prediction (loss 0), a class absent from target and
prediction (the empty-mask rule: dice 1), a class absent from the target but
predicted (dice near 0), ``smooth = 0``, a large ``smooth``, batch sums
(one Dice per class over the whole batch, not per sample), 3-D volumes and
float32 probabilities. Mean IoU: ignore_index (also when a prediction equals
it), classes absent from both (NaN, left out of the mean), absent from the
target only (IoU 0), a custom ignore_index, a prediction of all one class.
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return probs


def _onehot(target: np.ndarray, c: int) -> np.ndarray:
    return np.moveaxis(np.eye(c)[target], -1, 1)


def _random_dice(rng: np.random.Generator, n: int, c: int, spatial: tuple[int, ...],
                 sharp: float = 2.0) -> dict[str, np.ndarray]:
    target = rng.integers(0, c, size=(n, *spatial))
    logits = rng.normal(size=(n, c, *spatial)) + sharp * _onehot(target, c)
    return {"probs": _softmax(logits), "target": target.astype(np.int64)}


def dice_cases(rng: np.random.Generator) -> list[Case]:
    """Each clause of the Dice prompt, then random batches and a perf case."""
    t = np.array([[[0, 1], [1, 1]]], dtype=np.int64)                    # (1, 2, 2), class 2 absent
    perfect3 = _onehot(t, 3)
    leaky = perfect3.copy()
    leaky[0, :, 0, 0] = [0.5, 0.0, 0.5]                                  # mass on the absent class
    batch_t = np.array([[[0, 0], [0, 0]], [[1, 1], [1, 1]]], dtype=np.int64)
    batch_p = np.stack([_onehot(batch_t[0:1], 2)[0] * 0.9 + 0.05, _onehot(batch_t[1:2], 2)[0] * 0.6 + 0.2])
    cases = [
        Case("perfect one-hot prediction: loss 0", {"probs": _onehot(t, 2), "target": t}, "edge"),
        Case("class absent from target and prediction: dice 1 (empty-mask rule)",
             {"probs": perfect3, "target": t}, "edge"),
        Case("empty-mask rule with smooth = 0", {"probs": perfect3, "target": t, "smooth": 0.0}, "edge"),
        Case("class absent from target but predicted", {"probs": leaky, "target": t}, "edge"),
        Case("batch Dice: sums over the batch, not a mean of per-sample Dice",
             {"probs": batch_p, "target": batch_t, "smooth": 0.0}, "edge"),
        Case("smooth = 0 (plain soft Dice)", {**_random_dice(rng, 2, 3, (4, 4)), "smooth": 0.0}, "edge"),
        Case("large smooth = 100", {**_random_dice(rng, 2, 3, (4, 4)), "smooth": 100.0}, "edge"),
        Case("uniform probabilities", {"probs": np.full((1, 4, 3, 3), 0.25),
                                       "target": rng.integers(0, 4, size=(1, 3, 3))}, "edge"),
        Case("3-D volume (N, C, D, H, W)", _random_dice(rng, 1, 2, (3, 4, 5)), "edge"),
        Case("1-D signal (N, C, L)", _random_dice(rng, 3, 4, (7,)), "edge"),
        Case("float32 probabilities", {k: (v.astype(np.float32) if v.dtype.kind == "f" else v)
                                       for k, v in _random_dice(rng, 2, 3, (8, 8)).items()}, "edge"),
    ]
    for i, (n, c, hw) in enumerate([(1, 2, 5), (4, 3, 16), (2, 21, 32), (8, 5, 24)]):
        cases.append(Case(f"random N={n} C={c} {hw}x{hw} #{i}",
                          _random_dice(rng, n, c, (hw, hw), sharp=float(rng.uniform(0, 3)))))
    cases.append(Case("perf N=4 C=19 256x256", _random_dice(rng, 4, 19, (256, 256)), "perf"))
    # Added later, drawn last so the cases above keep their inputs. 2**19 confident
    # float32 probabilities (~0.998 / ~0.002, right on ~65% of pixels): once a float32
    # running sum passes ~3e4 its spacing is >= 0.004 and each ~0.002 term is rounded
    # up or away, ~2e-4 relative error in the loss; NumPy's pairwise float32 .sum()
    # stays within ~2e-7 and the float64 sums are exact enough (rtol 1e-6).
    target = rng.integers(0, 2, size=(1, 512, 512))
    pred = np.where(rng.random(target.shape) < 0.3, target, rng.integers(0, 2, size=target.shape))
    logits = 0.5 * rng.normal(size=(1, 2, 512, 512)) + 6.0 * _onehot(pred, 2)
    big32 = {"probs": _softmax(logits).astype(np.float32), "target": target.astype(np.int64)}
    at = next(i for i, c in enumerate(cases) if c.kind != "edge")
    cases.insert(at, Case("float32 probabilities, 1x2x512x512: within rtol of the float64 sums "
                          "(a float32 running sum drifts)", big32, "edge"))
    return cases


def _random_labels(rng: np.random.Generator, shape: tuple[int, ...], c: int, acc: float,
                   ignore: float = 0.0, ignore_index: int = 255) -> dict[str, object]:
    target = rng.integers(0, c, size=shape)
    pred = np.where(rng.random(shape) < acc, target, rng.integers(0, c, size=shape))
    target = np.where(rng.random(shape) < ignore, ignore_index, target)
    return {"pred": pred.astype(np.int64), "target": target.astype(np.int64), "num_classes": c}


def mean_iou_cases(rng: np.random.Generator) -> list[Case]:
    """Each clause of the mean-IoU prompt, then random label maps and a perf case."""
    t = np.array([[0, 0, 1, 1], [0, 0, 1, 1]], dtype=np.int64)
    cases = [
        Case("perfect prediction: every present class IoU 1",
             {"pred": t, "target": t.copy(), "num_classes": 2}, "edge"),
        Case("class absent from target and prediction: NaN, left out of the mean",
             {"pred": t, "target": t.copy(), "num_classes": 4}, "edge"),
        Case("class predicted but absent from target: IoU 0, counted",
             {"pred": np.array([[0, 2, 1, 1], [0, 0, 1, 1]]), "target": t.copy(), "num_classes": 3}, "edge"),
        Case("ignore_index pixels are dropped",
             {"pred": np.array([[1, 1, 1, 1], [0, 0, 1, 1]]), "target": np.array([[255, 255, 1, 1], [0, 0, 1, 1]]),
              "num_classes": 2}, "edge"),
        Case("ignored pixels count even when the prediction is right elsewhere",
             {"pred": np.array([[0, 0, 0, 0]]), "target": np.array([[0, 255, 255, 1]]), "num_classes": 2}, "edge"),
        Case("custom ignore_index = 0 (label 0 ignored, class 0 never in the target)",
             {"pred": np.array([[1, 2, 2, 0]]), "target": np.array([[0, 2, 1, 1]]), "num_classes": 3,
              "ignore_index": 0}, "edge"),
        Case("prediction all one class",
             {"pred": np.zeros((3, 3), dtype=np.int64), "target": rng.integers(0, 3, size=(3, 3)),
              "num_classes": 3}, "edge"),
        Case("every pixel ignored: mIoU NaN",
             {"pred": np.zeros((2, 2), dtype=np.int64), "target": np.full((2, 2), 255), "num_classes": 2},
             "edge"),
        Case("batch of label maps (N, H, W)", _random_labels(rng, (3, 5, 6), 4, 0.6, 0.1), "edge"),
        # PNG label maps are uint8 (hence ignore_index 255): 19 * 20 + 19 = 399 wraps to
        # 143 in uint8, so a confusion-matrix index built in the input dtype is wrong.
        Case("uint8 label maps: target * C + pred must not wrap around (C = 20)",
             {"pred": np.array([[19, 19, 0]], dtype=np.uint8),
              "target": np.array([[19, 19, 255]], dtype=np.uint8), "num_classes": 20}, "edge"),
    ]
    for i, (shape, c) in enumerate([((8, 8), 2), ((2, 32, 32), 5), ((4, 64, 64), 21), ((100,), 7)]):
        cases.append(Case(f"random {shape} C={c} #{i}", _random_labels(rng, shape, c, 0.7, 0.05)))
    cases.append(Case("perf (8, 512, 512) C=19", _random_labels(rng, (8, 512, 512), 19, 0.8, 0.05), "perf"))
    return cases
