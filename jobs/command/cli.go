// Package command is the segmint command: it parses the subcommand and its
// flags, loads the configuration, opens the store and runs one step (or the
// nightly DAG, a backfill, a model on a table). main.go calls Run.
//
//	segmint <command> [--date YYYY-MM-DD] [--config FILE] [flags]
//
// Exit codes (exit.go): 0 done, 1 the run failed and a person must look, 2
// bad usage or configuration, 3 another run holds the date's lock, 4 a
// transient failure worth retrying later.
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
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/audience"
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

// Run runs the command line args (without the program name) and returns
// the exit code.
func Run(ctx context.Context, args []string, sys System) int {
	if len(args) == 0 {
		usage(sys.Stdout)
		return exitUsage
	}
	name := args[0]
	if name == "-h" || name == "--help" {
		name = "help"
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args[1:], sys)
		}
	}
	return runStep(ctx, name, args[1:], sys)
}

// command is one subcommand of segmint.
type command struct {
	name string
	// synopsis, when set, shows the command's required flags after its
	// name in segmint help, and puts summary on the lines below.
	synopsis string
	// summary says what the command does; its lines after the first are
	// indented under the first.
	summary string
	// run runs the command with the arguments after its name and returns
	// the exit code.
	run func(ctx context.Context, args []string, sys System) int
}

// commands lists segmint's subcommands besides the steps of the nightly
// DAG (see runStep), in the order segmint help lists them after the steps.
func commands() []command {
	return []command{
		{"train", "--input FILE --label COLUMN --out MODEL", "trains gradient boosting (or --model logreg) on any CSV or Parquet\n" +
			"table, prints holdout metrics and saves the model file", runTrain},
		{"predict", "--model MODEL --input FILE --out FILE", "writes one score per input row, in input order", runPredict},
		{"sources", "", "lists the configured sources and streams with their saved cursors", runSources},
		{"fakes", "", "serves fakes of the HubSpot, Salesforce, Google Ads and Meta APIs for\n" +
			"configs/demo.yaml (make demo)", runFakes},
		{"nightly", "", "runs every step above for the date in order, skipping steps already\n" +
			"committed for it (--redo to rebuild them)", runNightly},
		{"backfill", "--from D1 --to D2", "runs the steps (or --steps) for every date, resuming where it stopped;\n" +
			"dates in parallel (--parallel) only for steps that do not read earlier dates", runBackfill},
		{"measure", "--segment S --from D1 --to D2", "compares a segment's treated members with its control group over the\n" +
			"nights D1..D2 and commits measurements/<segment>/dt=D2", runMeasure},
		{"models", "list|show|promote|rollback", "inspects the model registry, and promotes a version or rolls the\n" +
			"champion back by hand", runModels},
		{"version", "", "prints the module version, the commit it was built from and the Go version", runVersion},
		{"help", "", "this text", runHelp},
	}
}

// options are the flags every command shares.
type options struct {
	date, from, to string
	segment        string
	configPath     string
	redo           bool
	allowEmpty     bool
	backfill       backfillOptions
	source, stream string
	logLevel       string
	logFormat      string
	// levelSet says that --log-level was given, not defaulted.
	levelSet bool
}

// runHelp is `segmint help`.
func runHelp(_ context.Context, _ []string, sys System) int {
	usage(sys.Stdout)
	return exitOK
}

// runTrain is `segmint train`: a model on any table with --input, else the
// nightly train step.
func runTrain(ctx context.Context, args []string, sys System) int {
	if isTableTrain(args) {
		return runTableTrain(ctx, args, sys)
	}
	return runStep(ctx, "train", args, sys)
}

// runStep is `segmint <step>`: one step of the nightly DAG for each date.
func runStep(ctx context.Context, name string, args []string, sys System) int {
	stp, ok := nightly.Lookup(name)
	if !ok {
		fmt.Fprintf(sys.Stderr, "segmint: unknown command %q (see segmint help)\n", name)
		return exitUsage
	}
	return runDates(ctx, name, stp, args, sys)
}

// runNightly is `segmint nightly`: every step for one date.
func runNightly(ctx context.Context, args []string, sys System) int {
	return runDates(ctx, "nightly", nightly.Step{}, args, sys)
}

// runSources is `segmint sources`: the state of every configured stream.
func runSources(ctx context.Context, args []string, sys System) int {
	rc, _, code := prepare(ctx, "sources", nightly.Step{}, args, sys)
	if rc == nil {
		return code
	}
	if err := printSources(ctx, sys.Stdout, rc.cfg, rc.st); err != nil {
		fmt.Fprintf(sys.Stderr, "segmint sources: %v\n", err)
		return exitCode(err)
	}
	return exitOK
}

// runDates runs command cmd (step stp, or the whole DAG for nightly and
// backfill) for each of its dates, stopping at the first that fails.
func runDates(ctx context.Context, cmd string, stp nightly.Step, args []string, sys System) int {
	rc, dates, code := prepare(ctx, cmd, stp, args, sys)
	if rc == nil {
		return code
	}
	for _, d := range dates {
		if code := rc.runDate(ctx, d); code != exitOK {
			return code
		}
	}
	return exitOK
}

// runContext is what a command that reads the configuration and the store
// runs with.
type runContext struct {
	sys  System
	cmd  string
	step nightly.Step // the step a step command runs
	opts options
	cfg  *config.Config
	st   store.Store
	root zerolog.Logger // the process's logger, before any run fields
	// swept removes the leftovers of killed runs once a process (lock.go),
	// also when a backfill runs several dates at once.
	swept sync.Once
}

// prepare parses the flags of command cmd (step stp, if it is one), loads
// the configuration and opens the store. With a nil runContext, the
// command is over, with the exit code returned.
func prepare(ctx context.Context, cmd string, stp nightly.Step, args []string, sys System) (*runContext, []rundate.Date, int) {
	o, code, ok := parseOptions(cmd, stp, args, sys.Stderr)
	if !ok {
		return nil, nil, code
	}
	dates, err := datesOf(o, cmd, sys.Now)
	if err != nil {
		fmt.Fprintf(sys.Stderr, "segmint %s: %v\n", cmd, err)
		return nil, nil, exitUsage
	}
	rc, code := open(ctx, cmd, o, sys)
	if rc == nil {
		return nil, nil, code
	}
	rc.step = stp
	return rc, dates, exitOK
}

// parseOptions parses the flags of command cmd. When ok is false the
// command is over with exit code code (--help, or a usage error already
// reported).
func parseOptions(cmd string, stp nightly.Step, args []string, stderr io.Writer) (o options, code int, ok bool) {
	fs := flag.NewFlagSet("segmint "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.define(fs, cmd)
	fs.Usage = func() { commandUsage(fs, cmd, stp) }
	code, ok = parseFlags(fs, args, stderr)
	fs.Visit(func(f *flag.Flag) { o.levelSet = o.levelSet || f.Name == "log-level" })
	return o, code, ok
}

// define defines on fs the flags of command cmd, which set o.
func (o *options) define(fs *flag.FlagSet, cmd string) {
	switch cmd {
	case "backfill":
		fs.StringVar(&o.from, "from", "", "first date to run, YYYY-MM-DD (required)")
		fs.StringVar(&o.to, "to", "", "last date to run, YYYY-MM-DD (required)")
		o.backfill.define(fs)
	case "measure":
		fs.StringVar(&o.segment, "segment", "", "the rule segment to measure (required)")
		fs.StringVar(&o.from, "from", "", "first night whose members count, YYYY-MM-DD (required)")
		fs.StringVar(&o.to, "to", "", "last night; orders count up to its end, YYYY-MM-DD (required)")
	default:
		fs.StringVar(&o.date, "date", "", "run date YYYY-MM-DD: the data up to the end of that day (default: yesterday, UTC)")
	}
	if cmd == "ingest" {
		fs.StringVar(&o.source, "source", "", "pull only this source")
		fs.StringVar(&o.stream, "stream", "", "pull only this stream (of --source)")
	}
	if cmd == "nightly" || cmd == "backfill" {
		fs.BoolVar(&o.redo, "redo", false, "rerun steps already committed for the date")
	}
	if cmd != "measure" && cmd != "sources" {
		fs.BoolVar(&o.allowEmpty, "allow-empty", false, "run a date after the newest input the sources hold, as an empty night:\nno model is promoted and no latest.json moves")
	}
	o.defineShared(fs)
}

// defineShared defines on fs the flags that open reads.
func (o *options) defineShared(fs *flag.FlagSet) {
	fs.StringVar(&o.configPath, "config", "", "configuration file (default "+defaultConfigPath+", or the embedded copy of it)")
	o.logLevel, o.logFormat = "info", "auto"
	fs.Var(choice{&o.logLevel, logLevels()}, "log-level", "log `level`: debug, info, warn or error")
	fs.Var(choice{&o.logFormat, []string{"json", "console", "auto"}}, "log-format", "log `format`: json, console, or auto (console on a terminal)")
}

// logLevels are the values of --log-level.
func logLevels() []string { return []string{"debug", "info", "warn", "error"} }

// choice is a string flag that takes one of a few values; any other is a
// usage error naming them.
type choice struct {
	value   *string
	choices []string
}

func (c choice) String() string {
	if c.value == nil {
		return ""
	}
	return *c.value
}

func (c choice) Set(s string) error {
	if !slices.Contains(c.choices, s) {
		return fmt.Errorf("%q is not one of %s", s, strings.Join(c.choices, ", "))
	}
	*c.value = s
	return nil
}

// parseFlags parses args into fs, which is named "segmint <command>".
// When ok is false the command is over with exit code code: --help, or a
// usage error already reported (a bad flag, or arguments after the flags).
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected arguments %q\n", fs.Name(), fs.Args())
		return exitUsage, false
	}
	return exitOK, true
}

// open loads the configuration, makes the root logger and opens the store
// for command cmd. With a nil runContext, the command is over, with the
// exit code returned.
func open(ctx context.Context, cmd string, o options, sys System) (*runContext, int) {
	cfg, err := loadConfig(o.configPath, sys.Getenv, sys.DefaultConfig)
	if err != nil {
		fmt.Fprintf(sys.Stderr, "segmint %s: bad configuration:\n  %s\n", cmd, strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return nil, exitUsage
	}
	level, err := zerolog.ParseLevel(o.logLevel)
	if err != nil || !slices.Contains(logLevels(), o.logLevel) {
		// The flag already refuses other values; a caller that set one
		// without it gets the same answer.
		fmt.Fprintf(sys.Stderr, "segmint %s: --log-level %q is not one of %s\n", cmd, o.logLevel, strings.Join(logLevels(), ", "))
		return nil, exitUsage
	}
	console := o.logFormat == "console" || o.logFormat == "auto" && isTerminal(sys.Stderr)
	root := logging.New(sys.Stderr, console, level)
	st, err := store.Open(ctx, storeOptions(cfg.Store))
	if err != nil {
		fmt.Fprintf(sys.Stderr, "segmint %s: open store: %v\n", cmd, err)
		return nil, exitCode(err)
	}
	return &runContext{sys: sys, cmd: cmd, opts: o, cfg: cfg, st: st, root: root}, exitOK
}

// datesOf is the list of dates a command runs for; none may be after
// today (UTC).
func datesOf(o options, cmd string, now func() time.Time) ([]rundate.Date, error) {
	var dates []rundate.Date
	var err error
	switch {
	case cmd == "measure":
		dates, err = measureDates(o)
	case cmd == "backfill":
		dates, err = backfillDates(o.from, o.to)
	case o.date == "":
		dates = []rundate.Date{rundate.Of(now()).AddDays(-1)}
	default:
		var d rundate.Date
		d, err = rundate.Parse(o.date)
		dates = []rundate.Date{d}
	}
	if err != nil {
		return nil, err
	}
	today := rundate.Of(now())
	if last := dates[len(dates)-1]; last.Start().After(today.Start()) {
		return nil, fmt.Errorf("%s is after today, %s (UTC)", last, today)
	}
	return dates, nil
}

// backfillDates are the dates from --from to --to, both required.
func backfillDates(fromText, toText string) ([]rundate.Date, error) {
	if fromText == "" || toText == "" {
		return nil, errors.New("--from and --to are required")
	}
	from, err := rundate.Parse(fromText)
	if err != nil {
		return nil, err
	}
	to, err := rundate.Parse(toText)
	if err != nil {
		return nil, err
	}
	if to.Start().Before(from.Start()) {
		return nil, fmt.Errorf("--to %s is before --from %s", to, from)
	}
	return dateRange(from, to), nil
}

// dateRange lists the dates from..to, oldest first.
func dateRange(from, to rundate.Date) []rundate.Date {
	var out []rundate.Date
	for d := from; !d.Start().After(to.Start()); d = d.AddDays(1) {
		out = append(out, d)
	}
	return out
}

// runDate runs the command for date d and reports the outcome.
func (rc *runContext) runDate(ctx context.Context, d rundate.Date) int {
	rec, err := rc.run(ctx, d, rc.execute)
	return rc.finish(d, rec, err)
}

// run runs exec for date d as one run of the command: it writes the run
// record, even when exec fails, and logs the outcome.
func (rc *runContext) run(ctx context.Context, d rundate.Date,
	exec func(context.Context, step.Env, rundate.Date, *runlog.Record) error) (*runlog.Record, error) {
	now := rc.sys.Now
	runID := newRunID(now(), rc.cmd)
	log := rc.root.With().Str(logging.FieldRunID, runID).Str(logging.FieldDate, d.String()).Logger()
	// The command's own lines carry the command as their job; the steps
	// add their own name to log (so every line carries job once).
	cmdLog := log.With().Str(logging.FieldJob, rc.cmd).Logger()
	rec := &runlog.Record{RunID: runID, Command: rc.cmd, Date: d.String(), Store: rc.st.String(), StartedAt: now().UTC()}
	lctx, release, err := rc.lockDate(ctx, cmdLog, d, rec)
	if err == nil {
		err = lockLost(lctx, exec(lctx, rc.env(lctx, runID, log), d, rec))
		release()
	}
	rec.FinishedAt, rec.Outcome = now().UTC(), runlog.OutcomeSucceeded
	if err != nil {
		rec.Outcome, rec.Error = runlog.OutcomeFailed, err.Error()
	}
	if werr := rc.writeRecord(ctx, rec); werr != nil && err == nil {
		err = werr
	}
	rc.publishMetrics(ctx, cmdLog, rec)
	if err != nil {
		cmdLog.Error().Err(err).Msg("run failed")
	} else {
		cmdLog.Info().Msg("run succeeded")
	}
	return rec, err
}

// env is the step environment of run runID.
func (rc *runContext) env(ctx context.Context, runID string, log zerolog.Logger) step.Env {
	cfg, getenv, now := rc.cfg, rc.sys.Getenv, rc.sys.Now
	return step.Env{
		Store: rc.st, Config: cfg, Log: log, RunID: runID, Now: now, Source: rc.opts.source, Stream: rc.opts.stream,
		AllowEmpty: rc.opts.allowEmpty,
		Connectors: func(src config.Source, srcLog zerolog.Logger) ([]connector.Stream, error) {
			return OpenConnectors(src, connector.Deps{Getenv: getenv, Log: srcLog, Now: now})
		},
		Opener: func(location string) (store.Store, string, error) {
			return store.OpenLocation(ctx, storeOptions(cfg.Store), location)
		},
	}
}

// execute runs the whole DAG (nightly) or the command's step for d,
// recording the steps in rec.
func (rc *runContext) execute(ctx context.Context, env step.Env, d rundate.Date, rec *runlog.Record) error {
	if rc.cmd == "nightly" {
		return nightly.Run(ctx, env, d, rc.opts.redo, rec)
	}
	if rc.cmd == "measure" {
		return rc.measure(ctx, env, d)
	}
	return nightly.RunStep(ctx, env, rc.step, d, rec)
}

// writeRecord writes the run record on a fresh context, so that an
// interrupted run still leaves its record.
func (rc *runContext) writeRecord(ctx context.Context, rec *runlog.Record) error {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return runlog.Write(wctx, rc.st, rec)
}

// finish tells a person the outcome of the run for d and returns the
// exit code.
func (rc *runContext) finish(d rundate.Date, rec *runlog.Record, err error) int {
	if err != nil {
		fmt.Fprintf(rc.sys.Stderr, "segmint %s %s: %v\n", rc.cmd, d, err)
		return exitCode(err)
	}
	printOutputs(rc.sys.Stdout, rc.cmd, d, rc.cfg, rc.st, rec)
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

// loadConfig reads the configuration, checking the segment rules against
// the columns they may read.
func loadConfig(path string, getenv func(string) string, defaultConfig []byte) (*config.Config, error) {
	rules := config.WithRuleColumns(audience.Schema())
	if path != "" {
		return config.Load(path, getenv, rules)
	}
	if _, err := os.Stat(defaultConfigPath); err == nil {
		return config.Load(defaultConfigPath, getenv, rules)
	}
	return config.Parse(defaultConfig, getenv, rules)
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

// usage is the text of segmint help: the steps (see stepsUsage), then the
// other commands from the table of commands.
func usage(w io.Writer) {
	fmt.Fprint(w, `segmint: nightly batch jobs for data-driven precision marketing.

usage: segmint <command> [--date YYYY-MM-DD] [--config FILE] [flags]
       segmint <command> --help    what the command reads and writes, and its flags

commands:
`)
	stepsUsage(w)
	for _, c := range commands() {
		c.writeUsage(w)
	}
	fmt.Fprint(w, `
--date defaults to yesterday (UTC); --config to configs/local.yaml, or the copy
of it built into the binary. Every run writes runs/<run-id>.json.

`+exitCodesText+"\n")
}

// usageIndent indents the summary lines of a command in segmint help,
// under the first after the name.
const usageIndent = "            "

// writeUsage writes c's entry in segmint help.
func (c command) writeUsage(w io.Writer) {
	summary := strings.ReplaceAll(c.summary, "\n", "\n"+usageIndent)
	if c.synopsis != "" {
		fmt.Fprintf(w, "  %s %s\n%s%s\n", c.name, c.synopsis, usageIndent, summary)
		return
	}
	fmt.Fprintf(w, "  %-9s %s\n", c.name, summary)
}

// commandUsage is the text of segmint <command> --help for the commands
// that read the configuration: a step (s), nightly, backfill and sources.
func commandUsage(fs *flag.FlagSet, cmd string, s nightly.Step) {
	w := fs.Output()
	switch cmd {
	case "nightly":
		fmt.Fprintf(w, "segmint nightly: runs %s for one date,\n", stepNames())
		fmt.Fprintln(w, "skipping the steps whose outputs are already committed for it (unless --redo).")
	case "backfill":
		fmt.Fprintf(w, `segmint backfill: runs the steps of nightly (or those --steps names) for each date from
--from to --to. Dates run oldest first, one after the other, when a step reads what earlier
dates write (%s); else --parallel dates at once. The first
failed date stops it, unless --keep-going. A table of dates, steps, outcomes and times ends
it, also committed as runs/backfill/dt=<--to>.
`, strings.Join(dependentSteps(nightly.Steps()), ", "))
	case "sources":
		fmt.Fprintln(w, "segmint sources: lists the configured sources and streams with their state (state/<source>/<stream>.json).")
	default:
		stepHelp(w, s)
	}
	fmt.Fprintln(w, "\nflags:")
	fs.PrintDefaults()
	if cmd == "train" {
		// segmint train --input FILE is the same command on any table.
		fmt.Fprint(w, "\nor, on any table:\n\n")
		tfs, _ := tableTrainFlags(w)
		tfs.Usage()
	}
	fmt.Fprintln(w, "\n"+exitCodesText)
}
