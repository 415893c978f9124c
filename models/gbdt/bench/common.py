"""Shared loaders for the gbdt comparison scripts (run with /usr/bin/python3).

The datasets live in ../shared/data relative to the repository root; the
split files written by split.py sit beside this script and are read by both
the Python runs and the Go benchmarks, so all three train and test on the
same rows.
"""
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.abspath(os.path.join(ROOT, "..", "shared", "data"))
BANK = os.path.join(DATA, "bank-marketing", "bank-full.csv")
IFOOD = os.path.join(DATA, "ifood-crm", "ml_project1_data.csv")
SEED = 20240611
# The holdout split is scikit-learn's train_test_split(test_size=0.2,
# stratify=y, random_state=SPLIT_SEED): with random_state 0 scikit-learn 1.2
# reproduces the reference figures issue 5 quotes for bank-full (logistic
# regression 0.769).
SPLIT_SEED = 0


def load(name, path=None):
    """Return (X DataFrame, y ndarray 0/1, categorical column names)."""
    if name.startswith("bank"):
        df = pd.read_csv(path or BANK, sep=";")
        y = (df.pop("y") == "yes").astype(int).to_numpy()
        df = df.drop(columns=["duration"])
    elif name == "ifood":
        df = pd.read_csv(path or IFOOD)
        y = df.pop("Response").astype(int).to_numpy()
        df = df.drop(columns=["ID", "Z_CostContact", "Z_Revenue"])
        # Days since the earliest enrolment date in the file; segmint's
        # frame reads ISO dates as days since 1970, the same order.
        d = pd.to_datetime(df["Dt_Customer"])
        df["Dt_Customer"] = (d - pd.Timestamp("2012-07-30")).dt.days
    else:
        raise ValueError(name)
    cats = [c for c in df.columns if df[c].dtype == object]
    return df, y, cats


def split_path(name):
    return os.path.join(HERE, name + "-split.csv")


def read_split(name, n):
    """Return a boolean array: True where the row is in the test set."""
    test = np.zeros(n, dtype=bool)
    with open(split_path(name)) as f:
        header = f.readline().strip()
        assert header == "test_row", header
        for line in f:
            test[int(line)] = True
    return test
