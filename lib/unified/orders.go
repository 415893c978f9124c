// Package unified builds segmint's unified tables from raw order lines:
// orders (one row per invoice) and customers (one row per customer).
//
// Definitions, as of the end of run date D:
//   - An order is one invoice (order_id). A cancellation is an invoice whose
//     number starts with "C": its lines are returns.
//   - Exact duplicate lines of one export file (every mapped field equal) are
//     kept once; the removed copies are counted.
//   - Lines without a customer number stay in orders but belong to no customer.
//   - An order's time is the earliest time of its lines.
//   - orders_count: distinct non-cancelled orders of the customer.
//   - gross_revenue: sum of quantity x unit price over non-cancelled lines.
//   - returns_value: sum of |quantity x unit price| over cancelled lines.
//   - net_revenue: gross_revenue - returns_value.
//   - first_order_at, last_order_at: earliest and latest non-cancelled order.
//   - recency_days: whole days (floor) from last_order_at to the end of D.
//   - tenure_days: whole days (floor) from first_order_at to the end of D.
//
// Customers are computed from lines, orders from invoices: an invoice whose
// lines name two customers (none in the sample) counts for each of them in
// unified/customers, and belongs to the smallest customer number in
// unified/orders; such invoices are counted as order_customer_conflicts.
//
// Money is summed exactly in millionths of a unit; each published amount is
// that exact amount rounded half away from zero to the cent.
package unified

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/segmint/segmint/lib/money"
)

// Line is one raw order line in segmint's fields.
type Line struct {
	Source         string
	OrderID        string
	ProductID      string
	Description    string
	Quantity       int64
	UnitPrice      int64 // millionths of a currency unit
	OrderedAt      time.Time
	CustomerNumber string
	Country        string
	Currency       string
	SourceFile     string
	SourceLine     int64
	// converted and value are set by ConvertLines: value is quantity x unit
	// price converted into Currency.
	converted bool
	value     int64
}

// Value is quantity x unit price in millionths of Currency (converted by
// ConvertLines when the line came in another currency).
func (l Line) Value() int64 {
	if l.converted {
		return l.value
	}
	return l.Quantity * l.UnitPrice
}

// IsCancellation reports whether the line belongs to a cancellation invoice.
func (l Line) IsCancellation() bool { return strings.HasPrefix(l.OrderID, "C") }

// LineReader turns raw Parquet rows of an orders stream into Lines.
type LineReader struct {
	source, currency string
	cols             map[string]int
	priceScale       int
}

// NewLineReader prepares to read rows of schema. It fails when the schema
// lacks a field the orders entity needs.
func NewLineReader(source, currency string, schema *parquet.Schema) (*LineReader, error) {
	r := &LineReader{source: source, currency: currency, cols: map[string]int{}}
	for i, path := range schema.Columns() {
		r.cols[path[0]] = i
	}
	for _, need := range []string{"order_id", "quantity", "unit_price", "ordered_at", "customer_number", "_source_file", "_source_line"} {
		if _, ok := r.cols[need]; !ok {
			return nil, fmt.Errorf("raw orders of %s lack column %q", source, need)
		}
	}
	leaf, _ := schema.Lookup("unit_price")
	lt := leaf.Node.Type().LogicalType()
	dec, ok := (*format.DecimalType)(nil), false
	if lt != nil {
		dec, ok = lt.Value.(*format.DecimalType)
	}
	if !ok || dec == nil {
		return nil, fmt.Errorf("raw orders of %s: unit_price is not a decimal", source)
	}
	r.priceScale = int(dec.Scale)
	return r, nil
}

// Line converts one row. The caller's row buffer may be reused afterwards.
func (r *LineReader) Line(row parquet.Row) Line {
	str := func(name string) string {
		i, ok := r.cols[name]
		if !ok || row[i].IsNull() {
			return ""
		}
		return string(row[i].ByteArray())
	}
	num := func(name string) int64 {
		i, ok := r.cols[name]
		if !ok || row[i].IsNull() {
			return 0
		}
		return row[i].Int64()
	}
	return Line{
		Source:         r.source,
		OrderID:        str("order_id"),
		ProductID:      str("product_id"),
		Description:    str("description"),
		Quantity:       num("quantity"),
		UnitPrice:      money.Rescale(num("unit_price"), r.priceScale, money.MicroScale),
		OrderedAt:      time.UnixMicro(num("ordered_at")).UTC(),
		CustomerNumber: strings.TrimSpace(str("customer_number")),
		Country:        str("country"),
		Currency:       r.currency,
		SourceFile:     str("_source_file"),
		SourceLine:     num("_source_line"),
	}
}

// Dedup removes exact duplicate lines of one export file, keeping the first
// in input order (the lowest source line when lines come in file order, as
// raw partitions store them). It returns the kept lines in source order and the
// number removed.
func Dedup(lines []Line) ([]Line, int64) {
	type key struct {
		source, file, order, product, desc, cust, country string
		qty, price                                        int64
		at                                                int64
	}
	seen := make(map[key]bool, len(lines))
	out := make([]Line, 0, len(lines))
	var removed int64
	for _, l := range lines {
		k := key{l.Source, l.SourceFile, l.OrderID, l.ProductID, l.Description, l.CustomerNumber, l.Country,
			l.Quantity, l.UnitPrice, l.OrderedAt.UnixMicro()}
		if seen[k] {
			removed++
			continue
		}
		seen[k] = true
		out = append(out, l)
	}
	return out, removed
}

// CustomerID is the stable segmint id of a source's customer number. It is
// a pseudonym: a hash, so it reveals nothing and never changes.
func CustomerID(source, number string) string {
	sum := sha256.Sum256([]byte(source + "\x00customer_number\x00" + number))
	return "cus_" + hex.EncodeToString(sum[:])[:16]
}

// Order is one row of unified/orders: one invoice.
type Order struct {
	OrderID        string    `parquet:"order_id"`
	Source         string    `parquet:"source"`
	CustomerID     *string   `parquet:"customer_id,optional"`
	CustomerNumber *string   `parquet:"customer_number,optional"`
	OrderedAt      time.Time `parquet:"ordered_at,timestamp(microsecond)"`
	IsCancellation bool      `parquet:"is_cancellation"`
	LineCount      int64     `parquet:"line_count"`
	Units          int64     `parquet:"units"`
	// Value is the signed sum of quantity x unit price, exact.
	Value    int64   `parquet:"value,decimal(6:18)"`
	Currency string  `parquet:"currency"`
	Country  *string `parquet:"country,optional"`
}

// OrderStats counts what building orders noticed.
type OrderStats struct {
	// CustomerConflicts counts orders whose lines name different customers;
	// the smallest customer number is kept.
	CustomerConflicts int64
	// LinesWithoutCustomer counts lines with no customer number.
	LinesWithoutCustomer int64
}

// BuildOrders groups lines into orders, sorted by source and order id.
func BuildOrders(lines []Line) ([]Order, OrderStats) {
	type okey struct{ source, id string }
	idx := map[okey]int{}
	var orders []Order
	var stats OrderStats
	conflicted := map[int]bool{} // orders already counted in CustomerConflicts
	for _, l := range lines {
		if l.CustomerNumber == "" {
			stats.LinesWithoutCustomer++
		}
		k := okey{l.Source, l.OrderID}
		i, ok := idx[k]
		if !ok {
			i = len(orders)
			idx[k] = i
			orders = append(orders, Order{OrderID: l.OrderID, Source: l.Source, OrderedAt: l.OrderedAt,
				IsCancellation: l.IsCancellation(), Currency: l.Currency})
		}
		o := &orders[i]
		o.LineCount++
		o.Units += l.Quantity
		o.Value += l.Value()
		if l.OrderedAt.Before(o.OrderedAt) {
			o.OrderedAt = l.OrderedAt
		}
		if l.Country != "" && (o.Country == nil || l.Country < *o.Country) {
			o.Country = ptr(l.Country)
		}
		if l.CustomerNumber != "" {
			switch {
			case o.CustomerNumber == nil:
				o.CustomerNumber = ptr(l.CustomerNumber)
			case *o.CustomerNumber != l.CustomerNumber:
				if !conflicted[i] {
					conflicted[i] = true
					stats.CustomerConflicts++
				}
				if l.CustomerNumber < *o.CustomerNumber {
					o.CustomerNumber = ptr(l.CustomerNumber)
				}
			}
		}
	}
	for i := range orders {
		if n := orders[i].CustomerNumber; n != nil {
			orders[i].CustomerID = ptr(CustomerID(orders[i].Source, *n))
		}
	}
	sort.Slice(orders, func(i, j int) bool {
		if orders[i].Source != orders[j].Source {
			return orders[i].Source < orders[j].Source
		}
		return orders[i].OrderID < orders[j].OrderID
	})
	return orders, stats
}

func ptr[T any](v T) *T { return &v }
