"""Inputs and reference figures for models/eval's tests.

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 models/eval/testdata/golden.py

It writes models/eval/testdata/inputs.csv and prints the figures that
golden_test.go holds; paste them there when the inputs change. ROC AUC,
average precision, log loss, Brier score, MAE, RMSE and the calibration
curves come from scikit-learn; lift and PSI have no scikit-learn function and
are computed here with numpy by the definitions in the package comment,
written independently of the Go code (lift by the overlap of each row's tie
span with each group).
"""
import csv
import os

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import (average_precision_score, brier_score_loss,
                             log_loss, mean_absolute_error,
                             mean_squared_error, roc_auc_score)

rng = np.random.default_rng(20240605)
n = 400
y = (rng.random(n) < 0.3).astype(float)
# Scores rounded to 2 decimals so that many rows tie, with a few exact 0 and
# 1 (one of them wrong) to exercise log-loss clipping.
z = 1.2 * y + rng.normal(size=n) - 0.9
p = np.round(1 / (1 + np.exp(-z)), 2)
p[:4] = [0.0, 1.0, 1.0, 0.0]
y[:4] = [0.0, 1.0, 0.0, 1.0]
u = np.round(z + rng.normal(scale=0.01, size=n), 9)  # distinct scores
assert len(np.unique(u)) == n
w = np.round(rng.uniform(0.2, 3.0, size=n), 3)
value = np.round(rng.gamma(2.0, 50.0, size=n), 2)
pred = np.round(value + rng.normal(scale=20, size=n), 2)
expected = np.round(rng.normal(size=n), 1)
actual = np.round(rng.normal(0.3, 1.2, size=n), 1)

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "inputs.csv"), "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["y", "p", "u", "w", "value", "pred", "expected", "actual"])
    for row in zip(y, p, u, w, value, pred, expected, actual):
        out.writerow([repr(float(x)) for x in row])


def lift(y, s, groups):
    """Tie-averaged positives per group: each row spreads over the rank
    positions of its tie group, and each group takes the overlap."""
    n = len(y)
    order = np.argsort(-s, kind="stable")
    ss = s[order]
    cuts = [k * n // groups for k in range(groups + 1)]
    pos = np.zeros(groups)
    for r in range(n):
        i = order[r]
        lo = np.searchsorted(-ss, -ss[r], side="left")
        hi = np.searchsorted(-ss, -ss[r], side="right")
        for g in range(groups):
            ov = max(0, min(hi, cuts[g + 1]) - max(lo, cuts[g]))
            pos[g] += y[i] * ov / (hi - lo)
    return pos


def psi(e, a, bins, eps=1e-4):
    edges = np.unique(np.quantile(e, np.arange(1, bins) / bins))
    se = np.bincount(np.searchsorted(edges, e), minlength=len(edges) + 1) / len(e)
    sa = np.bincount(np.searchsorted(edges, a), minlength=len(edges) + 1) / len(a)
    se = np.where(se == 0, eps, se)
    sa = np.where(sa == 0, eps, sa)
    return float(np.sum((sa - se) * np.log(sa / se))), len(edges) + 1


def g(x):
    return repr(float(x))


def glist(v):
    return "{" + ", ".join(g(x) for x in v) + "}"


print("// figures printed by testdata/golden.py (scikit-learn 1.2.1, numpy %s)" % np.__version__)
print("rocTies:", g(roc_auc_score(y, p)))
print("rocTiesWeighted:", g(roc_auc_score(y, p, sample_weight=w)))
print("rocDistinct:", g(roc_auc_score(y, u)))
print("apTies:", g(average_precision_score(y, p)))
print("apTiesWeighted:", g(average_precision_score(y, p, sample_weight=w)))
print("apDistinct:", g(average_precision_score(y, u)))
print("logLoss:", g(log_loss(y, p)))
print("logLossWeighted:", g(log_loss(y, p, sample_weight=w)))
print("brier:", g(brier_score_loss(y, p)))
print("brierWeighted:", g(brier_score_loss(y, p, sample_weight=w)))
print("mae:", g(mean_absolute_error(value, pred)))
print("maeWeighted:", g(mean_absolute_error(value, pred, sample_weight=w)))
print("rmse:", g(mean_squared_error(value, pred, squared=False)))
print("rmseWeighted:", g(mean_squared_error(value, pred, sample_weight=w, squared=False)))
for strategy in ["uniform", "quantile"]:
    t, m = calibration_curve(y, p, n_bins=10, strategy=strategy)
    print("calib %s observed:" % strategy, glist(t))
    print("calib %s predicted:" % strategy, glist(m))
print("liftTiesPositives:", glist(lift(y, p, 10)))
print("liftDistinctPositives:", glist(lift(y, u, 10)))
v, nb = psi(expected, actual, 10)
print("psi:", g(v), "bins:", nb)
v, nb = psi(np.round(expected), np.round(actual), 10)  # repeated edges
print("psiTies:", g(v), "bins:", nb)
v, nb = psi(expected, actual + 3, 10)  # empty bins in actual
print("psiEmpty:", g(v), "bins:", nb)
