package nightly_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/storetest"
	"github.com/segmint/segmint/models/registry"
)

// TestStoreKeepsTheContract runs the sample nightly into a new store and
// holds what it committed against lib/contract's declarations: every
// committed partition is a declared output of the step its manifest names,
// every declared output was committed, every declared row type is the
// schema its manifests record, and the declared side files exist.
func TestStoreKeepsTheContract(t *testing.T) {
	cfg, st := runSample(t, sampleDate)
	d := rundatetest.Parse(t, sampleDate)
	committed := committedPartitions(t, st)

	t.Run("committed partitions are declared outputs of their writer", func(t *testing.T) {
		for _, p := range committed {
			decl, ok := contract.Declared(p.Dataset)
			if !ok {
				t.Errorf("%s: no declared dataset", p)
				continue
			}
			if decl.Partitioning != contract.ByDate {
				t.Errorf("%s: declared as %q, committed as a dated partition", p, decl.Partitioning)
			}
			m, err := dataset.ReadManifest(t.Context(), st, p)
			if err != nil {
				t.Fatal(err)
			}
			if m.Job != decl.Writer {
				t.Errorf("%s: written by %q, declared writer %s (%s)", p, m.Job, decl.Writer, decl.Path)
			}
			if !slices.Contains(contract.Outputs(decl.Writer, cfg, p.Date), p) {
				t.Errorf("%s: not among the outputs of %s for the sample config", p, decl.Writer)
			}
		}
	})

	t.Run("every declared output is committed", func(t *testing.T) {
		n := 0
		for _, s := range nightly.Steps() {
			for _, p := range s.Outputs(cfg, d) {
				n++
				if !slices.Contains(committed, p) {
					t.Errorf("%s: an output of %s, not committed", p, s.Name)
				}
			}
		}
		// Every dated declaration but those the sample cannot write
		// contributes, so Outputs cannot quietly shrink to nothing.
		for _, decl := range contract.Datasets() {
			if decl.Partitioning != contract.ByDate {
				continue
			}
			written := len(decl.Names(cfg)) > 0
			why, listed := notInSample[decl.Path]
			switch {
			case written && listed:
				t.Errorf("%s: written by the sample config, yet listed in notInSample (%s)", decl.Path, why)
			case !written && !listed:
				t.Errorf("%s: the sample config writes none of it; list it in notInSample and say why", decl.Path)
			}
		}
		if n == 0 {
			t.Fatal("no outputs declared")
		}
	})

	t.Run("manifests record the declared row types' schemas", func(t *testing.T) {
		checked := map[reflect.Type]int{}
		for _, p := range committed {
			decl, ok := contract.Declared(p.Dataset)
			if !ok || decl.Row == nil {
				continue
			}
			m, err := dataset.ReadManifest(t.Context(), st, p)
			if err != nil {
				t.Fatal(err)
			}
			want := dataset.SchemaFields(parquet.SchemaOf(reflect.New(decl.Row).Interface()))
			if !reflect.DeepEqual(m.Schema, want) {
				t.Errorf("%s: manifest schema\n%v\ndeclared row %s\n%v", p, m.Schema, decl.Row, want)
			}
			checked[decl.Row]++
		}
		for _, decl := range contract.Datasets() {
			if _, ok := notInSample[decl.Path]; !ok && decl.Row != nil && checked[decl.Row] == 0 {
				t.Errorf("%s: row type %s not checked against any committed manifest", decl.Path, decl.Row)
			}
		}
	})

	t.Run("declared side files exist", func(t *testing.T) {
		untrained := map[string]bool{} // a model the sample cannot train or promote has no champion yet
		rows, _, err := dataset.ReadParquet[contract.Decision](t.Context(), st, dataset.Partition{Dataset: contract.Decisions, Date: d})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if !r.Trained || !r.Promoted {
				untrained[registry.ChampionKey(r.Model)] = true
			}
		}
		n := 0
		for _, decl := range contract.Datasets() {
			if decl.Partitioning != contract.SideFile {
				continue
			}
			for _, key := range decl.Names(cfg) {
				if strings.Contains(key, "<") {
					// models/<model>/<version>: the versions are named by
					// their content, not by the configuration.
					t.Logf("%s: named at run time, not checked", key)
					continue
				}
				if untrained[key] {
					t.Logf("%s: its model was not trained or not promoted tonight", key)
					continue
				}
				n++
				if _, err := st.Stat(t.Context(), key); err != nil {
					t.Errorf("side file %s (%s): %v", key, decl.Path, err)
				}
			}
		}
		for _, key := range []string{contract.StateKey("retail", "orders"), registry.ChampionKey(contract.CLVModel),
			contract.LatestKey(contract.RFMSegments)} {
			if _, err := st.Stat(t.Context(), key); err != nil {
				t.Errorf("side file %s: %v", key, err)
			}
		}
		if n == 0 {
			t.Fatal("no side files declared for the sample config")
		}
	})
}

// notInSample are the dated datasets the sample config does not write, and
// why.
var notInSample = map[string]string{
	contract.CRMRecords:      "needs a HubSpot or Salesforce source",
	"measurements/<segment>": "written by segmint measure, not by a nightly step",
	contract.Backfills:       "written by segmint backfill, not by a nightly step",
}

// committedPartitions walks the store for _SUCCESS markers and returns the
// partitions they commit.
func committedPartitions(t *testing.T, st store.Store) []dataset.Partition {
	t.Helper()
	var out []dataset.Partition
	for _, key := range storetest.Keys(t, st, "") {
		dir, ok := strings.CutSuffix(key, "/"+dataset.SuccessName)
		if !ok {
			continue
		}
		i := strings.LastIndex(dir, "/")
		day, ok := strings.CutPrefix(dir[i+1:], "dt=")
		if i < 0 || !ok {
			t.Errorf("%s: a commit marker outside a dt= partition", key)
			continue
		}
		date, err := rundate.Parse(day)
		if err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		out = append(out, dataset.Partition{Dataset: dir[:i], Date: date})
	}
	if len(out) == 0 {
		t.Fatal("no committed partitions")
	}
	return out
}
