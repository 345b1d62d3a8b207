"""Reference ROC AUC and ROC curve (scikit-learn conventions).

* ``y_true`` holds binary labels (0/1 or bool); 1 is the positive class.
  Both classes must be present (otherwise the ROC is undefined and we raise
  ``ValueError``, as scikit-learn does for the AUC).
* Tied scores: a positive and a negative with the same score count ½ in the
  AUC, which is the Mann–Whitney statistic ``P(s+ > s-) + ½ P(s+ = s-)`` and
  equals ``sklearn.metrics.roc_auc_score``. In the curve, tied scores form a
  single threshold (one diagonal step), never an arbitrary staircase.
* ``roc_curve`` returns exactly ``sklearn.metrics.roc_curve(...,
  drop_intermediate=False)``: thresholds are the distinct scores in
  decreasing order, preceded by ``+inf`` (the "predict nothing positive"
  point (0, 0)); ``fpr``/``tpr`` are float64.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _grouped_counts(y_true: ArrayLike, y_score: ArrayLike) -> tuple[FloatArray, IntArray, IntArray]:
    """Distinct scores (descending) with the number of positives and negatives at each.

    One sort, then every tie group is collapsed with ``reduceat``; everything
    after the sort is O(n).
    """
    labels = np.asarray(y_true).reshape(-1)
    scores = np.asarray(y_score, dtype=np.float64).reshape(-1)
    if labels.shape != scores.shape:
        raise ValueError(f"y_true has {labels.size} labels but y_score has {scores.size} scores")
    positive = labels.astype(bool) if labels.dtype == bool else labels == 1
    if not positive.any() or positive.all():
        raise ValueError("y_true must contain both classes (0 and 1)")
    order = np.argsort(-scores, kind="stable")
    sorted_scores = scores[order]
    sorted_pos = positive[order].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    pos = np.add.reduceat(sorted_pos, starts)
    sizes = np.diff(np.r_[starts, scores.size])
    return sorted_scores[starts], pos, sizes - pos


def roc_auc(y_true: ArrayLike, y_score: ArrayLike) -> float:
    """Area under the ROC curve, ties counting ½ (``sklearn.metrics.roc_auc_score``).

    Walking the distinct scores from high to low, a group with ``p``
    positives and ``q`` negatives contributes ``p * (negatives below it) +
    ½ p q``. The doubled sum is an exact int64, so the only rounding is the
    final division. O(n log n), dominated by one argsort.
    """
    _, pos, neg = _grouped_counts(y_true, y_score)
    negatives_below = neg.sum() - np.cumsum(neg)
    doubled = 2 * int(np.dot(pos, negatives_below)) + int(np.dot(pos, neg))
    return doubled / (2 * int(pos.sum()) * int(neg.sum()))


def roc_curve(y_true: ArrayLike, y_score: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(fpr, tpr, thresholds)`` like ``sklearn.metrics.roc_curve(drop_intermediate=False)``.

    Point ``k`` predicts positive for ``score >= thresholds[k]``; the first
    point uses ``+inf`` (nothing predicted positive), the last the smallest
    score (everything positive), so the curve runs from (0, 0) to (1, 1).
    """
    distinct, pos, neg = _grouped_counts(y_true, y_score)
    tps = np.r_[0, np.cumsum(pos)]
    fps = np.r_[0, np.cumsum(neg)]
    thresholds = np.r_[np.inf, distinct]
    return fps / fps[-1], tps / tps[-1], thresholds
