package bench_test

import (
	"strings"
	"testing"

	"github.com/segmint/segmint/jobs/unify/bench"
)

func TestScale(t *testing.T) {
	in := "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n" +
		"489434,85048,\"GLASS BALL, 20 LIGHTS\",12,2009-12-01 07:45:00,6.95,13085,United Kingdom\n" +
		"C538171,22041,FRAME,-1,2010-12-09 20:01:00,2.1,,France\n"
	tests := []struct {
		name   string
		copies int
		want   string
		err    string
	}{
		{name: "one copy is the input", copies: 1, want: in},
		{name: "copies move invoices, customers and days", copies: 3, want: in +
			"539434,85048,\"GLASS BALL, 20 LIGHTS\",12,2009-11-30 07:45:00,6.95,113085,United Kingdom\n" +
			"C588171,22041,FRAME,-1,2010-12-08 20:01:00,2.1,,France\n" +
			"589434,85048,\"GLASS BALL, 20 LIGHTS\",12,2009-11-29 07:45:00,6.95,213085,United Kingdom\n" +
			"C638171,22041,FRAME,-1,2010-12-07 20:01:00,2.1,,France\n"},
		{name: "invoice numbers wrap and keep six digits", copies: 20},
		{name: "too many copies", copies: 21, err: "copies 21"},
		{name: "no copies", copies: 0, err: "copies 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			n, err := bench.Scale(&b, strings.NewReader(in), tt.copies)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(2*tt.copies) {
				t.Errorf("%d lines, want %d", n, 2*tt.copies)
			}
			if tt.want != "" && b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
			seen := map[string]bool{}
			for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n")[1:] {
				inv := strings.TrimLeft(line[:strings.Index(line, ",")], "CA")
				if len(inv) != 6 || seen[line[:strings.Index(line, ",")]] {
					t.Errorf("invoice %q repeats or is not six digits", inv)
				}
				seen[line[:strings.Index(line, ",")]] = true
			}
		})
	}
}

func TestScaleRejectsOtherExports(t *testing.T) {
	for _, in := range []string{
		"Invoice,InvoiceDate\n1,2010-01-01 00:00:00\n",
		"Invoice,InvoiceDate,Customer ID\n1234567,2010-01-01 00:00:00,1\n",
		"Invoice,InvoiceDate,Customer ID\n123456,2010-01-01,1\n",
		"Invoice,InvoiceDate,Customer ID\n123456,2010-01-01 00:00:00,100000\n",
	} {
		if _, err := bench.Scale(&strings.Builder{}, strings.NewReader(in), 2); err == nil {
			t.Errorf("no error for %q", in)
		}
	}
}
