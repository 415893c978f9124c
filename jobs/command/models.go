package command

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/models/clv"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// modelsCommand is one subcommand of segmint models.
type modelsCommand struct {
	name, synopsis, summary string
	// required names the flags the subcommand cannot run without.
	required []string
	run      func(ctx context.Context, m *modelsRun) error
}

// modelsCommands are the subcommands of segmint models.
func modelsCommands() []modelsCommand {
	return []modelsCommand{
		{"list", "[--model NAME]", "every model's versions, newest training window first, with the champion marked;\n" +
			"with --model, the model's champion history too", nil, listModels},
		{"show", "--model NAME [--version V] [--json]", "one version's model file header, metrics and decision (default the champion)",
			[]string{"model"}, showModel},
		{"promote", "--model NAME --version V --reason TEXT [--by WHO]", "makes V the champion by hand, if the score step can use it",
			[]string{"model", "version", "reason"}, changeChampion((*registry.Registry).Promote)},
		{"rollback", "--model NAME [--reason TEXT] [--by WHO]", "makes the champion before the current one champion again",
			[]string{"model"}, changeChampion((*registry.Registry).Rollback)},
	}
}

// modelsOptions are the flags of segmint models.
type modelsOptions struct {
	options
	model, version, reason, by string
	json                       bool
}

// modelsRun is what a subcommand of segmint models runs with.
type modelsRun struct {
	opts modelsOptions
	st   store.Store
	reg  *registry.Registry
	out  io.Writer
}

// runModels is `segmint models <subcommand>`: it inspects the model
// registry, or changes a champion by hand. A refusal (an unknown model or
// version, a version the score step could not use) exits 2, a store that
// fails 1.
func runModels(ctx context.Context, args []string, sys System) int {
	sub, code, ok := lookupModels(args, sys)
	if !ok {
		return code
	}
	o, code, ok := parseModelsOptions(sub, args[1:], sys)
	if !ok {
		return code
	}
	rc, code := open(ctx, "models "+sub.name, o.options, sys)
	if rc == nil {
		return code
	}
	reg := registry.New(rc.st, rc.root).WithClock(sys.Now)
	return modelsExit(sys.Stderr, sub.name, sub.run(ctx, &modelsRun{opts: o, st: rc.st, reg: reg, out: sys.Stdout}))
}

// lookupModels is the subcommand args name. When ok is false the command
// is over with exit code code: help, or no such subcommand.
func lookupModels(args []string, sys System) (sub modelsCommand, code int, ok bool) {
	for _, c := range modelsCommands() {
		if len(args) > 0 && args[0] == c.name {
			return c, exitOK, true
		}
	}
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		modelsUsage(sys.Stdout)
		return sub, exitOK, false
	}
	modelsUsage(sys.Stderr)
	return sub, exitUsage, false
}

// modelsUsage lists the subcommands of segmint models.
func modelsUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: segmint models <subcommand> [--config FILE] [flags]")
	for _, c := range modelsCommands() {
		fmt.Fprintf(w, "  %s %s\n%s%s\n", c.name, c.synopsis, usageIndent, strings.ReplaceAll(c.summary, "\n", "\n"+usageIndent))
	}
	fmt.Fprintln(w, "\nexit codes: 0 done, 1 the store failed, 2 bad usage, an unknown model or version, or a refused change,\n4 the store unreachable or throttled (retry later).")
}

// parseModelsOptions parses the flags of subcommand sub. When ok is false
// the command is over with exit code code.
func parseModelsOptions(sub modelsCommand, args []string, sys System) (o modelsOptions, code int, ok bool) {
	fs := flag.NewFlagSet("segmint models "+sub.name, flag.ContinueOnError)
	fs.SetOutput(sys.Stderr)
	o.define(fs, sub.name, sys.Getenv)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "segmint models %s %s: %s\n\nflags:\n", sub.name, sub.synopsis, sub.summary)
		fs.PrintDefaults()
	}
	required := make([]*string, len(sub.required))
	for i, name := range sub.required {
		required[i] = o.flag(name)
	}
	code, ok = parseTabular(fs, args, sys.Stderr, flagNames(sub.required), required...)
	return o, code, ok
}

// define defines on fs the flags of subcommand sub, which set o.
func (o *modelsOptions) define(fs *flag.FlagSet, sub string, getenv func(string) string) {
	fs.StringVar(&o.model, "model", "", "the model (a folder of models/ in the store)")
	switch sub {
	case "show":
		fs.StringVar(&o.version, "version", "", "the version (default: the champion)")
	case "promote":
		fs.StringVar(&o.version, "version", "", "the version to make champion")
	}
	if sub == "show" {
		fs.BoolVar(&o.json, "json", false, "print the file's header and metrics.json as JSON")
	}
	if sub == "promote" || sub == "rollback" {
		fs.StringVar(&o.reason, "reason", "", "why, recorded in the champion history and the decision")
		fs.StringVar(&o.by, "by", whoAmI(getenv), "who, recorded in the champion history")
	}
	o.options.defineShared(fs)
}

// flag is the field of the string flag name.
func (o *modelsOptions) flag(name string) *string {
	return map[string]*string{"model": &o.model, "version": &o.version, "reason": &o.reason}[name]
}

// flagNames renders flag names as a person types them.
func flagNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "--" + n
	}
	return out
}

// whoAmI is the user the process runs as, "unknown" when the environment
// does not say.
func whoAmI(getenv func(string) string) string {
	for _, k := range []string{"USER", "LOGNAME", "USERNAME"} {
		if v := getenv(k); v != "" {
			return v
		}
	}
	return "unknown"
}

// modelsExit reports err of subcommand sub and returns the exit code.
func modelsExit(stderr io.Writer, sub string, err error) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "segmint models %s: %v\n", sub, err)
	if errors.Is(err, registry.ErrRefused) || errors.Is(err, registry.ErrNoChampion) {
		return exitUsage
	}
	return exitCode(err)
}

// storeKeys lists keys through lib/store for the registry.
func storeKeys(st store.Store) registry.Keys {
	return func(ctx context.Context, prefix string) ([]string, error) {
		return store.Keys(ctx, st, prefix)
	}
}

// listModels is `segmint models list`.
func listModels(ctx context.Context, m *modelsRun) error {
	names, err := m.modelNames(ctx)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fmt.Fprintf(m.out, "no models in %s\n", m.st)
	}
	for i, name := range names {
		if err := m.listModel(ctx, name, i > 0); err != nil {
			return err
		}
	}
	return nil
}

// modelNames are the models to list: --model, else every model.
func (m *modelsRun) modelNames(ctx context.Context) ([]string, error) {
	if m.opts.model != "" {
		return []string{m.opts.model}, nil
	}
	return registry.Models(ctx, storeKeys(m.st))
}

// listModel lists the versions of model name (after a blank line if gap),
// and its champion history when it is the one model asked for.
func (m *modelsRun) listModel(ctx context.Context, name string, gap bool) error {
	sums, err := m.reg.Versions(ctx, storeKeys(m.st), name)
	if err != nil {
		return err
	}
	if gap {
		fmt.Fprintln(m.out)
	}
	fmt.Fprintf(m.out, "%s: %d versions\n", name, len(sums))
	if err := writeVersions(m.out, sums); err != nil || m.opts.model == "" {
		return err
	}
	return m.writeHistory(ctx, name)
}

// writeVersions writes one aligned line per version.
func writeVersions(w io.Writer, sums []*registry.Summary) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  VERSION\tCHAMPION\tKIND\tTRAINING WINDOW\tROWS\tHOLDOUT METRICS")
	for _, s := range sums {
		champ := ""
		if s.Champion {
			champ = "*"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", s.Version, champ, kindOf(s), windowText(s.Window()), rowsText(s), keyMetrics(s))
	}
	return tw.Flush()
}

// kindOf is the learner of a version, "?" when its file does not load.
func kindOf(s *registry.Summary) string {
	if s.File == nil {
		return "?"
	}
	return s.File.Kind
}

// windowText renders a training window, "-" for none.
func windowText(w *registry.Window) string {
	if w == nil {
		return "-"
	}
	return w.From + ".." + w.To
}

// rowsText renders the training and holdout rows of a version.
func rowsText(s *registry.Summary) string {
	if s.Metrics == nil {
		return "-"
	}
	return fmt.Sprintf("%d+%d", s.Metrics.Rows.Train, s.Metrics.Rows.Holdout)
}

// listedMetrics are the holdout metrics segmint models list shows, when
// a version has them.
func listedMetrics() []string {
	return []string{"auc", "log_loss", "brier", "mae", "rmse", "holdout_mae_purchases"}
}

// keyMetrics renders a version's key holdout metrics; the file's problem
// when it does not load.
func keyMetrics(s *registry.Summary) string {
	if s.Problem != "" {
		return "does not load: " + s.Problem
	}
	var parts []string
	for _, k := range listedMetrics() {
		if v, ok := s.File.Metrics[k]; ok {
			parts = append(parts, fmt.Sprintf("%s %.4f", k, v))
		}
	}
	return strings.Join(parts, "  ")
}

// writeHistory writes the champion history of model name, oldest first.
func (m *modelsRun) writeHistory(ctx context.Context, name string) error {
	p, err := m.reg.Champion(ctx, name)
	if errors.Is(err, registry.ErrNoChampion) {
		fmt.Fprintln(m.out, "no champion")
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(m.out, "champion history, oldest first:")
	tw := tabwriter.NewWriter(m.out, 2, 4, 2, ' ', 0)
	for _, c := range p.Changes() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", orDash(c.At), c.Action, c.Version, orDash(c.By), c.Reason)
	}
	return tw.Flush()
}

// orDash is s, or "-" when it is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// showModel is `segmint models show`.
func showModel(ctx context.Context, m *modelsRun) error {
	version, err := m.versionToShow(ctx)
	if err != nil {
		return err
	}
	s, err := m.reg.Summarize(ctx, m.opts.model, version)
	if err != nil {
		return err
	}
	if m.opts.json {
		return writeSummaryJSON(m.out, m.opts.model, s)
	}
	return writeSummary(m.out, m.opts.model, s)
}

// versionToShow is --version, else the champion's.
func (m *modelsRun) versionToShow(ctx context.Context) (string, error) {
	if m.opts.version != "" {
		return m.opts.version, nil
	}
	p, err := m.reg.Champion(ctx, m.opts.model)
	if err != nil {
		return "", err
	}
	return p.Version, nil
}

// summaryJSON is what segmint models show --json prints.
type summaryJSON struct {
	Model    string                     `json:"model"`
	Version  string                     `json:"version"`
	Champion bool                       `json:"champion"`
	File     map[string]json.RawMessage `json:"file"`
	Problem  string                     `json:"problem,omitempty"`
	Metrics  *registry.Metrics          `json:"metrics"`
}

// writeSummaryJSON writes s as JSON: the model file without its model
// (the learner's trees or coefficients) and metrics.json as stored.
func writeSummaryJSON(w io.Writer, name string, s *registry.Summary) error {
	out := summaryJSON{Model: name, Version: s.Version, Champion: s.Champion, Problem: s.Problem, Metrics: s.Metrics}
	if s.File != nil {
		b, err := s.File.Marshal()
		if err == nil {
			err = json.Unmarshal(b, &out.File)
		}
		if err != nil {
			return err
		}
		delete(out.File, "model")
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeSummary writes s as text a person reads.
func writeSummary(w io.Writer, name string, s *registry.Summary) error {
	fmt.Fprintf(w, "model %s, version %s (%s)\n", name, s.Version, championText(s.Champion))
	if s.File == nil {
		fmt.Fprintf(w, "the model file does not load: %s\n", s.Problem)
	} else {
		writeHeader(w, s.File)
	}
	if s.Metrics == nil {
		fmt.Fprintln(w, "no metrics.json")
		return nil
	}
	writeMetrics(w, s.Metrics.Metrics)
	writeDecision(w, s.Metrics.Decision)
	return nil
}

// championText says whether a version is the champion.
func championText(champion bool) string {
	if champion {
		return "the champion"
	}
	return "not the champion"
}

// writeHeader writes the model file's header: everything but the model.
func writeHeader(w io.Writer, f *registry.File) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  kind\t%s\n  task\t%s\n", f.Kind, f.Task)
	if f.Label != nil && f.Label.Positive != "" {
		fmt.Fprintf(tw, "  label\t%s (positive %q)\n", f.Label.Column, f.Label.Positive)
	} else if f.Label != nil {
		fmt.Fprintf(tw, "  label\t%s\n", f.Label.Column)
	}
	fmt.Fprintf(tw, "  training window\t%s\n", windowText(f.Window))
	fmt.Fprintf(tw, "  rows\t%d training, %d holdout\n  seed\t%d\n", f.Rows.Train, f.Rows.Holdout, f.Seed)
	if f.Calibration != nil {
		fmt.Fprintf(tw, "  calibration\t%s\n", f.Calibration.Kind)
	}
	if f.Offset != nil {
		fmt.Fprintf(tw, "  offset\tpredicts %s plus the model's output, at least %g\n", f.Offset.Column, f.Offset.Floor)
	}
	fmt.Fprintf(tw, "  features\t%s\n", featuresText(f))
	for _, d := range f.Dropped {
		fmt.Fprintf(tw, "  left out\t%s (%s)\n", d.Name, d.Reason)
	}
	_ = tw.Flush()
}

// featuresText lists a file's features with their kinds.
func featuresText(f *registry.File) string {
	if len(f.Features) == 0 {
		return "none"
	}
	parts := make([]string, len(f.Features))
	for i, ft := range f.Features {
		parts[i] = ft.Name
		if ft.Kind == "categorical" {
			parts[i] += fmt.Sprintf(" (categorical, %d levels)", len(ft.Levels))
		}
	}
	return strings.Join(parts, ", ")
}

// writeMetrics writes holdout metrics sorted by name.
func writeMetrics(w io.Writer, metrics map[string]float64) {
	names := make([]string, 0, len(metrics))
	for k := range metrics {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "holdout metrics:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, k := range names {
		fmt.Fprintf(tw, "  %s\t%.4f\n", k, metrics[k])
	}
	_ = tw.Flush()
}

// writeDecision writes the promotion decision recorded in metrics.json.
func writeDecision(w io.Writer, d *registry.Decision) {
	if d == nil {
		fmt.Fprintln(w, "decision: none recorded")
		return
	}
	fmt.Fprintf(w, "decision: %s\n", verdict(d))
	if d.Metric != "" {
		fmt.Fprintf(w, "  %s %.4f (%s is better%s)\n", d.Metric, d.ChallengerValue, betterText(d.HigherIsBetter), toleranceText(d.Tolerance))
	}
	if d.Champion != "" {
		fmt.Fprintf(w, "  champion then: %s%s\n", d.Champion, championValue(d))
	}
}

// verdict is a decision's outcome and reason, the outcome once.
func verdict(d *registry.Decision) string {
	outcome := "not promoted"
	if d.Promote {
		outcome = "promoted"
	}
	if strings.HasPrefix(d.Reason, outcome) {
		return d.Reason
	}
	return outcome + ": " + d.Reason
}

// toleranceText renders a decision's tolerance, "" for none (a change by
// hand).
func toleranceText(t float64) string {
	if t == 0 {
		return ""
	}
	return fmt.Sprintf(", tolerance %.4f", t)
}

// betterText says which way a metric is better.
func betterText(higher bool) string {
	if higher {
		return "higher"
	}
	return "lower"
}

// championValue renders the champion's figure of a decision, when it was
// measured on the same holdout.
func championValue(d *registry.Decision) string {
	if !d.ChampionAvailable {
		return " (not measured on this holdout)"
	}
	return fmt.Sprintf(", %s %.4f on the same holdout", d.Metric, d.ChampionValue)
}

// changeChampion is a subcommand that changes a champion by hand with
// change (`segmint models promote`: Registry.Promote; `segmint models
// rollback`: Registry.Rollback) and reports the change.
func changeChampion(change func(*registry.Registry, context.Context, registry.Request) (*registry.Pointer, error)) func(context.Context, *modelsRun) error {
	return func(ctx context.Context, m *modelsRun) error {
		p, err := change(m.reg, ctx, m.request())
		if err != nil {
			return err
		}
		m.reportChange(p)
		return nil
	}
}

// request is the change of champion the flags ask for.
func (m *modelsRun) request() registry.Request {
	o := m.opts
	return registry.Request{Model: o.model, Version: o.version, Reason: o.reason, By: o.by, Check: decodable}
}

// reportChange tells a person what the champion is now.
func (m *modelsRun) reportChange(p *registry.Pointer) {
	last := p.History[len(p.History)-1]
	fmt.Fprintf(m.out, "%s: champion %s (was %s)\n  %s, by %s at %s\n", p.Name, p.Version, orDash(last.Previous), last.Reason, last.By, last.At)
}

// decodable checks that the score step can decode the model in f, as it
// does for the champion: the lifetime-value model as models/clv reads it,
// the others as models/learn does.
func decodable(f *registry.File) error {
	if f.Name != contract.CLVModel {
		_, err := learn.Decode(f)
		return err
	}
	var m clv.Model
	if err := json.Unmarshal(f.Model, &m); err != nil {
		return fmt.Errorf("decode %s: %w", f.Kind, err)
	}
	return m.Validate()
}
