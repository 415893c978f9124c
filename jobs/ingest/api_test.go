package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/rs/zerolog"

	"github.com/segmint/segmint/jobs/ingest"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/storetest"
)

// memIncremental is an incremental stream served from memory, paged like an
// API that filters by modified time inclusively.
type memIncremental struct {
	name      string
	fields    []connector.Field
	records   []connector.Record
	pageSize  int
	failAfter int // pages served before an error; 0 = never
}

func (m *memIncremental) Name() string              { return m.name }
func (m *memIncremental) Fields() []connector.Field { return m.fields }

func (m *memIncremental) Pull(ctx context.Context, since connector.Cursor, upper time.Time, emit func([]connector.Record) error) error {
	var sel []connector.Record
	for _, r := range m.records {
		if !r.Modified.Before(since.Modified) && !r.Modified.After(upper) {
			sel = append(sel, r)
		}
	}
	sort.Slice(sel, func(i, j int) bool { return connector.CursorOf(sel[i]).Less(connector.CursorOf(sel[j])) })
	pages := 0
	for start := 0; start < len(sel); start += m.pageSize {
		if m.failAfter > 0 && pages == m.failAfter {
			return errors.New("connection reset by peer")
		}
		if err := emit(sel[start:min(start+m.pageSize, len(sel))]); err != nil {
			return err
		}
		pages++
	}
	return nil
}

// memDaily is a daily stream served from memory.
type memDaily struct {
	name   string
	fields []connector.Field
	days   map[string][]connector.Record
}

func (m *memDaily) Name() string              { return m.name }
func (m *memDaily) Fields() []connector.Field { return m.fields }
func (m *memDaily) DefaultLookbackDays() int  { return 3 }

func (m *memDaily) PullDays(ctx context.Context, from, to time.Time, emit func([]connector.Record) error) error {
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if recs := m.days[d.Format(time.DateOnly)]; len(recs) > 0 {
			if err := emit(recs); err != nil {
				return err
			}
		}
	}
	return nil
}

var t0 = time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)

func contact(id string, at time.Time, email string) connector.Record {
	return connector.Record{ID: id, Modified: at, Fields: map[string]any{"email": email, "score": int64(len(email))}}
}

func contactFields() []connector.Field {
	return []connector.Field{{Name: "email", Type: connector.String}, {Name: "score", Type: connector.Int}}
}

type harness struct {
	t       *testing.T
	st      store.Store
	streams []connector.Stream
	now     time.Time
}

func newHarness(t *testing.T, streams ...connector.Stream) *harness {
	return &harness{t: t, st: store.NewMem(), streams: streams, now: t0.AddDate(0, 0, 30)}
}

func (h *harness) env() step.Env {
	cfg := &config.Config{Store: config.Store{Kind: "memory"}, Currency: "EUR", Sources: []config.Source{{
		Name: "crm", Kind: "hubspot", Streams: []config.Stream{{Name: "contacts"}},
	}}}
	return step.Env{
		Store: h.st, Config: cfg, Log: zerolog.New(zerolog.NewTestWriter(h.t)).Level(zerolog.WarnLevel),
		RunID: "run", Now: func() time.Time { return h.now },
		Connectors: func(config.Source, zerolog.Logger) ([]connector.Stream, error) { return h.streams, nil },
	}
}

func (h *harness) run(date string) error {
	d := rundatetest.Parse(h.t, date)
	_, err := ingest.Run(h.t.Context(), h.env(), d)
	return err
}

func (h *harness) mustRun(date string) {
	h.t.Helper()
	if err := h.run(date); err != nil {
		h.t.Fatalf("ingest %s: %v", date, err)
	}
}

// rawIDs reads the _id column of a raw partition, with a "!" suffix on
// tombstones.
func (h *harness) rawIDs(stream, date string) []string {
	h.t.Helper()
	d := rundatetest.Parse(h.t, date)
	var ids []string
	_, err := dataset.EachRows(h.t.Context(), h.st, dataset.Partition{Dataset: contract.Raw("crm", stream), Date: d},
		func(s *parquet.Schema, rows []parquet.Row) error {
			idCol, delCol := colIndex(s, connector.ColID), colIndex(s, connector.ColDeleted)
			for _, r := range rows {
				id := string(r[idCol].ByteArray())
				if r[delCol].Boolean() {
					id += "!"
				}
				ids = append(ids, id)
			}
			return nil
		})
	if err != nil {
		h.t.Fatalf("read raw %s %s: %v", stream, date, err)
	}
	return ids
}

func colIndex(s *parquet.Schema, name string) int {
	for i, p := range s.Columns() {
		if p[0] == name {
			return i
		}
	}
	return -1
}

func (h *harness) state(stream string) *ingest.APIState {
	h.t.Helper()
	st, err := ingest.LoadState(h.t.Context(), h.st, "crm", stream)
	if err != nil {
		h.t.Fatal(err)
	}
	return st
}

func TestIncrementalCommitsThenSavesCursor(t *testing.T) {
	var recs []connector.Record
	for i := range 25 {
		recs = append(recs, contact(fmt.Sprintf("c%02d", i), t0.Add(time.Duration(i/3)*time.Minute), fmt.Sprintf("p%d@example.com", i)))
	}
	s := &memIncremental{name: "contacts", fields: contactFields(), records: recs, pageSize: 4}
	h := newHarness(t, s)
	h.mustRun("2024-03-05")
	if got := h.rawIDs("contacts", "2024-03-05"); len(got) != 25 {
		t.Fatalf("raw rows %d, want 25", len(got))
	}
	st := h.state("contacts")
	if want := connector.CursorOf(recs[24]); st.Cursor != want {
		t.Errorf("cursor %v, want %v", st.Cursor, want)
	}
	// The next date with nothing new adds nothing.
	h.mustRun("2024-03-06")
	if got := h.rawIDs("contacts", "2024-03-06"); len(got) != 0 {
		t.Errorf("a pull with nothing new wrote %v", got)
	}
	if h.state("contacts").Cursor != st.Cursor {
		t.Error("cursor moved without new data")
	}
}

func TestIncrementalCrashBetweenPagesCommitsNothing(t *testing.T) {
	var recs []connector.Record
	for i := range 20 {
		recs = append(recs, contact(fmt.Sprintf("c%02d", i), t0.Add(time.Duration(i)*time.Second), "x@example.com"))
	}
	s := &memIncremental{name: "contacts", fields: contactFields(), records: recs, pageSize: 5, failAfter: 2}
	h := newHarness(t, s)
	if err := h.run("2024-03-05"); err == nil {
		t.Fatal("a pull that failed after two pages succeeded")
	}
	d := rundatetest.Parse(t, "2024-03-05")
	if ok, _ := dataset.Committed(t.Context(), h.st, dataset.Partition{Dataset: contract.Raw("crm", "contacts"), Date: d}); ok {
		t.Fatal("a failed pull committed a partition")
	}
	if _, err := h.st.Stat(t.Context(), contract.StateKey("crm", "contacts")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a failed pull saved state: %v", err)
	}
	s.failAfter = 0
	h.mustRun("2024-03-05")
	got := h.rawIDs("contacts", "2024-03-05")
	if len(got) != 20 || got[0] != "c00" || got[19] != "c19" {
		t.Fatalf("resumed pull: %v", got)
	}
}

func TestTiesAtPageEdgeNeitherLostNorDuplicated(t *testing.T) {
	// Five records share one timestamp; b and c arrive only after the first
	// pull committed a cursor in the middle of the tie.
	tie := t0.Add(time.Hour)
	s := &memIncremental{name: "contacts", fields: contactFields(), pageSize: 2, records: []connector.Record{
		contact("a", tie, "a@x.io"), contact("d", tie, "d@x.io"), contact("z", t0, "z@x.io"),
	}}
	h := newHarness(t, s)
	h.mustRun("2024-03-05")
	s.records = append(s.records, contact("b", tie, "b@x.io"), contact("e", tie, "e@x.io"), contact("f", tie.Add(time.Second), "f@x.io"))
	h.mustRun("2024-03-06")
	first, second := h.rawIDs("contacts", "2024-03-05"), h.rawIDs("contacts", "2024-03-06")
	if fmt.Sprint(first) != "[z a d]" {
		t.Errorf("first pull %v", first)
	}
	// b sorts before the cursor (tie, "d") and is not seen again: the
	// platform must report late writes with a newer timestamp, which is
	// what modification timestamps are for. e and f are after the cursor.
	if fmt.Sprint(second) != "[e f]" {
		t.Errorf("second pull %v, want [e f]", second)
	}
}

func TestRerunOfADateRereadsItsWindow(t *testing.T) {
	s := &memIncremental{name: "contacts", fields: contactFields(), pageSize: 10, records: []connector.Record{
		contact("a", t0, "a@x.io"), contact("b", t0.Add(time.Minute), "b@x.io"),
	}}
	h := newHarness(t, s)
	h.now = time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC) // during the day: upper = now
	h.mustRun("2024-03-05")
	before := storetest.Keys(t, h.st, "raw/crm/contacts/dt=2024-03-05/")
	s.records = append(s.records, contact("c", h.now.Add(time.Hour), "c@x.io"))
	h.now = h.now.Add(2 * time.Hour)
	h.mustRun("2024-03-05") // a rerun reads the same window: c is not in it
	if after := storetest.Keys(t, h.st, "raw/crm/contacts/dt=2024-03-05/"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("rerun changed the partition: %v -> %v", before, after)
	}
	h.mustRun("2024-03-06")
	if got := h.rawIDs("contacts", "2024-03-06"); fmt.Sprint(got) != "[c]" {
		t.Errorf("next date got %v, want [c]", got)
	}
}

func TestTombstonesAreCarried(t *testing.T) {
	del := contact("gone", t0.Add(time.Minute), "gone@x.io")
	del.Deleted = true
	s := &memIncremental{name: "contacts", fields: contactFields(), pageSize: 10, records: []connector.Record{contact("kept", t0, "k@x.io"), del}}
	h := newHarness(t, s)
	h.mustRun("2024-03-05")
	if got := h.rawIDs("contacts", "2024-03-05"); fmt.Sprint(got) != "[kept gone!]" {
		t.Errorf("raw %v", got)
	}
}

func TestSchemaDrift(t *testing.T) {
	s := &memIncremental{name: "contacts", fields: contactFields(), pageSize: 10, records: []connector.Record{contact("a", t0, "a@x.io")}}
	h := newHarness(t, s)
	h.mustRun("2024-03-05")

	// A new field becomes a new column.
	r := contact("b", t0.Add(time.Hour), "b@x.io")
	r.Fields["plan"] = "gold"
	s.records = append(s.records, r)
	h.mustRun("2024-03-06")
	if st := h.state("contacts"); len(st.Schema) != 3 || st.Schema[2] != (connector.Field{Name: "plan", Type: connector.String}) {
		t.Fatalf("schema after a new field: %v", st.Schema)
	}

	// A field whose type narrows fails the stream; nothing is committed.
	bad := contact("c", t0.Add(2*time.Hour), "c@x.io")
	bad.Fields["plan"] = int64(3) // stays a string column: fine, ints fit strings
	bad.Fields["score"] = "high"  // declared int, now a string: the platform changed it
	s.records = append(s.records, bad)
	err := h.run("2024-03-07")
	if !errors.Is(err, connector.ErrSchema) {
		t.Fatalf("want ErrSchema, got %v", err)
	}
	d := rundatetest.Parse(t, "2024-03-07")
	if ok, _ := dataset.Committed(t.Context(), h.st, dataset.Partition{Dataset: "raw/crm/contacts", Date: d}); ok {
		t.Error("a failed stream committed its partition")
	}
	if got := h.rawIDs("contacts", "2024-03-06"); fmt.Sprint(got) != "[b]" {
		t.Errorf("committed data changed: %v", got)
	}

	// A field that disappears fails the stream too.
	s.records = s.records[:2]
	gone := contact("d", t0.Add(3*time.Hour), "d@x.io") // no "plan" at all
	s.records = append(s.records, gone)
	if err := h.run("2024-03-07"); !errors.Is(err, connector.ErrSchema) {
		t.Fatalf("disappeared field: want ErrSchema, got %v", err)
	}
}

func TestDailyLookbackOverwritesRestatedDays(t *testing.T) {
	fields := []connector.Field{{Name: "clicks", Type: connector.Int}, {Name: "spend", Type: connector.Float}}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	row := func(id, d string, clicks int64) connector.Record {
		return connector.Record{ID: id, Day: day(d), Fields: map[string]any{"clicks": clicks, "spend": float64(clicks) / 10}}
	}
	s := &memDaily{name: "ads", fields: fields, days: map[string][]connector.Record{
		"2024-03-03": {row("ad1", "2024-03-03", 5)},
		"2024-03-04": {row("ad1", "2024-03-04", 7)},
		"2024-03-05": {row("ad1", "2024-03-05", 9), row("ad2", "2024-03-05", 1)},
	}}
	h := newHarness(t, s)
	h.mustRun("2024-03-05") // default look-back 3: 03..05
	before3 := storetest.Keys(t, h.st, "raw/crm/ads/dt=2024-03-03/")
	s.days["2024-03-04"] = []connector.Record{row("ad1", "2024-03-04", 8)} // late conversions restate the 4th
	s.days["2024-03-06"] = []connector.Record{row("ad1", "2024-03-06", 2)}
	h.mustRun("2024-03-06") // window 04..06
	clicks := readClicks(t, h.st, "2024-03-04")
	if clicks != 8 {
		t.Errorf("restated day has clicks %d, want 8", clicks)
	}
	if got := storetest.Keys(t, h.st, "raw/crm/ads/dt=2024-03-03/"); fmt.Sprint(got) != fmt.Sprint(before3) {
		t.Error("a day outside the window was rewritten")
	}
	if got := h.rawIDs("ads", "2024-03-05"); fmt.Sprint(got) != "[ad1 ad2]" {
		t.Errorf("day 5: %v", got)
	}
}

func readClicks(t *testing.T, st store.Store, date string) int64 {
	t.Helper()
	d := rundatetest.Parse(t, date)
	var sum int64
	_, err := dataset.EachRows(t.Context(), st, dataset.Partition{Dataset: "raw/crm/ads", Date: d}, func(s *parquet.Schema, rows []parquet.Row) error {
		c := colIndex(s, "clicks")
		for _, r := range rows {
			sum += r[c].Int64()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestRepairRerunsAnAPIStreamWhoseStateIsBehind: a run that died between
// the raw commit of an API stream and its state leaves the cursor behind
// the committed data; Repair asks for ingest to run again, which pulls the
// same window, and then the state is up to date (issue 12, finding 3).
func TestRepairRerunsAnAPIStreamWhoseStateIsBehind(t *testing.T) {
	var recs []connector.Record
	for i := range 6 {
		recs = append(recs, contact(fmt.Sprintf("c%02d", i), t0.Add(time.Duration(i)*time.Hour), "x@example.com"))
	}
	s := &memIncremental{name: "contacts", fields: contactFields(), records: recs[:3], pageSize: 2}
	h := newHarness(t, s)
	h.mustRun("2024-03-05")
	key := contract.StateKey("crm", "contacts")
	before, err := store.GetBytes(t.Context(), h.st, key)
	if err != nil {
		t.Fatal(err)
	}
	s.records = recs
	h.mustRun("2024-03-06")
	want := h.rawIDs("contacts", "2024-03-06")
	// The crash: the state of the run before, the data of this one.
	if err := store.PutBytes(t.Context(), h.st, key, before); err != nil {
		t.Fatal(err)
	}
	d := rundatetest.Parse(t, "2024-03-06")
	rerun, err := ingest.Repair(t.Context(), h.env(), d)
	if err != nil || !rerun {
		t.Fatalf("repair with the state behind: %v %v, want a rerun", rerun, err)
	}
	h.mustRun("2024-03-06")
	if got := h.rawIDs("contacts", "2024-03-06"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rerun committed %v, want %v", got, want)
	}
	if st := h.state("contacts"); st.LastDate != "2024-03-06" || st.Cursor != connector.CursorOf(recs[5]) {
		t.Errorf("state after the rerun: %+v", st)
	}
	if rerun, err := ingest.Repair(t.Context(), h.env(), d); err != nil || rerun {
		t.Errorf("repair with the state up to date: %v %v, want none", rerun, err)
	}
}
