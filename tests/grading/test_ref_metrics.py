"""ROC AUC and ROC curve references against scikit-learn and a naive pair count."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score
from sklearn.metrics import roc_curve as sk_roc_curve

from dlquiz.grading.reference.metrics import roc_auc, roc_curve


@st.composite
def labelled_scores(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Labels with both classes; scores from a tiny pool (heavy ties) or continuous."""
    n = draw(st.integers(2, 60))
    labels = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    labels[0], labels[1] = 0, 1
    if draw(st.booleans()):
        pool = draw(st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=4))
        scores = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    else:
        scores = draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=n, max_size=n))
    order = draw(st.permutations(range(n)))
    return np.array(labels)[order], np.array(scores, dtype=np.float64)[order]


def mann_whitney(y: np.ndarray, s: np.ndarray) -> float:
    """P(score of a positive > score of a negative) + ½ P(equal), by counting pairs."""
    wins = 0.0
    positives = [v for v, label in zip(s, y) if label == 1]
    negatives = [v for v, label in zip(s, y) if label == 0]
    for p in positives:
        for q in negatives:
            wins += 1.0 if p > q else 0.5 if p == q else 0.0
    return wins / (len(positives) * len(negatives))


def test_auc_small_known_values() -> None:
    assert roc_auc([0, 1], [0.2, 0.8]) == 1.0
    assert roc_auc([1, 0], [0.2, 0.8]) == 0.0
    assert roc_auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.5
    # Pairs: (0.4 vs 0.1) win, (0.4 vs 0.4) half, (0.8 vs both) two wins -> 3.5 / 4.
    assert roc_auc([0, 1, 0, 1], [0.1, 0.4, 0.4, 0.8]) == 0.875


def test_auc_accepts_bool_labels() -> None:
    assert roc_auc(np.array([True, False, True]), [3.0, 1.0, 2.0]) == 1.0


@pytest.mark.parametrize("labels", [[0, 0, 0], [1, 1], []])
def test_single_class_is_rejected(labels: list[int]) -> None:
    with pytest.raises(ValueError):
        roc_auc(labels, [0.5] * len(labels))
    with pytest.raises(ValueError):
        roc_curve(labels, [0.5] * len(labels))


@settings(max_examples=200, deadline=None)
@given(labelled_scores())
def test_auc_matches_sklearn_and_pair_count(data: tuple[np.ndarray, np.ndarray]) -> None:
    y, s = data
    got = roc_auc(y, s)
    assert isinstance(got, float)
    assert got == pytest.approx(roc_auc_score(y, s), rel=1e-12, abs=1e-12)
    assert got == pytest.approx(mann_whitney(y, s), rel=1e-12, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(labelled_scores())
def test_curve_matches_sklearn_without_dropping(data: tuple[np.ndarray, np.ndarray]) -> None:
    y, s = data
    fpr, tpr, thr = roc_curve(y, s)
    want_fpr, want_tpr, want_thr = sk_roc_curve(y, s, drop_intermediate=False)
    for got, want in ((fpr, want_fpr), (tpr, want_tpr), (thr, want_thr)):
        assert got.shape == want.shape and got.dtype == np.float64
        np.testing.assert_allclose(got, want, rtol=1e-12)
    assert thr[0] == np.inf


def test_curve_area_by_trapezoids_equals_auc() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 500)
    s = rng.integers(0, 7, 500).astype(float)
    fpr, tpr, _ = roc_curve(y, s)
    assert np.trapezoid(tpr, fpr) == pytest.approx(roc_auc(y, s), rel=1e-12)


def test_auc_exact_on_a_large_tied_input() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200_000)
    s = np.round(rng.random(200_000), 3)
    assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s), rel=1e-12)
