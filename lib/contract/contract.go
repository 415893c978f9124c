// Package contract is segmint's data contract with itself and with the
// systems that read its store: every dataset the steps write (where it
// lives, how it is partitioned, its row type, the step that writes it and
// the condition under which it is written) and every step with what it
// reads. Steps take dataset names and shared row types from here and never
// from each other; nightly decides what to skip from Outputs; `segmint help`
// and the README's table of datasets are made from these declarations.
//
// Who may import it: the jobs. It imports the lib packages
// whose row types it names, never a job.
package contract

import (
	"reflect"
	"strings"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate"
)

// The steps of a run, in the order nightly runs them.
const (
	StepIngest   = "ingest"
	StepUnify    = "unify"
	StepFeatures = "features"
	StepTrain    = "train"
	StepScore    = "score"
	StepPublish  = "publish"
	StepReport   = "report"
)

// The commands that write outside the nightly run.
const (
	// CommandMeasure is `segmint measure`.
	CommandMeasure = "measure"
	// CommandBackfill is `segmint backfill`, which runs steps over a range
	// of dates and writes its summary.
	CommandBackfill = "backfill"
)

// Partitioning is how a dataset is laid out below its path.
type Partitioning string

const (
	// ByDate is one Hive-style partition per run date, dt=YYYY-MM-DD,
	// committed with a manifest.json and a _SUCCESS marker written last.
	ByDate Partitioning = "dt=YYYY-MM-DD"
	// SideFile is a file outside the dated partitions (cursors, pointers,
	// model files), written after the data it points at.
	SideFile Partitioning = "side file"
)

// Dataset declares one dataset of the store.
type Dataset struct {
	// Path is where the dataset lives below the store's root; <source>,
	// <stream>, <model> and <version> stand for the parts a configuration
	// or a run fills in.
	Path string
	// Partitioning is ByDate or SideFile.
	Partitioning Partitioning
	// Row is the Go type of one Parquet row; nil when the schema comes from
	// the configuration (raw streams) or the files are not Parquet.
	Row reflect.Type
	// Files names what a partition holds besides its Parquet parts, or what
	// a side file is.
	Files string
	// Writer is the step that writes the dataset.
	Writer string
	// When is the condition under which the dataset is written, in words;
	// empty when every run of the writer writes it.
	When string
	// About says what a row is.
	About string
	// names gives the dataset names a configuration has; nil means Path
	// alone whenever cond holds.
	names func(*config.Config) []string
	// cond is the condition When describes; nil means always.
	cond func(*config.Config) bool
}

// Names are the concrete dataset names a configuration writes: Path itself
// for a dataset without placeholders, one per stream for per-stream
// datasets, none when the condition does not hold.
func (d Dataset) Names(c *config.Config) []string {
	if d.cond != nil && !d.cond(c) {
		return nil
	}
	if d.names != nil {
		return d.names(c)
	}
	return []string{d.Path}
}

// Step declares one step of the run.
type Step struct {
	Name string
	// About says what the step does, in one line.
	About string
	// Reads are the paths of the datasets the step reads (each declared
	// in Datasets, a dated one optionally followed by "/dt=<which>"), or
	// Landing, the input outside the store.
	Reads []string
}

// DependsOnEarlierDates reports whether a run of the step for D reads what
// runs of the nightly steps for earlier dates write: a dated dataset other
// than D's partition (unify's identity map of the newest date before D,
// publish's previous segments) or a side file (ingest's cursors, the
// champions train promotes). Such a step runs for one date after the
// other, oldest first; the others may run for several dates at once.
func (s Step) DependsOnEarlierDates() bool {
	for _, r := range s.Reads {
		path, which, dated := strings.Cut(r, "/dt=")
		d, ok := LookupDataset(path)
		if !ok || !isStep(d.Writer) {
			continue
		}
		if d.Partitioning == SideFile || dated && which != "D" {
			return true
		}
	}
	return false
}

// isStep reports whether name is a step of the nightly run (not a command).
func isStep(name string) bool {
	for _, s := range Steps() {
		if s.Name == name {
			return true
		}
	}
	return false
}

// Writes are the datasets the step writes, in declaration order.
func (s Step) Writes() []Dataset {
	var out []Dataset
	for _, d := range Datasets() {
		if d.Writer == s.Name {
			out = append(out, d)
		}
	}
	return out
}

// LookupStep finds a step by name.
func LookupStep(name string) (Step, bool) {
	for _, s := range append(Steps(), Commands()...) {
		if s.Name == name {
			return s, true
		}
	}
	return Step{}, false
}

// LookupDataset finds a declared dataset by path.
func LookupDataset(path string) (Dataset, bool) {
	for _, d := range Datasets() {
		if d.Path == path {
			return d, true
		}
	}
	return Dataset{}, false
}

// Outputs are the partitions a step commits for d under a configuration:
// the dated datasets it writes, each name its configuration has. nightly
// skips a step whose outputs are all committed.
func Outputs(step string, c *config.Config, d rundate.Date) []dataset.Partition {
	var out []dataset.Partition
	for _, ds := range Datasets() {
		if ds.Writer != step || ds.Partitioning != ByDate {
			continue
		}
		for _, name := range ds.Names(c) {
			out = append(out, dataset.Partition{Dataset: name, Date: d})
		}
	}
	return out
}

// Declared finds the dataset declaration a concrete dataset name belongs
// to: the one whose path matches it, placeholders matching one path
// segment each. Where several match (models/clv/champion.json matches
// models/<model>/<version> too), the one with the fewest placeholders wins.
func Declared(name string) (Dataset, bool) {
	var best Dataset
	found, fewest := false, 0
	for _, d := range Datasets() {
		if !pathMatches(d.Path, name) {
			continue
		}
		if n := strings.Count(d.Path, "<"); !found || n < fewest {
			best, found, fewest = d, true, n
		}
	}
	return best, found
}

// pathMatches matches a concrete name against a declared path whose
// <placeholder> matches any non-empty text within one segment
// (<stream>.json matches orders.json).
func pathMatches(pattern, name string) bool {
	ps, ns := strings.Split(pattern, "/"), strings.Split(name, "/")
	if len(ps) != len(ns) {
		return false
	}
	for i, p := range ps {
		if !segmentMatches(p, ns[i]) {
			return false
		}
	}
	return true
}

// segmentMatches matches one segment of a name against one of a declared
// path, which holds at most one placeholder.
func segmentMatches(pattern, segment string) bool {
	open, end := strings.Index(pattern, "<"), strings.Index(pattern, ">")
	if open < 0 || end < open {
		return pattern == segment
	}
	prefix, suffix := pattern[:open], pattern[end+1:]
	return len(segment) > len(prefix)+len(suffix) &&
		strings.HasPrefix(segment, prefix) && strings.HasSuffix(segment, suffix)
}

// Written reports whether a configuration writes the declared dataset at
// path (under any of its names).
func Written(c *config.Config, path string) bool {
	d, ok := LookupDataset(path)
	return ok && len(d.Names(c)) > 0
}

// dated is the dataset's path, with "/dt=D" when it is partitioned by date.
func (d Dataset) dated() string {
	if d.Partitioning == ByDate {
		return d.Path + "/dt=D"
	}
	return d.Path
}

// Where is how help texts name a dataset: its path, "/dt=D" for dated
// datasets, and its condition in brackets.
func (d Dataset) Where() string {
	s := d.dated()
	if d.Files != "" && d.Partitioning == ByDate {
		s += " (" + d.Files + ")"
	}
	if d.When != "" {
		s += " [with " + d.When + "]"
	}
	return s
}

// reads are the step's inputs as help texts name them: a declared
// dataset dated like Where, anything else as it is.
func (s Step) reads() []string {
	out := make([]string, len(s.Reads))
	for i, r := range s.Reads {
		out[i] = r
		if d, ok := LookupDataset(r); ok {
			out[i] = d.dated()
		}
	}
	return out
}

// ReadsText lists what the step reads, for help texts, joined by sep.
func (s Step) ReadsText(sep string) string { return strings.Join(s.reads(), sep) }

// WritesText lists what the step writes, for help texts, joined by sep.
func (s Step) WritesText(sep string) string {
	var out []string
	for _, d := range s.Writes() {
		out = append(out, d.Where())
	}
	return strings.Join(out, sep)
}
