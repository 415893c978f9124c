package customerview

import (
	"slices"
	"strings"
)

// Uncategorised is the category of an order line whose product has no
// catalog entry (or that names no product).
const Uncategorised = "uncategorised"

// Catalog maps product ids to categories. It is built from the rows of the
// product catalog streams (entity products) in the order they are read:
// streams in config order, each partition's files by name, lines in file
// order. When a product id appears more than once, the row with the latest
// updated_at wins, a row without updated_at counting as older than any row
// with one; between rows of equal updated_at (or none) the one read last
// wins. Product ids and categories are compared after trimming spaces, case
// kept.
type Catalog struct {
	entries map[string]catalogEntry
	// Ignored counts rows with an empty product id or category.
	Ignored int64
	// Replaced counts rows that lost to a newer row of the same product.
	Replaced int64
}

type catalogEntry struct {
	category string
	at       int64 // Unix microseconds of updated_at
	timed    bool  // whether the row had an updated_at
}

// NewCatalog returns an empty catalog: every product is uncategorised.
func NewCatalog() *Catalog { return &Catalog{entries: map[string]catalogEntry{}} }

// Add adds one catalog row; hasAt says whether it carried updated_at (at,
// Unix microseconds).
func (c *Catalog) Add(productID, category string, at int64, hasAt bool) {
	productID, category = strings.TrimSpace(productID), strings.TrimSpace(category)
	if productID == "" || category == "" {
		c.Ignored++
		return
	}
	e := catalogEntry{category: category, at: at, timed: hasAt}
	if cur, ok := c.entries[productID]; ok {
		c.Replaced++
		if cur.newer(e) {
			return
		}
	}
	c.entries[productID] = e
}

// newer reports whether a is strictly newer than b: a later updated_at,
// or one where b has none.
func (a catalogEntry) newer(b catalogEntry) bool {
	if a.timed != b.timed {
		return a.timed
	}
	return a.timed && a.at > b.at
}

// Category returns the category of a product id (trimmed), Uncategorised
// when the catalog has no entry for it.
func (c *Catalog) Category(productID string) string {
	if c != nil {
		if e, ok := c.entries[strings.TrimSpace(productID)]; ok {
			return e.category
		}
	}
	return Uncategorised
}

// Len is the number of products with an entry.
func (c *Catalog) Len() int {
	if c == nil {
		return 0
	}
	return len(c.entries)
}

// ProductIDs lists the product ids with an entry, sorted.
func (c *Catalog) ProductIDs() []string {
	if c == nil {
		return nil
	}
	ids := make([]string, 0, len(c.entries))
	for id := range c.entries {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// CategoryStats is what giving lines their categories found, for the
// customers manifest.
type CategoryStats struct {
	// Products is the number of products in the catalog.
	Products int `json:"products"`
	// LinesUncategorised counts the remaining lines (every kind: orders,
	// cancellations, lines without a customer) whose product has no
	// catalog entry or that name no product.
	LinesUncategorised int64 `json:"lines_uncategorised"`
	// ProductsUncategorised counts the distinct product ids of the
	// remaining lines that have no catalog entry.
	ProductsUncategorised int64 `json:"products_uncategorised"`
	// Categories is the number of distinct categories of the remaining
	// lines, Uncategorised included when some line is.
	Categories int `json:"categories"`
}

// categories gives each product text id of ls a category index into names
// (names[0] is Uncategorised), by looking every distinct product id up once:
// a category is an attribute of the product, so lines carry none.
type categories struct {
	of    []uint32 // product text id -> index into names
	names []string
}

func (ls *Lines) categories(c *Catalog) categories {
	prods := ls.texts[fieldProduct].strs
	cs := categories{of: make([]uint32, len(prods)), names: []string{Uncategorised}}
	index := map[string]uint32{Uncategorised: 0}
	for id, p := range prods {
		name := c.Category(p)
		k, ok := index[name]
		if !ok {
			k = uint32(len(cs.names))
			cs.names = append(cs.names, name)
			index[name] = k
		}
		cs.of[id] = k
	}
	return cs
}

// SetCatalog sets the catalog Customers gives lines their categories from;
// without one every line is Uncategorised.
func (ls *Lines) SetCatalog(c *Catalog) { ls.catalog = c }

// CategoryStats counts the remaining lines and products without a catalog
// entry.
func (ls *Lines) CategoryStats() CategoryStats {
	cs := ls.categories(ls.catalog)
	st := CategoryStats{Products: ls.catalog.Len()}
	seenProduct := make([]bool, len(cs.of))
	seenCategory := make([]bool, len(cs.names))
	for i := range ls.recs {
		if ls.Removed(i) {
			continue
		}
		p := ls.recs[i].text[fieldProduct]
		k := cs.of[p]
		seenCategory[k] = true
		if k != 0 {
			continue
		}
		st.LinesUncategorised++
		if p != 0 && !seenProduct[p] {
			seenProduct[p] = true
			st.ProductsUncategorised++
		}
	}
	for _, seen := range seenCategory {
		if seen {
			st.Categories++
		}
	}
	return st
}

// categoryAcc sums one customer's non-cancelled line values per category;
// it is reused from customer to customer.
type categoryAcc struct {
	sums    []int64  // by category index, millionths
	touched []uint32 // category indexes with a line, in first-seen order
	seen    []bool
}

func newCategoryAcc(n int) *categoryAcc {
	return &categoryAcc{sums: make([]int64, n), seen: make([]bool, n)}
}

func (a *categoryAcc) add(k uint32, v int64) {
	if !a.seen[k] {
		a.seen[k] = true
		a.touched = append(a.touched, k)
	}
	a.sums[k] += v
}

// shares returns the number of categories seen and, when gross (the sum
// of all values added) is positive, each category's share of it; then
// resets the accumulator.
func (a *categoryAcc) shares(names []string, gross int64) (int64, map[string]float64) {
	n := int64(len(a.touched))
	var out map[string]float64
	if gross > 0 {
		out = make(map[string]float64, len(a.touched))
	}
	for _, k := range a.touched {
		if out != nil {
			// Both are exact integers below 2^53 (millionths up to 9 x 10^9
			// units), so the quotient is the exact share rounded once.
			out[names[k]] = float64(a.sums[k]) / float64(gross)
		}
		a.sums[k], a.seen[k] = 0, false
	}
	a.touched = a.touched[:0]
	return n, out
}
