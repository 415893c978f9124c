// Package command is the segmint command: it parses the subcommand and its
// flags, loads the configuration, opens the store and runs one job (or the
// nightly DAG, a backfill, a model on a table). main.go calls Run.
//
//	segmint <command> [--date YYYY-MM-DD] [--config FILE] [flags]
//
// Exit codes: 0 done, 1 the run failed, 2 bad usage or configuration.
package command

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// System is what the command gets from its process.
type System struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
	// DefaultConfig is configs/local.yaml as built into the binary, used
	// when that file is not on disk.
	DefaultConfig []byte
}

const defaultConfigPath = "configs/local.yaml"

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// Run runs the command line args (without the program name) and returns
// the exit code.
func Run(ctx context.Context, args []string, sys System) int {
	return run(ctx, args, sys.Stdout, sys.Stderr, sys.Getenv, sys.Now, sys.DefaultConfig)
}

// options are the flags every command shares.
type options struct {
	date, from, to string
	configPath     string
	redo           bool
	source, stream string
	logLevel       string
	logFormat      string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, now func() time.Time, defaultConfig []byte) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd := args[0]
	switch {
	case cmd == "fakes":
		return runFakes(ctx, args[1:], stdout, stderr, now)
	case cmd == "predict":
		return runPredict(ctx, args[1:], stdout, stderr)
	case cmd == "train" && isTableTrain(args[1:]):
		return runTableTrain(ctx, args[1:], stdout, stderr)
	}
	stp, isStep := nightly.Lookup(cmd)
	if !isStep && cmd != "nightly" && cmd != "backfill" && cmd != "sources" {
		fmt.Fprintf(stderr, "segmint: unknown command %q (see segmint help)\n", cmd)
		return exitUsage
	}
	var o options
	fs := flag.NewFlagSet("segmint "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if cmd == "backfill" {
		fs.StringVar(&o.from, "from", "", "first date to run, YYYY-MM-DD (required)")
		fs.StringVar(&o.to, "to", "", "last date to run, YYYY-MM-DD (required)")
	} else {
		fs.StringVar(&o.date, "date", "", "run date YYYY-MM-DD: the data up to the end of that day (default: yesterday, UTC)")
	}
	fs.StringVar(&o.configPath, "config", "", "configuration file (default "+defaultConfigPath+", or the embedded copy of it)")
	if cmd == "ingest" {
		fs.StringVar(&o.source, "source", "", "pull only this source")
		fs.StringVar(&o.stream, "stream", "", "pull only this stream (of --source)")
	}
	if cmd == "nightly" || cmd == "backfill" {
		fs.BoolVar(&o.redo, "redo", false, "rerun steps already committed for the date")
	}
	fs.StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&o.logFormat, "log-format", "auto", "json, console, or auto (console on a terminal)")
	fs.Usage = func() { commandUsage(fs, cmd, stp) }
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "segmint %s: unexpected arguments %q\n", cmd, fs.Args())
		return exitUsage
	}
	dates, err := runDates(o, cmd, now)
	if err != nil {
		fmt.Fprintf(stderr, "segmint %s: %v\n", cmd, err)
		return exitUsage
	}
	cfg, err := loadConfig(o.configPath, getenv, defaultConfig)
	if err != nil {
		fmt.Fprintf(stderr, "segmint %s: bad configuration:\n  %s\n", cmd, strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return exitUsage
	}
	level, err := zerolog.ParseLevel(o.logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "segmint %s: --log-level %q: %v\n", cmd, o.logLevel, err)
		return exitUsage
	}
	console := o.logFormat == "console" || o.logFormat == "auto" && isTerminal(stderr)
	root := logging.New(stderr, console, level)

	st, err := store.Open(ctx, storeOptions(cfg.Store))
	if err != nil {
		fmt.Fprintf(stderr, "segmint %s: open store: %v\n", cmd, err)
		return exitFailed
	}
	if cmd == "sources" {
		if err := printSources(ctx, stdout, cfg, st); err != nil {
			fmt.Fprintf(stderr, "segmint sources: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	for _, d := range dates {
		if code := runDate(ctx, cmd, stp, o, d, cfg, st, root, stdout, stderr, now, getenv); code != exitOK {
			return code
		}
	}
	return exitOK
}

// runDates is the list of dates a command runs for.
func runDates(o options, cmd string, now func() time.Time) ([]rundate.Date, error) {
	if cmd != "backfill" {
		if o.date == "" {
			return []rundate.Date{rundate.Of(now()).AddDays(-1)}, nil
		}
		d, err := rundate.Parse(o.date)
		return []rundate.Date{d}, err
	}
	if o.from == "" || o.to == "" {
		return nil, errors.New("--from and --to are required")
	}
	from, err := rundate.Parse(o.from)
	if err != nil {
		return nil, err
	}
	to, err := rundate.Parse(o.to)
	if err != nil {
		return nil, err
	}
	if to.Start().Before(from.Start()) {
		return nil, fmt.Errorf("--to %s is before --from %s", to, from)
	}
	var out []rundate.Date
	for d := from; !d.Start().After(to.Start()); d = d.AddDays(1) {
		out = append(out, d)
	}
	return out, nil
}

func runDate(ctx context.Context, cmd string, stp nightly.Step, o options, d rundate.Date, cfg *config.Config,
	st store.Store, root zerolog.Logger, stdout, stderr io.Writer, now func() time.Time, getenv func(string) string) int {
	runID := newRunID(now(), cmd)
	log := root.With().Str(logging.FieldRunID, runID).Str(logging.FieldDate, d.String()).Logger()
	env := step.Env{
		Store: st, Config: cfg, Log: log, RunID: runID, Now: now, Source: o.source, Stream: o.stream,
		Connectors: func(src config.Source, srcLog zerolog.Logger) ([]connector.Stream, error) {
			return OpenConnectors(src, connector.Deps{Getenv: getenv, Log: srcLog, Now: now})
		},
		Opener: func(location string) (store.Store, string, error) {
			return store.OpenLocation(ctx, storeOptions(cfg.Store), location)
		},
	}
	rec := &runlog.Record{RunID: runID, Command: cmd, Date: d.String(), Store: st.String(), StartedAt: now().UTC()}
	cmdLog := log.With().Str(logging.FieldJob, cmd).Logger()
	var err error
	if cmd == "nightly" || cmd == "backfill" {
		err = nightly.Run(ctx, env, d, o.redo, rec)
	} else {
		err = nightly.RunStep(ctx, env, stp, d, rec)
	}
	rec.FinishedAt, rec.Outcome = now().UTC(), "succeeded"
	if err != nil {
		rec.Outcome, rec.Error = "failed", err.Error()
	}
	// The run record is written even for a failed run, on a fresh context so
	// that an interrupted run still leaves its record.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if werr := runlog.Write(wctx, st, rec); werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		cmdLog.Error().Err(err).Msg("run failed")
		fmt.Fprintf(stderr, "segmint %s %s: %v\n", cmd, d, err)
		if step.IsUsage(err) {
			return exitUsage
		}
		return exitFailed
	}
	cmdLog.Info().Msg("run succeeded")
	printOutputs(stdout, cmd, d, cfg, st, rec)
	return exitOK
}

// printOutputs tells a person where the results are.
func printOutputs(w io.Writer, cmd string, d rundate.Date, cfg *config.Config, st store.Store, rec *runlog.Record) {
	fmt.Fprintf(w, "segmint %s %s: done (run %s)\n", cmd, d, rec.RunID)
	for _, s := range rec.Steps {
		fmt.Fprintf(w, "  %-9s %-8s %6d ms\n", s.Name, s.Status, s.ElapsedMS)
	}
	fmt.Fprintf(w, "outputs in %s:\n", st)
	for _, s := range nightly.Steps() {
		if cmd != "nightly" && cmd != "backfill" && cmd != s.Name {
			continue
		}
		for _, p := range s.Outputs(cfg, d) {
			fmt.Fprintf(w, "  %s\n", p.Prefix())
		}
	}
	fmt.Fprintf(w, "  %s\n", runlog.Key(rec.RunID))
}

func loadConfig(path string, getenv func(string) string, defaultConfig []byte) (*config.Config, error) {
	if path != "" {
		return config.Load(path, getenv)
	}
	if _, err := os.Stat(defaultConfigPath); err == nil {
		return config.Load(defaultConfigPath, getenv)
	}
	return config.Parse(defaultConfig, getenv)
}

func newRunID(t time.Time, cmd string) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return t.UTC().Format("20060102T150405Z") + "-" + cmd + "-" + hex.EncodeToString(b[:])
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && logging.IsTerminal(f)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `segmint: nightly batch jobs for data-driven precision marketing.

usage: segmint <command> [--date YYYY-MM-DD] [--config FILE] [flags]
       segmint <command> --help    what the command reads and writes, and its flags

commands:
`)
	for _, s := range nightly.Steps() {
		fmt.Fprintf(w, "  %-9s %s\n  %-9s reads  %s\n  %-9s writes %s\n", s.Name, s.About, "", s.ReadsText(",\n"+strings.Repeat(" ", 19)), "", s.WritesText(",\n"+strings.Repeat(" ", 19)))
	}
	fmt.Fprint(w, `  train --input FILE --label COLUMN --out MODEL
            trains gradient boosting (or --model logreg) on any CSV or Parquet
            table, prints holdout metrics and saves the model file
  predict --model MODEL --input FILE --out FILE
            writes one score per input row, in input order
  sources   lists the configured sources and streams with their saved cursors
  fakes     serves fakes of the HubSpot, Salesforce, Google Ads and Meta APIs for
            configs/demo.yaml (make demo)
  nightly   runs every step above for the date in order, skipping steps already
            committed for it (--redo to rebuild them)
  backfill  runs nightly for every date from --from to --to
  help      this text

--date defaults to yesterday (UTC); --config to configs/local.yaml, or the copy
of it built into the binary. Every run writes runs/<run-id>.json.

exit codes: 0 done, 1 the run failed, 2 bad usage or configuration.
`)
}

func commandUsage(fs *flag.FlagSet, cmd string, s nightly.Step) {
	w := fs.Output()
	switch cmd {
	case "nightly":
		fmt.Fprintln(w, "segmint nightly: runs ingest, unify, features, train, score, publish and report for one date,")
		fmt.Fprintln(w, "skipping the steps whose outputs are already committed for it (unless --redo).")
	case "backfill":
		fmt.Fprintln(w, "segmint backfill: runs nightly for each date from --from to --to, oldest first.")
	case "sources":
		fmt.Fprintln(w, "segmint sources: lists the configured sources and streams with their state (state/<source>/<stream>.json).")
	default:
		fmt.Fprintf(w, "segmint %s: %s\n  reads  %s\n  writes %s\n", cmd, s.About, s.ReadsText(",\n         "), s.WritesText(",\n         "))
	}
	fmt.Fprintln(w, "\nflags:")
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nexit codes: 0 done, 1 the run failed, 2 bad usage or configuration.")
}
