package synth

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// Customer is one real customer of the order sample: the facts the generator
// keeps from it. Everything else about the person is invented.
type Customer struct {
	// Number is the Online Retail "Customer ID", without a trailing ".0".
	Number string
	// Country is the country named on most of the customer's lines (ties go
	// to the alphabetically first), as spelt in the sample ("United Kingdom").
	Country string
	// FirstOrder and LastOrder are the earliest and latest Orders times; for a
	// customer with cancellations only, the earliest and latest line times.
	FirstOrder, LastOrder time.Time
	// Orders are the customer's non-cancelled invoices, by time then number.
	Orders []Order
}

// Order is one non-cancelled invoice of a real customer.
type Order struct {
	// Invoice is the invoice number as in the sample.
	Invoice string
	// Time is the earliest InvoiceDate of the invoice's lines, read as UTC.
	Time time.Time
}

// invoiceLayout is the InvoiceDate layout of Online Retail II exports.
const invoiceLayout = "2006-01-02 15:04:05"

// LoadCustomers reads Online Retail II CSV files (gzip when the name ends in
// ".gz") and returns their customers as ReadCustomers does, over all files.
func LoadCustomers(ctx context.Context, paths ...string) ([]Customer, error) {
	acc := newCustomerAcc()
	for _, p := range paths {
		if err := openOrders(p, func(r io.Reader) error { return acc.read(ctx, r) }); err != nil {
			return nil, err
		}
	}
	return acc.customers(), nil
}

// openOrders calls read with the contents of an orders file, decompressed
// when its name ends in ".gz".
func openOrders(path string, read func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open orders %s: %w", path, err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("open gzip %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	if err := read(r); err != nil {
		return fmt.Errorf("read orders %s: %w", path, err)
	}
	return nil
}

// ReadCustomers reads one uncompressed Online Retail II CSV (header Invoice,
// StockCode, Description, Quantity, InvoiceDate, Price, Customer ID, Country)
// and returns one Customer per distinct non-empty Customer ID, sorted by
// Number. Lines without a customer are skipped; an invoice starting with "C"
// is a cancellation and is not an order.
func ReadCustomers(ctx context.Context, r io.Reader) ([]Customer, error) {
	acc := newCustomerAcc()
	if err := acc.read(ctx, r); err != nil {
		return nil, err
	}
	return acc.customers(), nil
}

type customerAcc struct {
	countries map[string]map[string]int
	orders    map[string]map[string]time.Time
	lineMin   map[string]time.Time
	lineMax   map[string]time.Time
}

func newCustomerAcc() *customerAcc {
	return &customerAcc{
		countries: map[string]map[string]int{},
		orders:    map[string]map[string]time.Time{},
		lineMin:   map[string]time.Time{},
		lineMax:   map[string]time.Time{},
	}
}

// errBadHeader reports an orders file without the columns the generator needs.
var errBadHeader = errors.New("orders header lacks a needed column")

func (a *customerAcc) read(ctx context.Context, r io.Reader) error {
	return eachOrderLine(ctx, r, []string{"Invoice", "InvoiceDate", "Customer ID", "Country"}, func(rec []string) error {
		return a.add(rec[0], rec[1], rec[2], rec[3])
	})
}

// eachOrderLine calls fn with the fields named need of every data line of
// an Online Retail II CSV, in need's order; the slice is reused.
func eachOrderLine(ctx context.Context, r io.Reader, need []string, fn func([]string) error) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	idx, err := neededColumns(cr, need)
	if err != nil {
		return err
	}
	fields := make([]string, len(need))
	for line := 2; ; line++ {
		if line%4096 == 0 && ctx.Err() != nil {
			return fmt.Errorf("read line %d: %w", line, ctx.Err())
		}
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", line, err)
		}
		for i, j := range idx {
			fields[i] = rec[j]
		}
		if err := fn(fields); err != nil {
			return fmt.Errorf("read line %d: %w", line, err)
		}
	}
}

// neededColumns reads the header of cr and finds the columns named need
// in it, in need's order.
func neededColumns(cr *csv.Reader, need []string) ([]int, error) {
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	idx := make([]int, len(need))
	for i, n := range need {
		j, ok := col[n]
		if !ok {
			return nil, fmt.Errorf("find column %q: %w", n, errBadHeader)
		}
		idx[i] = j
	}
	return idx, nil
}

// add counts one line of customer number customer: its country and time,
// and its invoice as an order unless it is a cancellation.
func (a *customerAcc) add(invoice, date, customer, country string) error {
	num := strings.TrimSuffix(strings.TrimSpace(customer), ".0")
	if num == "" {
		return nil
	}
	t, err := time.ParseInLocation(invoiceLayout, strings.TrimSpace(date), time.UTC)
	if err != nil {
		return fmt.Errorf("parse invoice date: %w", err)
	}
	if a.countries[num] == nil {
		a.countries[num] = map[string]int{}
		a.orders[num] = map[string]time.Time{}
		a.lineMin[num], a.lineMax[num] = t, t
	}
	a.countries[num][country]++
	if t.Before(a.lineMin[num]) {
		a.lineMin[num] = t
	}
	if t.After(a.lineMax[num]) {
		a.lineMax[num] = t
	}
	if strings.HasPrefix(invoice, "C") {
		return nil
	}
	if cur, ok := a.orders[num][invoice]; !ok || t.Before(cur) {
		a.orders[num][invoice] = t
	}
	return nil
}

// customers lists the customers read, sorted by number.
func (a *customerAcc) customers() []Customer {
	out := make([]Customer, 0, len(a.countries))
	for num, cs := range a.countries {
		out = append(out, a.customer(num, cs))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// customer is customer num, whose lines name countries cs: its orders by
// time, then invoice, and its first and last order (first and last line
// without orders).
func (a *customerAcc) customer(num string, cs map[string]int) Customer {
	c := Customer{Number: num, Country: topCountry(cs)}
	for inv, t := range a.orders[num] {
		c.Orders = append(c.Orders, Order{Invoice: inv, Time: t})
	}
	chronological(c.Orders, func(o *Order) (time.Time, string) { return o.Time, o.Invoice })
	if n := len(c.Orders); n > 0 {
		c.FirstOrder, c.LastOrder = c.Orders[0].Time, c.Orders[n-1].Time
	} else {
		c.FirstOrder, c.LastOrder = a.lineMin[num], a.lineMax[num]
	}
	return c
}

func topCountry(cs map[string]int) string {
	best, n := "", -1
	for c, k := range cs {
		if k > n || (k == n && c < best) {
			best, n = c, k
		}
	}
	return best
}
