package unify

import (
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// TestApplyConsent: events are placed by record, customer number, e-mail
// or phone; the latest wins, an opt-out wins a tie, then the smaller
// source; CRM opt-out flags are events, a flag that is not set is none.
func TestApplyConsent(t *testing.T) {
	t0 := time.Date(2010, 6, 1, 9, 0, 0, 0, time.UTC)
	people := &People{
		IDs:     map[string]string{"crm/contacts/7": "cus_d"},
		ByEmail: map[string][]string{"b@mail.example": {"cus_b"}, "shared@mail.example": {"cus_f", "cus_g"}},
		ByPhone: map[string][]string{"+447400123456": {"cus_c"}, "+442079460958": {"cus_a", "cus_b"}},
	}
	customers := []customerview.Customer{
		{CustomerID: "cus_a", Source: "retail", CustomerNumber: "100", EmailConsent: customerview.ConsentUnknown},
		{CustomerID: "cus_a", Source: "retail", CustomerNumber: "101", EmailConsent: customerview.ConsentUnknown},
		{CustomerID: "cus_b", Source: "retail", CustomerNumber: "200", EmailConsent: customerview.ConsentUnknown},
		{CustomerID: "cus_c", Source: "retail", CustomerNumber: "300", EmailConsent: customerview.ConsentUnknown},
		{CustomerID: "cus_d", Source: "retail", CustomerNumber: "400", EmailConsent: customerview.ConsentUnknown},
		{CustomerID: "cus_e", Source: "retail", CustomerNumber: "500", EmailConsent: customerview.ConsentUnknown},
		{CustomerID: "cus_f", Source: "retail", CustomerNumber: "600", EmailConsent: customerview.ConsentUnknown},
		{CustomerID: "cus_g", Source: "retail", CustomerNumber: "700", EmailConsent: customerview.ConsentUnknown},
	}
	crm := []customerview.CRMRecord{
		// HubSpot: opted out (a string flag) -> an event for cus_b by e-mail.
		{Source: "hubspot", Stream: "contacts", ID: "1", ModifiedAt: t0.Add(5 * time.Hour),
			Properties: `{"email":" B@Mail.Example","hs_email_optout":"true"}`},
		// Salesforce: not opted out -> no event (not having opted out is not consent).
		{Source: "salesforce", Stream: "contacts", ID: "2", ModifiedAt: t0.Add(9 * time.Hour),
			Properties: `{"Email":"b@mail.example","HasOptedOutOfEmail":false}`},
		// Salesforce: opted out (a bool) by phone -> cus_c.
		{Source: "salesforce", Stream: "contacts", ID: "3", ModifiedAt: t0.Add(time.Hour),
			Properties: `{"Phone":"07400 123456","HasOptedOutOfEmail":true}`},
		{Source: "salesforce", Stream: "contacts", ID: "4", Deleted: true, ModifiedAt: t0, Properties: "{}"},
	}
	in := &consentInputs{badStatus: 2}
	ev := func(at time.Time, denied bool, source, number, email string) consentEvent {
		return consentEvent{at: at, denied: denied, source: source, customerNumber: number, email: email}
	}
	in.events = []consentEvent{
		// cus_a: a tie at t0+2h; the opt-out wins whatever the order.
		ev(t0, false, "signup_form", "100", ""),
		ev(t0.Add(2*time.Hour), false, "preference_centre", "101", ""),
		ev(t0.Add(2*time.Hour), true, "customer_service", "100", ""),
		// cus_b: granted at t0+3h, then the HubSpot opt-out at t0+5h.
		ev(t0.Add(3*time.Hour), false, "checkout", "", "b@mail.example"),
		// The customer number places the event before the e-mail does.
		ev(t0.Add(4*time.Hour), false, "checkout", "500", "b@mail.example"),
		// An e-mail of two customers: an opt-out reaches both, a later
		// opt-in neither; an unknown number places nothing.
		ev(t0.Add(6*time.Hour), true, "unsubscribe_link", "", "Shared@mail.example"),
		ev(t0.Add(8*time.Hour), false, "signup_form", "", "shared@mail.example"),
		ev(t0.Add(6*time.Hour), true, "unsubscribe_link", "999", ""),
		// A phone of two customers (a call centre's) opts nobody out.
		{at: t0.Add(9 * time.Hour), denied: true, source: "crm/contacts", phone: "020 7946 0958"},
		// A file-drop CRM contact's opt-out: by its record.
		{at: t0.Add(7 * time.Hour), denied: true, source: "crm/contacts", record: "crm/contacts/7"},
	}
	in.deletions = []consentEvent{ev(t0, false, "", "200", ""), ev(t0.Add(time.Hour), false, "", "", "b@mail.example"),
		ev(t0, false, "", "", "nobody@x.example"), ev(t0, false, "", "", "shared@mail.example")}
	crmIn, err := readConsent(t.Context(), envWithoutSources(), rundatetest.Parse(t, "2010-06-01"), crm)
	if err != nil {
		t.Fatal(err)
	}
	in.events = append(in.events, crmIn.events...)
	counts := applyConsent(in, people, customers, "GB")
	if counts != (consentCounts{Events: 12, Unplaced: 3, BadStatus: 2, Deletions: 4, DeletionsUnplaced: 2}) {
		t.Errorf("counts %+v", counts)
	}
	want := map[string]struct {
		consent, source string
		at              time.Time
	}{
		"cus_a": {"denied", "customer_service", t0.Add(2 * time.Hour)},
		"cus_b": {"denied", "hubspot/contacts", t0.Add(5 * time.Hour)},
		"cus_c": {"denied", "salesforce/contacts", t0.Add(time.Hour)},
		"cus_d": {"denied", "crm/contacts", t0.Add(7 * time.Hour)},
		"cus_e": {"granted", "checkout", t0.Add(4 * time.Hour)},
		"cus_f": {"denied", "unsubscribe_link", t0.Add(6 * time.Hour)},
		"cus_g": {"denied", "unsubscribe_link", t0.Add(6 * time.Hour)},
	}
	for _, c := range customers {
		w := want[c.CustomerID]
		if c.EmailConsent != w.consent || c.ConsentSource == nil || *c.ConsentSource != w.source || !c.ConsentChangedAt.Equal(w.at) {
			t.Errorf("%s/%s: %s %v %v, want %+v", c.CustomerID, c.CustomerNumber, c.EmailConsent, c.ConsentSource, c.ConsentChangedAt, w)
			continue
		}
		if (c.OptedOutAt != nil) != (w.consent == "denied") || c.OptedOutAt != nil && !c.OptedOutAt.Equal(w.at) {
			t.Errorf("%s: opted_out_at %v", c.CustomerID, c.OptedOutAt)
		}
		if wantDel := c.CustomerID == "cus_b"; (c.DeletionRequestedAt != nil) != wantDel || wantDel && !c.DeletionRequestedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("%s: deletion_requested_at %v", c.CustomerID, c.DeletionRequestedAt)
		}
	}
	// The tie does not depend on the order events are read in.
	in.events[1], in.events[2] = in.events[2], in.events[1]
	again := append([]customerview.Customer(nil), customers...)
	applyConsent(in, people, again, "GB")
	if again[0].EmailConsent != "denied" || *again[0].ConsentSource != "customer_service" {
		t.Errorf("tie depends on order: %+v", again[0])
	}
}

// Without identity resolution, events are placed by customer number only.
func TestApplyConsentWithoutIdentity(t *testing.T) {
	t0 := time.Date(2010, 6, 1, 9, 0, 0, 0, time.UTC)
	customers := []customerview.Customer{{CustomerID: "cus_a", Source: "retail", CustomerNumber: "100", EmailConsent: customerview.ConsentUnknown}}
	in := &consentInputs{events: []consentEvent{
		{at: t0, source: "x", customerNumber: " 100 "},
		{at: t0.Add(time.Hour), denied: true, source: "x", email: "a@mail.example"},
	}}
	counts := applyConsent(in, nil, customers, "GB")
	if customers[0].EmailConsent != "granted" || counts.Unplaced != 1 {
		t.Fatalf("%+v, %+v", customers[0], counts)
	}
}

func TestConsentStatus(t *testing.T) {
	for _, tt := range []struct {
		in         string
		denied, ok bool
	}{
		{"opted_in", false, true}, {" Opted_Out ", true, true}, {"UNSUBSCRIBED", true, true}, {"granted", false, true},
		{"true", false, false}, {"maybe", false, false}, {"", false, false},
	} {
		if denied, ok := consentStatus(tt.in); denied != tt.denied || ok != tt.ok {
			t.Errorf("consentStatus(%q) = %v, %v", tt.in, denied, ok)
		}
	}
	for in, want := range map[string]bool{"true": true, "TRUE": true, "1": true, "yes": true, "false": false, "": false, "0": false} {
		if got := optedOut(in); got != want {
			t.Errorf("optedOut(%q) = %v", in, got)
		}
	}
}

func envWithoutSources() step.Env {
	return step.Env{Store: store.NewMem(), Log: zerolog.Nop(), Config: &config.Config{Currency: "GBP"}}
}

// rowsOf deconstructs values into rows of their schema.
func rowsOf[T any](vs ...T) (*parquet.Schema, []parquet.Row) {
	s := parquet.SchemaOf(new(T))
	rows := make([]parquet.Row, len(vs))
	for i := range vs {
		rows[i] = s.Deconstruct(nil, &vs[i])
	}
	return s, rows
}

// TestConsentRows: raw rows of a consent stream (status, own source, a
// status that says nothing), of deletion requests, and of file-drop CRM
// contacts that map email_optout become events.
func TestConsentRows(t *testing.T) {
	t0 := time.Date(2010, 6, 1, 9, 0, 0, 0, time.UTC)
	type consentRow struct {
		ChangedAt      time.Time `parquet:"changed_at,timestamp(microsecond)"`
		Status         string    `parquet:"status"`
		Source         *string   `parquet:"source,optional"`
		Email          *string   `parquet:"email,optional"`
		CustomerNumber *string   `parquet:"customer_number,optional"`
	}
	str := func(s string) *string { return &s }
	in := &consentInputs{}
	s, rows := rowsOf(
		consentRow{ChangedAt: t0, Status: "Opted_Out", Source: str("unsubscribe_link"), Email: str("a@mail.example")},
		consentRow{ChangedAt: t0, Status: "opted_in", CustomerNumber: str("100")},
		consentRow{ChangedAt: t0, Status: "perhaps", CustomerNumber: str("100")},
	)
	in.rows("consent", config.Stream{Name: "events", Entity: "consent"}, s, rows)
	if len(in.events) != 2 || in.badStatus != 1 {
		t.Fatalf("events %+v, bad %d", in.events, in.badStatus)
	}
	if e := in.events[0]; !e.denied || e.source != "unsubscribe_link" || e.email != "a@mail.example" || !e.at.Equal(t0) {
		t.Errorf("opt-out: %+v", e)
	}
	if e := in.events[1]; e.denied || e.source != "consent/events" || e.customerNumber != "100" {
		t.Errorf("opt-in without a source field: %+v", e)
	}
	type deletionRow struct {
		RequestedAt time.Time `parquet:"requested_at,timestamp(microsecond)"`
		Email       *string   `parquet:"email,optional"`
	}
	s, rows = rowsOf(deletionRow{RequestedAt: t0, Email: str("a@mail.example")})
	in.rows("consent", config.Stream{Name: "deletions", Entity: "deletion_requests"}, s, rows)
	if len(in.deletions) != 1 || in.deletions[0].email != "a@mail.example" || !in.deletions[0].at.Equal(t0) {
		t.Errorf("deletions %+v", in.deletions)
	}
	type contactRow struct {
		ContactID   string    `parquet:"contact_id"`
		UpdatedAt   time.Time `parquet:"updated_at,timestamp(microsecond)"`
		EmailOptout *bool     `parquet:"email_optout,optional"`
	}
	yes, no := true, false
	s, rows = rowsOf(contactRow{"7", t0, &yes}, contactRow{"8", t0, &no}, contactRow{"9", t0, nil})
	st := config.Stream{Name: "contacts", Entity: "contacts", Columns: []config.Column{{To: "email_optout", Type: config.TypeBool}}}
	if !consentStream(config.Source{Kind: config.FileDrop}, st) {
		t.Fatal("a contacts stream with email_optout carries consent")
	}
	in.rows("crm", st, s, rows)
	if len(in.events) != 3 || in.events[2].record != "crm/contacts/7" || !in.events[2].denied || in.events[2].source != "crm/contacts" {
		t.Errorf("contact events %+v", in.events[2:])
	}
}
