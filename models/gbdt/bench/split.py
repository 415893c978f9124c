"""Write the stratified 80/20 test rows of bank-full and iFood.

    /usr/bin/python3 models/gbdt/bench/split.py

Writes bank-split.csv and ifood-split.csv beside this script: a header
`test_row` and the 0-based data-row indices (header excluded) of the test
set, ascending. The Go benchmarks and compare.py read these files, so every
model trains and tests on the same rows. The 10x table (make10x.py) keeps the
test rows of the original file at the same indices.
"""
from sklearn.model_selection import train_test_split
import numpy as np

import common


def main():
    for name in ("bank", "ifood"):
        X, y, _ = common.load(name)
        idx = np.arange(len(y))
        _, test = train_test_split(idx, test_size=0.2, stratify=y,
                                   random_state=common.SPLIT_SEED)
        with open(common.split_path(name), "w") as f:
            f.write("test_row\n")
            for i in sorted(test):
                f.write(f"{i}\n")
        print(name, "rows", len(y), "test", len(test), "test positives", int(y[test].sum()))


if __name__ == "__main__":
    main()
