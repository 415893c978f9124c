// Package gbdt is histogram gradient boosting of decision trees in the
// manner of LightGBM and scikit-learn's HistGradientBoosting, in pure Go.
//
// Features come from a frame.Frame. Numeric features are cut into at most
// MaxBins quantile bins (uint8 codes) found on the training rows; a missing
// value (NaN) has a bin of its own. Categorical features keep one bin per
// level (the rarest levels share one when there are more than MaxBins).
//
// Trees grow leaf-wise: the leaf whose best split reduces the loss most is
// split next, up to MaxLeaves leaves (and MaxDepth, when set). A split is
// found on histograms of gradient and hessian sums; the smaller child's
// histogram is built from its rows and the larger one's is the parent's
// minus the smaller. Numeric splits try sending the missing values to
// either side. Categorical splits order the levels at the node by
// G/(H+CatSmooth) and cut that order at the best point, as LightGBM and
// scikit-learn do; levels with less support than CatSmooth go right, and
// missing values take part as a level of their own. Leaf values are
// -G/(H+Lambda) times the learning rate.
//
// Objectives are the binary log loss (labels 0/1, predictions are
// probabilities) and the squared error. Rows and features can be
// subsampled per tree; early stopping holds out a stratified validation
// share and keeps the trees up to the best round.
//
// Training runs on Params.Workers goroutines (all cores by default): each
// feature's histogram is built by one goroutine in row order, and splits are
// compared in feature order, so a model depends only on the data and the
// parameters, the seed included, never on scheduling: the same inputs give
// byte-identical model files with one goroutine or many.
//
// A Model marshals to JSON that a person can read: the features with their
// kinds, levels and bin thresholds, the gain importance, the training
// settings and validation losses, and every tree as a list of nodes naming
// their feature and threshold or left-going levels. Reading a file back
// gives a model whose predictions are bit-identical.
package gbdt
