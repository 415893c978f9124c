"""Data and reference figures for models/kmeans's tests.

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 models/kmeans/testdata/golden.py

It writes wine.csv (the UCI wine data bundled with scikit-learn) and
blobs.csv (synthetic, with missing values), each with the cluster labels of
scikit-learn's best fit in a last column `sk_label`, and prints the figures
that kmeans_test.go holds. The pipeline is the one kmeans documents:
SimpleImputer(strategy="mean"), StandardScaler, then KMeans (Lloyd,
k-means++ with scikit-learn's greedy trials, tol 1e-4) with many restarts,
so that the best inertia is the data's global optimum rather than luck.
"""
import csv
import os

import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import load_wine, make_blobs
from sklearn.impute import SimpleImputer
from sklearn.metrics import silhouette_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

here = os.path.dirname(os.path.abspath(__file__))


def standardised(X):
    return make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()).fit_transform(X)


def write(name, header, X, labels):
    with open(os.path.join(here, name), "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(header + ["sk_label"])
        for row, l in zip(X, labels):
            out.writerow(["" if np.isnan(v) else repr(float(v)) for v in row] + [int(l)])


def best(Z, k):
    return KMeans(k, n_init=200, random_state=0, algorithm="lloyd").fit(Z)


print("// figures printed by testdata/golden.py (scikit-learn 1.2.1)")

wine = load_wine()
Z = standardised(wine.data)
for k in (2, 3):
    km = best(Z, k)
    print("wine k=%d inertia %r silhouette %r" % (k, km.inertia_, silhouette_score(Z, km.labels_)))
    if k == 3:
        write("wine.csv", list(wine.feature_names), wine.data, km.labels_)

rng = np.random.default_rng(5)
X, _ = make_blobs(n_samples=600, centers=4, n_features=5, cluster_std=1.5, random_state=7)
X = np.round(X * np.array([1, 10, 100, 0.1, 1000]) + np.array([0, 50, 1000, 0, 0]), 3)
X[rng.random(X.shape) < 0.05] = np.nan
Z = standardised(X)
km = best(Z, 4)
print("blobs k=4 inertia %r silhouette %r" % (km.inertia_, silhouette_score(Z, km.labels_)))
write("blobs.csv", ["a", "b", "c", "d", "e"], X, km.labels_)
