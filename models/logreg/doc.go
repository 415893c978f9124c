// Package logreg fits L2-regularised logistic regression for binary labels,
// on the same footing as scikit-learn's LogisticRegression(C=1.0), so that
// the two can be compared coefficient by coefficient.
//
// # Columns
//
// Every feature of the training frame becomes one or more model columns:
//
//   - a numeric feature x becomes (x - mean) / sd, with the mean and the
//     population standard deviation (ddof 0, as StandardScaler) of its
//     finite training values, weighted by the sample weights. A constant
//     feature keeps sd 1. A missing value (NaN, or ±Inf) counts as the mean,
//     0 after scaling; when the training rows had missing values the feature
//     also gets a 0/1 column "x=(missing)".
//   - a categorical feature g gets one 0/1 column "g=level" per level seen in
//     training (all levels: no reference level is dropped, as OneHotEncoder
//     by default). With MinLevelCount > 1, levels seen in fewer training rows
//     share one column "g=(other)". When the training rows had missing values
//     the feature gets a column "g=(missing)". At prediction a level the model
//     does not know sets no column (all zeros), as does a missing value of a
//     feature that had none in training.
//
// # Objective
//
// The fit minimises, over the intercept b (not penalised) and the
// coefficients w,
//
//	(1/W) sum_i s_i [ log(1 + exp(z_i)) - y_i z_i ] + ||w||^2 / (2 C W),   z_i = b + x_i.w,
//
// where s_i are the sample weights (1 by default) and W their sum. This is
// scikit-learn's C sum_i s_i loss_i + ||w||^2 / 2 divided by C W: the same
// minimum, on a scale where the gradient does not grow with the row count.
// C = 1 by default; smaller C, stronger penalty. The penalty keeps the fit
// finite on separable data.
//
// The optimiser is L-BFGS (gonum/optimize, 10 corrections, bisection line
// search) from zero, stopped when every gradient component of the objective
// above is below GradTol (1e-9), after MaxIter iterations (1000), or when
// the line search can no longer improve the objective in float64 (then the
// model is kept with Converged false). On the bank-marketing sample in
// testdata the coefficients agree with scikit-learn's exact optimum to about
// 1e-5 relative.
//
// # Determinism
//
// The rows are cut into at most 16 parts by row count alone; the workers
// (GOMAXPROCS by default) compute each part's loss and gradient, and the
// parts are summed in part order. The same data therefore gives the same
// bits on any number of cores, and Save writes byte-identical files.
//
// # Model files
//
// Save writes indented JSON: the input features (frame.Feature, for
// frame.Table.Align), the intercept, and one entry per column with its name,
// kind, encoding (mean and sd, or level) and coefficient on the standardised
// scale, then how the fit ended. Load checks the file, and a loaded model
// predicts bit for bit what the saved one did.
package logreg
