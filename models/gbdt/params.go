package gbdt

import (
	"errors"
	"fmt"
)

// Objective is the loss a model minimises.
type Objective string

// Objectives.
const (
	// Binary is the log loss for 0/1 labels; predictions are probabilities.
	Binary Objective = "binary"
	// Regression is the squared error; predictions are on the label's scale.
	Regression Objective = "regression"
	// AbsoluteError is the absolute error (scikit-learn's
	// loss="absolute_error"): trees are grown on the gradient's sign and
	// each leaf then takes the median residual of its rows, shrunk by the
	// learning rate; the base score is the median label. Predictions
	// estimate the conditional median, on the label's scale.
	AbsoluteError Objective = "absolute_error"
)

// regression reports whether the objective predicts numbers on the
// label's scale.
func (o Objective) regression() bool { return o == Regression || o == AbsoluteError }

// EarlyStopping says when Fit holds out a validation split and stops adding
// trees once its loss no longer improves.
type EarlyStopping string

// Early-stopping modes.
const (
	// EarlyStopAuto stops early when the training table has at least
	// AutoEarlyStopRows rows, as scikit-learn's HistGradientBoosting does.
	EarlyStopAuto EarlyStopping = "auto"
	EarlyStopOn   EarlyStopping = "on"
	EarlyStopOff  EarlyStopping = "off"
)

// AutoEarlyStopRows is the table size from which EarlyStopAuto holds out a
// validation split.
const AutoEarlyStopRows = 10000

// Params are the training settings. Start from DefaultParams and change what
// you need; Fit rejects settings that Validate reports.
type Params struct {
	Objective Objective `json:"objective"`
	// MaxIter is the largest number of trees (boosting rounds).
	MaxIter int `json:"max_iter"`
	// LearningRate shrinks every tree's leaf values.
	LearningRate float64 `json:"learning_rate"`
	// MaxLeaves caps the leaves of one tree; trees grow leaf-wise, always
	// splitting the leaf with the largest gain, as LightGBM does.
	MaxLeaves int `json:"max_leaves"`
	// MaxDepth caps the depth of a leaf (root = 0); 0 means no cap.
	MaxDepth int `json:"max_depth"`
	// MinSamplesLeaf is the fewest training rows in a leaf.
	MinSamplesLeaf int `json:"min_samples_leaf"`
	// MinChildWeight is the smallest sum of hessians in a leaf.
	MinChildWeight float64 `json:"min_child_weight"`
	// Lambda is the L2 penalty on leaf values.
	Lambda float64 `json:"lambda"`
	// MinSplitGain is the smallest loss reduction a split must bring.
	MinSplitGain float64 `json:"min_split_gain"`
	// MaxBins is the number of quantile bins per numeric feature (at most
	// 255); missing values get a bin of their own besides.
	MaxBins int `json:"max_bins"`
	// Subsample is the share of training rows each tree sees (drawn
	// without replacement, seeded); 1 uses all rows.
	Subsample float64 `json:"subsample"`
	// ColSample is the share of features each tree may split on; 1 uses all.
	ColSample float64 `json:"colsample"`

	// MinDataPerGroup is the fewest rows a category needs at a node to be
	// placed by the categorical split search; rarer categories go right.
	MinDataPerGroup int `json:"min_data_per_group"`
	// CatSmooth is added to a category's hessian sum when categories are
	// ordered by gradient/hessian, so small categories do not sit at the ends.
	CatSmooth float64 `json:"cat_smooth"`
	// CatL2 is an extra L2 penalty for categorical splits.
	CatL2 float64 `json:"cat_l2"`
	// MaxCatThreshold caps the categories on the left of a categorical split.
	MaxCatThreshold int `json:"max_cat_threshold"`
	// MaxCatToOnehot: features with at most this many categories at a node
	// are split one category against the rest.
	MaxCatToOnehot int `json:"max_cat_to_onehot"`

	// EarlyStopping, ValidationFraction, Patience and Tol control early
	// stopping: ValidationFraction of the rows (stratified by label for
	// Binary, seeded) are held out, and training stops after Patience rounds
	// in which the validation loss did not fall below the best by more than
	// Tol; the model keeps the trees up to the best round.
	EarlyStopping      EarlyStopping `json:"early_stopping"`
	ValidationFraction float64       `json:"validation_fraction"`
	Patience           int           `json:"patience"`
	Tol                float64       `json:"tol"`

	// Seed drives row and column subsampling and the validation split.
	Seed uint64 `json:"seed"`
	// Workers is the number of goroutines that build histograms; 0 means
	// GOMAXPROCS. The model does not depend on it.
	Workers int `json:"-"`
}

// DefaultParams returns the defaults: scikit-learn's HistGradientBoosting
// settings (learning rate 0.1, 31 leaves, 20 rows per leaf, 255 bins, early
// stopping on 10% of the rows when there are 10,000 or more), its categorical
// settings too (no minimum rows per category, no extra L2, up to 255 levels
// on a side): LightGBM's (100, 10, 32, 4 for MinDataPerGroup, CatL2,
// MaxCatThreshold, MaxCatToOnehot) cost about 0.01 AUC on iFood.
func DefaultParams() Params {
	return Params{
		Objective:          Binary,
		MaxIter:            100,
		LearningRate:       0.1,
		MaxLeaves:          31,
		MaxDepth:           0,
		MinSamplesLeaf:     20,
		MinChildWeight:     1e-3,
		Lambda:             0,
		MinSplitGain:       0,
		MaxBins:            255,
		Subsample:          1,
		ColSample:          1,
		MinDataPerGroup:    1,
		CatSmooth:          10,
		CatL2:              0,
		MaxCatThreshold:    255,
		MaxCatToOnehot:     0,
		EarlyStopping:      EarlyStopAuto,
		ValidationFraction: 0.1,
		Patience:           10,
		Tol:                1e-7,
		Seed:               1,
	}
}

// Validate reports every setting that is out of range.
func (p Params) Validate() error {
	var errs problems
	p.checkBoosting(&errs)
	p.checkTree(&errs)
	p.checkBinsAndSampling(&errs)
	p.checkCategorical(&errs)
	p.checkEarlyStopping(&errs)
	if p.Workers < 0 {
		errs.add("workers %d < 0", p.Workers)
	}
	if len(errs) > 0 {
		return fmt.Errorf("gbdt params: %w", errors.Join(errs...))
	}
	return nil
}

// problems collects what Validate reports, in the order found.
type problems []error

func (ps *problems) add(format string, args ...any) { *ps = append(*ps, fmt.Errorf(format, args...)) }

// checkBoosting checks the objective, the number of rounds and the
// learning rate.
func (p Params) checkBoosting(errs *problems) {
	if p.Objective != Binary && !p.Objective.regression() {
		errs.add("objective %q is not %q, %q or %q", p.Objective, Binary, Regression, AbsoluteError)
	}
	if p.MaxIter < 1 {
		errs.add("max_iter %d < 1", p.MaxIter)
	}
	if !(p.LearningRate > 0 && p.LearningRate <= 1) {
		errs.add("learning_rate %v not in (0, 1]", p.LearningRate)
	}
}

// checkTree checks the limits on a tree's size and on its splits.
func (p Params) checkTree(errs *problems) {
	if p.MaxLeaves < 2 {
		errs.add("max_leaves %d < 2", p.MaxLeaves)
	}
	if p.MaxDepth < 0 {
		errs.add("max_depth %d < 0", p.MaxDepth)
	}
	if p.MinSamplesLeaf < 1 {
		errs.add("min_samples_leaf %d < 1", p.MinSamplesLeaf)
	}
	if !(p.MinChildWeight >= 0) {
		errs.add("min_child_weight %v < 0", p.MinChildWeight)
	}
	if !(p.Lambda >= 0) {
		errs.add("lambda %v < 0", p.Lambda)
	}
	if !(p.MinSplitGain >= 0) {
		errs.add("min_split_gain %v < 0", p.MinSplitGain)
	}
}

// checkBinsAndSampling checks the number of bins and the row and feature
// sampling shares.
func (p Params) checkBinsAndSampling(errs *problems) {
	if p.MaxBins < 2 || p.MaxBins > 255 {
		errs.add("max_bins %d not in [2, 255]", p.MaxBins)
	}
	if !(p.Subsample > 0 && p.Subsample <= 1) {
		errs.add("subsample %v not in (0, 1]", p.Subsample)
	}
	if !(p.ColSample > 0 && p.ColSample <= 1) {
		errs.add("colsample %v not in (0, 1]", p.ColSample)
	}
}

// checkCategorical checks the settings of categorical splits.
func (p Params) checkCategorical(errs *problems) {
	if p.MinDataPerGroup < 1 {
		errs.add("min_data_per_group %d < 1", p.MinDataPerGroup)
	}
	if !(p.CatSmooth >= 0) {
		errs.add("cat_smooth %v < 0", p.CatSmooth)
	}
	if !(p.CatL2 >= 0) {
		errs.add("cat_l2 %v < 0", p.CatL2)
	}
	if p.MaxCatThreshold < 1 {
		errs.add("max_cat_threshold %d < 1", p.MaxCatThreshold)
	}
	if p.MaxCatToOnehot < 0 {
		errs.add("max_cat_to_onehot %d < 0", p.MaxCatToOnehot)
	}
}

// checkEarlyStopping checks the early-stopping mode and, unless it is off,
// the settings it uses.
func (p Params) checkEarlyStopping(errs *problems) {
	switch p.EarlyStopping {
	case EarlyStopAuto, EarlyStopOn, EarlyStopOff:
	default:
		errs.add("early_stopping %q is not auto, on or off", p.EarlyStopping)
	}
	if p.EarlyStopping == EarlyStopOff {
		return
	}
	if !(p.ValidationFraction > 0 && p.ValidationFraction < 1) {
		errs.add("validation_fraction %v not in (0, 1)", p.ValidationFraction)
	}
	if p.Patience < 1 {
		errs.add("patience %d < 1", p.Patience)
	}
	if !(p.Tol >= 0) {
		errs.add("tol %v < 0", p.Tol)
	}
}
