package unify

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/quality"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// streamLines are the lines of one orders stream: lines from..to-1 of all.
type streamLines struct {
	all      *customerview.Lines
	from, to int
}

// lineRows presents order lines to the quality rules by segmint's field
// names: order_id, product_id, description, quantity, unit_price (a number
// in currency units), ordered_at, customer_number, country. Empty texts are
// nulls.
type lineRows streamLines

func (r lineRows) Len() int { return r.to - r.from }

func (r lineRows) Column(name string) (quality.Getter, bool) {
	text := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	line := func(i int) customerview.Line { return r.all.Line(r.from + i) }
	switch name {
	case "order_id":
		return func(i int) any { return text(line(i).OrderID) }, true
	case "product_id":
		return func(i int) any { return text(line(i).ProductID) }, true
	case "description":
		return func(i int) any { return text(line(i).Description) }, true
	case "customer_number":
		return func(i int) any { return text(line(i).CustomerNumber) }, true
	case "country":
		return func(i int) any { return text(line(i).Country) }, true
	case "quantity":
		return func(i int) any { return line(i).Quantity }, true
	case "unit_price":
		return func(i int) any { return money.Micros(line(i).UnitPrice).Float() }, true
	case "ordered_at":
		return func(i int) any { return line(i).OrderedAt }, true
	}
	return nil, false
}

// checkQuality runs the configured rules of one orders stream's raw lines.
// It commits the quality report and the quarantine of refused lines, and
// removes the lines that break an error-level row rule. An error-level
// rule over its threshold returns an error wrapping quality.ErrStop after
// the report and quarantine are committed: the run stops before anything
// downstream is written.
func checkQuality(ctx context.Context, env step.Env, d rundate.Date, src config.Source, st config.Stream,
	lines streamLines, raw *dataset.Manifest, keys map[string]quality.KeySet, stats step.Stats) error {
	name := contract.Raw(src.Name, st.Name)
	rules, ok := env.Config.QualityRules(name)
	if !ok {
		return nil
	}
	// The run id stays out of the report's rows (the manifest names the run)
	// so that a rerun writes byte-identical parts.
	out, err := quality.Evaluate(rules, lineRows(lines), quality.Inputs{Now: d.End(), Keys: keys, ErrorFailuresOnly: true})
	var gate *quality.GateError
	if err != nil && !errors.As(err, &gate) {
		return fmt.Errorf("quality of %s: %w", name, err)
	}
	refusedRow, refused := refusedLines(lines, out.Failures)
	if err := commitQuality(ctx, env, d, name, raw, refused, out.Report); err != nil {
		return err
	}
	lines.remove(refusedRow)
	stats.Add(src.Name+"/"+st.Name+".quality_refused", int64(len(refusedRow)))
	logQuality(env.Log, name, out.Report, len(refusedRow))
	if gate != nil {
		return fmt.Errorf("quality gate of %s: %w", name, gate)
	}
	return nil
}

// remove removes the lines of the stream at the positions rows.
func (s streamLines) remove(rows map[int]bool) {
	for row := range rows {
		s.all.Remove(s.from + row)
	}
}

// logQuality logs the check of dataset name: whether it passed, the lines
// refused and the dimension scores.
func logQuality(log zerolog.Logger, name string, report quality.Report, refused int) {
	ev := log.Info().Str(logging.FieldDataset, name).Bool(logging.FieldPassed, report.Passed).Int(logging.FieldRefusedLines, refused)
	for _, dim := range report.Dimensions {
		ev = ev.Float64(dim.Dimension, dim.Score)
	}
	ev.Msg("quality checked")
}

// refusedLines are the stream's lines that break an error-level row rule:
// their rows in the stream, and one Refused per failure ordered by source
// file and line.
func refusedLines(lines streamLines, failures []quality.RowFailure) (rows map[int]bool, refused []contract.Refused) {
	rows = map[int]bool{}
	for _, f := range failures {
		if f.Severity != "error" {
			continue
		}
		rows[f.Row] = true
		l := lines.all.Line(lines.from + f.Row)
		refused = append(refused, contract.Refused{SourceFile: l.SourceFile, Line: l.SourceLine, Rule: f.Rule, Kind: f.Kind, Column: f.Column, Value: f.Value})
	}
	sort.SliceStable(refused, func(i, j int) bool {
		if refused[i].SourceFile != refused[j].SourceFile {
			return refused[i].SourceFile < refused[j].SourceFile
		}
		return refused[i].Line < refused[j].Line
	})
	return rows, refused
}

// commitQuality commits the quality quarantine of dataset name, then its
// quality report.
func commitQuality(ctx context.Context, env step.Env, d rundate.Date, name string, raw *dataset.Manifest,
	refused []contract.Refused, report quality.Report) error {
	inputs := []*dataset.Manifest{raw}
	qo := step.Output{Partition: dataset.Partition{Dataset: contract.QualityQuarantine(name), Date: d}, Job: contract.StepUnify, Inputs: inputs}
	if _, err := step.WriteOutput(ctx, env, qo, refused); err != nil {
		return err
	}
	ro := step.Output{Partition: dataset.Partition{Dataset: contract.Quality(name), Date: d}, Job: contract.StepUnify, Inputs: inputs,
		Meta: map[string]any{"passed": report.Passed, "dimensions": report.Dimensions}}
	_, err := step.WriteOutput(ctx, env, ro, report.ParquetRows())
	return err
}
