"""Write the 10x bank-full table: rows resampled with noise on numeric columns.

    /usr/bin/python3 models/gbdt/bench/make10x.py [OUTDIR]

OUTDIR defaults to $TMPDIR/segmint-gbdt-bench. Writes bank10x.csv (same
columns and `;` format as bank-full.csv, 452,110 rows, ~40 MB, not committed)
and bank10x-split.csv. Each output row copies a row of bank-full drawn with
replacement by a seeded generator; the numeric columns get Gaussian noise
with a tenth of the column's standard deviation, rounded to whole numbers as
in the source. Output rows copied from a test row of bank-split.csv are the
test rows of the 10x table, so no test row has a near-twin in training.
"""
import csv
import os
import sys
import tempfile

import numpy as np
import pandas as pd

import common

NUMERIC = ["age", "balance", "day", "duration", "campaign", "pdays", "previous"]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.gettempdir(), "segmint-gbdt-bench")
    os.makedirs(out, exist_ok=True)
    df = pd.read_csv(common.BANK, sep=";")
    n = len(df)
    test = common.read_split("bank", n)
    rng = np.random.default_rng(common.SEED)
    src = rng.integers(0, n, size=10 * n)
    big = df.iloc[src].reset_index(drop=True)
    for c in NUMERIC:
        sd = df[c].std()
        big[c] = np.rint(big[c] + rng.normal(0.0, 0.1 * sd, size=len(big))).astype(np.int64)
    path = os.path.join(out, "bank10x.csv")
    big.to_csv(path, sep=";", index=False, quoting=csv.QUOTE_NONNUMERIC)
    rows = np.nonzero(test[src])[0]
    with open(os.path.join(out, "bank10x-split.csv"), "w") as f:
        f.write("test_row\n")
        f.write("".join(f"{i}\n" for i in rows))
    print(path, "rows", len(big), "test", len(rows), "bytes", os.path.getsize(path))


if __name__ == "__main__":
    main()
