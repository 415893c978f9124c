"""scikit-learn side of segmint's logistic regression comparison.

Run with Debian's python3 (python3-sklearn 1.2, pandas, numpy), from
models/logreg:

    /usr/bin/python3 testdata/sklearn_logreg.py sample   # rewrite testdata/bank/bank-logreg-sample.csv
    /usr/bin/python3 testdata/sklearn_logreg.py golden   # rewrite testdata/golden/*.json
    /usr/bin/python3 testdata/sklearn_logreg.py bench [--test-rows FILE] [path/to/bank-full.csv]

The preprocessing is segmint's, written with scikit-learn parts: numeric
columns standardised (StandardScaler, population sd, mean and sd over the
present values); a numeric value that is missing becomes 0 after scaling
plus a 0/1 indicator column when the training data had missing values
(SimpleImputer(constant 0, add_indicator=True)); categoricals one-hot encoded
with every level (OneHotEncoder, a missing value is its own level, levels
seen in fewer than min_frequency rows pooled into one column); then
LogisticRegression(lbfgs, L2, C). Columns are named as segmint names them:
"age", "age=(missing)", "job=admin.", "job=(other)", "job=(missing)".

The bench split is segmint's reproducible stratified split (split_rows): the
rows of each class, in file order, sorted by splitmix64(seed + row) and the
first floor(0.2 * n + 0.5) of them go to test. bank_bench_test.go implements
the same rule, so both sides score the same test rows. --test-rows reads
the test rows from a file instead (a header, then one 0-based row a line),
such as the split the gbdt benchmarks share (../gbdt/bench/bank-split.csv).
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import OneHotEncoder, StandardScaler

SAMPLE = "testdata/bank/bank-logreg-sample.csv"
FULL = "../../../shared/data/bank-marketing/bank-full.csv"
MASK = (1 << 64) - 1
SPLIT_SEED = 20240601
SAMPLE_SEED = 5
SAMPLE_ROWS = 2000


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def split_rows(y, seed, test_share=0.2):
    """Stratified split: returns sorted (train, test) row indexes."""
    train, test = [], []
    for cls in sorted(set(y)):
        rows = [i for i, v in enumerate(y) if v == cls]
        rows.sort(key=lambda i: (splitmix64((seed + i) & MASK), i))
        k = int(np.floor(test_share * len(rows) + 0.5))
        test += rows[:k]
        train += rows[k:]
    return sorted(train), sorted(test)


def read_bank(path):
    df = pd.read_csv(path, sep=";")
    y = (df.pop("y") == "yes").astype(float).to_numpy()
    df = df.drop(columns=["duration"])
    return df, y


def design(df, weights=None, min_frequency=None):
    """Returns (matrix, column names) built as segmint builds its design."""
    parts, names = [], []
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_numeric_dtype(s):
            x = s.to_numpy(dtype=float).reshape(-1, 1)
            scaled = StandardScaler().fit(x, sample_weight=weights).transform(x)
            miss = np.isnan(scaled)
            scaled[miss] = 0.0
            parts.append(scaled)
            names.append(col)
            if miss.any():
                parts.append(miss.astype(float))
                names.append(col + "=(missing)")
            continue
        x = s.to_numpy(dtype=object).reshape(-1, 1)
        enc = OneHotEncoder(handle_unknown="ignore", min_frequency=min_frequency, sparse_output=False)
        parts.append(enc.fit_transform(x))
        for level in enc.get_feature_names_out([col]):
            level = level[len(col) + 1 :]
            if level == "nan":
                level = "(missing)"
            elif level == "infrequent_sklearn":
                level = "(other)"
            names.append(col + "=" + level)
    return np.hstack(parts), names


def fit(x, y, c, weights=None, tol=1e-4, max_iter=100):
    m = LogisticRegression(C=c, solver="lbfgs", tol=tol, max_iter=max_iter)
    m.fit(x, y, sample_weight=weights)
    return m


def with_blanks(df):
    """The sample with values blanked by row number, as golden_test.go does."""
    df = df.copy()
    i = np.arange(len(df))
    df["balance"] = df["balance"].astype(float)
    df.loc[i % 17 == 0, "balance"] = np.nan
    df["job"] = df["job"].astype(object)
    df.loc[i % 23 == 0, "job"] = np.nan
    return df


# The golden cases; golden_test.go runs the same ones.
CASES = {
    "plain": dict(c=1.0),
    "blanks": dict(c=1.0, blanks=True),
    "rare": dict(c=0.1, min_frequency=30),
    "weighted": dict(c=1.0, weighted=True),
}


def golden():
    df, y = read_bank(SAMPLE)
    for name, case in CASES.items():
        d = with_blanks(df) if case.get("blanks") else df
        w = (1.0 + np.arange(len(d)) % 3) if case.get("weighted") else None
        x, names = design(d, weights=w, min_frequency=case.get("min_frequency"))
        # The reference is the exact optimum of LogisticRegression's
        # objective, so the comparison measures the model, not where an
        # optimiser happened to stop: newton-cholesky (new in 1.2, same
        # objective as lbfgs) reaches it to machine precision in a few steps.
        # lbfgs stops on scipy's default ftol (2.2e-9 relative decrease) even
        # with a tiny tol, about 1e-3 away on the smallest coefficients; its
        # distance is recorded beside the reference.
        m = LogisticRegression(C=case["c"], solver="newton-cholesky", tol=1e-14, max_iter=1000)
        m.fit(x, y, sample_weight=w)
        lb = fit(x, y, case["c"], weights=w, tol=1e-12, max_iter=100000)
        coef = dict(zip(names, m.coef_[0].tolist()))
        out = {
            "case": name,
            "c": case["c"],
            "min_level_count": case.get("min_frequency") or 0,
            "sklearn": __import__("sklearn").__version__,
            "solver": "newton-cholesky",
            "n_iter": int(m.n_iter_[0]),
            "lbfgs_max_abs_diff": float(np.max(np.abs(np.append(lb.coef_[0] - m.coef_[0], lb.intercept_ - m.intercept_)))),
            "intercept": float(m.intercept_[0]),
            "coef": coef,
        }
        path = "testdata/golden/%s.json" % name
        with open(path, "w") as f:
            json.dump(out, f, indent=1, sort_keys=True)
            f.write("\n")
        print("%s: %d columns, %d iterations -> %s" % (name, len(names), m.n_iter_[0], path))


def sample(full=FULL):
    with open(full) as f:
        lines = f.read().splitlines()
    header, rows = lines[0], lines[1:]
    keep = sorted(range(len(rows)), key=lambda i: (splitmix64(SAMPLE_SEED + i), i))[:SAMPLE_ROWS]
    with open(SAMPLE, "w") as f:
        f.write("\n".join([header] + [rows[i] for i in sorted(keep)]) + "\n")
    print("wrote %d rows to %s" % (len(keep), SAMPLE))


def bench(*args):
    args = list(args)
    test_rows = None
    if args[:1] == ["--test-rows"]:
        test_rows, args = args[1], args[2:]
    df, y = read_bank(args[0] if args else FULL)
    if test_rows:
        test = sorted(pd.read_csv(test_rows).iloc[:, 0].tolist())
        train = sorted(set(range(len(y))) - set(test))
    else:
        train, test = split_rows(list(y), SPLIT_SEED)
    t0 = time.perf_counter()
    xtr, xte, names = design_train_test(df, train, test)
    t1 = time.perf_counter()
    print("train %d rows, test %d rows (%d positive), %d columns; preprocessing %.3fs"
          % (len(train), len(test), int(y[test].sum()), xtr.shape[1], t1 - t0))
    for label, tol, it in (("defaults (tol=1e-4, max_iter=100)", 1e-4, 100), ("tol=1e-10, max_iter=100000", 1e-10, 100000)):
        t2 = time.perf_counter()
        m = fit(xtr, y[train], 1.0, tol=tol, max_iter=it)
        t3 = time.perf_counter()
        auc = roc_auc_score(y[test], m.predict_proba(xte)[:, 1])
        print("sklearn LogisticRegression(C=1, lbfgs) %s: %d iterations, fit %.3fs, test ROC AUC %.4f"
              % (label, m.n_iter_[0], t3 - t2, auc))
    print("intercept %.6f; largest coefficients:" % m.intercept_[0])
    for n, c in sorted(zip(names, m.coef_[0]), key=lambda t: -abs(t[1]))[:8]:
        print("  %-22s %+.6f" % (n, c))


def design_train_test(df, train, test):
    """Encoders fitted on the training rows, applied to both parts (no blanks in bank-full)."""
    tr, te = df.iloc[train], df.iloc[test]
    ptr, pte, names = [], [], []
    for col in df.columns:
        if pd.api.types.is_numeric_dtype(df[col]):
            a, b = tr[[col]].to_numpy(dtype=float), te[[col]].to_numpy(dtype=float)
            sc = StandardScaler().fit(a)
            ptr.append(sc.transform(a))
            pte.append(sc.transform(b))
            names.append(col)
        else:
            a, b = tr[[col]].to_numpy(dtype=object), te[[col]].to_numpy(dtype=object)
            enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(a)
            ptr.append(enc.transform(a))
            pte.append(enc.transform(b))
            names += [col + "=" + n[len(col) + 1 :] for n in enc.get_feature_names_out([col])]
    return np.hstack(ptr), np.hstack(pte), names


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    args = sys.argv[2:]
    if cmd == "golden":
        golden()
    elif cmd == "sample":
        sample(*args)
    elif cmd == "bench":
        bench(*args)
    else:
        sys.exit(__doc__)
