package config

import (
	"fmt"
	"slices"
	"sort"
)

// Models configures the models the train step retrains every night and the
// score step applies. A model left out is not trained.
type Models struct {
	// Classifiers are the churn and purchase-propensity models of the
	// catalogue (Catalogue; lib/propensity builds their tables).
	Classifiers *Classifiers `yaml:"classifiers"`
	// Value is predicted_revenue_90d, a gradient-boosted regression of each
	// customer's net revenue over the next 90 days (lib/propensity).
	Value *ValueModel `yaml:"value"`
	// CLV is the lifetime-value model: BG/NBD and Gamma-Gamma (models/clv).
	CLV *CLVModel `yaml:"clv"`
}

// ValueModel configures predicted_revenue_90d. Like the classifiers it is
// selected on the snapshot as of D+1-180 with a holdout as of D+1-90 and
// refitted on the latter; it is promoted only when its holdout mean
// absolute error is below that of repeating each customer's last 90 days,
// and not above the champion's selection model's by more than Tolerance.
type ValueModel struct {
	// Tolerance is in units of the reporting currency per customer
	// (default 1).
	Tolerance float64 `yaml:"tolerance"`
	// Seed drives the learner (default 1).
	Seed uint64 `yaml:"seed"`
}

// ValueModelName is the value model's name in the registry, and
// ValueHorizonDays its horizon.
//
// CLVMonths is the horizon of the lifetime value (scores column clv_365d)
// and CLVPurchaseDays that of the expected purchases
// (expected_purchases_90d); the column names carry them, so they are
// fixed.
const (
	ValueModelName   = "revenue_90d"
	ValueHorizonDays = 90
	CLVMonths        = 12
	CLVPurchaseDays  = 90
)

// Classifiers configures the catalogue's classifiers, which share these
// settings. Each learns from the customers' features as of D minus two
// horizons and its label in the horizon after; it is measured on the
// features as of D minus one horizon and the outcomes since (a time-based
// holdout), gated (calibrated log loss and Brier below the base-rate
// constant's, ROC AUC above recency alone), and promoted when its holdout
// ROC AUC is not worse than the champion's, on the same rows, by more than
// Tolerance.
type Classifiers struct {
	// Models names the catalogue's classifiers to train (default all of
	// them, see Catalogue).
	Models []string `yaml:"models"`
	// EligibleDays overrides a classifier's eligibility: only customers
	// with an order in the last N days before the cutoff are in its tables
	// and get its score (0: any customer with an order).
	EligibleDays map[string]int `yaml:"eligible_days"`
	// Kind is auto (default: gbdt and logreg compete on the holdout and
	// the better ROC AUC is kept), gbdt or logreg.
	Kind string `yaml:"kind"`
	// MinPositives and MinNegatives are the fewest customers of each label
	// the training and the holdout snapshots need (default 1,000 each, as
	// GA4's predictive metrics ask).
	MinPositives int `yaml:"min_positives"`
	MinNegatives int `yaml:"min_negatives"`
	// Tolerance is in AUC points (default 0.005).
	Tolerance float64 `yaml:"tolerance"`
	// Seed drives the learner (default 1).
	Seed uint64 `yaml:"seed"`
}

// Targets of a classifier.
const (
	// TargetPurchase: 1 when the customer places a non-cancelled order
	// within the horizon.
	TargetPurchase = "purchase"
	// TargetChurn: 1 when the customer places none within the horizon.
	TargetChurn = "churn"
)

// Classifier is one classifier of the catalogue: its name (the model's in
// the registry), its score column, its target, its label window and the
// customers it is for.
type Classifier struct {
	Name, Column, Target string
	HorizonDays          int
	// EligibleDays: customers with an order in the last EligibleDays days
	// before the cutoff; 0 is any customer with an order.
	EligibleDays int
	// Snapshots is how many consecutive snapshots, HorizonDays apart, one
	// training or holdout table stacks (1: one snapshot). A 7-day window
	// holds few buyers, so purchase_7d stacks the four weeks of its 28-day
	// eligibility: four times the rows, over a month of behaviour.
	Snapshots int
}

// Catalogue lists the classifiers segmint trains, with their default
// eligibility: churn within 90 days for customers active in the last year,
// and purchase within 7, 30 and 90 days for customers active in the last
// 28 and 90 days and for every customer with an order.
func Catalogue() []Classifier {
	return []Classifier{
		{Name: "churn_90d", Column: "churn_probability_90d", Target: TargetChurn, HorizonDays: 90, EligibleDays: 365, Snapshots: 1},
		{Name: "purchase_7d", Column: "purchase_probability_7d", Target: TargetPurchase, HorizonDays: 7, EligibleDays: 28, Snapshots: 4},
		{Name: "purchase_30d", Column: "purchase_probability_30d", Target: TargetPurchase, HorizonDays: 30, EligibleDays: 90, Snapshots: 1},
		{Name: "purchase_90d", Column: "purchase_probability_90d", Target: TargetPurchase, HorizonDays: 90, Snapshots: 1},
	}
}

// Enabled are the configured classifiers, in catalogue order, with their
// eligibility overrides applied; none without a classifiers section.
func (m Models) Enabled() []Classifier {
	c := m.Classifiers
	if c == nil {
		return nil
	}
	var out []Classifier
	for _, k := range Catalogue() {
		if len(c.Models) > 0 && !slices.Contains(c.Models, k.Name) {
			continue
		}
		if days, ok := c.EligibleDays[k.Name]; ok {
			k.EligibleDays = days
		}
		out = append(out, k)
	}
	return out
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
	// AnnualDiscountRate discounts future value (default 0.10).
	AnnualDiscountRate float64 `yaml:"annual_discount_rate"`
	// Tolerance is in purchases per customer (default 0.05).
	Tolerance float64 `yaml:"tolerance"`
}

func (m *Models) defaults() {
	if p := m.Classifiers; p != nil {
		if p.Kind == "" {
			p.Kind = KindAuto
		}
		if p.MinPositives == 0 {
			p.MinPositives = DefaultMinClass
		}
		if p.MinNegatives == 0 {
			p.MinNegatives = DefaultMinClass
		}
		if p.Tolerance == 0 {
			p.Tolerance = 0.005
		}
		if p.Seed == 0 {
			p.Seed = 1
		}
	}
	if v := m.Value; v != nil {
		if v.Tolerance == 0 {
			v.Tolerance = 1
		}
		if v.Seed == 0 {
			v.Seed = 1
		}
	}
	if c := m.CLV; c != nil {
		if c.HoldoutDays == 0 {
			c.HoldoutDays = 90
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
	if p := m.Classifiers; p != nil {
		errs = append(errs, p.validate()...)
	}
	if c := m.CLV; c != nil {
		if c.HoldoutDays < 7 || c.HoldoutDays > 366 {
			add("models.clv.holdout_days: %d is not between 7 and 366", c.HoldoutDays)
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

// validate checks the classifiers' settings and names.
func (p *Classifiers) validate() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if p.Kind != KindAuto && p.Kind != "gbdt" && p.Kind != "logreg" {
		add("models.classifiers.kind: %q is not auto, gbdt or logreg", p.Kind)
	}
	if p.MinPositives < 1 || p.MinNegatives < 1 {
		add("models.classifiers.min_positives and min_negatives: %d and %d, want at least 1", p.MinPositives, p.MinNegatives)
	}
	if p.Tolerance < 0 || p.Tolerance >= 1 {
		add("models.classifiers.tolerance: %v is not between 0 and 1", p.Tolerance)
	}
	known := map[string]bool{}
	for _, k := range Catalogue() {
		known[k.Name] = true
	}
	for _, name := range p.Models {
		if !known[name] {
			add("models.classifiers.models: %q is not a classifier of the catalogue (churn_90d, purchase_7d, purchase_30d, purchase_90d)", name)
		}
	}
	names := make([]string, 0, len(p.EligibleDays))
	for name := range p.EligibleDays {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if days := p.EligibleDays[name]; !known[name] || days < 0 || days > 3660 {
			add("models.classifiers.eligible_days: %s: %d (a catalogue classifier and 0 to 3660 days)", name, days)
		}
	}
	return errs
}
