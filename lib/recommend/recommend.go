// Package recommend recommends products from co-purchase similarity
// (item-item collaborative filtering on implicit feedback) with a
// popularity fallback, and measures recommenders on a time split.
//
// Definitions:
//   - A purchase is one customer buying one product at a time; what a
//     customer bought is the set of products of its purchases (quantities
//     do not count: incidence, not volume).
//   - The similarity of products i and j is the cosine of their customer
//     incidence vectors: the customers who bought both, divided by the
//     square root of the product of the customers who bought each (or,
//     with Options.Similarity "lift", the customers who bought both times
//     all customers over the product of each one's buyers). Only
//     the Neighbours most similar products of each product are kept, so
//     the model stays sparse (ties: the smaller product id first).
//   - A customer's score of product j is the sum of sim(i, j) over the
//     products i it bought whose kept neighbours include j.
//   - Popularity is the number of distinct customers who bought a product
//     in the PopularDays days before the end of the training data (ties:
//     the smaller product id first); a popular row's score is that count
//     divided by the customers who bought anything in that window.
//   - A customer gets the products of its highest item-item scores (ties:
//     the smaller product id), never one it bought unless AllowRepeats,
//     topped up from the popular list when it has fewer candidates.
//
// The package is pure: no store, no configuration.
package recommend

import (
	"math"
	"slices"
	"time"
)

// Sources of a recommendation.
const (
	SourceItemItem = "item_item"
	SourcePopular  = "popular"
)

// Purchase is one customer buying one product.
type Purchase struct {
	Customer string
	Product  string
	At       time.Time
}

// Options tune a model.
type Options struct {
	// Neighbours is how many most similar products each product keeps
	// (default 50).
	Neighbours int
	// PopularDays is the window of the popularity list before the end of
	// the training data (default 30).
	PopularDays int
	// AllowRepeats lets a customer be recommended a product it bought.
	AllowRepeats bool
	// Similarity is SimilarityCosine (the default) or SimilarityLift.
	Similarity string
}

// The similarity measures of two products i and j, from the customers who
// bought both (c), each (n_i, n_j) and any product (N).
const (
	// SimilarityCosine is c / sqrt(n_i n_j).
	SimilarityCosine = "cosine"
	// SimilarityLift is c N / (n_i n_j): how much more often the two are
	// bought together than independent choices would be.
	SimilarityLift = "lift"
)

func (o Options) withDefaults() Options {
	if o.Neighbours <= 0 {
		o.Neighbours = 50
	}
	if o.PopularDays <= 0 {
		o.PopularDays = 30
	}
	return o
}

// neighbour is one kept similar product.
type neighbour struct {
	item int32
	sim  float64
}

// Model is item-item similarity and a popularity list learnt from the
// purchases before an end time.
type Model struct {
	opts      Options
	products  []string         // by item index, sorted
	customers map[string]int32 // customer -> index into bought
	bought    [][]int32        // each customer's distinct items, sorted
	neigh     [][]neighbour    // by item: kept neighbours, most similar first
	popular   []scored         // most popular first
}

// scored is one candidate product with its score.
type scored struct {
	item  int32
	score float64
}

// Fit learns a model from the purchases strictly before end.
func Fit(purchases []Purchase, end time.Time, opts Options) *Model {
	opts = opts.withDefaults()
	m := &Model{opts: opts, customers: map[string]int32{}}
	var kept []Purchase
	for _, p := range purchases {
		if p.At.Before(end) && p.Customer != "" && p.Product != "" {
			kept = append(kept, p)
		}
	}
	m.products = productsOf(kept)
	m.bought = m.incidence(kept)
	m.neigh = m.similarities()
	m.popular = m.popularity(kept, end.AddDate(0, 0, -opts.PopularDays), end)
	return m
}

// productsOf lists the distinct products, sorted.
func productsOf(ps []Purchase) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Product)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// item is the index of a product, -1 when unknown.
func (m *Model) item(product string) int32 {
	i, ok := slices.BinarySearch(m.products, product)
	if !ok {
		return -1
	}
	return int32(i)
}

// incidence indexes the customers and returns each one's distinct items.
func (m *Model) incidence(ps []Purchase) [][]int32 {
	var bought [][]int32
	for _, p := range ps {
		c, ok := m.customers[p.Customer]
		if !ok {
			c = int32(len(bought))
			m.customers[p.Customer] = c
			bought = append(bought, nil)
		}
		bought[c] = append(bought[c], m.item(p.Product))
	}
	for c := range bought {
		slices.Sort(bought[c])
		bought[c] = slices.Compact(bought[c])
	}
	return bought
}

// similarities computes the kept cosine neighbours of every item: for item
// i, the co-purchase counts with every item j of its buyers, in one dense
// scratch row reused across items (the work is the sum over customers of
// their item count squared).
func (m *Model) similarities() [][]neighbour {
	n := len(m.products)
	buyers := make([][]int32, n)
	for c, items := range m.bought {
		for _, i := range items {
			buyers[i] = append(buyers[i], int32(c))
		}
	}
	co := make([]float64, n)
	var touched []int32
	neigh := make([][]neighbour, n)
	for i := range n {
		touched = touched[:0]
		for _, c := range buyers[i] {
			for _, j := range m.bought[c] {
				if int(j) == i {
					continue
				}
				if co[j] == 0 {
					touched = append(touched, j)
				}
				co[j]++
			}
		}
		cand := make([]neighbour, 0, len(touched))
		for _, j := range touched {
			cand = append(cand, neighbour{item: j, sim: m.similarity(co[j], len(buyers[i]), len(buyers[j]))})
			co[j] = 0
		}
		neigh[i] = topNeighbours(cand, m.opts.Neighbours)
	}
	return neigh
}

// similarity of two items bought together by c customers, by ni and nj
// customers each.
func (m *Model) similarity(c float64, ni, nj int) float64 {
	if m.opts.Similarity == SimilarityLift {
		return c * float64(len(m.bought)) / (float64(ni) * float64(nj))
	}
	return c / math.Sqrt(float64(ni)*float64(nj))
}

// topNeighbours keeps the k most similar, ties by the smaller item.
func topNeighbours(cand []neighbour, k int) []neighbour {
	return topK(cand, k, func(a, b neighbour) bool { return a.sim > b.sim || a.sim == b.sim && a.item < b.item })
}

// popularity ranks the items by their distinct buyers in [from, end).
func (m *Model) popularity(ps []Purchase, from, end time.Time) []scored {
	buyers := make([]map[string]struct{}, len(m.products))
	all := map[string]struct{}{}
	for _, p := range ps {
		if p.At.Before(from) || !p.At.Before(end) {
			continue
		}
		i := m.item(p.Product)
		if buyers[i] == nil {
			buyers[i] = map[string]struct{}{}
		}
		buyers[i][p.Customer] = struct{}{}
		all[p.Customer] = struct{}{}
	}
	var out []scored
	for i, b := range buyers {
		if len(b) > 0 {
			out = append(out, scored{item: int32(i), score: float64(len(b)) / float64(len(all))})
		}
	}
	sortScored(out)
	return out
}

// betterScored orders by score, highest first, ties by the smaller item.
func betterScored(a, b scored) bool {
	return a.score > b.score || a.score == b.score && a.item < b.item
}

// sortScored orders by betterScored.
func sortScored(s []scored) {
	slices.SortFunc(s, func(a, b scored) int { return order(betterScored, a, b) })
}

// Similarity is the kept similarity of product j to product i, 0 when j
// is not among i's neighbours.
func (m *Model) Similarity(i, j string) float64 {
	a, b := m.item(i), m.item(j)
	if a < 0 || b < 0 {
		return 0
	}
	for _, nb := range m.neigh[a] {
		if nb.item == b {
			return nb.sim
		}
	}
	return 0
}

// Recommendation is one recommended product of a customer.
type Recommendation struct {
	Rank    int
	Product string
	Score   float64
	Source  string
}

// Scratch is reusable per-call memory of Recommend; one per goroutine.
type Scratch struct {
	score   []float64
	touched []int32
	cand    []scored
}

// Recommend returns a customer's n recommendations: item-item first, then
// popular. popularOnly skips item-item (the baseline). sc may be nil.
func (m *Model) Recommend(customer string, n int, popularOnly bool, sc *Scratch) []Recommendation {
	if sc == nil {
		sc = &Scratch{}
	}
	var bought []int32
	if c, ok := m.customers[customer]; ok {
		bought = m.bought[c]
	}
	var out []Recommendation
	if !popularOnly {
		for _, s := range m.itemItem(bought, n, sc) {
			out = append(out, Recommendation{Rank: len(out) + 1, Product: m.products[s.item], Score: s.score, Source: SourceItemItem})
		}
	}
	for _, s := range m.popular {
		if len(out) == n {
			break
		}
		if m.excluded(s.item, bought) || slices.ContainsFunc(out, func(r Recommendation) bool { return r.Product == m.products[s.item] }) {
			continue
		}
		out = append(out, Recommendation{Rank: len(out) + 1, Product: m.products[s.item], Score: s.score, Source: SourcePopular})
	}
	return out
}

// excluded reports whether an item may not be recommended to a customer
// who bought the sorted items.
func (m *Model) excluded(item int32, bought []int32) bool {
	if m.opts.AllowRepeats {
		return false
	}
	_, ok := slices.BinarySearch(bought, item)
	return ok
}

// itemItem scores the neighbours of the bought items and returns the n
// best that may be recommended.
func (m *Model) itemItem(bought []int32, n int, sc *Scratch) []scored {
	if len(sc.score) < len(m.products) {
		sc.score = make([]float64, len(m.products))
	}
	sc.touched, sc.cand = sc.touched[:0], sc.cand[:0]
	for _, i := range bought {
		for _, nb := range m.neigh[i] {
			if sc.score[nb.item] == 0 {
				sc.touched = append(sc.touched, nb.item)
			}
			sc.score[nb.item] += nb.sim
		}
	}
	for _, j := range sc.touched {
		if !m.excluded(j, bought) {
			sc.cand = append(sc.cand, scored{item: j, score: sc.score[j]})
		}
		sc.score[j] = 0
	}
	return topK(sc.cand, n, betterScored)
}
