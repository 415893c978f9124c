package clv

import (
	"fmt"
	"math"
)

// validate reports the first customer whose statistics no history can
// produce.
func validate(customers []Customer) error {
	if len(customers) == 0 {
		return ErrNoCustomers
	}
	for i, c := range customers {
		if err := c.validate(); err != nil {
			return fmt.Errorf("customer %d (%q): %w", i, c.ID, err)
		}
	}
	return nil
}

func (c Customer) validate() error {
	switch {
	case c.Frequency < 0:
		return fmt.Errorf("frequency %d is negative", c.Frequency)
	case !finite(c.Recency) || !finite(c.T) || !finite(c.MonetaryValue):
		return fmt.Errorf("recency %v, T %v and monetary value %v must be finite", c.Recency, c.T, c.MonetaryValue)
	case c.Recency < 0 || c.Recency > c.T:
		return fmt.Errorf("recency %v is outside [0, T=%v]", c.Recency, c.T)
	case c.Frequency == 0 && c.Recency != 0:
		return fmt.Errorf("recency %v without a repeat purchase", c.Recency)
	case c.MonetaryValue < 0:
		return fmt.Errorf("monetary value %v is negative", c.MonetaryValue)
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
