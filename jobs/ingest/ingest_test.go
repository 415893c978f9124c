package ingest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/jobs/ingest"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/storetest"
)

// A file-drop pull that fails part-way (a corrupt second file) commits
// nothing and leaves the partition committed before untouched.
func TestFailedFileDropPullKeepsTheCommittedPartition(t *testing.T) {
	ctx := t.Context()
	st, landing := store.NewMem(), store.NewMem()
	cfg := &config.Config{Store: config.Store{Kind: "memory"}, Currency: "GBP", Sources: []config.Source{{
		Name: "retail", Kind: "filedrop", Landing: "mem://landing", Streams: []config.Stream{{
			Name: "orders", Format: "csv", Path: "orders", Pattern: "*.csv*", Delimiter: ",", Currency: "GBP",
			EventTime: "ordered_at", Columns: []config.Column{
				{From: "Invoice", To: "order_id", Type: config.TypeString, Required: true},
				{From: "When", To: "ordered_at", Type: config.TypeTimestamp, Format: "2006-01-02 15:04:05", Required: true},
			},
		}},
	}}}
	env := step.Env{
		Store: st, Config: cfg, Log: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel),
		RunID: "run-1", Now: func() time.Time { return time.Date(2010, 12, 10, 3, 0, 0, 0, time.UTC) },
		Opener: func(string) (store.Store, string, error) { return landing, "", nil },
	}
	d := rundatetest.Parse(t, "2010-12-09")
	if err := store.PutBytes(ctx, landing, "orders/a.csv", []byte("Invoice,When\n1,2010-12-01 10:00:00\nbad,\n2,2010-12-02 10:00:00\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(ctx, env, d); err != nil {
		t.Fatal(err)
	}
	raw := dataset.Partition{Dataset: contract.Raw("retail", "orders"), Date: d}
	before := storetest.Keys(t, st, raw.Prefix())
	m, err := dataset.ReadManifest(ctx, st, raw)
	if err != nil || m.Rows != 2 || len(m.Files) != 1 {
		t.Fatalf("first run: manifest %+v, %v; want 2 rows in 1 part", m, err)
	}

	if err := store.PutBytes(ctx, landing, "orders/b.csv.gz", []byte("not gzip")); err != nil {
		t.Fatal(err)
	}
	env.RunID = "run-2"
	if _, err := ingest.Run(ctx, env, d); err == nil {
		t.Fatal("ingest of a corrupt file succeeded")
	}
	if after := storetest.Keys(t, st, raw.Prefix()); !slices.Equal(after, before) {
		t.Errorf("after the failed run the raw partition holds %v, want %v", after, before)
	}
	m2, err := dataset.ReadManifest(ctx, st, raw)
	if err != nil || m2.RunID != "run-1" {
		t.Errorf("after the failed run: manifest of %v, %v; want run-1's", m2, err)
	}
}
