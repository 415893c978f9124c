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
	days, err := purchaseDays(txns, end)
	if err != nil {
		return nil, err
	}
	if len(days) == 0 {
		return nil, fmt.Errorf("summarize %d transactions up to %s: %w", len(txns), calibrationEnd.Format(time.DateOnly), ErrNoCustomers)
	}
	return days.customers(end), nil
}

// purchases holds the value of each customer's purchases on each day.
type purchases map[string]map[int64]float64

// purchaseDays checks the transactions and adds up their values by
// customer and day, up to day end.
func purchaseDays(txns []Transaction, end int64) (purchases, error) {
	days := purchases{}
	for i, t := range txns {
		if err := t.check(i); err != nil {
			return nil, err
		}
		if d := dayNumber(t.Date); d <= end {
			days.add(t.Customer, d, t.Value)
		}
	}
	return days, nil
}

// check reports why transaction i cannot be summarised, or nil.
func (t Transaction) check(i int) error {
	if t.Customer == "" {
		return fmt.Errorf("summarize transaction %d: empty customer id", i)
	}
	if math.IsNaN(t.Value) || math.IsInf(t.Value, 0) || t.Value < 0 {
		return fmt.Errorf("summarize transaction %d of customer %q: value %v is not a finite non-negative amount", i, t.Customer, t.Value)
	}
	return nil
}

// add adds a purchase of the customer on day d.
func (p purchases) add(customer string, d int64, value float64) {
	byDay := p[customer]
	if byDay == nil {
		byDay = make(map[int64]float64)
		p[customer] = byDay
	}
	byDay[d] += value
}

// customers summarises every customer's purchases up to day end, sorted
// by ID.
func (p purchases) customers(end int64) []Customer {
	out := make([]Customer, 0, len(p))
	for id, byDay := range p {
		out = append(out, summarizeOne(id, byDay, end))
	}
	slices.SortFunc(out, func(a, b Customer) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// summarizeOne computes one customer's statistics from the value of each
// purchase day.
func summarizeOne(id string, byDay map[int64]float64, end int64) Customer {
	ds := sortedDays(make([]int64, 0, len(byDay)), byDay)
	first, last := ds[0], ds[len(ds)-1]
	c := Customer{
		ID:        id,
		Frequency: len(ds) - 1,
		Recency:   float64(last-first) / DaysPerPeriod,
		T:         float64(end-first) / DaysPerPeriod,
	}
	if c.Frequency > 0 {
		c.MonetaryValue = meanValue(ds[1:], byDay)
	}
	return c
}

// sortedDays appends the purchase days to ds and sorts them; the caller
// makes ds, so that it can stay off the heap.
func sortedDays(ds []int64, byDay map[int64]float64) []int64 {
	for d := range byDay {
		ds = append(ds, d)
	}
	slices.Sort(ds)
	return ds
}

// meanValue is the mean value of the purchases on the days ds, added up in
// their order.
func meanValue(ds []int64, byDay map[int64]float64) float64 {
	var sum float64
	for _, d := range ds {
		sum += byDay[d]
	}
	return sum / float64(len(ds))
}

// dayNumber is the number of days from 1970-01-01 to t's calendar date.
func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}
