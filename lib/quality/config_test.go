package quality_test

import (
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/quality"
)

const validYAML = `
datasets:
  - name: orders
    pii: [customer_id]
    rules:
      - {kind: not_null, column: customer_id, severity: warn, max_failure_share: 0.3}
      - {kind: not_null, name: job_known, column: job, null_values: [unknown]}
      - {kind: unique, columns: [Invoice, Stock Code]}
      - {kind: accepted_values, column: country, values: [United Kingdom, 44]}
      - {kind: range, column: year_birth, min: 1900, max: 2005, max_failures: 3}
      - {kind: range, column: ordered_at, min: 2009-12-01, max: "2010-12-09T23:59:59Z"}
      - {kind: pattern, column: invoice, pattern: '^[0-9]{6}$'}
      - {kind: relationships, column: customer_id, to: customers.customer_id}
      - {kind: freshness, column: ordered_at, max_age_hours: 36}
`

func TestParseDefaults(t *testing.T) {
	c, err := quality.Parse([]byte(validYAML))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	rules := c.Datasets[0].Rules
	tests := []struct {
		i        int
		name     string
		severity string
	}{
		{0, "not_null_customer_id", quality.SeverityWarn},
		{1, "job_known", quality.SeverityError},
		{2, "unique_invoice_stock_code", quality.SeverityError},
		{4, "range_year_birth", quality.SeverityError},
		{8, "freshness_ordered_at", quality.SeverityError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rules[tt.i]
			if r.Name != tt.name || r.Severity != tt.severity {
				t.Errorf("rule %d: name %q severity %q, want %q %q", tt.i, r.Name, r.Severity, tt.name, tt.severity)
			}
		})
	}
	// YAML numbers land in the text settings unchanged.
	if got := rules[4].Min + ".." + rules[4].Max; got != "1900..2005" {
		t.Errorf("range bounds = %s, want 1900..2005", got)
	}
	if got := rules[3].Values; len(got) != 2 || got[1] != "44" {
		t.Errorf("values = %q, want [United Kingdom 44]", got)
	}
	if *rules[0].MaxFailureShare != 0.3 || *rules[4].MaxFailures != 3 {
		t.Errorf("thresholds not read: %v %v", *rules[0].MaxFailureShare, *rules[4].MaxFailures)
	}
}

func TestParseRejectsUnknownField(t *testing.T) {
	_, err := quality.Parse([]byte("datasets:\n  - name: a\n    rules:\n      - {kind: not_null, column: x, treshold: 3}\n"))
	if err == nil || !strings.Contains(err.Error(), "treshold") {
		t.Fatalf("Parse = %v, want an unknown-field error naming treshold", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	const bad = `
datasets:
  - name: orders
    rules:
      - {kind: not_null}
      - {kind: nothing, column: a}
      - {kind: unique, column: a, columns: [b, b]}
      - {kind: accepted_values, column: a}
      - {kind: range, column: a}
      - {kind: range, column: b, min: 10, max: 2}
      - {kind: range, column: c, min: 1, max: 2020-01-01}
      - {kind: range, column: d, min: soon}
      - {kind: pattern, column: a, pattern: '(['}
      - {kind: relationships, column: a}
      - {kind: freshness, column: a, max_failures: 1}
      - {kind: not_null, column: e, severity: fatal, max_failures: 1, max_failure_share: 0.5}
      - {kind: not_null, column: f, max_failure_share: 1.5, values: [x]}
      - {kind: not_null, column: g, max_failures: -1}
      - {name: dup, kind: not_null, column: h}
      - {name: dup, kind: not_null, column: i}
  - name: orders
  - rules: []
`
	_, err := quality.Parse([]byte(bad))
	if err == nil {
		t.Fatal("Parse accepted a broken configuration")
	}
	want := []string{
		"rules[0].column: required for a not_null rule",
		`rules[1].kind: "nothing" is not one of`,
		"rules[2].columns: set column or columns, not both",
		`rules[2].columns[1]: "b" appears twice`,
		"rules[3].values: at least one accepted value is required",
		"rules[4].min: a range rule needs min, max or both",
		"rules[5].max: 2 is below min 10",
		"rules[6].max: min and max must both be numbers or both be times",
		`rules[7].min: parse bound: parse "soon"`,
		"rules[8].pattern: error parsing regexp",
		"rules[9].to: required",
		"rules[10].max_age_hours: 0 must be a positive number of hours",
		"rules[10].max_failures: a freshness rule has no threshold",
		`rules[11].severity: "fatal" is not warn or error`,
		"rules[11].max_failures: set only one of max_failures and max_failure_share",
		"rules[12].max_failure_share: 1.5 is outside 0..1",
		"rules[12].values: does not apply to a not_null rule",
		"rules[13].max_failures: -1 is negative",
		`rules[15].name: "dup" appears twice`,
		`quality.datasets[1].name: "orders" appears twice`,
		"quality.datasets[2].name: required",
	}
	for _, w := range want {
		t.Run(w, func(t *testing.T) {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error lacks %q; got:\n%v", w, err)
			}
		})
	}
}
