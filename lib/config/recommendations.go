package config

import (
	"cmp"
	"fmt"
	"path"
)

// Recommendations tunes the recommend step (lib/recommend). Every setting
// is optional; zero means the default.
type Recommendations struct {
	// AllowRepeats lets a customer be recommended a product it bought.
	AllowRepeats bool `yaml:"allow_repeats"`
	// Neighbours is how many most similar products each product keeps
	// (default 50).
	Neighbours int `yaml:"neighbours"`
	// PopularDays is the window of the popularity fallback, the days up to
	// the end of the training data (default 30).
	PopularDays int `yaml:"popular_days"`
	// EvaluationDays is the test window of the nightly measurement: the
	// model is fitted on the lines before D+1-EvaluationDays and measured
	// on the rest (default 30).
	EvaluationDays int `yaml:"evaluation_days"`
	// Similarity is "cosine" (the default) or "lift".
	Similarity string `yaml:"similarity"`
	// ExcludeProducts are product ids never recommended nor learnt from,
	// such as postage and fee lines; each is a path.Match pattern
	// ("gift_0001_*").
	ExcludeProducts []string `yaml:"exclude_products"`
}

// Excluded reports whether a product id matches an ExcludeProducts
// pattern.
func (r Recommendations) Excluded(product string) bool {
	for _, p := range r.ExcludeProducts {
		if ok, _ := path.Match(p, product); ok {
			return true
		}
	}
	return false
}

func (r *Recommendations) defaults() {
	r.Neighbours = cmp.Or(r.Neighbours, 50)
	r.PopularDays = cmp.Or(r.PopularDays, 30)
	r.EvaluationDays = cmp.Or(r.EvaluationDays, 30)
	r.Similarity = cmp.Or(r.Similarity, "cosine")
}

func (r Recommendations) validate() []error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int
	}{{"neighbours", r.Neighbours}, {"popular_days", r.PopularDays}, {"evaluation_days", r.EvaluationDays}} {
		if f.v < 0 {
			errs = append(errs, fmt.Errorf("recommendations.%s: want a positive number, got %d", f.name, f.v))
		}
	}
	if r.Similarity != "" && r.Similarity != "cosine" && r.Similarity != "lift" {
		errs = append(errs, fmt.Errorf("recommendations.similarity: want cosine or lift, got %q", r.Similarity))
	}
	for _, p := range r.ExcludeProducts {
		if _, err := path.Match(p, ""); err != nil {
			errs = append(errs, fmt.Errorf("recommendations.exclude_products: %q: %w", p, err))
		}
	}
	return errs
}
