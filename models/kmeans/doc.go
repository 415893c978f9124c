// Package kmeans segments customers by k-means: Lloyd's algorithm on
// standardised features, seeded by k-means++ and restarted several times,
// with k given or chosen by the silhouette, and a profile of each cluster
// that people can read.
//
// The fit follows scikit-learn 1.2 so that its figures can be checked
// against it (testdata/golden.py): missing values (NaN) take the column
// mean and every column is scaled to mean 0 and standard deviation 1
// (SimpleImputer(strategy="mean") then StandardScaler; a constant column
// keeps scale 1). Seeding is scikit-learn's greedy k-means++ (2 + ln k
// candidates per centre, the one that lowers the inertia most is kept);
// Lloyd's iterations stop when no label changes, when the centres move less
// than Tol times the mean column variance, or after MaxIter; an empty
// cluster takes the row farthest from its centre. Of Restarts runs the one
// of lowest inertia wins. On the test data (UCI wine and a synthetic table
// with missing values) the best inertia, the labels and the silhouette equal
// those of scikit-learn's best of 200 restarts.
//
// Choosing k: with Config.K 0, every k from KMin to KMax is fitted and the
// one with the highest mean silhouette wins (the smaller k on a tie). The
// silhouette costs a distance between every pair of rows, so it is computed
// on SilhouetteSample rows drawn with the seed, the same rows for every k.
//
// Categorical columns (Fit on a frame) enter one-hot, one 0/1 column per
// level named "feature=level", standardised like the rest; a missing or
// unseen level takes each indicator's training mean, the level's share.
//
// Determinism: random numbers come from math/rand/v2's PCG seeded with
// Config.Seed and the k and restart, and work is split into fixed chunks of
// rows whose partial sums are added in chunk order, so the same data and
// seed give the same model, bit for bit, whatever Config.Workers is. The
// assignment step, the seeding's distance updates and the silhouette run on
// Workers goroutines.
package kmeans
