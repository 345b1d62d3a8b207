"""Reference soft Dice loss and mean IoU from a confusion matrix.

* ``dice_loss(probs, target, smooth)``: ``probs`` (N, C, *spatial) class
  probabilities, ``target`` (N, *spatial) integer labels in [0, C). For each
  class c, sums run over the batch **and** all positions together ("batch
  Dice")::

      I_c = Σ p_c · [target = c],   S_c = Σ p_c + Σ [target = c]
      dice_c = (2·I_c + smooth) / (S_c + smooth)

  Empty-mask rule: when ``S_c = 0`` (class absent from the target and no
  probability mass predicted for it) ``dice_c = 1`` whatever ``smooth``,
  so an absent, correctly ignored class is a perfect score, never 0/0.
  Loss = ``1 − mean_c dice_c`` over all C classes (background included).
* ``mean_iou(pred, target, num_classes, ignore_index)``: the
  ``num_classes × num_classes`` confusion matrix ``cm[t, p]`` of the pixels
  whose target is not ``ignore_index``; ``IoU_c = cm[c,c] / (row_c + col_c −
  cm[c,c])``; a class with an empty union (absent from target and
  prediction) is NaN and left out of the mean (``nanmean``), the
  mmsegmentation / torchmetrics convention. All classes NaN gives NaN.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def dice_loss(probs: ArrayLike, target: ArrayLike, smooth: float = 1.0) -> float:
    """Multi-class soft Dice loss, per-class batch Dice then mean over classes."""
    p = np.asarray(probs, dtype=np.float64)
    t = np.asarray(target).astype(np.int64)
    n_classes = p.shape[1]
    onehot = np.moveaxis(np.eye(n_classes)[t], -1, 1)          # (N, C, *spatial)
    axes = (0,) + tuple(range(2, p.ndim))
    inter = (p * onehot).sum(axis=axes)
    total = p.sum(axis=axes) + onehot.sum(axis=axes)
    dice = np.ones(n_classes)
    nonempty = total > 0
    dice[nonempty] = (2 * inter[nonempty] + smooth) / (total[nonempty] + smooth)
    return float(1.0 - dice.mean())


def confusion_matrix(pred: ArrayLike, target: ArrayLike, num_classes: int,
                     ignore_index: int = 255) -> NDArray[np.int64]:
    """``cm[t, p]``: number of pixels with target t predicted as p (ignored pixels dropped)."""
    pr = np.asarray(pred).astype(np.int64).reshape(-1)
    tg = np.asarray(target).astype(np.int64).reshape(-1)
    keep = tg != ignore_index
    cm: NDArray[np.int64] = np.bincount(tg[keep] * num_classes + pr[keep],
                                        minlength=num_classes ** 2).reshape(num_classes, num_classes)
    return cm


def mean_iou(pred: ArrayLike, target: ArrayLike, num_classes: int,
             ignore_index: int = 255) -> tuple[float, FloatArray]:
    """``(mIoU, IoU per class (C,))`` with NaN for classes that never occur."""
    cm = confusion_matrix(pred, target, num_classes, ignore_index).astype(np.float64)
    tp = np.diag(cm)
    union = cm.sum(axis=0) + cm.sum(axis=1) - tp
    per_class = np.full(num_classes, np.nan)
    np.divide(tp, union, out=per_class, where=union > 0)
    valid = ~np.isnan(per_class)
    miou = float(per_class[valid].mean()) if valid.any() else float("nan")
    return miou, per_class
