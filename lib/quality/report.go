package quality

import (
	"slices"
	"strings"
	"time"
)

// The five quality dimensions marketers name.
const (
	// DimAccuracy: values are right: range, pattern, accepted_values and
	// relationships rules.
	DimAccuracy = "accuracy"
	// DimCompleteness: values are present: not_null rules.
	DimCompleteness = "completeness"
	// DimConsistency: values agree with each other and with other
	// datasets: unique and relationships rules.
	DimConsistency = "consistency"
	// DimTimeliness: data is recent: freshness rules.
	DimTimeliness = "timeliness"
	// DimValidity: values have the declared form: pattern and
	// accepted_values rules, and the caller's type checks.
	DimValidity = "validity"
)

// Dimensions returns the five dimensions in report order.
func Dimensions() []string {
	return []string{DimAccuracy, DimCompleteness, DimConsistency, DimTimeliness, DimValidity}
}

// Report is the quality report of one dataset in one run. It serialises
// to JSON as is, and to flat Parquet rows with ParquetRows.
type Report struct {
	// Dataset is the dataset checked.
	Dataset string `json:"dataset"`
	// RunID names the run (Inputs.RunID).
	RunID string `json:"run_id"`
	// AsOf is the run's as-of time (Inputs.Now), in UTC.
	AsOf time.Time `json:"as_of"`
	// Rows is the number of rows evaluated.
	Rows int `json:"rows"`
	// Passed is true when no error-level rule failed (the run may go on).
	Passed bool `json:"passed"`
	// Dimensions hold the five dimension scores, in Dimensions() order.
	Dimensions []DimensionScore `json:"dimensions"`
	// Rules hold every rule's result, in rule order.
	Rules []Result `json:"rules"`
	// TypeChecks are the caller's type checks (Inputs.TypeChecks).
	TypeChecks []TypeCheck `json:"type_checks,omitempty"`
}

// DimensionScore is one dimension's score.
//
// Score is the mean, over the checks of the dimension that checked at
// least one row, of the share of checked rows that passed,
// (Checked-Failed)/Checked: every rule weighs the same whatever its row
// count. The checks of a dimension are the rules whose kind counts in it
// (DimensionsOf) and, for validity only, the type checks. A freshness
// rule checks one row, the dataset, so timeliness is the share of
// freshness rules met. Score is 1.0 when the dimension has no check that
// checked a row. Warn and error rules count alike.
type DimensionScore struct {
	// Dimension is the dimension's name.
	Dimension string `json:"dimension"`
	// Score is in 0..1 as defined above.
	Score float64 `json:"score"`
	// Checks is the number of checks averaged (those with Checked > 0).
	Checks int `json:"checks"`
	// Checked is the sum of the averaged checks' Checked.
	Checked int `json:"checked"`
	// Failed is the sum of the averaged checks' Failed.
	Failed int `json:"failed"`
	// Passed is true when every rule of the dimension passed its threshold.
	Passed bool `json:"passed"`
}

// newReport scores results.
func newReport(dataset string, in Inputs, rows int, results []Result) Report {
	rep := Report{
		Dataset: dataset, RunID: in.RunID, AsOf: in.Now.UTC(), Rows: rows, Passed: len(stopping(results)) == 0,
		Rules: results, TypeChecks: slices.Clone(in.TypeChecks),
	}
	for _, dim := range Dimensions() {
		rep.Dimensions = append(rep.Dimensions, dimensionScore(dim, results, in.TypeChecks))
	}
	return rep
}

// dimensionScore scores a dimension: the mean pass rate of the rules (and,
// for validity, the type checks) that checked rows in it, or 1 when none
// did.
func dimensionScore(dim string, results []Result, typeChecks []TypeCheck) DimensionScore {
	s := dimensionSum{ds: DimensionScore{Dimension: dim, Passed: true}}
	for _, r := range results {
		if slices.Contains(r.Dimensions, dim) {
			s.count(r.Checked, r.Failed)
			s.ds.Passed = s.ds.Passed && r.Passed
		}
	}
	if dim == DimValidity {
		for _, tc := range typeChecks {
			s.count(tc.Checked, tc.Failed)
		}
	}
	return s.score()
}

// dimensionSum adds up the checks of one dimension.
type dimensionSum struct {
	ds  DimensionScore
	sum float64 // of the counted checks' pass rates
}

// count adds a check of checked rows, failed of which failed; a check of
// no row does not count.
func (s *dimensionSum) count(checked, failed int) {
	if checked <= 0 {
		return
	}
	s.ds.Checks++
	s.ds.Checked += checked
	s.ds.Failed += failed
	s.sum += float64(checked-failed) / float64(checked)
}

// score is the dimension's score with its Score set: the mean pass rate of
// the counted checks, 1 without any.
func (s *dimensionSum) score() DimensionScore {
	s.ds.Score = 1
	if s.ds.Checks > 0 {
		s.ds.Score = s.sum / float64(s.ds.Checks)
	}
	return s.ds
}

// Report row types.
const (
	// RowRule is a ReportRow about one rule.
	RowRule = "rule"
	// RowTypeCheck is a ReportRow about one type check.
	RowTypeCheck = "type_check"
	// RowDimension is a ReportRow about one dimension.
	RowDimension = "dimension"
)

// ReportRow is one flat row of a report, for a Parquet dataset (write a
// []ReportRow with parquet-go). Columns and Dimensions are joined with ",";
// Samples is a list column, as sample texts may hold commas.
type ReportRow struct {
	// Dataset is Report.Dataset.
	Dataset string `parquet:"dataset" json:"dataset"`
	// RunID is Report.RunID.
	RunID string `parquet:"run_id" json:"run_id"`
	// AsOf is Report.AsOf.
	AsOf time.Time `parquet:"as_of,timestamp(microsecond)" json:"as_of"`
	// RowType is rule, type_check or dimension.
	RowType string `parquet:"row_type" json:"row_type"`
	// Name is the rule's name, the type-checked column or the dimension.
	Name string `parquet:"name" json:"name"`
	// Kind is the rule's kind, the checked type, or "" for a dimension.
	Kind string `parquet:"kind" json:"kind"`
	// Columns are the rule's columns (the column of a type check).
	Columns string `parquet:"columns" json:"columns"`
	// Dimensions are the rule's dimensions ("validity" for a type check,
	// the dimension itself for a dimension row).
	Dimensions string `parquet:"dimensions" json:"dimensions"`
	// Severity is the rule's severity, "" for other rows.
	Severity string `parquet:"severity" json:"severity"`
	// Checked is the rows checked (summed over checks for a dimension).
	Checked int64 `parquet:"checked" json:"checked"`
	// Failed is the rows failed (summed over checks for a dimension).
	Failed int64 `parquet:"failed" json:"failed"`
	// Score is the share of checked rows that passed, 1 when none was
	// checked; for a dimension, DimensionScore.Score.
	Score float64 `parquet:"score" json:"score"`
	// Passed is the rule's verdict, or DimensionScore.Passed (type checks:
	// no failure).
	Passed bool `parquet:"passed" json:"passed"`
	// Samples are the rule's samples (none for other rows).
	Samples []string `parquet:"samples,list" json:"samples"`
}

// ParquetRows flattens the report: one row per rule, one per type check, then
// one per dimension.
func (r Report) ParquetRows() []ReportRow {
	var out []ReportRow
	base := ReportRow{Dataset: r.Dataset, RunID: r.RunID, AsOf: r.AsOf}
	for _, res := range r.Rules {
		out = append(out, ruleRow(base, res))
	}
	for _, tc := range r.TypeChecks {
		out = append(out, typeCheckRow(base, tc))
	}
	for _, d := range r.Dimensions {
		out = append(out, dimensionRow(base, d))
	}
	return out
}

// ruleRow is the report row of a rule's result; base holds the report's
// columns.
func ruleRow(base ReportRow, res Result) ReportRow {
	row := base
	row.RowType, row.Name, row.Kind = RowRule, res.Rule, res.Kind
	row.Columns = strings.Join(res.Columns, ",")
	row.Dimensions = strings.Join(res.Dimensions, ",")
	row.Severity = res.Severity
	row.Checked, row.Failed = int64(res.Checked), int64(res.Failed)
	row.Score = passShare(res.Checked, res.Failed)
	row.Passed = res.Passed
	row.Samples = slices.Clone(res.Samples)
	return row
}

// typeCheckRow is the report row of a type check; base holds the report's
// columns.
func typeCheckRow(base ReportRow, tc TypeCheck) ReportRow {
	row := base
	row.RowType, row.Name, row.Kind = RowTypeCheck, tc.Column, tc.Type
	row.Columns, row.Dimensions = tc.Column, DimValidity
	row.Checked, row.Failed = int64(tc.Checked), int64(tc.Failed)
	row.Score = passShare(tc.Checked, tc.Failed)
	row.Passed = tc.Failed == 0
	return row
}

// dimensionRow is the report row of a dimension's score; base holds the
// report's columns.
func dimensionRow(base ReportRow, d DimensionScore) ReportRow {
	row := base
	row.RowType, row.Name, row.Dimensions = RowDimension, d.Dimension, d.Dimension
	row.Checked, row.Failed = int64(d.Checked), int64(d.Failed)
	row.Score, row.Passed = d.Score, d.Passed
	return row
}

// passShare is the share of checked rows that passed, 1 when none was
// checked.
func passShare(checked, failed int) float64 {
	if checked <= 0 {
		return 1
	}
	return float64(checked-failed) / float64(checked)
}
