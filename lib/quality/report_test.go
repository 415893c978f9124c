package quality_test

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/quality"
)

// scoredOutcome evaluates rules whose pass shares are known by hand:
//
//	not_null a         4 checked, 1 failed: 0.75   completeness
//	accepted_values b  4 checked, 2 failed: 0.5    accuracy, validity
//	range c            2 checked, 0 failed: 1.0    accuracy
//	relationships d    4 checked, 1 failed: 0.75   accuracy, consistency
//	unique e           4 checked, 2 failed: 0.5    consistency
//	pattern f          0 checked (all null)        accuracy, validity: not averaged
//	type check g      10 checked, 1 failed: 0.9    validity
func scoredOutcome(t *testing.T) *quality.Outcome {
	t.Helper()
	rows := quality.MapRows{
		{"a": "1", "b": "x", "c": nil, "d": "k1", "e": "same", "f": nil},
		{"a": nil, "b": "x", "c": int64(5), "d": "k1", "e": "same", "f": ""},
		{"a": "3", "b": "bad", "c": nil, "d": "k9", "e": "same", "f": nil},
		{"a": "4", "b": "worse", "c": 2.5, "d": "k2", "e": "other", "f": nil},
	}
	w := quality.SeverityWarn
	d := quality.Dataset{Name: "scored", Rules: []quality.Rule{
		{Kind: quality.KindNotNull, Column: "a", Severity: w},
		{Kind: quality.KindAcceptedValues, Column: "b", Values: []string{"x"}, Severity: w},
		{Kind: quality.KindRange, Column: "c", Min: "0", Max: "10", Severity: w},
		{Kind: quality.KindRelationships, Column: "d", To: "keys", Severity: w},
		{Kind: quality.KindUnique, Column: "e", Severity: w},
		{Kind: quality.KindPattern, Column: "f", Pattern: "^z$", Severity: w},
	}}
	in := quality.Inputs{
		RunID: "run-1", Now: ts("2010-12-10T00:00:00Z"),
		Keys:       map[string]quality.KeySet{"keys": quality.NewKeySet("k1", "k2")},
		TypeChecks: []quality.TypeCheck{{Column: "g", Type: "decimal", Checked: 10, Failed: 1}},
	}
	out, err := quality.Evaluate(d, rows, in)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return out
}

func TestDimensionScores(t *testing.T) {
	out := scoredOutcome(t)
	want := []struct {
		dim             string
		score           float64
		checks, checked int
		failed          int
		passed          bool
	}{
		{quality.DimAccuracy, (0.5 + 1 + 0.75) / 3, 3, 10, 3, false},
		{quality.DimCompleteness, 0.75, 1, 4, 1, false},
		{quality.DimConsistency, (0.75 + 0.5) / 2, 2, 8, 3, false},
		{quality.DimTimeliness, 1, 0, 0, 0, true},
		{quality.DimValidity, (0.5 + 0.9) / 2, 2, 14, 3, false},
	}
	if len(out.Report.Dimensions) != len(want) {
		t.Fatalf("%d dimensions, want %d", len(out.Report.Dimensions), len(want))
	}
	for i, w := range want {
		t.Run(w.dim, func(t *testing.T) {
			got := out.Report.Dimensions[i]
			if got.Dimension != w.dim || math.Abs(got.Score-w.score) > 1e-12 || got.Checks != w.checks ||
				got.Checked != w.checked || got.Failed != w.failed || got.Passed != w.passed {
				t.Errorf("got %+v, want %+v", got, w)
			}
		})
	}
	if !out.Report.Passed || out.Report.Rows != 4 || out.Report.RunID != "run-1" {
		t.Errorf("report header wrong: passed %v rows %d run %q", out.Report.Passed, out.Report.Rows, out.Report.RunID)
	}
}

func TestReportSerialises(t *testing.T) {
	rep := scoredOutcome(t).Report
	t.Run("json round trip", func(t *testing.T) {
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var back quality.Report
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("unmarshal: %v", err)
		}
		if back.Dataset != "scored" || len(back.Rules) != 6 || back.Dimensions[2].Score != rep.Dimensions[2].Score ||
			!back.AsOf.Equal(rep.AsOf) || back.Rules[1].Samples[0] != "bad" {
			t.Errorf("round trip lost data: %s", b)
		}
		for _, key := range []string{`"dataset":"scored"`, `"dimension":"validity"`, `"share":0.5`, `"type_checks":[`} {
			if !bytes.Contains(b, []byte(key)) {
				t.Errorf("JSON lacks %s: %s", key, b)
			}
		}
	})
	t.Run("parquet rows: one per rule, type check and dimension", func(t *testing.T) {
		rows := rep.ParquetRows()
		var kinds []string
		for _, r := range rows {
			kinds = append(kinds, r.RowType)
		}
		want := []string{"rule", "rule", "rule", "rule", "rule", "rule", "type_check",
			"dimension", "dimension", "dimension", "dimension", "dimension"}
		if !slices.Equal(kinds, want) {
			t.Fatalf("row types = %v, want %v", kinds, want)
		}
		var buf bytes.Buffer
		if err := parquet.Write(&buf, rows); err != nil {
			t.Fatalf("write parquet: %v", err)
		}
		back, err := parquet.Read[quality.ReportRow](bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("read parquet: %v", err)
		}
		if len(back) != len(rows) {
			t.Fatalf("read %d rows, wrote %d", len(back), len(rows))
		}
		b := back[1]
		if b.Name != "accepted_values_b" || b.Score != 0.5 || b.Checked != 4 || b.Failed != 2 ||
			!slices.Equal(b.Samples, []string{"bad", "worse"}) || b.Dimensions != "accuracy,validity" || !b.AsOf.Equal(rep.AsOf) {
			t.Errorf("rule row = %+v", b)
		}
		if r := back[6]; r.Name != "g" || r.Score != 0.9 || r.Passed {
			t.Errorf("type check row = %+v", r)
		}
		if r := back[11]; r.Name != "validity" || r.Score != 0.7 || r.Passed {
			t.Errorf("dimension row = %+v", r)
		}
	})
}
