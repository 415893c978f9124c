// Package bench holds what the unify benchmarks need beyond the data
// set itself: a generator of a larger Online Retail II export made of
// shifted copies of the real one. The pandas side of the comparison is
// customers.py beside this file; run.sh runs both (make bench-unify).
package bench

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Online Retail II's invoice numbers are six digits (489434 to 538171 in
// 2009-2010) with an optional "C" (cancellation) or "A" (adjustment)
// prefix, and its customer numbers are five digits (12346 to 18287).
const (
	invoiceStride  = 50_000    // copy k adds k x 50,000 to the invoice number
	invoiceModulus = 1_000_000 // ... modulo 10^6, so numbers keep six digits
	customerStride = 100_000   // copy k adds k x 100,000 to the customer number
	timeLayout     = "2006-01-02 15:04:05"
	// MaxCopies is the most copies whose invoice numbers cannot collide:
	// 20 windows of 50,000 fill the six-digit space once.
	MaxCopies = invoiceModulus / invoiceStride
)

// Scale writes copies of the Online Retail II export read from r to w,
// copy 0 being the input itself. Copy k is the input with:
//
//   - invoice numbers moved by k x 50,000 modulo 10^6 (six digits kept,
//     the "C"/"A" prefix kept), so copies never share an invoice;
//   - customer numbers moved by k x 100,000 (new customers, none shared
//     with another copy; lines without a customer stay without one);
//   - invoice times moved k days back, so a run date that covers the input
//     covers every copy and the 30/90/365-day windows see all copies.
//
// Products, descriptions, quantities, prices and countries are unchanged,
// and so are exact duplicate lines (they stay duplicates within a copy).
// The output is deterministic: the same input gives the same bytes. It
// returns the number of data lines written.
func Scale(w io.Writer, r io.Reader, copies int) (int64, error) {
	if copies < 1 || copies > MaxCopies {
		return 0, fmt.Errorf("copies %d: want 1 to %d", copies, MaxCopies)
	}
	in, cols, err := readExport(r)
	if err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(in[0]); err != nil {
		return 0, err
	}
	var lines int64
	out := make([]string, len(in[0]))
	for k := range copies {
		for i, rec := range in[1:] {
			if err := cols.shift(out, rec, k); err != nil {
				return 0, fmt.Errorf("line %d: %w", i+2, err)
			}
			if err := cw.Write(out); err != nil {
				return 0, err
			}
			lines++
		}
	}
	cw.Flush()
	return lines, cw.Error()
}

// readExport reads the whole export, its header first, and finds the
// columns Scale shifts.
func readExport(r io.Reader) ([][]string, shiftColumns, error) {
	in, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, shiftColumns{}, fmt.Errorf("read export: %w", err)
	}
	if len(in) == 0 {
		return nil, shiftColumns{}, errors.New("read export: no header")
	}
	cols, err := shiftColumnsOf(in[0])
	return in, cols, err
}

// shiftColumns are the positions of the columns Scale shifts.
type shiftColumns struct{ invoice, at, customer int }

// shiftColumnsOf finds the Invoice, InvoiceDate and Customer ID columns in
// the header.
func shiftColumnsOf(header []string) (shiftColumns, error) {
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	for _, name := range []string{"Invoice", "InvoiceDate", "Customer ID"} {
		if _, ok := col[name]; !ok {
			return shiftColumns{}, fmt.Errorf("read export: no column %q in the header", name)
		}
	}
	return shiftColumns{col["Invoice"], col["InvoiceDate"], col["Customer ID"]}, nil
}

// shift sets out to record rec of copy k: rec with its invoice, time and
// customer shifted.
func (c shiftColumns) shift(out, rec []string, k int) (err error) {
	copy(out, rec)
	if out[c.invoice], err = shiftInvoice(rec[c.invoice], k); err != nil {
		return err
	}
	if out[c.at], err = shiftTime(rec[c.at], k); err != nil {
		return err
	}
	out[c.customer], err = shiftCustomer(rec[c.customer], k)
	return err
}

func shiftInvoice(s string, k int) (string, error) {
	prefix := strings.TrimRight(s, "0123456789")
	n, err := strconv.Atoi(s[len(prefix):])
	if err != nil || len(s)-len(prefix) != 6 {
		return "", fmt.Errorf("invoice %q is not six digits with an optional letter", s)
	}
	return fmt.Sprintf("%s%06d", prefix, (n+k*invoiceStride)%invoiceModulus), nil
}

func shiftTime(s string, k int) (string, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return "", fmt.Errorf("invoice date %q: %w", s, err)
	}
	return t.AddDate(0, 0, -k).Format(timeLayout), nil
}

func shiftCustomer(s string, k int) (string, error) {
	if strings.TrimSpace(s) == "" || k == 0 {
		return s, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n >= customerStride {
		return "", fmt.Errorf("customer number %q is not below %d", s, customerStride)
	}
	return strconv.Itoa(n + k*customerStride), nil
}

// WriteGzip writes Scale's output gzip-compressed to the file path.
func WriteGzip(path string, r io.Reader, copies int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	gz, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	bw := bufio.NewWriterSize(gz, 1<<20)
	_, err = Scale(bw, r, copies)
	for _, step := range []func() error{bw.Flush, gz.Close, f.Close} {
		if serr := step(); err == nil {
			err = serr
		}
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
