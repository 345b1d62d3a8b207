"""Numeric cards for classification metrics and vector similarity.

Confusion-matrix metrics are definitions, checked in the tests against
scikit-learn; AUC and distances come from the exercises' references.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from dlquiz.numeric.problem import NumericProblem, SimpleGenerator


def _signed(value: float) -> str:
    """A number ready to follow a minus sign: negatives in parentheses."""
    return f"({value:g})" if value < 0 else f"{value:g}"


Counts = Callable[[int, int, int, int], tuple[int, int]]

_METRICS: dict[str, tuple[str, str, Counts]] = {
    "precision": ("precision", "TP / (TP + FP)", lambda tp, fp, fn, tn: (tp, tp + fp)),
    "recall": ("recall (= TPR, sensitivity)", "TP / (TP + FN)", lambda tp, fp, fn, tn: (tp, tp + fn)),
    "tpr": ("true-positive rate", "TP / (TP + FN)", lambda tp, fp, fn, tn: (tp, tp + fn)),
    "fpr": ("false-positive rate", "FP / (FP + TN)", lambda tp, fp, fn, tn: (fp, fp + tn)),
    "accuracy": ("accuracy", "(TP + TN) / (TP + FP + FN + TN)",
                 lambda tp, fp, fn, tn: (tp + tn, tp + fp + fn + tn)),
    "f1": ("F1 score", "2·TP / (2·TP + FP + FN)", lambda tp, fp, fn, tn: (2 * tp, 2 * tp + fp + fn)),
}


def _draw_confusion(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    tp, fp, fn, tn = (int(v) for v in rng.integers(1, 90, size=4))
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn}


def _solve_confusion(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    metric = str(params.get("metric", "precision"))
    name, formula, parts = _METRICS[metric]
    tp, fp, fn, tn = drawn["tp"], drawn["fp"], drawn["fn"], drawn["tn"]
    num, den = parts(tp, fp, fn, tn)
    value = num / den
    question = (f"A detector's confusion matrix: TP = {tp}, FP = {fp}, FN = {fn}, TN = {tn}. "
                f"What is its {name}? (3 decimals)")
    explanation = f"{name.capitalize()} = {formula} = {num} / {den} = **{value:.3f}**."
    if metric == "f1":
        p, r = tp / (tp + fp), tp / (tp + fn)
        explanation += (f"\n\nSame as the harmonic mean 2PR/(P + R) with P = {p:.3f}, "
                        f"R = {r:.3f}; it ignores TN entirely.")
    elif metric == "accuracy":
        explanation += "\n\nAccuracy is misleading when negatives dominate (TN swamps the rest)."
    return NumericProblem(question, (value,), explanation, dict(drawn), rel_tol=0, abs_tol=0.0015)


def _draw_auc(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    n = int(rng.integers(5, 8))
    while True:
        labels = [int(v) for v in rng.integers(0, 2, size=n)]
        if 0 < sum(labels) < n:
            break
    scores = [round(float(s), 1) for s in rng.choice(np.arange(1, 10) / 10, size=n)]
    return {"labels": labels, "scores": scores}


def _solve_auc(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.metrics import roc_auc

    labels, scores = list(drawn["labels"]), list(drawn["scores"])
    value = float(roc_auc(np.array(labels), np.array(scores, float)))
    pos = [s for s, y in zip(scores, labels) if y == 1]
    neg = [s for s, y in zip(scores, labels) if y == 0]
    wins = sum(1 for p in pos for q in neg if p > q)
    ties = sum(1 for p in pos for q in neg if p == q)
    pairs = len(pos) * len(neg)
    table = "\n".join(f"| {s:.1f} | {y} |" for s, y in zip(scores, labels))
    question = ("What is the ROC AUC of these scores? (ties count ½; 3 decimals)\n\n"
                "| score | label |\n|---|---|\n" + table)
    explanation = (
        "AUC = P(random positive scores above random negative), ties counting ½.\n\n"
        f"{len(pos)} positives × {len(neg)} negatives = {pairs} pairs; positive wins {wins}, "
        f"ties {ties}.\n\nAUC = ({wins} + ½·{ties}) / {pairs} = **{value:.3f}**."
    )
    return NumericProblem(question, (value,), explanation, dict(drawn), rel_tol=0, abs_tol=0.0015)


def _draw_distance(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    metric = str(params.get("metric", "euclidean"))
    if metric == "mahalanobis":
        return {"x": [int(v) for v in rng.integers(-4, 5, size=2)],
                "mean": [int(v) for v in rng.integers(-2, 3, size=2)],
                "var": [int(v) for v in rng.choice([1, 4, 9, 16], size=2)]}
    while True:
        a = [int(v) for v in rng.integers(-5, 6, size=3)]
        b = [int(v) for v in rng.integers(-5, 6, size=3)]
        if any(a) and any(b) and a != b:
            return {"a": a, "b": b}


def _solve_distance(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.similarity import cosine_similarity, mahalanobis_distance

    metric = str(params.get("metric", "euclidean"))
    if metric == "mahalanobis":
        x, mu, var = list(drawn["x"]), list(drawn["mean"]), list(drawn["var"])
        value = float(mahalanobis_distance(np.array([x], float), np.array(mu, float),
                                           np.diag(np.array(var, float)))[0])
        terms = " + ".join(f"({xi} − {_signed(mi)})²/{vi}" for xi, mi, vi in zip(x, mu, var))
        question = (f"Mahalanobis distance of x = {tuple(x)} from mean μ = {tuple(mu)} under a "
                    f"diagonal covariance diag{tuple(var)}? (3 decimals)")
        explanation = (f"√((x−μ)ᵀ Σ⁻¹ (x−μ)) = √({terms}) = **{value:.3f}**.\n\nEach axis is "
                       "measured in its own standard deviations, so a large-variance axis "
                       "counts less than in the Euclidean distance.")
        return NumericProblem(question, (value,), explanation, dict(drawn), rel_tol=0,
                              abs_tol=0.0015)
    a, b = np.array(drawn["a"], float), np.array(drawn["b"], float)
    va, vb = tuple(drawn["a"]), tuple(drawn["b"])
    if metric == "cosine":
        value = float(cosine_similarity(a[None], b[None])[0, 0])
        question = f"Cosine similarity of a = {va} and b = {vb}? (3 decimals)"
        explanation = (f"a·b = {int(a @ b)}; ‖a‖ = √{int(a @ a)}, ‖b‖ = √{int(b @ b)}; "
                       f"cos = {int(a @ b)} / (√{int(a @ a)}·√{int(b @ b)}) = **{value:.3f}**. "
                       "It ignores length: scaling either vector leaves it unchanged.")
    else:
        value = float(np.sqrt(((a - b) ** 2).sum()))
        question = f"Euclidean distance between a = {va} and b = {vb}? (3 decimals)"
        explanation = (f"√Σ(aᵢ − bᵢ)² = √{int(((a - b) ** 2).sum())} = **{value:.3f}**.")
    return NumericProblem(question, (value,), explanation, dict(drawn), rel_tol=0, abs_tol=0.0015)


GENERATORS: tuple[SimpleGenerator, ...] = (
    SimpleGenerator(
        "confusion_metric", "Metric from a confusion matrix", _draw_confusion, _solve_confusion,
        {"type": "object", "additionalProperties": False,
         "properties": {"metric": {"enum": sorted(_METRICS)}}}),
    SimpleGenerator("small_auc", "AUC of a small scored list", _draw_auc, _solve_auc),
    SimpleGenerator(
        "vector_distance", "Euclidean, cosine and Mahalanobis distance", _draw_distance,
        _solve_distance,
        {"type": "object", "additionalProperties": False,
         "properties": {"metric": {"enum": ["euclidean", "cosine", "mahalanobis"]}}}),
)
