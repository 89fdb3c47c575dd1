"""Precision, recall, F1, PR curve, average precision (PR-AUC) and precision at a given recall: small exact
functions over plain lists, so a reader can check them by hand (``tests/classifiers/test_classifiers.py`` does).

Conventions:

- A rule or a thresholded score *predicts positive*; precision = TP / (TP + FP), recall = TP / (TP + FN),
  F1 = 2PR / (P + R). Precision of a rule that predicts nothing is undefined: ``nan`` (printed "—").
- The PR curve of a score: one point per distinct score value t (descending), predicting positive when
  score >= t. Ties are never split: documents with the same score are all in or all out.
- Average precision (PR-AUC) = sum over those points of (R_k - R_{k-1}) * P_k, with R_0 = 0: the area
  under the step curve, as ``sklearn.metrics.average_precision_score`` computes it (no interpolation).
  A binary rule has two points; its AP is P_rule * R_rule + base_rate * (1 - R_rule).
- Precision at recall r: the best precision among the curve's points whose recall is >= r (the usual
  interpolated definition: "how precise can the classifier be while finding at least as many positives
  as the rule?"), with the threshold that achieves it.
"""

from __future__ import annotations

import math
from typing import NamedTuple, Sequence

import numpy as np


class PRF(NamedTuple):
    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float


def prf(y: Sequence[int], pred: Sequence[bool]) -> PRF:
    """Precision / recall / F1 of binary predictions against binary labels.

    >>> prf([1, 1, 0, 0, 1], [True, False, True, False, True])
    PRF(tp=2, fp=1, fn=1, precision=0.6666666666666666, recall=0.6666666666666666, f1=0.6666666666666666)
    """
    tp = sum(1 for a, b in zip(y, pred) if a and b)
    fp = sum(1 for a, b in zip(y, pred) if not a and b)
    fn = sum(1 for a, b in zip(y, pred) if a and not b)
    p = tp / (tp + fp) if tp + fp else math.nan
    r = tp / (tp + fn) if tp + fn else math.nan
    f1 = 2 * p * r / (p + r) if (tp and p + r) else 0.0
    return PRF(tp, fp, fn, p, r, f1)


class PRPoint(NamedTuple):
    threshold: float
    precision: float
    recall: float
    tp: int
    fp: int


def pr_curve(y: Sequence[int], scores: Sequence[float]) -> list[PRPoint]:
    """One point per distinct score, highest threshold first (see the module docstring)."""
    y_arr = np.asarray(y, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    n_pos = int(y_arr.sum())
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y_arr[order]
    tps = np.cumsum(y_sorted)
    fps = np.cumsum(1 - y_sorted)
    last = np.r_[np.nonzero(np.diff(s_sorted))[0], len(s_sorted) - 1]  # last index of each tie group
    out = []
    for i in last:
        tp, fp = int(tps[i]), int(fps[i])
        out.append(PRPoint(float(s_sorted[i]), tp / (tp + fp), tp / n_pos if n_pos else math.nan, tp, fp))
    return out


def average_precision(y: Sequence[int], scores: Sequence[float]) -> float:
    """Area under the step PR curve; ``nan`` without positives.

    >>> average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])  # P@1 = 1 at R .5, P@3 = 2/3 at R 1
    0.8333333333333333
    """
    if not any(y):
        return math.nan
    ap, prev_r = 0.0, 0.0
    for pt in pr_curve(y, scores):
        ap += (pt.recall - prev_r) * pt.precision
        prev_r = pt.recall
    return ap


def precision_at_recall(y: Sequence[int], scores: Sequence[float], recall: float) -> tuple[float, float, float]:
    """(best precision among points with recall >= ``recall``, its threshold, its recall).
    ``(nan, nan, nan)`` when no point reaches that recall (only possible for ``recall`` > 1 or no positives)."""
    best = (math.nan, math.nan, math.nan)
    for pt in pr_curve(y, scores):
        if pt.recall >= recall - 1e-12 and (math.isnan(best[0]) or pt.precision > best[0]):
            best = (pt.precision, pt.threshold, pt.recall)
    return best


def bootstrap(fn, y: Sequence[int], *arrays: Sequence[float], n: int = 1000, seed: int = 0, q=(0.025, 0.975)):
    """Percentile interval of ``fn(y, *arrays)`` over ``n`` resamples of documents (with replacement),
    resamples without a positive skipped. Returns (low, high)."""
    rng = np.random.default_rng(seed)
    y_arr = np.asarray(y)
    arrs = [np.asarray(a) for a in arrays]
    vals = []
    for _ in range(n):
        idx = rng.integers(0, len(y_arr), len(y_arr))
        yy = y_arr[idx]
        if not yy.any():
            continue
        v = fn(yy.tolist(), *[a[idx].tolist() for a in arrs])
        if not math.isnan(v):
            vals.append(v)
    if not vals:
        return (math.nan, math.nan)
    return (float(np.quantile(vals, q[0])), float(np.quantile(vals, q[1])))
