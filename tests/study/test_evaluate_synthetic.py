"""Evaluation on a log generated from a known FSRS model: FSRS must beat SM-2.

The metrics are checked against scikit-learn (log loss) and a naive binning
loop written here; the split against its definition.
"""

from __future__ import annotations

import itertools
import math

import pytest
from sklearn.metrics import log_loss as sk_log_loss

from dlquiz.study.evaluate import evaluate, log_loss, predictions, rmse_bins, split_index
from dlquiz.study.fsrs_scheduler import FSRSScheduler
from dlquiz.study.optimize import MIN_REVIEWS, TooFewReviews, fit_parameters, scorable_reviews
from dlquiz.study.scheduler import SM2Scheduler
from dlquiz.study.simulate import synthetic_log


@pytest.fixture(scope="module")
def log() -> list[tuple[str, str, int]]:
    return [(r.item_key, r.day, r.quality) for r in synthetic_log(600, 240, seed=3)]


def test_fsrs_beats_sm2_on_a_log_from_fsrs(log: list[tuple[str, str, int]]) -> None:
    result = evaluate(log, fitted=None, fit=None)
    by = {m.model: m for m in result.models}
    sm2, fsrs = by["sm2"], by["fsrs-default"]
    assert sm2.reviews == fsrs.reviews == result.scored_reviews > 500
    assert fsrs.log_loss < sm2.log_loss and fsrs.rmse_bins < sm2.rmse_bins
    assert by["fsrs-fitted"].log_loss is None and by["fsrs-fitted"].note
    assert result.train_reviews + result.test_reviews == result.reviews_total == len(log)
    assert result.split_day == log[result.train_reviews][1]
    assert "0.9 ** (t / I)" in result.sm2_curve


def test_given_parameters_are_scored_as_fitted(log: list[tuple[str, str, int]]) -> None:
    result = evaluate(log, fitted=FSRSScheduler().parameters)
    by = {m.model: m for m in result.models}
    assert by["fsrs-fitted"].log_loss == pytest.approx(by["fsrs-default"].log_loss)


def test_split_is_time_ordered_at_a_day_boundary(log: list[tuple[str, str, int]]) -> None:
    cut = split_index(log, 0.8)
    assert cut >= int(len(log) * 0.8)
    assert log[cut - 1][1] < log[cut][1]  # the cut day is not split
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(log))
    assert split_index([], 0.8) == 0


def test_only_reviews_after_an_earlier_day_are_scored(log: list[tuple[str, str, int]]) -> None:
    probs, labels = predictions(SM2Scheduler(fuzz=False), log, 0)
    seen: dict[str, str] = {}
    expected = 0
    for key, day, _ in log:
        if key in seen and day > seen[key]:
            expected += 1
        seen[key] = day
    assert len(probs) == len(labels) == expected == scorable_reviews(log)
    assert all(0.0 < p < 1.0 for p in probs)


def test_metrics_against_independent_oracles() -> None:
    probs = [0.05, 0.2, 0.33, 0.5, 0.51, 0.7, 0.9, 0.97, 0.99, 0.62]
    labels = [0, 0, 1, 1, 0, 1, 1, 1, 1, 0]
    assert log_loss(probs, labels) == pytest.approx(sk_log_loss(labels, probs))
    bins: dict[int, list[tuple[float, int]]] = {}
    for p, y in zip(probs, labels):
        bins.setdefault(min(19, math.floor(p * 20)), []).append((p, y))
    total = sum(len(b) * (sum(p for p, _ in b) / len(b) - sum(y for _, y in b) / len(b)) ** 2 for b in bins.values())
    assert rmse_bins(probs, labels) == pytest.approx(math.sqrt(total / len(probs)))


def test_optimizer_refuses_a_short_log(log: list[tuple[str, str, int]]) -> None:
    short = log[:300]
    with pytest.raises(TooFewReviews, match=f"at least {MIN_REVIEWS}"):
        fit_parameters(short)


@pytest.mark.slow
def test_fitted_parameters_beat_sm2() -> None:
    """py-fsrs's optimizer on the training part (a few seconds of torch)."""
    rows = [(r.item_key, r.day, r.quality) for r in synthetic_log(200, 200, seed=5)]
    assert scorable_reviews(rows[: split_index(rows)]) >= MIN_REVIEWS
    from dlquiz.study.optimize import fitter

    result = evaluate(rows, fit=fitter)
    by = {m.model: m for m in result.models}
    fitted = by["fsrs-fitted"]
    assert fitted.log_loss is not None and fitted.note == "fitted on the training part"
    assert fitted.log_loss < by["sm2"].log_loss and fitted.rmse_bins < by["sm2"].rmse_bins
