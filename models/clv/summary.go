package clv

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// DaysPerPeriod is the length of the models' time unit: summaries measure
// recency and age in weeks (days/7), as Fader, Hardie and Lee do for CDNOW.
const DaysPerPeriod = 7

// Transaction is one purchase. Only the calendar date of Date counts (in
// Date's own location); several purchases on one day are one repeat
// purchase whose value is their sum.
type Transaction struct {
	Customer string
	Date     time.Time
	Value    float64
}

// Customer is the sufficient statistic of one customer's calibration
// history, the input of both models.
type Customer struct {
	ID string `json:"id"`
	// Frequency (x) is the number of repeat purchases: distinct purchase
	// days after the first one, up to the end of calibration.
	Frequency int `json:"frequency"`
	// Recency (t_x) is the time from the first to the last purchase day,
	// in weeks.
	Recency float64 `json:"recency"`
	// T is the customer's age: the time from the first purchase day to the
	// end of calibration, in weeks.
	T float64 `json:"T"`
	// MonetaryValue (zbar, m_x) is the mean value of the repeat purchase
	// days (the first day excluded), 0 when Frequency is 0.
	MonetaryValue float64 `json:"monetary_value"`
}

// ErrNoCustomers is returned when there is nobody to summarise or fit.
var ErrNoCustomers = errors.New("no customers")

// Summarize turns transactions into one Customer per customer whose first
// purchase is on or before calibrationEnd (a date, inclusive), sorted by
// ID. Purchases after calibrationEnd are ignored. Values must be finite and
// not negative; customer ids must not be empty.
func Summarize(txns []Transaction, calibrationEnd time.Time) ([]Customer, error) {
	end := dayNumber(calibrationEnd)
	days := make(map[string]map[int64]float64)
	for i, t := range txns {
		if t.Customer == "" {
			return nil, fmt.Errorf("summarize transaction %d: empty customer id", i)
		}
		if math.IsNaN(t.Value) || math.IsInf(t.Value, 0) || t.Value < 0 {
			return nil, fmt.Errorf("summarize transaction %d of customer %q: value %v is not a finite non-negative amount", i, t.Customer, t.Value)
		}
		d := dayNumber(t.Date)
		if d > end {
			continue
		}
		byDay := days[t.Customer]
		if byDay == nil {
			byDay = make(map[int64]float64)
			days[t.Customer] = byDay
		}
		byDay[d] += t.Value
	}
	if len(days) == 0 {
		return nil, fmt.Errorf("summarize %d transactions up to %s: %w", len(txns), calibrationEnd.Format(time.DateOnly), ErrNoCustomers)
	}
	out := make([]Customer, 0, len(days))
	for id, byDay := range days {
		out = append(out, summarizeOne(id, byDay, end))
	}
	slices.SortFunc(out, func(a, b Customer) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// summarizeOne computes one customer's statistics from the value of each
// purchase day.
func summarizeOne(id string, byDay map[int64]float64, end int64) Customer {
	ds := make([]int64, 0, len(byDay))
	for d := range byDay {
		ds = append(ds, d)
	}
	slices.Sort(ds)
	first, last := ds[0], ds[len(ds)-1]
	c := Customer{
		ID:        id,
		Frequency: len(ds) - 1,
		Recency:   float64(last-first) / DaysPerPeriod,
		T:         float64(end-first) / DaysPerPeriod,
	}
	if c.Frequency > 0 {
		var sum float64
		for _, d := range ds[1:] {
			sum += byDay[d]
		}
		c.MonetaryValue = sum / float64(c.Frequency)
	}
	return c
}

// dayNumber is the number of days from 1970-01-01 to t's calendar date.
func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}
