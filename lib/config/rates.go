package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/segmint/segmint/lib/normalize"
)

// RatesTable builds the rates table of the configuration: the reporting
// currency as base, every configured rate. Validate reports the same
// problems before any I/O.
func (c *Config) RatesTable() (*normalize.Rates, error) {
	rates := make([]normalize.Rate, 0, len(c.Rates))
	for i, r := range c.Rates {
		var from time.Time
		if r.From != "" {
			d, err := time.Parse(time.DateOnly, r.From)
			if err != nil {
				return nil, fmt.Errorf("rates[%d].from: %q is not a day (YYYY-MM-DD)", i, r.From)
			}
			from = d
		}
		rates = append(rates, normalize.Rate{Currency: r.Currency, Value: r.Rate, From: from})
	}
	t, err := normalize.NewRates(c.Currency, rates)
	if err != nil {
		return nil, fmt.Errorf("rates: %w", err)
	}
	return t, nil
}

// validateRates checks the rates table and that every money-bearing
// stream's currency is the reporting currency or has a rate.
func (c *Config) validateRates() []error {
	t, err := c.RatesTable()
	if err != nil {
		return []error{err}
	}
	known := map[string]bool{t.Base(): true}
	for _, r := range c.Rates {
		known[strings.ToUpper(strings.TrimSpace(r.Currency))] = true
	}
	var errs []error
	for i, src := range c.Sources {
		for j, st := range src.Streams {
			if st.Currency == "" || known[strings.ToUpper(st.Currency)] {
				continue
			}
			if src.Kind == "filedrop" && st.Entity != "orders" && st.Entity != "ad_metrics" {
				continue
			}
			errs = append(errs, fmt.Errorf("sources[%d].streams[%d].currency: %s is not the reporting currency %s and has no rate in rates",
				i, j, st.Currency, c.Currency))
		}
	}
	return errs
}
