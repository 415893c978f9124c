package nightly_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/models/registry"
)

// Regressions of issue 12: every side file inside the protocol.

// Finding 1: a redo of a date whose models are champions keeps the
// promotion decision in their metrics.json.
func TestRedoKeepsTheChampionsDecision(t *testing.T) {
	cfg, st := runSample(t, sampleDate)
	runNightly(t, testEnv(t, st, cfg), sampleDate, true)
	reg := registry.New(st, testEnv(t, st, cfg).Log)
	champions := 0
	for _, m := range cfg.Models.Enabled() {
		champ, err := reg.Champion(t.Context(), m.Name)
		if errors.Is(err, registry.ErrNoChampion) {
			continue // too little data on the sample to train it
		}
		if err != nil {
			t.Fatal(err)
		}
		champions++
		metrics, err := reg.ReadMetrics(t.Context(), m.Name, champ.Version)
		if err != nil {
			t.Fatal(err)
		}
		if metrics == nil || metrics.Decision == nil || !metrics.Decision.Promote {
			t.Errorf("model %s: the champion's metrics.json after a redo has no promoting decision: %+v", m.Name, metrics)
		}
	}
	if champions == 0 {
		t.Fatal("no model has a champion on the sample")
	}
}

// Finding 2: a report left committed with an index.html that is not the
// one its manifest describes is rebuilt by the next nightly.
func TestNightlyRebuildsAReportThatDiffersFromItsManifest(t *testing.T) {
	cfg, st := runSample(t, sampleDate)
	p := dataset.Partition{Dataset: contract.Reports, Date: rundatetest.Parse(t, sampleDate)}
	if err := store.PutBytes(t.Context(), st, p.Key("index.html"), []byte("<p>half a rerun</p>")); err != nil {
		t.Fatal(err)
	}
	rec := runNightly(t, testEnv(t, st, cfg), sampleDate, false)
	if status := stepStatus(rec)["report"]; status != runlog.StatusDone {
		t.Errorf("report %s, want done", status)
	}
	m, err := dataset.ReadManifest(t.Context(), st, p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := store.GetBytes(t.Context(), st, p.Key("index.html"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if m.Files[0].Name != "index.html" || m.Files[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("index.html still differs from its manifest")
	}
}

// Finding 3: a run that died right after a step's last commit left
// latest.json and the streams' state behind; the next nightly repairs them
// although it skips the committed steps.
func TestNightlyRepairsSideFilesOfCommittedSteps(t *testing.T) {
	cfg, st := runSample(t, sampleDate)
	env := testEnv(t, st, cfg)
	ctx := t.Context()
	latest := contract.LatestKey(contract.RFMSegments)
	want := map[string][]byte{}
	keys := []string{latest}
	for _, s := range cfg.Sources {
		for _, stream := range s.Streams {
			keys = append(keys, contract.StateKey(s.Name, stream.Name))
		}
	}
	for _, key := range keys {
		b, err := store.GetBytes(ctx, st, key)
		if err != nil {
			t.Fatal(err)
		}
		want[key] = b
		if err := st.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
	}
	rec := runNightly(t, env, sampleDate, false)
	for name, status := range stepStatus(rec) {
		if status != runlog.StatusSkipped {
			t.Errorf("step %s %s: a repair reruns no committed step", name, status)
		}
	}
	for _, key := range keys {
		b, err := store.GetBytes(ctx, st, key)
		if err != nil {
			t.Errorf("%s not repaired: %v", key, err)
			continue
		}
		if key == latest {
			var l contract.Latest
			if err := json.Unmarshal(b, &l); err != nil || l.Date != sampleDate {
				t.Errorf("latest.json names %q (%v), want %s", l.Date, err, sampleDate)
			}
			continue
		}
		var got, was map[string]any
		if json.Unmarshal(b, &got) != nil || json.Unmarshal(want[key], &was) != nil {
			t.Fatalf("%s does not decode", key)
		}
		if got["last_date"] != was["last_date"] || got["rows"] != was["rows"] || got["run_id"] != was["run_id"] {
			t.Errorf("%s repaired as %s, want %s", key, b, want[key])
		}
	}
}

// Found by the crash harness (a kill just before the last stream's state
// write): the repair looked no further than the first stream whose state
// was in order, so the state of a later stream stayed missing.
func TestNightlyRepairsTheLastStreamsState(t *testing.T) {
	cfg, st := runSample(t, sampleDate)
	ctx := t.Context()
	last := cfg.Sources[len(cfg.Sources)-1]
	key := contract.StateKey(last.Name, last.Streams[len(last.Streams)-1].Name)
	want, err := store.GetBytes(ctx, st, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	runNightly(t, testEnv(t, st, cfg), sampleDate, false)
	got, err := store.GetBytes(ctx, st, key)
	if err != nil {
		t.Fatalf("%s not repaired: %v", key, err)
	}
	// Equal but for the time: the repair takes the commit's.
	var g, w map[string]any
	if json.Unmarshal(got, &g) != nil || json.Unmarshal(want, &w) != nil {
		t.Fatalf("%s does not decode", key)
	}
	delete(g, "committed_at")
	delete(w, "committed_at")
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s repaired as %s, want %s", key, got, want)
	}
}

// stepStatus maps each step of rec to its status.
func stepStatus(rec *runlog.Record) map[string]string {
	out := map[string]string{}
	for _, s := range rec.Steps {
		out[s.Name] = s.Status
	}
	return out
}
