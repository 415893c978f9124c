// Package calibrate turns a classifier's over-confident scores into
// probabilities: it fits a calibration map on held-out (score, label) pairs,
// picks the map that predicts best, and applies it. The maps are scikit-learn
// 1.2's, and the tests hold them to scikit-learn on the same data:
//
//   - Platt scaling (FitPlatt) is sklearn.calibration._sigmoid_calibration:
//     p = 1 / (1 + exp(A*s + B)) fitted by maximum likelihood against Platt's
//     smoothed targets (N+ + 1)/(N+ + 2) for a positive and 1/(N- + 2) for a
//     negative. scikit-learn minimises with BFGS; this package uses the
//     Newton method with backtracking of Lin, Lin and Weng ("A note on
//     Platt's probabilistic outputs for support vector machines", 2007),
//     which reaches the same minimum, more tightly.
//   - Isotonic regression (FitIsotonic) is IsotonicRegression(increasing=True,
//     y_min=0, y_max=1, out_of_bounds="clip"): the labels of tied scores are
//     averaged first (scores closer than 1e-15 to the first of a run count as
//     tied, as in scikit-learn's _make_unique), pool-adjacent-violators fits
//     a non-decreasing step function, scores outside the fitted range take the
//     end values and scores in between are interpolated linearly.
//
// # Which scores to calibrate
//
// scikit-learn's CalibratedClassifierCV(method="sigmoid") fits Platt on the
// estimator's decision_function when it has one, else on the positive column
// of predict_proba as given, not on its logit ("The calibration is based on
// the decision_function method of the estimator if it exists, else on
// predict_proba", scikit-learn 1.2's reference page of
// CalibratedClassifierCV; _compute_predictions in sklearn/calibration.py).
// InputScore is that last convention: Platt reads the score as given, a
// probability included. InputLogit reads logit(p) of a probability p instead
// (p clipped to [2^-52, 1 - 2^-52], so 0 and 1 become about -36 and 36 and
// weigh heavily on the fit: do not round probabilities before calibrating).
//
// For segmint's classifiers use InputLogit: models/logreg and models/gbdt
// predict p = sigmoid(margin), so logit(p) is the margin, the
// decision_function that scikit-learn would calibrate on for its own
// LogisticRegression or HistGradientBoostingClassifier; A = -1, B = 0 is
// then the identity, and a model over-confident by a factor k gets A near
// -1/k. Isotonic regression depends only on the order of the scores up to
// its linear interpolation, so it always reads them as given.
//
// # Choosing
//
// Choose compares, by k-fold cross-validation within the held-out pairs, the
// scores as given ("none", when they are probabilities), Platt scaling and
// isotonic regression, and keeps the one with the lowest out-of-fold log
// loss, refitted on all the pairs. Isotonic regression overfits small
// samples ("It is not advised to use isotonic calibration with too few
// calibration samples (<<1000) since it tends to overfit", the same page),
// so it is tried only from DefaultMinIsotonicRows (1,000) rows up; below
// that the choice is between none and Platt. An isotonic map predicts 0 or
// 1 exactly beyond its lowest and highest levels, so one surprise in a
// held-out fold costs it about 36 (the clipped log loss): the comparison
// penalises it for that, as it should. The base rate (the
// positive share of the training folds, the same for every row) is reported
// as the floor any useful model must beat.
//
// A Calibrator is the fitted map in a form that serialises to JSON (its kind
// and its parameters or breakpoints), to be stored inside a model file;
// decoding checks it.
package calibrate
