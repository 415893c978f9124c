// Package customerview builds the unified customer view from raw order
// lines: the unified tables orders (one row per invoice) and customers (one
// row per customer), with the product catalog, CRM records and currency
// conversion they take in. (jobs/unify is the step that runs it.)
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
package customerview

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

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

// Dedup removes exact duplicate lines of one export file, keeping the first
// in input order (the lowest source line when lines come in file order, as
// raw partitions store them). It returns the kept lines in source order and the
// number removed. (Lines.Dedup does the same on the compact form.)
func Dedup(lines []Line) ([]Line, int64) {
	ls := LinesOf(lines)
	removed := ls.Dedup()
	return ls.keptLines(), removed
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
	Value    money.Micros `parquet:"value,decimal(6:18)"`
	Currency string       `parquet:"currency"`
	Country  *string      `parquet:"country,optional"`
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
// (Lines.Orders does the same on the compact form.)
func BuildOrders(lines []Line) ([]Order, OrderStats) { return LinesOf(lines).Orders() }

func ptr[T any](v T) *T { return &v }
