package config

import "fmt"

// Models configures the models the train step retrains every night and the
// score step applies. A model left out is not trained.
type Models struct {
	// Purchase is the purchase-propensity model: the probability that a
	// customer orders within HorizonDays (lib/propensity).
	Purchase *PurchaseModel `yaml:"purchase"`
	// CLV is the lifetime-value model: BG/NBD and Gamma-Gamma (models/clv).
	CLV *CLVModel `yaml:"clv"`
}

// PurchaseModel configures the purchase-propensity model. It learns from
// the customers' features as of D minus two horizons and whether they
// ordered in the horizon after; it is measured on the features as of D
// minus one horizon and the orders since (a time-based holdout), and
// promoted when its holdout ROC AUC is not worse than the champion's, on
// the same rows, by more than Tolerance.
type PurchaseModel struct {
	// Kind is auto (default: gbdt and logreg compete on the holdout and
	// the better ROC AUC is kept), gbdt or logreg.
	Kind string `yaml:"kind"`
	// MinPositives and MinNegatives are the fewest customers who ordered
	// and who did not that the training and the holdout snapshots need
	// (default 1,000 each, as GA4's predictive metrics ask).
	MinPositives int `yaml:"min_positives"`
	MinNegatives int `yaml:"min_negatives"`
	// HorizonDays is the label window (default 90).
	HorizonDays int `yaml:"horizon_days"`
	// Tolerance is in AUC points (default 0.005).
	Tolerance float64 `yaml:"tolerance"`
	// Seed drives the learner (default 1).
	Seed uint64 `yaml:"seed"`
}

// KindAuto lets the learners compete on the holdout.
const KindAuto = "auto"

// DefaultMinClass is the default of min_positives and min_negatives.
const DefaultMinClass = 1000

// CLVModel configures the lifetime-value model. It is fitted on the
// orders up to D minus HoldoutDays and measured by the mean absolute error
// of its expected repeat purchases over the holdout days; promoted when
// that error is not larger than the champion's, on the same customers, by
// more than Tolerance (purchases per customer).
type CLVModel struct {
	// HoldoutDays is the holdout window (default 90).
	HoldoutDays int `yaml:"holdout_days"`
	// HorizonMonths is the horizon of the predicted value (default 12).
	HorizonMonths int `yaml:"horizon_months"`
	// AnnualDiscountRate discounts future value (default 0.10).
	AnnualDiscountRate float64 `yaml:"annual_discount_rate"`
	// Tolerance is in purchases per customer (default 0.05).
	Tolerance float64 `yaml:"tolerance"`
}

func (m *Models) defaults() {
	if p := m.Purchase; p != nil {
		if p.Kind == "" {
			p.Kind = KindAuto
		}
		if p.MinPositives == 0 {
			p.MinPositives = DefaultMinClass
		}
		if p.MinNegatives == 0 {
			p.MinNegatives = DefaultMinClass
		}
		if p.HorizonDays == 0 {
			p.HorizonDays = 90
		}
		if p.Tolerance == 0 {
			p.Tolerance = 0.005
		}
		if p.Seed == 0 {
			p.Seed = 1
		}
	}
	if c := m.CLV; c != nil {
		if c.HoldoutDays == 0 {
			c.HoldoutDays = 90
		}
		if c.HorizonMonths == 0 {
			c.HorizonMonths = 12
		}
		if c.AnnualDiscountRate == 0 {
			c.AnnualDiscountRate = 0.10
		}
		if c.Tolerance == 0 {
			c.Tolerance = 0.05
		}
	}
}

func (m *Models) validate() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if p := m.Purchase; p != nil {
		if p.Kind != KindAuto && p.Kind != "gbdt" && p.Kind != "logreg" {
			add("models.purchase.kind: %q is not auto, gbdt or logreg", p.Kind)
		}
		if p.MinPositives < 1 || p.MinNegatives < 1 {
			add("models.purchase.min_positives and min_negatives: %d and %d, want at least 1", p.MinPositives, p.MinNegatives)
		}
		if p.HorizonDays < 1 || p.HorizonDays > 366 {
			add("models.purchase.horizon_days: %d is not between 1 and 366", p.HorizonDays)
		}
		if p.Tolerance < 0 || p.Tolerance >= 1 {
			add("models.purchase.tolerance: %v is not between 0 and 1", p.Tolerance)
		}
	}
	if c := m.CLV; c != nil {
		if c.HoldoutDays < 7 || c.HoldoutDays > 366 {
			add("models.clv.holdout_days: %d is not between 7 and 366", c.HoldoutDays)
		}
		if c.HorizonMonths < 1 || c.HorizonMonths > 120 {
			add("models.clv.horizon_months: %d is not between 1 and 120", c.HorizonMonths)
		}
		if c.AnnualDiscountRate < 0 || c.AnnualDiscountRate >= 1 {
			add("models.clv.annual_discount_rate: %v is not between 0 and 1", c.AnnualDiscountRate)
		}
		if c.Tolerance < 0 {
			add("models.clv.tolerance: %v is negative", c.Tolerance)
		}
	}
	return errs
}
