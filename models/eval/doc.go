// Package eval measures how good a model's predictions are: ranking metrics
// for scores (ROC AUC, average precision), probability metrics (log loss,
// Brier score, a calibration table), campaign metrics (lift and gains by
// group of rows ranked by score), drift between two score distributions
// (population stability index) and errors of value predictions (MAE, RMSE).
//
// The definitions are scikit-learn 1.2's wherever scikit-learn has the metric,
// and the tests hold the results to figures computed by scikit-learn on the
// same inputs (testdata/golden.py):
//
//   - ROCAUC is roc_auc_score: the area under the ROC curve by the trapezoid
//     rule, so tied scores count one half, as in the Mann-Whitney statistic.
//   - AveragePrecision is average_precision_score, the PR AUC that
//     scikit-learn reports: sum over distinct score thresholds of
//     (R_k - R_{k-1}) x P_k, a step function with no interpolation. It is not
//     the trapezoid area under the PR curve, which is optimistic.
//   - LogLoss is log_loss with eps="auto": probabilities are clipped to
//     [eps, 1-eps] with eps the float64 machine epsilon (2.22e-16), so one
//     confident mistake costs about 36, not infinity.
//   - BrierScore is brier_score_loss; MAE and RMSE are mean_absolute_error and
//     the square root of mean_squared_error.
//   - Calibration bins as calibration_curve does (equal-width bins on [0, 1]
//     or quantile bins of the predictions) but also returns the empty bins.
//
// Lift and PSI have no scikit-learn counterpart; their definitions, chosen so
// the result never depends on the order of the input rows, are on the
// functions.
//
// Inputs are checked before anything is computed: empty input, slices of
// different lengths, NaN or infinite values, labels other than 0 and 1,
// negative weights and (for the ranking metrics) a single class are errors
// wrapping the sentinel errors below, never a NaN result. Weights are optional
// (nil means every row weighs 1) on the metrics that take them.
package eval
