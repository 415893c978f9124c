package customerview

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/normalize"
)

// Text fields of a line, interned per field.
const (
	fieldOrder = iota
	fieldProduct
	fieldDescription
	fieldCustomer
	fieldCountry
	textFields
)

// Lines holds the order lines of a run compactly: every text is interned
// once per field (an invoice's 20 lines share one order id), times are
// Unix microseconds and money is integer millionths, so that one line takes
// 56 bytes however long its description. Lines are numbered in the order
// they were added, which is the order "first" refers to.
//
// A line can be removed (refused by a quality rule, or a duplicate); the
// tables are built from the lines that remain.
type Lines struct {
	recs    []lineRec
	removed []uint64 // bit set over recs
	texts   [textFields]texts
	files   []lineFile
	fileIDs map[lineFile]uint32
	// byOrder is set by Dedup: the remaining lines sorted by source,
	// order id and then the duplicate key, which is what Orders walks.
	byOrder []uint32
	// converted holds the value, in millionths of the reporting currency,
	// of the lines Convert converted from another currency; other lines'
	// value is quantity x unit price. Empty when all money is in the
	// reporting currency, as it is in the bundled sample.
	converted map[uint32]int64
	// catalog gives products their categories (SetCatalog); nil: none.
	catalog *Catalog
}

// value is line i's quantity x unit price in its currency, converted when
// it came in another.
func (ls *Lines) value(i uint32) int64 {
	if len(ls.converted) > 0 {
		if v, ok := ls.converted[i]; ok {
			return v
		}
	}
	r := &ls.recs[i]
	return r.quantity * r.unitPrice
}

// Convert converts lines from..to-1 (removed ones excepted) whose currency
// is not currency into it: a line's value (quantity x unit price, exact) is
// converted at the rate in force on the line's UTC day and rounded once,
// half away from zero, to a millionth; the unit price stays the source's. A
// currency without a rate that day is an error naming the line: money is
// never left out or kept in the wrong currency.
func (ls *Lines) Convert(from, to int, currency string, rates *normalize.Rates) error {
	currency = strings.ToUpper(currency)
	for i := from; i < to; i++ {
		r := &ls.recs[i]
		f := ls.files[r.file]
		if ls.Removed(i) || strings.EqualFold(f.currency, currency) {
			continue
		}
		at := time.UnixMicro(r.at).UTC()
		v, err := rates.Convert(r.quantity*r.unitPrice, f.currency, currency, at)
		if err != nil {
			return fmt.Errorf("order %s of %s (%s line %d): %w", ls.text(r, fieldOrder), f.source, f.name, r.line, err)
		}
		if ls.converted == nil {
			ls.converted = map[uint32]int64{}
		}
		ls.converted[uint32(i)] = v
		r.file = ls.fileID(lineFile{f.source, currency, f.name})
	}
	return nil
}

// lineRec is one line. Texts are ids into Lines.texts; id 0 is "".
type lineRec struct {
	text      [textFields]uint32
	file      uint32 // into Lines.files
	quantity  int64
	unitPrice int64 // millionths of a currency unit
	at        int64 // Unix microseconds, UTC
	line      int64 // line number in its source file
}

// lineFile is the source, currency and file name that lines share.
type lineFile struct{ source, currency, name string }

// texts interns the values of one text field; id 0 is "".
type texts struct {
	ids  map[string]uint32
	strs []string
}

func (t *texts) init() {
	t.ids = map[string]uint32{"": 0}
	t.strs = []string{""}
}

// id interns b without allocating when the value is known already.
func (t *texts) id(b []byte) uint32 {
	if id, ok := t.ids[string(b)]; ok {
		return id
	}
	return t.add(string(b))
}

func (t *texts) idOf(s string) uint32 {
	if id, ok := t.ids[s]; ok {
		return id
	}
	return t.add(s)
}

func (t *texts) add(s string) uint32 {
	id := uint32(len(t.strs)) // 2^32 distinct values would need far more memory than a run has
	t.strs = append(t.strs, s)
	t.ids[s] = id
	return id
}

// ranks gives each id the rank of its text in byte order.
func (t *texts) ranks() []uint32 {
	ids := make([]uint32, len(t.strs))
	for i := range ids {
		ids[i] = uint32(i)
	}
	slices.SortFunc(ids, func(a, b uint32) int { return strings.Compare(t.strs[a], t.strs[b]) })
	rank := make([]uint32, len(ids))
	for r, id := range ids {
		rank[id] = uint32(r)
	}
	return rank
}

// NewLines returns an empty set of lines.
func NewLines() *Lines {
	ls := &Lines{fileIDs: map[lineFile]uint32{}}
	for i := range ls.texts {
		ls.texts[i].init()
	}
	return ls
}

// LinesOf holds lines in a Lines, in their order.
func LinesOf(lines []Line) *Lines {
	ls := NewLines()
	ls.Grow(len(lines))
	for _, l := range lines {
		ls.Add(l)
	}
	return ls
}

// Grow makes room for n more lines.
func (ls *Lines) Grow(n int) { ls.recs = slices.Grow(ls.recs, n) }

// Len is the number of lines added, removed ones included.
func (ls *Lines) Len() int { return len(ls.recs) }

// Kept is the number of lines not removed.
func (ls *Lines) Kept() int {
	n := len(ls.recs)
	for i := range ls.recs {
		if ls.Removed(i) {
			n--
		}
	}
	return n
}

// Remove removes line i.
func (ls *Lines) Remove(i int) {
	for len(ls.removed) <= i/64 {
		ls.removed = append(ls.removed, 0)
	}
	ls.removed[i/64] |= 1 << (i % 64)
	ls.byOrder = nil
}

// Removed reports whether line i was removed.
func (ls *Lines) Removed(i int) bool {
	return i/64 < len(ls.removed) && ls.removed[i/64]&(1<<(i%64)) != 0
}

func (ls *Lines) fileID(f lineFile) uint32 {
	id, ok := ls.fileIDs[f]
	if !ok {
		id = uint32(len(ls.files))
		ls.files = append(ls.files, f)
		ls.fileIDs[f] = id
	}
	return id
}

// Add appends a line.
func (ls *Lines) Add(l Line) {
	r := lineRec{file: ls.fileID(lineFile{l.Source, l.Currency, l.SourceFile}),
		quantity: l.Quantity, unitPrice: l.UnitPrice, at: l.OrderedAt.UnixMicro(), line: l.SourceLine}
	for f, s := range [textFields]string{l.OrderID, l.ProductID, l.Description, l.CustomerNumber, l.Country} {
		r.text[f] = ls.texts[f].idOf(s)
	}
	if l.converted {
		if ls.converted == nil {
			ls.converted = map[uint32]int64{}
		}
		ls.converted[uint32(len(ls.recs))] = l.value
	}
	ls.recs = append(ls.recs, r)
}

// Line returns line i.
func (ls *Lines) Line(i int) Line {
	r := &ls.recs[i]
	f := ls.files[r.file]
	l := Line{
		Source: f.source, OrderID: ls.text(r, fieldOrder), ProductID: ls.text(r, fieldProduct),
		Description: ls.text(r, fieldDescription), Quantity: r.quantity, UnitPrice: r.unitPrice,
		OrderedAt: time.UnixMicro(r.at).UTC(), CustomerNumber: ls.text(r, fieldCustomer),
		Country: ls.text(r, fieldCountry), Currency: f.currency, SourceFile: f.name, SourceLine: r.line,
	}
	if v, ok := ls.converted[uint32(i)]; ok {
		l.converted, l.value = true, v
	}
	return l
}

func (ls *Lines) text(r *lineRec, field int) string { return ls.texts[field].strs[r.text[field]] }

// kept lists the lines not removed, in order.
func (ls *Lines) kept() []uint32 {
	out := make([]uint32, 0, len(ls.recs))
	for i := range ls.recs {
		if !ls.Removed(i) {
			out = append(out, uint32(i))
		}
	}
	return out
}

// keptLines returns the lines not removed, in order.
func (ls *Lines) keptLines() []Line {
	var out []Line
	for i := range ls.recs {
		if !ls.Removed(i) {
			out = append(out, ls.Line(i))
		}
	}
	return out
}

// sourceRanks gives each file the rank of its source in byte order.
func (ls *Lines) sourceRanks() []uint32 {
	var t texts
	t.init()
	ids := make([]uint32, len(ls.files))
	for i, f := range ls.files {
		ids[i] = t.idOf(f.source)
	}
	rank := t.ranks()
	for i := range ids {
		ids[i] = rank[ids[i]]
	}
	return ids
}

// fileKeys gives files of one source and name one key: the duplicate key
// of a line names its file, not its currency.
func (ls *Lines) fileKeys() []uint32 {
	seen := map[[2]string]uint32{}
	keys := make([]uint32, len(ls.files))
	for i, f := range ls.files {
		k := [2]string{f.source, f.name}
		id, ok := seen[k]
		if !ok {
			id = uint32(len(seen))
			seen[k] = id
		}
		keys[i] = id
	}
	return keys
}

// Dedup removes exact duplicate lines of one export file (every field but
// the line number equal), keeping the first, and returns how many it
// removed. Lines sort by source and order id first, so that duplicates lie
// next to each other and Orders can walk the same order.
func (ls *Lines) Dedup() int64 {
	src, file, order := ls.sourceRanks(), ls.fileKeys(), ls.texts[fieldOrder].ranks()
	perm := ls.kept()
	key := func(a, b *lineRec) int {
		if c := cmp.Compare(src[a.file], src[b.file]); c != 0 {
			return c
		}
		if c := cmp.Compare(order[a.text[fieldOrder]], order[b.text[fieldOrder]]); c != 0 {
			return c
		}
		if c := cmp.Compare(file[a.file], file[b.file]); c != 0 {
			return c
		}
		for f := fieldProduct; f < textFields; f++ {
			if c := cmp.Compare(a.text[f], b.text[f]); c != 0 {
				return c
			}
		}
		if c := cmp.Compare(a.quantity, b.quantity); c != 0 {
			return c
		}
		if c := cmp.Compare(a.unitPrice, b.unitPrice); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at)
	}
	slices.SortFunc(perm, func(i, j uint32) int {
		if c := key(&ls.recs[i], &ls.recs[j]); c != 0 {
			return c
		}
		return cmp.Compare(i, j) // the first copy first
	})
	var removed int64
	out := perm[:0]
	for k, i := range perm {
		if k > 0 && key(&ls.recs[perm[k-1]], &ls.recs[i]) == 0 {
			ls.Remove(int(i))
			removed++
			continue
		}
		out = append(out, i)
	}
	ls.byOrder = out
	return removed
}

// Orders groups the remaining lines into orders, sorted by source and
// order id.
func (ls *Lines) Orders() ([]Order, OrderStats) {
	src, order := ls.sourceRanks(), ls.texts[fieldOrder].ranks()
	sameOrder := func(a, b *lineRec) bool {
		return src[a.file] == src[b.file] && a.text[fieldOrder] == b.text[fieldOrder]
	}
	perm := ls.byOrder
	if perm == nil {
		perm = ls.kept()
		slices.SortFunc(perm, func(i, j uint32) int {
			a, b := &ls.recs[i], &ls.recs[j]
			if c := cmp.Compare(src[a.file], src[b.file]); c != 0 {
				return c
			}
			if c := cmp.Compare(order[a.text[fieldOrder]], order[b.text[fieldOrder]]); c != 0 {
				return c
			}
			return cmp.Compare(i, j)
		})
	}
	var (
		orders []Order
		stats  OrderStats
	)
	for start := 0; start < len(perm); {
		end := start + 1
		for end < len(perm) && sameOrder(&ls.recs[perm[start]], &ls.recs[perm[end]]) {
			end++
		}
		o, conflict := ls.order(perm[start:end], &stats)
		if conflict {
			stats.CustomerConflicts++
		}
		orders = append(orders, o)
		start = end
	}
	return orders, stats
}

// order builds one order from its lines.
func (ls *Lines) order(group []uint32, stats *OrderStats) (Order, bool) {
	first := slices.Min(group) // the order's first line in input order
	r0 := &ls.recs[first]
	f := ls.files[r0.file]
	o := Order{OrderID: ls.text(r0, fieldOrder), Source: f.source, Currency: f.currency}
	o.IsCancellation = strings.HasPrefix(o.OrderID, "C")
	at := r0.at
	var country, cust uint32
	conflict := false
	for _, i := range group {
		r := &ls.recs[i]
		o.LineCount++
		o.Units += r.quantity
		o.Value += money.Micros(ls.value(i))
		at = min(at, r.at)
		if c := r.text[fieldCountry]; c != 0 && (country == 0 || ls.texts[fieldCountry].strs[c] < ls.texts[fieldCountry].strs[country]) {
			country = c
		}
		c := r.text[fieldCustomer]
		switch {
		case c == 0:
			stats.LinesWithoutCustomer++
		case cust == 0:
			cust = c
		case c != cust:
			conflict = true
			if ls.texts[fieldCustomer].strs[c] < ls.texts[fieldCustomer].strs[cust] {
				cust = c
			}
		}
	}
	o.OrderedAt = time.UnixMicro(at).UTC()
	if country != 0 {
		o.Country = ptr(ls.texts[fieldCountry].strs[country])
	}
	if cust != 0 {
		n := ls.texts[fieldCustomer].strs[cust]
		o.CustomerNumber, o.CustomerID = ptr(n), ptr(CustomerID(f.source, n))
	}
	return o, conflict
}

// EachCustomer calls fn with the source and number of every customer of
// the remaining lines, once, in the order of their first line.
func (ls *Lines) EachCustomer(fn func(source, number string)) {
	src := ls.sourceRanks()
	seen := map[[2]uint32]bool{}
	for i := range ls.recs {
		r := &ls.recs[i]
		k := [2]uint32{src[r.file], r.text[fieldCustomer]}
		if r.text[fieldCustomer] == 0 || seen[k] || ls.Removed(i) {
			continue
		}
		seen[k] = true
		fn(ls.files[r.file].source, ls.text(r, fieldCustomer))
	}
}

// Customers computes one row per (source, customer number) from the
// remaining lines as of end (the exclusive end of the run date), sorted by
// customer id. See the package comment for the definitions.
func (ls *Lines) Customers(end time.Time, lc Lifecycle) []Customer {
	src := ls.sourceRanks()
	perm := make([]uint32, 0, len(ls.recs))
	for _, i := range ls.kept() {
		if ls.recs[i].text[fieldCustomer] != 0 {
			perm = append(perm, i)
		}
	}
	// By customer, then order, then input order.
	slices.SortFunc(perm, func(i, j uint32) int {
		a, b := &ls.recs[i], &ls.recs[j]
		if c := cmp.Compare(src[a.file], src[b.file]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.text[fieldCustomer], b.text[fieldCustomer]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.text[fieldOrder], b.text[fieldOrder]); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	})
	w := newWindows(end)
	var out []Customer
	cats := ls.categories(ls.catalog)
	sc := &customerScratch{cats: cats, acc: newCategoryAcc(len(cats.names))}
	for start := 0; start < len(perm); {
		r0 := &ls.recs[perm[start]]
		stop := start + 1
		for stop < len(perm) {
			r := &ls.recs[perm[stop]]
			if src[r.file] != src[r0.file] || r.text[fieldCustomer] != r0.text[fieldCustomer] {
				break
			}
			stop++
		}
		out = append(out, ls.customer(perm[start:stop], w, lc, sc))
		start = stop
	}
	slices.SortFunc(out, func(a, b Customer) int { return strings.Compare(a.CustomerID, b.CustomerID) })
	return out
}

// windows are the starts of the 30, 90 and 365-day windows before end.
type windows struct {
	end  time.Time
	from [3]int64 // Unix microseconds
}

var windowDays = [3]int{30, 90, 365}

func newWindows(end time.Time) windows {
	w := windows{end: end}
	for k, days := range windowDays {
		w.from[k] = end.AddDate(0, 0, -days).UnixMicro()
	}
	return w
}

// customerScratch is what building customers reuses from one to the next.
type customerScratch struct {
	products []uint32
	cats     categories
	acc      *categoryAcc
}

// customer builds one customer from its lines, sorted by order.
func (ls *Lines) customer(group []uint32, w windows, lc Lifecycle, sc *customerScratch) Customer {
	r0 := &ls.recs[slices.Min(group)]
	f := ls.files[r0.file]
	number := ls.text(r0, fieldCustomer)
	var t customerTotals
	sc.products = sc.products[:0]
	for start := 0; start < len(group); {
		stop := start + 1
		for stop < len(group) && ls.recs[group[stop]].text[fieldOrder] == ls.recs[group[start]].text[fieldOrder] {
			stop++
		}
		ls.addOrder(&t, group[start:stop], w, sc)
		start = stop
	}
	c := Customer{
		CustomerID:     CustomerID(f.source, number),
		Source:         f.source,
		CustomerNumber: number,
		EmailConsent:   ConsentUnknown,
		Currency:       f.currency,
	}
	t.fill(&c, ls.texts[fieldCountry].strs, w)
	slices.Sort(sc.products)
	c.DistinctProducts = int64(len(slices.Compact(sc.products)))
	c.DistinctCategories, c.CategoryRevenueShare = sc.acc.shares(sc.cats.names, t.gross)
	c.LifecycleStage = lc.Stage(c)
	return c
}

// customerTotals sums up one customer's orders.
type customerTotals struct {
	gross, returns       int64 // millionths
	orders, returnOrders int64
	firstAt, lastAt      int64
	country              uint32 // text id of the country of the latest line, or 0
	countryAt            int64
	winOrders, winValue  [3]int64
}

// addOrder adds to t the lines of one order, adding their products to
// sc.products and their values to sc.acc's categories (not a cancellation's).
func (ls *Lines) addOrder(t *customerTotals, lines []uint32, w windows, sc *customerScratch) {
	r := &ls.recs[lines[0]]
	countries := ls.texts[fieldCountry].strs
	cancelled := strings.HasPrefix(ls.text(r, fieldOrder), "C")
	at, value := r.at, int64(0)
	for _, i := range lines {
		l := &ls.recs[i]
		at = min(at, l.at)
		v := ls.value(i)
		t.seeCountry(l.text[fieldCountry], l.at, countries)
		if cancelled {
			t.returns += abs(v)
			continue
		}
		value += v
		p := l.text[fieldProduct]
		if p != 0 {
			sc.products = append(sc.products, p)
		}
		sc.acc.add(sc.cats.of[p], v)
	}
	if cancelled {
		t.returnOrders++
		return
	}
	t.addPlaced(at, value, w)
}

// seeCountry keeps the country c of a line at time at when it is the
// customer's latest line so far (ties: the greatest name).
func (t *customerTotals) seeCountry(c uint32, at int64, countries []string) {
	if c != 0 && (t.country == 0 || at > t.countryAt || at == t.countryAt && countries[c] > countries[t.country]) {
		t.country, t.countryAt = c, at
	}
}

// addPlaced counts a placed order of the given value at time at.
func (t *customerTotals) addPlaced(at, value int64, w windows) {
	if t.orders == 0 || at < t.firstAt {
		t.firstAt = at
	}
	if t.orders == 0 || at > t.lastAt {
		t.lastAt = at
	}
	t.orders++
	t.gross += value
	for k := range w.from {
		if at >= w.from[k] {
			t.winOrders[k]++
			t.winValue[k] += value
		}
	}
}

// fill sets c's order counts, revenue, country, order dates and windows
// from t.
func (t *customerTotals) fill(c *Customer, countries []string, w windows) {
	t.fillRevenue(c)
	if t.country != 0 {
		c.Country = ptr(countries[t.country])
	}
	if t.orders > 0 {
		t.fillOrderDates(c, w)
	}
	t.fillWindows(c)
}

// fillRevenue sets c's order counts and its gross, returned and net
// revenue.
func (t *customerTotals) fillRevenue(c *Customer) {
	c.OrdersCount, c.ReturnOrders = t.orders, t.returnOrders
	c.GrossRevenue = money.Micros(t.gross).Cents()
	c.ReturnsValue = money.Micros(t.returns).Cents()
	c.NetRevenue = money.Micros(t.gross - t.returns).Cents()
}

// fillOrderDates sets the columns of a customer with orders that derive
// from their dates: first and last order, recency, tenure, average order
// value and days between orders.
func (t *customerTotals) fillOrderDates(c *Customer, w windows) {
	first, last := time.UnixMicro(t.firstAt).UTC(), time.UnixMicro(t.lastAt).UTC()
	c.FirstOrderAt, c.LastOrderAt = ptr(first), ptr(last)
	c.RecencyDays = ptr(wholeDays(w.end.Sub(last)))
	c.TenureDays = ptr(wholeDays(w.end.Sub(first)))
	// Exact: gross / orders, rounded once to the cent.
	c.AvgOrderValue = ptr(money.Micros(t.gross).DivCents(t.orders))
	if t.orders > 1 {
		c.AvgDaysBetweenOrders = ptr(last.Sub(first).Hours() / 24 / float64(t.orders-1))
	}
}

// fillWindows sets c's orders and revenue in the 30, 90 and 365 days
// before the end.
func (t *customerTotals) fillWindows(c *Customer) {
	c.Orders30d, c.Orders90d, c.Orders365d = t.winOrders[0], t.winOrders[1], t.winOrders[2]
	c.Revenue30d = money.Micros(t.winValue[0]).Cents()
	c.Revenue90d = money.Micros(t.winValue[1]).Cents()
	c.Revenue365d = money.Micros(t.winValue[2]).Cents()
}

// LineReader appends raw Parquet rows of an orders stream to Lines.
type LineReader struct {
	source, currency string
	col              [textFields]int
	quantity, price  int
	at, file, line   int
	priceScale       int
	// The file of the last row, which the next row most likely shares.
	lastFile   []byte
	lastFileID uint32
	lastLines  *Lines
}

// NewLineReader prepares to read rows of schema. It fails when the schema
// lacks a field the orders entity needs.
func NewLineReader(source, currency string, schema *parquet.Schema) (*LineReader, error) {
	cols, err := orderColumns(source, schema)
	if err != nil {
		return nil, err
	}
	col := func(name string) int {
		if i, ok := cols[name]; ok {
			return i
		}
		return -1
	}
	r := &LineReader{source: source, currency: currency,
		col:      [textFields]int{col("order_id"), col("product_id"), col("description"), col("customer_number"), col("country")},
		quantity: col("quantity"), price: col("unit_price"), at: col("ordered_at"), file: col("_source_file"), line: col("_source_line")}
	if r.priceScale, err = priceScale(source, schema); err != nil {
		return nil, err
	}
	return r, nil
}

// orderColumns indexes the top-level columns of schema by name and checks
// that those the orders entity needs are there.
func orderColumns(source string, schema *parquet.Schema) (map[string]int, error) {
	cols := map[string]int{}
	for i, path := range schema.Columns() {
		cols[path[0]] = i
	}
	for _, need := range []string{"order_id", "quantity", "unit_price", "ordered_at", "customer_number", "_source_file", "_source_line"} {
		if _, ok := cols[need]; !ok {
			return nil, fmt.Errorf("raw orders of %s lack column %q", source, need)
		}
	}
	return cols, nil
}

// priceScale is the scale of the decimal unit_price column of schema.
func priceScale(source string, schema *parquet.Schema) (int, error) {
	leaf, _ := schema.Lookup("unit_price")
	if lt := leaf.Node.Type().LogicalType(); lt != nil {
		if dec, ok := lt.Value.(*format.DecimalType); ok && dec != nil {
			return int(dec.Scale), nil
		}
	}
	return 0, fmt.Errorf("raw orders of %s: unit_price is not a decimal", source)
}

// Append adds one row to ls. The caller's row buffer may be reused
// afterwards: texts are copied when first seen.
func (r *LineReader) Append(ls *Lines, row parquet.Row) {
	rec := lineRec{quantity: int64At(row, r.quantity), unitPrice: int64(money.MicrosOf(int64At(row, r.price), r.priceScale)),
		at: int64At(row, r.at), line: int64At(row, r.line)}
	if file := bytesAt(row, r.file); r.lastLines != ls || !bytes.Equal(file, r.lastFile) {
		r.setFile(ls, file)
	}
	rec.file = r.lastFileID
	for f, i := range r.col {
		b := bytesAt(row, i)
		if f == fieldCustomer {
			b = bytes.TrimSpace(b)
		}
		rec.text[f] = ls.texts[f].id(b)
	}
	ls.recs = append(ls.recs, rec)
}

// Appender returns a function that appends batches of raw Parquet rows of
// one orders stream to ls, reading the first batch's schema (the callback
// dataset.EachRowsOf takes). Growing ls first saves the doubling series.
func (ls *Lines) Appender(source, currency string) func(*parquet.Schema, []parquet.Row) error {
	var lr *LineReader
	return func(s *parquet.Schema, rows []parquet.Row) error {
		if lr == nil {
			var err error
			if lr, err = NewLineReader(source, currency, s); err != nil {
				return err
			}
		}
		for _, row := range rows {
			lr.Append(ls, row)
		}
		return nil
	}
}

// setFile makes file, of lines ls, the file of the rows that follow.
func (r *LineReader) setFile(ls *Lines, file []byte) {
	r.lastFile = append(r.lastFile[:0], file...)
	r.lastFileID = ls.fileID(lineFile{r.source, r.currency, string(file)})
	r.lastLines = ls
}

// bytesAt is the byte array of column i of row, nil when null or when i is
// -1 (no such column).
func bytesAt(row parquet.Row, i int) []byte {
	if i < 0 || row[i].IsNull() {
		return nil
	}
	return row[i].ByteArray()
}

// int64At is the integer of column i of row, 0 when null or when i is -1
// (no such column).
func int64At(row parquet.Row, i int) int64 {
	if i < 0 || row[i].IsNull() {
		return 0
	}
	return row[i].Int64()
}
