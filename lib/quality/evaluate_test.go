package quality_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/quality"
)

func intp(v int) *int           { return &v }
func floatp(v float64) *float64 { return &v }
func ts(s string) time.Time     { t, _ := time.Parse(time.RFC3339, s); return t }
func ds(r ...quality.Rule) quality.Dataset {
	return quality.Dataset{Name: "t", Rules: r}
}

// col builds one-column map rows.
func col(name string, values ...any) quality.MapRows {
	rows := make(quality.MapRows, len(values))
	for i, v := range values {
		rows[i] = map[string]any{name: v}
	}
	return rows
}

func TestEvaluateRules(t *testing.T) {
	tests := []struct {
		name        string
		rule        quality.Rule
		rows        quality.Rows
		in          quality.Inputs
		checked     int
		failed      int
		passed      bool
		samples     []string
		failingRows []int
	}{
		{
			name:    "not_null counts nil, blank text, NaN and null_values",
			rule:    quality.Rule{Kind: quality.KindNotNull, Column: "a", NullValues: []string{"Unknown"}},
			rows:    col("a", "x", nil, "  ", math.NaN(), " unknown ", int64(0), "n/a"),
			checked: 7, failed: 4, samples: []string{"<null>", " unknown "}, failingRows: []int{1, 2, 3, 4},
		},
		{
			name:    "not_null on a missing map key",
			rule:    quality.Rule{Kind: quality.KindNotNull, Column: "a"},
			rows:    quality.MapRows{{"a": "x"}, {"b": "y"}},
			checked: 2, failed: 1, failingRows: []int{1}, samples: []string{"<null>"},
		},
		{
			name:    "accepted_values compares texts exactly and skips nulls",
			rule:    quality.Rule{Kind: quality.KindAcceptedValues, Column: "a", Values: []string{"yes", "no", "1"}},
			rows:    col("a", "yes", "Yes", nil, int64(1), 1.5, "no", true),
			checked: 6, failed: 3, samples: []string{"Yes", "1.5", "true"}, failingRows: []int{1, 4, 6},
		},
		{
			name:    "range over numbers is inclusive and fails non-numbers",
			rule:    quality.Rule{Kind: quality.KindRange, Column: "a", Min: "1900", Max: "2005"},
			rows:    col("a", int64(1900), int64(2005), int64(1899), "2006", 1900.5, "19x0", float64(2005.0001), true, nil),
			checked: 8, failed: 5, samples: []string{"1899", "2006", "19x0", "2005.0001", "true"}, failingRows: []int{2, 3, 5, 6, 7},
		},
		{
			name:    "range on int64 beyond float precision stays exact",
			rule:    quality.Rule{Kind: quality.KindRange, Column: "a", Max: "9007199254740993"},
			rows:    col("a", int64(9007199254740993), int64(9007199254740994)),
			checked: 2, failed: 1, failingRows: []int{1},
		},
		{
			name:    "range open below with a decimal bound",
			rule:    quality.Rule{Kind: quality.KindRange, Column: "a", Min: "0.01"},
			rows:    col("a", 0.01, "0", -3.5, int64(7), "0.009"),
			checked: 5, failed: 3, failingRows: []int{1, 2, 4},
		},
		{
			name: "range over times accepts time values and time texts",
			rule: quality.Rule{Kind: quality.KindRange, Column: "a", Min: "2009-12-01", Max: "2010-12-09T23:59:59Z"},
			rows: col("a", ts("2009-12-01T00:00:00Z"), "2010-12-09 23:59:59", "2010-12-10",
				ts("2009-11-30T23:59:59Z"), int64(5), "2010-06-01T10:00:00+02:00"),
			checked: 6, failed: 3, failingRows: []int{2, 3, 4},
		},
		{
			name:    "pattern matches anywhere unless anchored",
			rule:    quality.Rule{Kind: quality.KindPattern, Column: "a", Pattern: `^[0-9]{6}$`},
			rows:    col("a", "489434", "C489449", int64(123456), "4894340", nil),
			checked: 4, failed: 2, samples: []string{"C489449", "4894340"}, failingRows: []int{1, 3},
		},
		{
			name:    "relationships looks texts up in the key set",
			rule:    quality.Rule{Kind: quality.KindRelationships, Column: "a", To: "customers.id"},
			rows:    col("a", int64(13085), "13085", "99", nil, 13085.5),
			in:      quality.Inputs{Keys: map[string]quality.KeySet{"customers.id": quality.NewKeySet("13085", nil, "")}},
			checked: 4, failed: 2, samples: []string{"99", "13085.5"}, failingRows: []int{2, 4},
		},
		{
			name: "unique on one column skips nulls and counts repeats",
			rule: quality.Rule{Kind: quality.KindUnique, Column: "a"},
			rows: col("a", "x", "y", "x", nil, nil, "x", int64(1), "1"),
			// "1" and int64(1) have the same text, so they collide.
			checked: 6, failed: 3, samples: []string{"x", "1"},
		},
		{
			name: "unique on composite columns treats null as equal to null",
			rule: quality.Rule{Kind: quality.KindUnique, Columns: []string{"a", "b"}},
			rows: quality.MapRows{
				{"a": "1", "b": nil}, {"a": "1", "b": nil}, {"a": "1", "b": ""},
				{"a": nil, "b": nil}, {"a": nil, "b": nil}, {"a": "1", "b": "2"},
				{"a": "12", "b": ""},
			},
			// rows 3 and 4 are all-null keys (skipped); row 1 repeats row 0;
			// row 2's blank text is null too, so it repeats row 0 as well.
			checked: 5, failed: 2, samples: []string{"1 | <null>"},
		},
		{
			name:    "freshness passes when the newest row is recent enough",
			rule:    quality.Rule{Kind: quality.KindFreshness, Column: "a", MaxAgeHours: 24},
			rows:    col("a", "2010-12-08 20:01:00", ts("2010-12-09T20:01:00Z"), "bad", nil),
			in:      quality.Inputs{Now: ts("2010-12-10T20:01:00Z")},
			checked: 1, failed: 0, passed: true,
		},
		{
			name:    "freshness fails one second past the allowed age",
			rule:    quality.Rule{Kind: quality.KindFreshness, Column: "a", MaxAgeHours: 24},
			rows:    col("a", "2010-12-08 20:01:00", ts("2010-12-09T20:01:00Z")),
			in:      quality.Inputs{Now: ts("2010-12-10T20:01:01Z")},
			checked: 1, failed: 1, samples: []string{"2010-12-09T20:01:00Z"},
		},
		{
			name:    "freshness fails without any timestamp",
			rule:    quality.Rule{Kind: quality.KindFreshness, Column: "a", MaxAgeHours: 1},
			rows:    col("a", nil, "never"),
			in:      quality.Inputs{Now: ts("2010-12-10T20:01:01Z")},
			checked: 1, failed: 1, samples: []string{"<null>"},
		},
		{
			name:    "max_failures allows that many",
			rule:    quality.Rule{Kind: quality.KindNotNull, Column: "a", MaxFailures: intp(2)},
			rows:    col("a", nil, nil, "x"),
			checked: 3, failed: 2, passed: true, failingRows: []int{0, 1},
		},
		{
			name:    "max_failures one over fails",
			rule:    quality.Rule{Kind: quality.KindNotNull, Column: "a", MaxFailures: intp(1)},
			rows:    col("a", nil, nil, "x"),
			checked: 3, failed: 2, failingRows: []int{0, 1},
		},
		{
			name:    "max_failure_share exactly at the share passes",
			rule:    quality.Rule{Kind: quality.KindNotNull, Column: "a", MaxFailureShare: floatp(0.25)},
			rows:    col("a", nil, "x", "y", "z"),
			checked: 4, failed: 1, passed: true, failingRows: []int{0},
		},
		{
			name:    "max_failure_share over the share fails",
			rule:    quality.Rule{Kind: quality.KindNotNull, Column: "a", MaxFailureShare: floatp(0.2)},
			rows:    col("a", nil, "x", "y", "z"),
			checked: 4, failed: 1, failingRows: []int{0},
		},
		{
			name:    "table rows with a short record",
			rule:    quality.Rule{Kind: quality.KindNotNull, Column: "b"},
			rows:    &quality.Table{Header: []string{"a", "b"}, Records: [][]any{{"1", "2"}, {"1"}}},
			checked: 2, failed: 1, failingRows: []int{1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := quality.Evaluate(ds(tt.rule), tt.rows, tt.in)
			if tt.passed && err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			if !tt.passed && !errors.Is(err, quality.ErrStop) {
				t.Fatalf("Evaluate error = %v, want the gate to stop the run", err)
			}
			r := out.Results[0]
			if r.Checked != tt.checked || r.Failed != tt.failed || r.Passed != tt.passed {
				t.Errorf("checked/failed/passed = %d/%d/%v, want %d/%d/%v",
					r.Checked, r.Failed, r.Passed, tt.checked, tt.failed, tt.passed)
			}
			if want := float64(tt.failed) / float64(tt.checked); r.Share != want {
				t.Errorf("share = %v, want %v", r.Share, want)
			}
			if tt.samples != nil && !slices.Equal(r.Samples, tt.samples) {
				t.Errorf("samples = %q, want %q", r.Samples, tt.samples)
			}
			var rows []int
			for _, f := range out.Failures {
				rows = append(rows, f.Row)
			}
			if !slices.Equal(rows, tt.failingRows) {
				t.Errorf("failing rows = %v, want %v", rows, tt.failingRows)
			}
		})
	}
}

func TestEvaluateSetupErrors(t *testing.T) {
	rows := col("a", "x")
	tests := []struct {
		name string
		rule quality.Rule
		in   quality.Inputs
		want string
	}{
		{"missing column", quality.Rule{Kind: quality.KindNotNull, Column: "b"}, quality.Inputs{}, `column "b" not in the rows`},
		{"missing key set", quality.Rule{Kind: quality.KindRelationships, Column: "a", To: "c.id"}, quality.Inputs{}, `key set "c.id" not given`},
		{"freshness without now", quality.Rule{Kind: quality.KindFreshness, Column: "a", MaxAgeHours: 1}, quality.Inputs{}, "as-of time"},
		{"invalid rule", quality.Rule{Kind: quality.KindRange, Column: "a"}, quality.Inputs{}, "needs min, max or both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := quality.Evaluate(ds(tt.rule), rows, tt.in)
			if err == nil || out != nil || errors.Is(err, quality.ErrStop) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Evaluate = %v, %v; want a setup error containing %q", out, err, tt.want)
			}
		})
	}
}

func TestGateOnlyStopsOnErrorRules(t *testing.T) {
	rows := quality.MapRows{{"a": nil, "b": "x"}, {"a": "1", "b": "y"}}
	d := ds(
		quality.Rule{Kind: quality.KindNotNull, Column: "a", Severity: quality.SeverityWarn},
		quality.Rule{Kind: quality.KindAcceptedValues, Column: "b", Values: []string{"x"}},
		quality.Rule{Kind: quality.KindNotNull, Column: "b"},
		quality.Rule{Name: "a_known", Kind: quality.KindAcceptedValues, Column: "a", Values: []string{"2"}},
	)
	t.Run("error rules over threshold stop the run", func(t *testing.T) {
		out, err := quality.Evaluate(d, rows, quality.Inputs{})
		var gate *quality.GateError
		if !errors.As(err, &gate) {
			t.Fatalf("Evaluate error = %v, want a *GateError", err)
		}
		if want := []string{"accepted_values_b", "a_known"}; !slices.Equal(gate.Rules, want) || gate.Dataset != "t" {
			t.Errorf("gate = %+v, want rules %v of dataset t", gate, want)
		}
		if out == nil || out.Report.Passed {
			t.Fatalf("outcome must be complete and the report not passed: %+v", out)
		}
		// Failures are ordered by row, then rule order.
		var got []string
		for _, f := range out.Failures {
			got = append(got, fmt.Sprintf("%s@%d=%s", f.Rule, f.Row, f.Value))
		}
		want := []string{"not_null_a@0=<null>", "accepted_values_b@1=y", "a_known@1=1"}
		if !slices.Equal(got, want) {
			t.Errorf("failures = %v, want %v", got, want)
		}
	})
	t.Run("warn rules alone let the run go on", func(t *testing.T) {
		warnOnly := ds(d.Rules[0], d.Rules[2])
		out, err := quality.Evaluate(warnOnly, rows, quality.Inputs{})
		if err != nil {
			t.Fatalf("Evaluate: %v", err)
		}
		if out.Results[0].Passed || !out.Report.Passed {
			t.Errorf("warn rule passed=%v report passed=%v, want false and true", out.Results[0].Passed, out.Report.Passed)
		}
	})
}

func TestPIIValuesAreHashed(t *testing.T) {
	rows := quality.MapRows{
		{"email": "Ann@Example.com", "id": "7"},
		{"email": "bob@example", "id": "7"},
		{"email": nil, "id": "8"},
	}
	d := quality.Dataset{Name: "crm", PII: []string{"email"}, Rules: []quality.Rule{
		{Kind: quality.KindPattern, Column: "email", Pattern: `^\S+@\S+\.\S+$`, Severity: quality.SeverityWarn},
		{Kind: quality.KindUnique, Columns: []string{"id", "email"}, Severity: quality.SeverityWarn},
		{Kind: quality.KindNotNull, Column: "email", Severity: quality.SeverityWarn},
	}}
	out, err := quality.Evaluate(d, rows, quality.Inputs{})
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	// sha256 of "bob@example", computed with: printf %s bob@example | sha256sum
	const bob = "6c7ec6a11c9ac6dec36f5499febd86eca72b079ae0163cbfc3548e15b85e110a"
	if got := quality.HashValue(" BOB@example "); got != quality.HashValue("bob@example") || len(got) != 64 {
		t.Errorf("HashValue does not normalise: %s", got)
	}
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"pattern sample", out.Results[0].Samples, []string{quality.HashValue("bob@example")}},
		{"not_null sample keeps the null marker", out.Results[2].Samples, []string{"<null>"}},
		{"failure value", []string{out.Failures[0].Value}, []string{quality.HashValue("bob@example")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.Equal(tt.got, tt.want) {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
			for _, s := range tt.got {
				if strings.Contains(s, "@") {
					t.Errorf("raw PII leaked: %q", s)
				}
			}
		})
	}
	if quality.HashValue("bob@example") != bob {
		t.Errorf("HashValue(bob@example) = %s, want %s", quality.HashValue("bob@example"), bob)
	}
	if !out.Results[0].Hashed || !out.Results[1].Hashed || out.Results[1].Failed != 0 {
		t.Errorf("hashed flags / unique result wrong: %+v", out.Results[:2])
	}
}

// TestUniqueCountsLikeASet: the unique rule, which keeps hashes rather
// than keys, finds exactly the repeats a set of key texts finds, on many
// rows with many repeats, and samples them in row order.
func TestUniqueCountsLikeASet(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	rows := make(quality.MapRows, 20_000)
	for i := range rows {
		rows[i] = map[string]any{"a": int64(rng.IntN(300)), "b": fmt.Sprint(rng.IntN(40))}
		if rng.IntN(50) == 0 {
			rows[i]["b"] = nil
		}
	}
	seen := map[string]bool{}
	var want []string
	failed := 0
	for _, r := range rows {
		k := fmt.Sprint(r["a"], " | ", quality.Format(r["b"]), r["b"] == nil)
		if seen[k] {
			failed++
			if len(want) < quality.MaxSamples {
				b := quality.Format(r["b"])
				if r["b"] == nil {
					b = quality.NullText
				}
				if s := fmt.Sprint(r["a"], " | ", b); !slices.Contains(want, s) {
					want = append(want, s)
				}
			}
		}
		seen[k] = true
	}
	d := quality.Dataset{Name: "d", Rules: []quality.Rule{{Kind: quality.KindUnique, Columns: []string{"a", "b"}, Severity: quality.SeverityWarn}}}
	out, err := quality.Evaluate(d, rows, quality.Inputs{})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Results[0]
	if r.Checked != len(rows) || r.Failed != failed || failed < 1000 {
		t.Errorf("checked %d failed %d, want %d and %d", r.Checked, r.Failed, len(rows), failed)
	}
	if !slices.Equal(r.Samples, want) {
		t.Errorf("samples %q, want %q", r.Samples, want)
	}
}

// TestErrorFailuresOnly: with ErrorFailuresOnly the warn rule's rows are
// not listed, but its result still counts them; the error rule's rows are
// listed as before.
func TestErrorFailuresOnly(t *testing.T) {
	rows := quality.MapRows{{"a": nil, "b": int64(-1)}, {"a": "x", "b": int64(2)}, {"a": nil, "b": int64(-3)}}
	d := quality.Dataset{Name: "d", Rules: []quality.Rule{
		{Kind: quality.KindNotNull, Column: "a", Severity: quality.SeverityWarn, MaxFailures: intp(5)},
		{Kind: quality.KindRange, Column: "b", Min: "0", Severity: quality.SeverityError, MaxFailures: intp(5)},
	}}
	for _, only := range []bool{false, true} {
		out, err := quality.Evaluate(d, rows, quality.Inputs{ErrorFailuresOnly: only})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, f := range out.Failures {
			kinds = append(kinds, fmt.Sprint(f.Row, f.Kind))
		}
		want := []string{"0not_null", "0range", "2not_null", "2range"}
		if only {
			want = []string{"0range", "2range"}
		}
		if !slices.Equal(kinds, want) {
			t.Errorf("ErrorFailuresOnly=%v: failures %v, want %v", only, kinds, want)
		}
		if out.Results[0].Failed != 2 || out.Results[1].Failed != 2 {
			t.Errorf("ErrorFailuresOnly=%v: failed %d and %d, want 2 and 2", only, out.Results[0].Failed, out.Results[1].Failed)
		}
	}
}
