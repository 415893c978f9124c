"""scikit-learn beside segmint's classifiers on one backtest snapshot.

    /usr/bin/python3 jobs/train/testdata/backtest/sklearn_backtest.py TRAIN SCORE PRED [regression]

TRAIN and SCORE are the CSV files TestBacktest (jobs/train/backtest_test.go)
writes for one classifier and date: the features of lib/featureset (country
a category, an empty cell a missing value) and the label y. TRAIN is the
snapshot segmint's learners are fitted on (as of D+1-2H), SCORE the eligible
customers as of the end of D, labelled by what happened in [D+1, D+1+H).

Fits HistGradientBoostingClassifier (defaults, country as a native category,
early_stopping="auto") and LogisticRegression (mean imputation with missing
indicators and standard scaling of the numbers, one-hot country, C=1,
max_iter=10000) on TRAIN, scores SCORE, writes the probabilities to PRED
(columns hgb, logreg, in SCORE's row order) and prints the metrics as JSON.

With "regression" the label is the customer's revenue over the next 90 days
and the script fits HistGradientBoostingRegressor three ways (defaults, on
the squared error; on the absolute error; on the absolute error of the
difference from revenue_90d, added back and floored at 0, as segmint's
l1_from_last_90d setting does) and writes columns hgb_squared_error,
hgb_absolute_error and hgb_absolute_error_from_last.
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

CATEGORICAL = ["country"]


def read(path, dtype=int):
    """The snapshot as features and labels; only an empty cell is missing."""
    df = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={c: object for c in CATEGORICAL})
    y = df.pop("y").to_numpy(dtype=dtype)
    return df, y


def fit_hgb_regressor(X, y, loss):
    """HistGradientBoostingRegressor with country as a native category."""
    enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan)
    ct = ColumnTransformer([("cat", enc, CATEGORICAL)], remainder="passthrough")
    mask = [True] * len(CATEGORICAL) + [False] * (X.shape[1] - len(CATEGORICAL))
    hgb = HistGradientBoostingRegressor(loss=loss, categorical_features=mask, early_stopping="auto", random_state=0)
    return make_pipeline(ct, hgb).fit(X, y)


def regression(train_path, score_path, pred_path):
    Xtr, ytr = read(train_path, float)
    Xte, yte = read(score_path, float)
    last_tr, last_te = Xtr["revenue_90d"].to_numpy(), Xte["revenue_90d"].to_numpy()
    preds = {
        "hgb_squared_error": fit_hgb_regressor(Xtr, ytr, "squared_error").predict(Xte),
        "hgb_absolute_error": fit_hgb_regressor(Xtr, ytr, "absolute_error").predict(Xte),
        "hgb_absolute_error_from_last": np.maximum(
            last_te + fit_hgb_regressor(Xtr, ytr - last_tr, "absolute_error").predict(Xte), 0),
    }
    pd.DataFrame(preds).to_csv(pred_path, index=False, float_format="%.17g")
    out = {name: {"mae": float(np.mean(np.abs(yte - p)))} for name, p in preds.items()}
    json.dump(out, sys.stdout)
    print()


def fit_hgb(X, y):
    """HistGradientBoosting with country as a native categorical feature."""
    enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan)
    ct = ColumnTransformer([("cat", enc, CATEGORICAL)], remainder="passthrough")
    mask = [True] * len(CATEGORICAL) + [False] * (X.shape[1] - len(CATEGORICAL))
    hgb = HistGradientBoostingClassifier(categorical_features=mask, early_stopping="auto", random_state=0)
    model = make_pipeline(ct, hgb).fit(X, y)
    return model, {"n_iter": int(hgb.n_iter_)}


def fit_logreg(X, y):
    """LogisticRegression on standardised numbers and a one-hot country."""
    numeric = [c for c in X.columns if c not in CATEGORICAL]
    nums = Pipeline([("impute", SimpleImputer(strategy="mean", add_indicator=True)), ("scale", StandardScaler())])
    cats = Pipeline([("impute", SimpleImputer(strategy="constant", fill_value="(missing)")),
                     ("onehot", OneHotEncoder(handle_unknown="ignore"))])
    ct = ColumnTransformer([("num", nums, numeric), ("cat", cats, CATEGORICAL)])
    lr = LogisticRegression(C=1.0, max_iter=10000)
    model = make_pipeline(ct, lr).fit(X, y)
    return model, {"n_iter": int(lr.n_iter_[0])}


def metrics(y, p):
    return {
        "roc_auc": roc_auc_score(y, p),
        "pr_auc": average_precision_score(y, p),
        "brier": brier_score_loss(y, p),
        "log_loss": log_loss(y, p),
    }


def main(train_path, score_path, pred_path):
    Xtr, ytr = read(train_path)
    Xte, yte = read(score_path)
    out = {"train_rows": len(ytr), "score_rows": len(yte)}
    preds = {}
    for name, fit in (("hgb", fit_hgb), ("logreg", fit_logreg)):
        model, info = fit(Xtr, ytr)
        p = model.predict_proba(Xte)[:, 1]
        preds[name] = p
        out[name] = {**metrics(yte, p), **info}
    pd.DataFrame(preds).to_csv(pred_path, index=False, float_format="%.17g")
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[4] == "regression":
        regression(*sys.argv[1:4])
    elif len(sys.argv) == 4:
        main(*sys.argv[1:])
    else:
        sys.exit(__doc__)
