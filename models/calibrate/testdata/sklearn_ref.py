"""Reference calibration maps from scikit-learn for calibrate's tests.

usage: python3 sklearn_ref.py FIT.csv QUERY.csv > out.json

FIT.csv has columns set,s,y (the pairs of each data set); QUERY.csv has
columns set,q (the scores to predict). For every set the script prints
scikit-learn's Platt parameters on the scores as given ("a", "b") and, when
every score is in [0, 1], on their logits clipped as calibrate's InputLogit
clips them ("logit_a", "logit_b"), and the predictions of the isotonic fit at
the query scores ("pred"), with its breakpoints ("x", "y").
"""
import csv
import json
import sys
from collections import defaultdict

import numpy as np
from scipy.special import logit
from sklearn.calibration import _sigmoid_calibration
from sklearn.isotonic import IsotonicRegression

EPS = 2.0**-52  # calibrate.LogitEps


def read(path, cols):
    """Columns cols of the CSV at path, grouped by its set column."""
    sets = defaultdict(lambda: [[] for _ in cols])
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            for i, c in enumerate(cols):
                sets[row["set"]][i].append(float(row[c]))
    return sets


def reference(s, y, q):
    """scikit-learn's maps of one set."""
    s, y, q = np.array(s), np.array(y), np.array(q)
    a, b = _sigmoid_calibration(s, y)
    out = {"a": float(a), "b": float(b)}
    if ((s >= 0) & (s <= 1)).all():
        la, lb = _sigmoid_calibration(logit(np.clip(s, EPS, 1 - EPS)), y)
        out["logit_a"], out["logit_b"] = float(la), float(lb)
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1, increasing=True)
    iso.fit(s, y)
    out["pred"] = iso.predict(q).tolist()
    out["x"] = iso.X_thresholds_.tolist()
    out["y"] = iso.y_thresholds_.tolist()
    return out


def main():
    fit = read(sys.argv[1], ["s", "y"])
    query = read(sys.argv[2], ["q"])
    out = {name: reference(s, y, query[name][0]) for name, (s, y) in fit.items()}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
