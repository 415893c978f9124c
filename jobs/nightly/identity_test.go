package nightly_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segmint/segmint/jobs/unify"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/lib/identity"
	"github.com/segmint/segmint/lib/normalize"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
)

// TestIdentityResolutionOnSyntheticSample measures the links identity
// resolution makes on the bundled synthetic CRM, touchpoint and ad-click
// data against its ground truth (testdata/synthetic/truth.csv): pairwise
// precision at least 0.99.
func TestIdentityResolutionOnSyntheticSample(t *testing.T) {
	cfg, st := runSample(t, sampleDate)
	d := rundatetest.Parse(t, sampleDate)
	customerOf := identityIDs(t, st, d)
	// Predicted person of every record that truth.csv names.
	pred := map[string]string{}
	for _, src := range cfg.Sources {
		for _, s := range src.Streams {
			spec, ok := config.IdentityEntity(s.Entity)
			if !ok {
				continue
			}
			kind := map[config.Entity]string{"contacts": "crm_contact", "touchpoints": "touchpoint", "ad_clicks": "ad_click"}[s.Entity]
			eachRawRow(t, st, dataset.Partition{Dataset: contract.Raw(src.Name, s.Name), Date: d}, func(get func(string) string) {
				if id := customerOf[contract.RecordKey(src.Name, s.Name, s.Entity, spec, get)]; id != "" {
					pred[kind+"/"+get(spec.Key())] = id
				}
			})
		}
	}
	for key, id := range customerOf {
		if number, ok := strings.CutPrefix(key, "retail/customer_number/"); ok {
			pred["customer/"+number] = id
		}
	}
	recs := fixture.ReadCSV(t, filepath.Join(repoRoot(t), "testdata/synthetic/truth.csv"))
	truth := map[string]string{}
	for _, r := range recs[1:] {
		truth[r[0]+"/"+r[1]] = r[2]
	}
	precision, recall := identity.Evaluate(pred, truth)
	t.Logf("identity resolution on the synthetic sample: %d of %d truth records placed, pairwise precision %.4f, recall %.4f",
		len(pred), len(truth), precision, recall)
	if precision < 0.99 {
		t.Errorf("precision %.4f below 0.99", precision)
	}
	if recall < 0.5 {
		t.Errorf("recall %.4f: identity resolution links too little", recall)
	}
}

// TestCustomersCarryPersonIDsAndHashedIdentifiers: unified/customers uses
// the identity map's customer ids, and carries the person's e-mail and
// phone only as SHA-256 hashes of normalised values found in the CRM.
func TestCustomersCarryPersonIDsAndHashedIdentifiers(t *testing.T) {
	_, st := runSample(t, sampleDate)
	d := rundatetest.Parse(t, sampleDate)
	ids := identityIDs(t, st, d)
	customers, _, err := dataset.ReadParquet[customerview.Customer](t.Context(), st, dataset.Partition{Dataset: contract.Customers, Date: d})
	if err != nil {
		t.Fatal(err)
	}
	// Every hash must be the hash of a normalised e-mail of the CRM export.
	recs := fixture.ReadCSV(t, filepath.Join(repoRoot(t), "testdata/synthetic/crm_contacts.csv"))
	known := map[string]bool{}
	for _, r := range recs[1:] {
		if e, ok := normalize.Email(r[1]); ok {
			known[normalize.Hash(e)] = true
		}
	}
	// Logged-in touchpoints carry e-mails too.
	dec := json.NewDecoder(fixture.Open(t, filepath.Join(repoRoot(t), "testdata/synthetic/touchpoints.jsonl.gz")))
	for dec.More() {
		var ev struct{ Email string }
		if err := dec.Decode(&ev); err != nil {
			t.Fatal(err)
		}
		if e, ok := normalize.Email(ev.Email); ok {
			known[normalize.Hash(e)] = true
		}
	}
	// A blocked address never becomes a person's e-mail.
	for _, blocked := range []string{"test@example.com", "noreply@example.com"} {
		delete(known, normalize.Hash(blocked))
	}
	withEmail := 0
	for _, c := range customers {
		if c.Country != nil && *c.Country == "United Kingdom" && (c.CountryCode == nil || *c.CountryCode != "GB" || *c.Region != "Europe") {
			t.Fatalf("customer %s in the United Kingdom: code %v region %v", c.CustomerNumber, c.CountryCode, c.Region)
		}
		if c.Country != nil && *c.Country != "Unspecified" && c.Region == nil {
			t.Errorf("customer %s: no region for %q", c.CustomerNumber, *c.Country)
		}
		if want := ids[unify.CustomerRecordKey(c.Source, c.CustomerNumber)]; c.CustomerID != want {
			t.Fatalf("customer %s has id %s, identity map says %s", c.CustomerNumber, c.CustomerID, want)
		}
		if c.EmailSHA256 != nil {
			withEmail++
			if !known[*c.EmailSHA256] {
				t.Fatalf("customer %s: e-mail hash %s is not the hash of a CRM e-mail", c.CustomerNumber, *c.EmailSHA256)
			}
		}
	}
	if withEmail < len(customers)/2 {
		t.Errorf("only %d of %d customers have an e-mail hash", withEmail, len(customers))
	}
	t.Logf("%d of %d customers carry a hashed e-mail", withEmail, len(customers))
}

// TestCustomerIDsStableAcrossRuns: the customer ids of one night are kept
// the next night (the identity map of the night before is the starting
// point), for every record present on both nights.
func TestCustomerIDsStableAcrossRuns(t *testing.T) {
	_, st, env := sampleEnv(t)
	runNightly(t, env, "2010-09-30", false)
	runNightly(t, env, sampleDate, false)
	before := identityIDs(t, st, rundatetest.Parse(t, "2010-09-30"))
	after := identityIDs(t, st, rundatetest.Parse(t, sampleDate))
	events, _, err := dataset.ReadParquet[identity.Event](t.Context(), st, dataset.Partition{Dataset: contract.IdentityEvents, Date: rundatetest.Parse(t, sampleDate)})
	if err != nil {
		t.Fatal(err)
	}
	explained := map[[2]string]bool{} // (old id, new id) pairs a merge or split explains
	merges := 0
	for _, e := range events {
		switch e.Type {
		case identity.EventMerge:
			explained[[2]string{e.OtherID, e.CustomerID}] = true
			merges++
		case identity.EventSplit:
			explained[[2]string{e.OtherID, e.CustomerID}] = true
			merges++
		}
	}
	kept, renamed := 0, 0
	for key, id := range before {
		now, ok := after[key]
		switch {
		case !ok:
		case now == id:
			kept++
		default:
			renamed++
			// A record changes id only through a recorded merge or split.
			if !explained[[2]string{id, now}] {
				t.Errorf("record %s moved from %s to %s without a recorded merge or split", key, id, now)
			}
		}
	}
	if kept < 1000 {
		t.Fatalf("only %d records kept their id", kept)
	}
	t.Logf("%d records kept their customer id from 2010-09-30 to %s; %d changed with %d recorded merges and splits", kept, sampleDate, renamed, merges)
}
