package publish

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/identity"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/uplift"
)

// customer is a unified customer with net revenue in whole units.
type customer struct {
	id       string
	number   string // source customer number; "n-" + id when empty
	net      int64
	denied   bool
	deletion bool
	stage    string // lifecycle stage; active when empty
	segment  string // RFM segment; loyal when empty
	first    int64  // value of the first order, in units; none when 0
}

// night commits the inputs of publish for d: customers, their features
// and scores, and the identity events of the night.
func commitNight(t *testing.T, env step.Env, d rundate.Date, cs []customer, merges map[string]string) {
	t.Helper()
	var customers []customerview.Customer
	var features []featureset.Customer
	var scores []contract.Score
	var orders []customerview.Order
	for _, c := range cs {
		cu := customerview.Customer{CustomerID: c.id, CustomerNumber: or(c.number, "n-"+c.id), NetRevenue: money.Cents(c.net * 100),
			OrdersCount: 1, LifecycleStage: or(c.stage, customerview.StageActive), EmailConsent: customerview.ConsentGranted}
		if c.first != 0 {
			id := c.id
			orders = append(orders, customerview.Order{OrderID: "o-" + c.id, Source: "shop", CustomerID: &id, OrderedAt: d.Start(),
				Value: money.Micros(c.first * 1_000_000), Currency: "GBP"})
		}
		if c.denied {
			cu.EmailConsent = customerview.ConsentDenied
		}
		if c.deletion {
			at := d.Start()
			cu.DeletionRequestedAt = &at
		}
		customers = append(customers, cu)
		features = append(features, featureset.Customer{CustomerID: c.id, Frequency: 1, Monetary: float64(c.net)})
		scores = append(scores, contract.Score{CustomerID: c.id, RFMSegment: or(c.segment, "loyal"), RScore: 3, FScore: 3, MScore: 3, RFMCell: "333"})
	}
	var events []identity.Event
	for absorbed, survivor := range merges {
		events = append(events, identity.Event{Type: identity.EventMerge, CustomerID: survivor, OtherID: absorbed, Reason: identity.ReasonMerge})
	}
	write := func(name string, rows any) {
		t.Helper()
		out := step.Output{Partition: dataset.Partition{Dataset: name, Date: d}, Job: "test"}
		var err error
		switch r := rows.(type) {
		case []customerview.Customer:
			_, err = step.WriteOutput(t.Context(), env, out, r)
		case []featureset.Customer:
			_, err = step.WriteOutput(t.Context(), env, out, r)
		case []contract.Score:
			_, err = step.WriteOutput(t.Context(), env, out, r)
		case []identity.Event:
			_, err = step.WriteOutput(t.Context(), env, out, r)
		case []customerview.Order:
			_, err = step.WriteOutput(t.Context(), env, out, r)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	write(contract.Customers, customers)
	write(contract.CustomerFeatures, features)
	write(contract.Scores, scores)
	write(contract.IdentityEvents, events)
	write(contract.Orders, orders)
}

func testConfig(share float64) *config.Config {
	c := &config.Config{Currency: "GBP", Identity: config.Identity{DefaultRegion: "GB"}}
	c.Segments.Rules = []config.Segment{{Name: "vip", Purpose: config.PurposeAds, Description: "big spenders",
		Rule: "monetary >= 100", ControlShare: &share}}
	// IdentityEvents is declared for configs with identity streams; the
	// test commits them itself, so publish must find them by date.
	c.Sources = []config.Source{{Name: "crm", Kind: config.FileDrop, Streams: []config.Stream{{Name: "contacts", Entity: config.EntityContacts}}}}
	c.Segments.Control.Salt = "test"
	return c
}

func testEnv(t *testing.T, cfg *config.Config) step.Env {
	return step.Env{Store: store.NewMem(), Config: cfg, Log: zerolog.Nop(), RunID: "test",
		Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }}
}

// readRole reads the CSV file of a role of the segment's partition.
func readRole(t *testing.T, env step.Env, d rundate.Date, role string) ([][]string, dataset.File) {
	t.Helper()
	p := dataset.Partition{Dataset: contract.Segment("vip"), Date: d}
	m, err := dataset.ReadManifest(t.Context(), env.Store, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Files {
		if f.Role != role {
			continue
		}
		b, err := store.GetBytes(t.Context(), env.Store, p.Key(f.Name))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(recs)-1) != f.Rows {
			t.Errorf("%s: %d rows, manifest says %d", role, len(recs)-1, f.Rows)
		}
		return recs, f
	}
	t.Fatalf("no %s file", role)
	return nil, dataset.File{}
}

// Two nights: b is merged into a (both members: no change), c leaves the
// segment, f enters it, d (consent denied) and e (deletion requested) are
// never in it. The adds and removes are exactly f and c, and a carries b.
func TestChangesAcrossAMergeASuppressionAndASegmentChange(t *testing.T) {
	env := testEnv(t, testConfig(0))
	d1, d2 := rundatetest.Parse(t, "2026-01-10"), rundatetest.Parse(t, "2026-01-12")
	commitNight(t, env, d1, []customer{{id: "a", net: 200}, {id: "b", net: 150}, {id: "c", net: 120},
		{id: "d", net: 300, denied: true}, {id: "e", net: 500, deletion: true}, {id: "f", net: 50}}, nil)
	commitNight(t, env, d2, []customer{{id: "a", net: 350}, {id: "c", net: 80},
		{id: "d", net: 300, denied: true}, {id: "e", net: 500, deletion: true}, {id: "f", net: 250}}, map[string]string{"b": "a"})
	for _, d := range []rundate.Date{d1, d2} {
		if _, err := Run(t.Context(), env, d); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
	}
	adds, _ := readRole(t, env, d2, RoleAdds)
	removes, _ := readRole(t, env, d2, RoleRemoves)
	header := []string{"customer_id", "segment", "change", "previous_customer_id"}
	if want := [][]string{header, {"f", "vip", "add", ""}}; !reflect.DeepEqual(adds, want) {
		t.Errorf("adds %v, want %v", adds, want)
	}
	if want := [][]string{header, {"c", "vip", "remove", ""}}; !reflect.DeepEqual(removes, want) {
		t.Errorf("removes %v, want %v", removes, want)
	}
	first, _ := readRole(t, env, d1, RoleAdds)
	if len(first) != 4 { // a, b, c: everyone is an add on the first night
		t.Errorf("first night adds %v", first)
	}
	members, m, err := dataset.ReadParquet[contract.AudienceMember](t.Context(), env.Store, dataset.Partition{Dataset: contract.Segment("vip"), Date: d2})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, mb := range members {
		ids = append(ids, mb.CustomerID)
		if mb.CustomerID == "a" && !slices.Equal(mb.MergedFrom, []string{"b"}) {
			t.Errorf("a merged from %v", mb.MergedFrom)
		}
	}
	if !slices.Equal(ids, []string{"a", "f"}) {
		t.Errorf("members %v", ids)
	}
	sup, _ := m.Meta["suppressed"].(map[string]any)
	if sup["consent_denied"] != float64(1) || sup["deletion_requested"] != float64(1) {
		t.Errorf("suppressed %v", m.Meta["suppressed"])
	}
}

// Control members stay in the snapshot, flagged, and are in no export;
// the control share is within the 99.9% binomial range of the configured
// share.
func TestControlMembersAreFlaggedAndNeverExported(t *testing.T) {
	env := testEnv(t, testConfig(0.2))
	d := rundatetest.Parse(t, "2026-01-10")
	var cs []customer
	for i := 0; i < 2000; i++ {
		cs = append(cs, customer{id: "cus_" + string(rune('a'+i%26)) + itoa(i), net: 100 + int64(i)})
	}
	commitNight(t, env, d, cs, nil)
	if _, err := Run(t.Context(), env, d); err != nil {
		t.Fatal(err)
	}
	members, _, err := dataset.ReadParquet[contract.AudienceMember](t.Context(), env.Store, dataset.Partition{Dataset: contract.Segment("vip"), Date: d})
	if err != nil {
		t.Fatal(err)
	}
	control := map[string]bool{}
	for _, mb := range members {
		if mb.Control {
			control[mb.CustomerID] = true
		}
	}
	lo, hi := binomialRange(t, int64(len(members)), 0.2)
	if n := int64(len(control)); n < lo || n > hi {
		t.Errorf("%d control of %d, outside [%d, %d]", n, len(members), lo, hi)
	}
	export, _ := readRole(t, env, d, RoleExport)
	for _, rec := range export[1:] {
		if control[rec[0]] {
			t.Errorf("control member %s exported", rec[0])
		}
	}
	if len(export)-1+len(control) != len(members) {
		t.Errorf("export %d + control %d != members %d", len(export)-1, len(control), len(members))
	}
}

// binomialRange is the 99.9% range of a Binomial(n, share) count.
func binomialRange(t *testing.T, n int64, share float64) (int64, int64) {
	t.Helper()
	r, err := uplift.BinomialRange(n, share, 0.001)
	if err != nil {
		t.Fatal(err)
	}
	return r.Lo, r.Hi
}

func itoa(i int) string { return strconv.Itoa(i) }

func or(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// Two nights of trigger lists. On the second: a is at risk, but b, merged
// into a tonight, was at risk on the first night, so the person did not
// cross; c was at risk already; h became at risk; d churned tonight but
// asked for deletion; e is newly churned. Of the new customers, f's first
// order (100) is in the top decile of the first orders (1..18, 10, 100:
// the 90th percentile is 17.1), g's (10) is not.
func TestTriggerLists(t *testing.T) {
	cfg := testConfig(0)
	cfg.Segments.Triggers = config.Triggers{Enabled: true, Purpose: config.PurposeEmail}
	env := testEnv(t, cfg)
	d1, d2 := rundatetest.Parse(t, "2026-01-10"), rundatetest.Parse(t, "2026-01-11")
	night1 := []customer{{id: "a", net: 1}, {id: "b", net: 1, segment: "at_risk"}, {id: "c", net: 1, segment: "at_risk"},
		{id: "d", net: 1}, {id: "e", net: 1}, {id: "h", net: 1}}
	commitNight(t, env, d1, night1, nil)
	night2 := []customer{{id: "a", net: 1, segment: "at_risk"}, {id: "c", net: 1, segment: "at_risk"},
		{id: "d", net: 1, stage: "churned", deletion: true}, {id: "e", net: 1, stage: "churned"},
		{id: "f", net: 1, stage: "new", first: 100}, {id: "g", net: 1, stage: "new", first: 10}, {id: "h", net: 1, segment: "at_risk"}}
	for i := 1; i <= 18; i++ {
		night2 = append(night2, customer{id: "z" + itoa(i), net: 1, first: int64(i)})
	}
	commitNight(t, env, d2, night2, map[string]string{"b": "a"})
	for _, d := range []rundate.Date{d1, d2} {
		if _, err := Run(t.Context(), env, d); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(name string) []string {
		rows, _, err := dataset.ReadParquet[contract.TriggerMember](t.Context(), env.Store, dataset.Partition{Dataset: contract.Trigger(name), Date: d2})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r.CustomerID)
		}
		return out
	}
	if got := ids(contract.TriggerCrossedAtRisk); !slices.Equal(got, []string{"e", "h"}) {
		t.Errorf("crossed at risk: %v, want [e h]", got)
	}
	if got := ids(contract.TriggerNewTopDecile); !slices.Equal(got, []string{"f"}) {
		t.Errorf("new top decile: %v, want [f]", got)
	}
}

// touch is a raw touchpoint row as ingest writes it.
type touch struct {
	EventID    string    `parquet:"event_id"`
	OccurredAt time.Time `parquet:"occurred_at,timestamp(microsecond)"`
	EventType  string    `parquet:"event_type"`
	CookieID   string    `parquet:"cookie_id"`
}

// Cart abandoners: a (add to cart in D's last 24 hours, no order since)
// fires; b ordered after the add to cart; c's add to cart is two days old;
// d only viewed a page.
func TestCartAbandoners(t *testing.T) {
	cfg := testConfig(0)
	cfg.Segments.Triggers = config.Triggers{Enabled: true, Purpose: config.PurposeEmail}
	cfg.Sources = append(cfg.Sources, config.Source{Name: "web", Kind: config.FileDrop,
		Streams: []config.Stream{{Name: "touchpoints", Entity: config.EntityTouchpoints}}})
	env := testEnv(t, cfg)
	d := rundatetest.Parse(t, "2026-01-10")
	at := func(h int) time.Time { return d.Start().Add(time.Duration(h) * time.Hour) }
	touches := []touch{{"1", at(10), "add_to_cart", "ck-a"}, {"2", at(9), "add_to_cart", "ck-b"},
		{"3", at(-40), "add_to_cart", "ck-c"}, {"4", at(11), "page_view", "ck-d"}}
	out := step.Output{Partition: dataset.Partition{Dataset: contract.Raw("web", "touchpoints"), Date: d}, Job: "test"}
	if _, err := step.WriteOutput(t.Context(), env, out, touches); err != nil {
		t.Fatal(err)
	}
	spec, _ := config.IdentityEntity(config.EntityTouchpoints)
	var idmap []contract.IdentityRow
	for _, tc := range touches {
		get := func(f string) string {
			if f == "cookie_id" {
				return tc.CookieID
			}
			return ""
		}
		key := contract.RecordKey("web", "touchpoints", config.EntityTouchpoints, spec, get)
		idmap = append(idmap, contract.IdentityRow{RecordKey: key, CustomerID: tc.CookieID[3:]})
	}
	out.Partition = dataset.Partition{Dataset: contract.IdentityMap, Date: d}
	if _, err := step.WriteOutput(t.Context(), env, out, idmap); err != nil {
		t.Fatal(err)
	}
	commitNight(t, env, d, []customer{{id: "a", net: 1}, {id: "b", net: 1}, {id: "c", net: 1}, {id: "d", net: 1}}, nil)
	bid := "b"
	out.Partition = dataset.Partition{Dataset: contract.Orders, Date: d}
	if _, err := step.WriteOutput(t.Context(), env, out, []customerview.Order{{OrderID: "o1", Source: "shop", CustomerID: &bid,
		OrderedAt: at(12), Value: 1_000_000, Currency: "GBP"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(t.Context(), env, d); err != nil {
		t.Fatal(err)
	}
	rows, _, err := dataset.ReadParquet[contract.TriggerMember](t.Context(), env.Store, dataset.Partition{Dataset: contract.Trigger(contract.TriggerCartAbandoners), Date: d})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].CustomerID != "a" || rows[0].Reason != "add to cart at 2026-01-10T10:00:00Z" {
		t.Errorf("cart abandoners %+v, want a at 10:00", rows)
	}
}

// A person with two source customer numbers has two rows of
// unified/customers: q (both rows match) is one member, not two; p, whose
// second row carries the deletion request, is in no file; the RFM family
// drops scores of ids unified/customers does not hold.
func TestAPersonWithTwoCustomerNumbersIsOnePerson(t *testing.T) {
	cfg := testConfig(0)
	cfg.Segments.RFM.Enabled, cfg.Segments.RFM.Purpose = true, config.PurposeEmail
	env := testEnv(t, cfg)
	d := rundatetest.Parse(t, "2026-01-10")
	commitNight(t, env, d, []customer{{id: "q", number: "1", net: 200}, {id: "q", number: "2", net: 300},
		{id: "p", number: "3", net: 200}, {id: "p", number: "4", net: 250, deletion: true}}, nil)
	if _, err := Run(t.Context(), env, d); err != nil {
		t.Fatal(err)
	}
	members, _, err := dataset.ReadParquet[contract.AudienceMember](t.Context(), env.Store, dataset.Partition{Dataset: contract.Segment("vip"), Date: d})
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 1 || members[0].CustomerID != "q" {
		t.Errorf("members %+v, want q once", members)
	}
	rfm, _, err := dataset.ReadParquet[contract.Member](t.Context(), env.Store, dataset.Partition{Dataset: contract.RFMSegments, Date: d})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range rfm {
		if m.CustomerID == "p" {
			t.Errorf("p, who asked to be deleted on one of its rows, is in the RFM family")
		}
	}
}
