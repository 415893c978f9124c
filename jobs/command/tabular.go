package command

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/segmint/segmint/models/frame"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// isTableTrain tells `segmint train --input FILE ...` (a model on any table)
// from the nightly train step.
func isTableTrain(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool {
		return a == "--input" || a == "-input" || strings.HasPrefix(a, "--input=") || strings.HasPrefix(a, "-input=")
	})
}

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

// runTableTrain is `segmint train --input FILE --label COLUMN ...`.
func runTableTrain(ctx context.Context, args []string, sys System) int {
	fs, a := tableTrainFlags(sys.Stderr)
	if code, ok := parseTabular(fs, args, sys.Stderr, []string{"--input", "--label", "--out"}, &a.input, &a.spec.Label, &a.out); !ok {
		return code
	}
	a.spec.Drop = a.drop
	res, err := trainTable(ctx, a)
	if err != nil {
		fmt.Fprintf(sys.Stderr, "segmint train: %v\n", err)
		return exitCode(err)
	}
	printTrained(sys.Stdout, a.input, res, a.out)
	return exitOK
}

// tableTrainArgs are the flags of `segmint train --input FILE ...`.
type tableTrainArgs struct {
	spec               learn.Spec
	input, out, format string
	drop               listFlag
}

// tableTrainFlags defines the flags of `segmint train --input FILE ...`.
func tableTrainFlags(stderr io.Writer) (*flag.FlagSet, *tableTrainArgs) {
	fs := flag.NewFlagSet("segmint train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	a := &tableTrainArgs{}
	fs.StringVar(&a.input, "input", "", "table to learn from: CSV (, ; or tab, optionally gzip'd) or Parquet (required)")
	fs.StringVar(&a.format, "format", "", "csv or parquet (default: by the file)")
	fs.StringVar(&a.spec.Label, "label", "", "the column to predict (required)")
	fs.StringVar(&a.spec.Positive, "positive", "", "the label's positive value (default: of two values, 1, true or yes)")
	fs.BoolVar(&a.spec.Regression, "regression", false, "predict a numeric label (gbdt only)")
	fs.StringVar(&a.spec.Model, "model", "gbdt", "gbdt or logreg")
	fs.Var(&a.drop, "drop", "columns that are not features, comma-separated (identifiers, leaks); repeatable")
	fs.Uint64Var(&a.spec.Seed, "seed", 1, "seed of the holdout split and the learner")
	fs.Float64Var(&a.spec.TestShare, "holdout", 0.2, "share of the rows held out to measure the model")
	fs.StringVar(&a.spec.Name, "name", "", "the model's name in its file (default: the label)")
	fs.StringVar(&a.out, "out", "", "where to write the model file (JSON) (required)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "segmint train --input FILE --label COLUMN --out MODEL [flags]: trains a model on any table,")
		fmt.Fprintln(fs.Output(), "prints its holdout metrics and saves it. Text columns become categoricals; blanks and")
		fmt.Fprintln(fs.Output(), "unparseable numbers are missing values; identifier-like text columns are left out.")
		fmt.Fprintln(fs.Output(), "\nflags:")
		fs.PrintDefaults()
	}
	return fs, a
}

// trainTable reads the input table, trains the model and writes its file.
func trainTable(ctx context.Context, a *tableTrainArgs) (*learn.Result, error) {
	tab, err := frame.Read(a.input, frame.Options{Format: a.format})
	if err != nil {
		return nil, err
	}
	res, err := learn.Train(ctx, tab, a.spec)
	if err != nil {
		return nil, err
	}
	if err := res.File.WriteFile(a.out); err != nil {
		return nil, err
	}
	return res, nil
}

// parseTabular parses the flags and checks that the required ones, named
// by names, are set.
func parseTabular(fs *flag.FlagSet, args []string, stderr io.Writer, names []string, required ...*string) (int, bool) {
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code, false
	}
	var missing []string
	for i, p := range required {
		if *p == "" {
			missing = append(missing, names[i])
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(stderr, "%s: %s required (see --help)\n", fs.Name(), strings.Join(missing, ", "))
		return exitUsage, false
	}
	return exitOK, true
}

func printTrained(w io.Writer, input string, res *learn.Result, out string) {
	f := res.File
	fmt.Fprintf(w, "trained %s (%s, %s) on %s: %d training rows, %d holdout rows", f.Kind, f.Task, f.Label.Column, input, f.Rows.Train, f.Rows.Holdout)
	if res.MissingLabels > 0 {
		fmt.Fprintf(w, ", %d rows without a label left out", res.MissingLabels)
	}
	fmt.Fprintln(w)
	if f.Task == learn.Binary {
		fmt.Fprintf(w, "positive class: %s = %q\n", f.Label.Column, f.Label.Positive)
	}
	num, cat := featureKinds(f.Features)
	fmt.Fprintf(w, "features: %d numeric, %d categorical\n", num, cat)
	for _, d := range f.Dropped {
		fmt.Fprintf(w, "left out: %s (%s)\n", d.Name, d.Reason)
	}
	printMetrics(w, f.Metrics)
	fmt.Fprintf(w, "model written to %s\n", out)
}

// featureKinds counts the numeric and the categorical features.
func featureKinds(features []frame.Feature) (num, cat int) {
	for _, ft := range features {
		if ft.Kind == "categorical" {
			cat++
		} else {
			num++
		}
	}
	return num, cat
}

// printMetrics prints the holdout metrics, one a line by name.
func printMetrics(w io.Writer, metrics map[string]float64) {
	fmt.Fprintln(w, "holdout metrics:")
	keys := make([]string, 0, len(metrics))
	for k := range metrics {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %-15s %.4f\n", k, metrics[k])
	}
}

// runPredict is `segmint predict --model MODEL --input FILE --out FILE`.
func runPredict(ctx context.Context, args []string, sys System) int {
	fs, a := predictFlags(sys.Stderr)
	if code, ok := parseTabular(fs, args, sys.Stderr, []string{"--model", "--input", "--out"}, &a.model, &a.input, &a.out); !ok {
		return code
	}
	f, n, err := predictTable(ctx, a)
	if err != nil {
		fmt.Fprintf(sys.Stderr, "segmint predict: %v\n", err)
		return exitCode(err)
	}
	fmt.Fprintf(sys.Stdout, "scored %d rows with %s (%s %s) into %s\n", n, a.model, f.Kind, f.Name, a.out)
	return exitOK
}

// predictArgs are the flags of `segmint predict`.
type predictArgs struct {
	model, input, out, format string
	keep                      listFlag
}

// predictFlags defines the flags of `segmint predict`.
func predictFlags(stderr io.Writer) (*flag.FlagSet, *predictArgs) {
	fs := flag.NewFlagSet("segmint predict", flag.ContinueOnError)
	fs.SetOutput(stderr)
	a := &predictArgs{}
	fs.StringVar(&a.model, "model", "", "model file written by segmint train (required)")
	fs.StringVar(&a.input, "input", "", "table to score: CSV or Parquet (required)")
	fs.StringVar(&a.format, "format", "", "csv or parquet (default: by the file)")
	fs.StringVar(&a.out, "out", "", "where to write the scores: .csv or .parquet (required)")
	fs.Var(&a.keep, "keep", "input columns to carry into the output beside the score, comma-separated")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "segmint predict --model MODEL --input FILE --out FILE [--keep COLS]: one score per input")
		fmt.Fprintln(fs.Output(), "row, in input order (the positive class's probability, or the predicted value).")
		fmt.Fprintln(fs.Output(), "\nflags:")
		fs.PrintDefaults()
	}
	return fs, a
}

// predictTable reads the model file and the input table and writes the
// scores; it returns the model file and the rows scored.
func predictTable(ctx context.Context, a *predictArgs) (*registry.File, int, error) {
	f, err := registry.ReadFile(a.model)
	if err != nil {
		return nil, 0, err
	}
	tab, err := frame.Read(a.input, frame.Options{Format: a.format})
	if err != nil {
		return nil, 0, err
	}
	scores, err := learn.Predict(ctx, f, tab)
	if err != nil {
		return nil, 0, err
	}
	if err := learn.WriteScores(a.out, tab, a.keep, scores); err != nil {
		return nil, 0, err
	}
	return f, len(scores), nil
}
