"""Train scikit-learn and XGBoost on a split and print AUC, fit time, peak RSS.

    /usr/bin/python3 models/gbdt/bench/compare.py MODEL DATA [CSV SPLIT]

MODEL is sklearn or xgb; DATA is bank, ifood or bank10x (for bank10x give the
CSV and split files written by make10x.py). Run one model per process, so the
peak resident set (ru_maxrss) belongs to that model; the figure includes the
Python interpreter, pandas and the loaded table. Both libraries use all cores
(OpenMP), two on the benchmark machine.
"""
import resource
import sys
import time

import numpy as np
from sklearn.metrics import roc_auc_score

import common


def fit_sklearn(Xtr, ytr, cats):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.preprocessing import OrdinalEncoder
    enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan)
    mask = [c in cats for c in Xtr.columns]
    Xtr = Xtr.copy()
    if cats:
        Xtr[cats] = enc.fit_transform(Xtr[cats])
    m = HistGradientBoostingClassifier(categorical_features=mask, random_state=0)
    t = time.perf_counter()
    m.fit(Xtr.to_numpy(dtype=float), ytr)
    fit = time.perf_counter() - t

    def predict(X):
        X = X.copy()
        if cats:
            X[cats] = enc.transform(X[cats])
        return m.predict_proba(X.to_numpy(dtype=float))[:, 1]
    return fit, predict, m.n_iter_


def fit_xgb(Xtr, ytr, cats):
    import xgboost as xgb
    Xtr = Xtr.copy()
    levels = {}
    for c in cats:
        Xtr[c] = Xtr[c].astype("category")
        levels[c] = Xtr[c].cat.categories
    m = xgb.XGBClassifier(tree_method="hist", enable_categorical=True, random_state=0)
    t = time.perf_counter()
    m.fit(Xtr, ytr)
    fit = time.perf_counter() - t

    def predict(X):
        X = X.copy()
        for c in cats:
            X[c] = pd_cat(X[c], levels[c])
        return m.predict_proba(X)[:, 1]
    return fit, predict, m.n_estimators


def pd_cat(s, levels):
    import pandas as pd
    return pd.Categorical(s, categories=levels)


def main():
    model, data = sys.argv[1], sys.argv[2]
    if data == "bank10x":
        X, y, cats = common.load("bank", sys.argv[3])
        test = np.zeros(len(y), dtype=bool)
        with open(sys.argv[4]) as f:
            f.readline()
            test[[int(l) for l in f]] = True
    else:
        X, y, cats = common.load(data)
        test = common.read_split(data, len(y))
    fit = {"sklearn": fit_sklearn, "xgb": fit_xgb}[model]
    secs, predict, iters = fit(X[~test], y[~test], cats)
    auc = roc_auc_score(y[test], predict(X[test]))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{model} {data} rows={len(y)} train={int((~test).sum())} test={int(test.sum())} "
          f"auc={auc:.4f} fit_s={secs:.2f} iters={iters} peak_rss_mb={rss:.0f}")


if __name__ == "__main__":
    main()
