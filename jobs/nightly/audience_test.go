package nightly_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/audiencefile"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/duckdbtest"
	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/lib/normalize"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/uplift"
)

// published is every committed partition of segments/ and triggers/ with
// its manifest.
func published(t *testing.T, st store.Store) map[dataset.Partition]*dataset.Manifest {
	t.Helper()
	out := map[dataset.Partition]*dataset.Manifest{}
	for _, p := range committedPartitions(t, st) {
		if !strings.HasPrefix(p.Dataset, "segments/") && !strings.HasPrefix(p.Dataset, "triggers/") {
			continue
		}
		m, err := dataset.ReadManifest(t.Context(), st, p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = m
	}
	return out
}

// cellsOf reads every cell of a published file: CSV directly, Parquet
// through DuckDB (every column as text).
func cellsOf(t *testing.T, st *store.Local, p dataset.Partition, f dataset.File) map[string]bool {
	t.Helper()
	path := st.Path(p.Key(f.Name))
	cells := map[string]bool{}
	if f.Format == "csv" {
		recs := fixture.ReadCSV(t, path)
		for _, rec := range recs[1:] {
			for _, c := range rec {
				cells[c] = true
			}
		}
		return cells
	}
	db := duckdbtest.Open(t)
	rows, err := db.QueryContext(t.Context(), fmt.Sprintf(`SELECT * FROM read_parquet('%s')`, path))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if s, ok := v.(string); ok {
				cells[s] = true
			}
		}
	}
	return cells
}

// forbidden are the customer ids and every hash of the identifiers of the
// people no e-mail or ads file may hold: unified/customers' deletion
// requests and denied consents, the raw e-mails of the consent export
// whose latest event opts out and of the deletion requests, and the
// suppression list's entries, each hashed as unify, Google and Meta hash.
func forbidden(t *testing.T, st store.Store, cfg *config.Config) map[string]string {
	t.Helper()
	out := map[string]string{}
	customers, _, err := dataset.ReadParquet[customerview.Customer](t.Context(), st, dataset.Partition{Dataset: contract.Customers, Date: rundatetest.Parse(t, sampleDate)})
	if err != nil {
		t.Fatal(err)
	}
	flagged := 0
	for _, c := range customers {
		if c.DeletionRequestedAt != nil || c.EmailConsent == customerview.ConsentDenied {
			flagged++
			out[c.CustomerID] = "customer " + c.CustomerNumber
			if c.EmailSHA256 != nil {
				out[*c.EmailSHA256] = "e-mail hash of customer " + c.CustomerNumber
			}
		}
	}
	if flagged < 50 {
		t.Fatalf("only %d customers with a deletion request or denied consent: the test would prove little", flagged)
	}
	var raw []audiencefile.Person
	for _, e := range optedOutEmails(t) {
		raw = append(raw, audiencefile.Person{Email: e})
	}
	for _, rec := range fixture.ReadCSV(t, "../../testdata/synthetic/deletion_requests.csv")[1:] {
		raw = append(raw, audiencefile.Person{Email: rec[2]})
	}
	for _, rec := range fixture.ReadCSV(t, "../../testdata/synthetic/suppressions.csv")[1:] {
		raw = append(raw, audiencefile.Person{Email: rec[0], Phone: rec[1]})
		if rec[3] != "" {
			out[rec[3]] = "suppression list e-mail hash"
		}
	}
	for _, p := range raw {
		for _, h := range hashesOf(t, p, cfg.Identity.DefaultRegion) {
			out[h] = "hash of a raw identifier of a person who said no"
		}
	}
	return out
}

// deletionRequested are the ids of the customers with a deletion request.
func deletionRequested(t *testing.T, st store.Store) map[string]bool {
	t.Helper()
	customers, _, err := dataset.ReadParquet[customerview.Customer](t.Context(), st, dataset.Partition{Dataset: contract.Customers, Date: rundatetest.Parse(t, sampleDate)})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, c := range customers {
		if c.DeletionRequestedAt != nil {
			out[c.CustomerID] = true
		}
	}
	if len(out) == 0 {
		t.Fatal("no customer of the sample asked to be deleted")
	}
	return out
}

// hashesOf are the hashes of a person's e-mail and phone as unify, Google
// and Meta compute them.
func hashesOf(t *testing.T, p audiencefile.Person, region string) []string {
	t.Helper()
	var out []string
	if e, ok := normalize.Email(p.Email); ok {
		out = append(out, normalize.Hash(e))
	}
	if ph, ok := normalize.Phone(p.Phone, region); ok {
		out = append(out, normalize.Hash(ph))
	}
	for _, f := range []audiencefile.Format{audiencefile.Google, audiencefile.Meta} {
		enc, err := audiencefile.NewEncoder(f, region)
		if err != nil {
			t.Fatal(err)
		}
		if row, ok := enc.Row(p); ok {
			out = append(out, row[0], row[1])
		}
	}
	return out
}

// optedOutEmails are the e-mails of the consent export whose latest event
// (by changed_at) opts out.
func optedOutEmails(t *testing.T) []string {
	t.Helper()
	recs := fixture.ReadCSV(t, "../../testdata/synthetic/consent_events.csv")
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	rows := recs[1:]
	sort.SliceStable(rows, func(i, j int) bool { return rows[i][col["changed_at"]] < rows[j][col["changed_at"]] })
	latest := map[string]string{}
	for _, r := range rows {
		if e := strings.ToLower(strings.TrimSpace(r[col["email"]])); e != "" {
			latest[e] = r[col["status"]]
		}
	}
	var out []string
	for e, s := range latest {
		if s != "opted_in" {
			out = append(out, e)
		}
	}
	if len(out) < 20 {
		t.Fatalf("%d opted-out e-mails in the consent export", len(out))
	}
	return out
}

// TestNoOneWhoSaidNoIsInAnEmailOrAdsFile reads every file of every
// published partition of the sample nightly whose purpose is email or ads
// (snapshots, exports, changes, platform files, triggers, the RFM family)
// and finds no customer id or hash of a person with a deletion request, a
// denied consent or a suppression-list entry; and no customer with a
// deletion request in any published file of any purpose.
func TestNoOneWhoSaidNoIsInAnEmailOrAdsFile(t *testing.T) {
	cfg, st := runSample(t, sampleDate)
	bad, erased := forbidden(t, st, cfg), deletionRequested(t, st)
	files := 0
	for p, m := range published(t, st) {
		for _, f := range m.Files {
			marketing := f.Purpose == config.PurposeEmail || f.Purpose == config.PurposeAds
			files++
			for cell := range cellsOf(t, st, p, f) {
				if why, ok := bad[cell]; ok && cell != "" && marketing {
					t.Errorf("%s %s (%s): holds %s", p, f.Name, f.Role, why)
				}
				if erased[cell] {
					t.Errorf("%s %s (%s, purpose %s): holds a customer who asked to be deleted", p, f.Name, f.Role, f.Purpose)
				}
			}
		}
	}
	if files < 30 {
		t.Fatalf("only %d email or ads files checked", files)
	}
}

// TestDuckDBReadsEveryPublishedFile: every Parquet and CSV file of every
// published partition reads in DuckDB with the manifest's row count, each
// file carries a role, and the platform files have the platforms' headers.
func TestDuckDBReadsEveryPublishedFile(t *testing.T) {
	_, st := runSample(t, sampleDate)
	db := duckdbtest.Open(t)
	roles := map[string]int{}
	for p, m := range published(t, st) {
		for _, f := range m.Files {
			path := st.Path(p.Key(f.Name))
			q := fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s')`, path)
			if f.Format == "csv" {
				q = fmt.Sprintf(`SELECT count(*) FROM read_csv('%s', header = true, all_varchar = true)`, path)
			}
			if n := duckdbtest.QueryInt(t, db, q); n != f.Rows {
				t.Errorf("%s %s: DuckDB reads %d rows, manifest says %d", p, f.Name, n, f.Rows)
			}
			if f.Role == "" || f.Segment == "" || f.Purpose == "" {
				t.Errorf("%s %s: role %q segment %q purpose %q", p, f.Name, f.Role, f.Segment, f.Purpose)
			}
			roles[f.Role]++
			checkHeader(t, path, f.Role)
		}
	}
	for _, r := range []string{"snapshot", "export", "adds", "removes", "google_customer_match", "meta_custom_audience", "trigger"} {
		if roles[r] == 0 {
			t.Errorf("no file of role %s", r)
		}
	}
}

// checkHeader holds a platform file's header to the platform's.
func checkHeader(t *testing.T, path, role string) {
	t.Helper()
	want := map[string]string{"google_customer_match": "Email,Phone,First Name,Last Name,Country,Zip",
		"meta_custom_audience": "email,phone,fn,ln,ct,st,zip,country"}[role]
	if want == "" {
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	header, err := csv.NewReader(f).Read()
	if err != nil || strings.Join(header, ",") != want {
		t.Errorf("%s: header %v (%v), want %s", filepath.Base(path), header, err, want)
	}
}

// TestControlSharesAreWithinTheBinomialRange: in every rule segment of the
// sample the control group's size is within the 99.9% range of a
// Binomial(members, share) count.
func TestControlSharesAreWithinTheBinomialRange(t *testing.T) {
	cfg, st := runSample(t, sampleDate)
	d := rundatetest.Parse(t, sampleDate)
	for _, seg := range cfg.Segments.Rules {
		rows, _, err := dataset.ReadParquet[contract.AudienceMember](t.Context(), st, dataset.Partition{Dataset: contract.Segment(seg.Name), Date: d})
		if err != nil {
			t.Fatal(err)
		}
		var control int64
		for _, r := range rows {
			if r.Control {
				control++
			}
		}
		r, err := uplift.BinomialRange(int64(len(rows)), cfg.Segments.ShareOf(seg), 0.001)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Contains(control) {
			t.Errorf("%s: %d of %d in control, outside [%d, %d]", seg.Name, control, len(rows), r.Lo, r.Hi)
		}
	}
}

// TestControlGroupsHoldOverA30DayBackfill backfills the sample's last 30
// nights into one store: every person keeps one control assignment per
// segment on every night, and over the distinct members of the 30 nights
// each segment's control share is within the 99.9% binomial range.
func TestControlGroupsHoldOverA30DayBackfill(t *testing.T) {
	if testing.Short() {
		t.Skip("30 nightly runs")
	}
	cfg, st, env := sampleEnv(t)
	last := rundatetest.Parse(t, sampleDate)
	for d := last.AddDays(-29); !d.Start().After(last.Start()); d = d.AddDays(1) {
		runNightly(t, env, d.String(), false)
	}
	for _, seg := range cfg.Segments.Rules {
		group := map[string]bool{}
		nights := 0
		for d := last.AddDays(-29); !d.Start().After(last.Start()); d = d.AddDays(1) {
			rows, _, err := dataset.ReadParquet[contract.AudienceMember](t.Context(), st, dataset.Partition{Dataset: contract.Segment(seg.Name), Date: d})
			if err != nil {
				t.Fatal(err)
			}
			nights++
			for _, r := range rows {
				if was, seen := group[r.CustomerID]; seen && was != r.Control {
					t.Errorf("%s: %s changed group on %s", seg.Name, r.CustomerID, d)
				}
				group[r.CustomerID] = r.Control
			}
		}
		var control int64
		for _, c := range group {
			if c {
				control++
			}
		}
		r, err := uplift.BinomialRange(int64(len(group)), cfg.Segments.ShareOf(seg), 0.001)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d distinct members over %d nights, %d in control, 99.9%% range [%d, %d]", seg.Name, len(group), nights, control, r.Lo, r.Hi)
		if !r.Contains(control) {
			t.Errorf("%s: %d of %d in control, outside [%d, %d]", seg.Name, control, len(group), r.Lo, r.Hi)
		}
	}
}
