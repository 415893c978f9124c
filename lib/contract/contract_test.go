package contract

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/rundate"
)

// sampleConfig is the embedded default configuration, configs/local.yaml.
func sampleConfig(t *testing.T) *config.Config {
	t.Helper()
	c, err := config.Load(filepath.Join("..", "..", "configs", "local.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPathsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range Datasets() {
		if seen[d.Path] {
			t.Errorf("%s: declared twice", d.Path)
		}
		seen[d.Path] = true
	}
}

func TestWritersAreDeclaredSteps(t *testing.T) {
	for _, d := range Datasets() {
		if _, ok := LookupStep(d.Writer); !ok {
			t.Errorf("%s: writer %q is not a declared step", d.Path, d.Writer)
		}
	}
}

func TestReadsAreDeclared(t *testing.T) {
	for _, s := range Steps() {
		for _, r := range s.Reads {
			if r == Landing {
				continue
			}
			path, dated := r, false
			if i := strings.Index(r, "/dt="); i >= 0 {
				path, dated = r[:i], true
			}
			d, ok := LookupDataset(path)
			switch {
			case !ok:
				t.Errorf("%s reads %q: neither a declared dataset nor Landing", s.Name, r)
			case dated && d.Partitioning != ByDate:
				t.Errorf("%s reads %q: a partition of %s, which is %s", s.Name, r, path, d.Partitioning)
			}
		}
	}
}

func TestUntypedDatasetsSayWhatTheyHold(t *testing.T) {
	for _, d := range Datasets() {
		if d.Partitioning != ByDate || d.Row != nil {
			continue
		}
		if d.Files == "" && !strings.HasPrefix(d.Path, "raw/") {
			t.Errorf("%s: a dated dataset without a row type lists no files and is not a raw stream", d.Path)
		}
	}
}

func TestPartitioningIsKnown(t *testing.T) {
	for _, d := range Datasets() {
		if d.Partitioning != ByDate && d.Partitioning != SideFile {
			t.Errorf("%s: partitioning %q", d.Path, d.Partitioning)
		}
		if d.About == "" {
			t.Errorf("%s: says nothing about a row", d.Path)
		}
	}
}

// TestNamesAreDeclaredBack holds Declared against Names: every concrete
// name a declaration gives the sample config is declared by that same
// declaration, and so is every declared path.
func TestNamesAreDeclaredBack(t *testing.T) {
	c := sampleConfig(t)
	for _, d := range Datasets() {
		names := append([]string{d.Path}, d.Names(c)...)
		for _, name := range names {
			got, ok := Declared(name)
			if !ok || got.Path != d.Path {
				t.Errorf("Declared(%q) = %q, %t; want %q", name, got.Path, ok, d.Path)
			}
		}
	}
}

func TestOutputsAreDatedNames(t *testing.T) {
	c := sampleConfig(t)
	for _, s := range Steps() {
		for _, p := range Outputs(s.Name, c, rundate.Date{}) {
			d, ok := Declared(p.Dataset)
			if !ok || d.Writer != s.Name || d.Partitioning != ByDate {
				t.Errorf("output %s of %s: declared %q by %q (%s)", p.Dataset, s.Name, d.Path, d.Writer, d.Partitioning)
			}
		}
	}
}

// Which steps a backfill runs date after date follows from what they read:
// cursors, champions, the previous identity map and segments; features and
// the report read only D's partitions (and measurements, which no step
// writes).
func TestDependsOnEarlierDates(t *testing.T) {
	want := map[string]bool{StepIngest: true, StepUnify: true, StepFeatures: false, StepTrain: true,
		StepScore: true, StepPublish: true, StepReport: false}
	for _, s := range Steps() {
		if got := s.DependsOnEarlierDates(); got != want[s.Name] {
			t.Errorf("%s: DependsOnEarlierDates() = %v, want %v", s.Name, got, want[s.Name])
		}
	}
}
