"""scikit-learn's side of models/kmeans's benchmarks, on the same rows.

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 models/kmeans/bench/sklearn_bench.py blobs /tmp/kmeans-blobs.csv
    KMEANS_BENCH_CSV=/tmp/kmeans-blobs.csv go test -run XXX -bench 'Fit$|ChooseK' -benchtime 1x ./models/kmeans/

    /usr/bin/python3 models/kmeans/bench/sklearn_bench.py bank ../shared/data/bank-marketing/bank-full.csv
    go test -run XXX -bench BankFull -benchtime 1x ./models/kmeans/

"blobs" writes 100,000 x 10 rows around 8 centres (make_blobs) to the
given CSV for the Go benchmark to read, then times KMeans(k=8, n_init=10)
and the choice of k from 2 to 8 by the silhouette on 2,000 rows. "bank"
reads UCI bank-full, one-hots its text columns as segmint's frame does
(every column but y), and times the choice of k. Each fit is the pipeline
kmeans documents: mean imputation, standard scaling, Lloyd with k-means++.
"""
import sys
import time

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.impute import SimpleImputer
from sklearn.metrics import silhouette_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def standardise(X):
    return make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()).fit_transform(X)


def choose(X):
    t = time.perf_counter()
    Z = standardise(X)
    rng = np.random.default_rng(1)
    sample = rng.choice(len(Z), size=min(2000, len(Z)), replace=False)
    best = None
    for k in range(2, 9):
        km = KMeans(k, n_init=10, random_state=1, algorithm="lloyd").fit(Z)
        s = silhouette_score(Z[sample], km.labels_[sample])
        print("  k=%d inertia %.2f silhouette %.4f iterations %d" % (k, km.inertia_, s, km.n_iter_))
        if best is None or s > best[1]:
            best = (k, s)
    print("choose k 2..8: %.2f s, k=%d silhouette %.4f" % (time.perf_counter() - t, best[0], best[1]))


def main():
    what, path = sys.argv[1], sys.argv[2]
    if what == "blobs":
        X, _ = make_blobs(n_samples=100000, n_features=10, centers=8, random_state=0)
        X = np.round(X, 6)
        pd.DataFrame(X, columns=["x%d" % j for j in range(10)]).assign(label=0).to_csv(path, index=False)
        t = time.perf_counter()
        km = KMeans(8, n_init=10, random_state=1, algorithm="lloyd").fit(standardise(X))
        print("fit k=8 n_init=10: %.2f s, inertia %.2f" % (time.perf_counter() - t, km.inertia_))
        choose(X)
    elif what == "bank":
        df = pd.read_csv(path, sep=";").drop(columns=["y"])
        X = pd.get_dummies(df, prefix_sep="=").to_numpy(dtype=float)
        print("bank-full: %d rows, %d columns" % X.shape)
        choose(X)
    else:
        sys.exit("usage: sklearn_bench.py blobs|bank PATH")


main()
