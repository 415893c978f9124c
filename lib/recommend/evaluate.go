package recommend

import (
	"slices"
	"time"
)

// Figures are one recommender's measures on a time split.
type Figures struct {
	// HitRate5 is the share of test customers with at least one of their
	// five recommendations among the products they bought in the test
	// window.
	HitRate5 float64
	// Recall10 is the mean over test customers of the share of the products
	// they bought in the test window that are among their ten
	// recommendations.
	Recall10 float64
}

// Evaluation is item-item against the popularity baseline on one split.
type Evaluation struct {
	// Customers are the test customers: those who bought in [cutoff, end)
	// a product they may be recommended (one they had not bought before
	// cutoff, unless repeats are allowed).
	Customers int
	// TrainCustomers and TrainProducts are what the model learnt from.
	TrainCustomers, TrainProducts int
	ItemItem, Popular             Figures
}

// Evaluate fits a model on the purchases before cutoff and measures it and
// the popularity baseline on the purchases in [cutoff, end). A product the
// customer bought before cutoff counts as bought in the test window only
// when repeats are allowed, since it could not be recommended otherwise.
func Evaluate(purchases []Purchase, cutoff, end time.Time, opts Options) Evaluation {
	m := Fit(purchases, cutoff, opts)
	truth := m.testSets(purchases, cutoff, end)
	ev := Evaluation{Customers: len(truth), TrainCustomers: len(m.bought), TrainProducts: len(m.products)}
	if len(truth) == 0 {
		return ev
	}
	sc := &Scratch{}
	customers := make([]string, 0, len(truth))
	for c := range truth {
		customers = append(customers, c)
	}
	slices.Sort(customers)
	for _, c := range customers {
		addFigures(&ev.ItemItem, m.Recommend(c, 10, false, sc), truth[c])
		addFigures(&ev.Popular, m.Recommend(c, 10, true, sc), truth[c])
	}
	n := float64(len(truth))
	for _, f := range []*Figures{&ev.ItemItem, &ev.Popular} {
		f.HitRate5 /= n
		f.Recall10 /= n
	}
	return ev
}

// testSets are the products each customer bought in [cutoff, end) that
// may be recommended to it.
func (m *Model) testSets(purchases []Purchase, cutoff, end time.Time) map[string]map[string]struct{} {
	truth := map[string]map[string]struct{}{}
	for _, p := range purchases {
		if p.At.Before(cutoff) || !p.At.Before(end) || p.Customer == "" || p.Product == "" {
			continue
		}
		if !m.opts.AllowRepeats && m.boughtBefore(p.Customer, p.Product) {
			continue
		}
		if truth[p.Customer] == nil {
			truth[p.Customer] = map[string]struct{}{}
		}
		truth[p.Customer][p.Product] = struct{}{}
	}
	return truth
}

// boughtBefore reports whether the model saw the customer buy the product.
func (m *Model) boughtBefore(customer, product string) bool {
	c, ok := m.customers[customer]
	if !ok {
		return false
	}
	i := m.item(product)
	_, found := slices.BinarySearch(m.bought[c], i)
	return i >= 0 && found
}

// addFigures adds one customer's hit (top five) and recall (top ten).
func addFigures(f *Figures, recs []Recommendation, truth map[string]struct{}) {
	hits5, hits10 := 0, 0
	for _, r := range recs {
		if _, ok := truth[r.Product]; ok {
			if r.Rank <= 5 {
				hits5++
			}
			hits10++
		}
	}
	if hits5 > 0 {
		f.HitRate5++
	}
	f.Recall10 += float64(hits10) / float64(len(truth))
}
