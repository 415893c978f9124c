package unify

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/normalize"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// consentEvent is one change of a person's e-mail consent, or one deletion
// request, with what identifies the person.
type consentEvent struct {
	at     time.Time
	denied bool
	// source is the event's own source field when it has one
	// ("unsubscribe_link"), else "<source>/<stream>" of the dataset.
	source string
	// record is the identity record of the row when it is one (a file-drop
	// CRM contact); otherwise the person is found by the identifiers.
	record                                string
	customerNumber, email, phone, country string
}

// later reports whether a wins over b as a person's consent state: the
// later event; at the same instant a denial over a grant (an opt-out is
// never lost to a race), then the smaller source, so the result does not
// depend on the order rows are read in.
func (a consentEvent) later(b consentEvent) bool {
	if !a.at.Equal(b.at) {
		return a.at.After(b.at)
	}
	if a.denied != b.denied {
		return a.denied
	}
	return a.source < b.source
}

// consentStatus reads a consent status: opted_in, granted, subscribed,
// opt_in and optin grant; opted_out, denied, unsubscribed, opt_out and
// optout deny; any case. ok is false for anything else (a bare "true" says
// nothing about which way).
func consentStatus(s string) (denied, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "opted_in", "granted", "subscribed", "opt_in", "optin":
		return false, true
	case "opted_out", "denied", "unsubscribed", "opt_out", "optout":
		return true, true
	}
	return false, false
}

// optedOut reads a CRM opt-out flag (true, 1, yes; any case).
func optedOut(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes":
		return true
	}
	return false
}

// consentCounts are what placing consent events noticed, for the manifest.
type consentCounts struct {
	Events            int64 `json:"events"`
	Unplaced          int64 `json:"events_unplaced"`
	BadStatus         int64 `json:"bad_status"`
	Deletions         int64 `json:"deletion_requests"`
	DeletionsUnplaced int64 `json:"deletion_requests_unplaced"`
}

// consentInputs gathers the consent events and deletion requests of D:
// file-drop streams of entity consent and deletion_requests, file-drop CRM
// contacts that map email_optout, and the API CRM contacts' opt-out flags
// (HubSpot hs_email_optout, Salesforce HasOptedOutOfEmail) of their latest
// versions. A CRM flag that is not set is no event: not having opted out
// is not consent.
type consentInputs struct {
	events, deletions []consentEvent
	badStatus         int64
	manifests         []*dataset.Manifest
}

func readConsent(ctx context.Context, env step.Env, d rundate.Date, crm []customerview.CRMRecord) (*consentInputs, error) {
	in := &consentInputs{}
	for _, r := range env.Config.Streams(consentStream) {
		src, st := r.Source, r.Stream
		p := dataset.Partition{Dataset: contract.Raw(src.Name, st.Name), Date: d}
		m, err := dataset.EachRows(ctx, env.Store, p, func(s *parquet.Schema, rows []parquet.Row) error {
			in.rows(src.Name, st, s, rows)
			return nil
		})
		if err != nil {
			return nil, step.MissingInput(err, p, contract.StepIngest)
		}
		in.manifests = append(in.manifests, m)
	}
	for _, r := range crm {
		in.crmOptOut(r)
	}
	return in, nil
}

// crmOptOut adds the opt-out of an API CRM contact whose flag is set.
func (in *consentInputs) crmOptOut(r customerview.CRMRecord) {
	if r.Deleted || r.Stream != "contacts" { // the CRM connectors' contact stream name
		return
	}
	var props map[string]any
	if err := json.Unmarshal([]byte(r.Properties), &props); err != nil {
		return // written by unify itself from typed columns
	}
	if optedOut(propText(props, "hs_email_optout", "HasOptedOutOfEmail")) {
		in.events = append(in.events, consentEvent{at: r.ModifiedAt, denied: true, source: r.Source + "/" + r.Stream,
			email: propText(props, "email", "Email"), phone: propText(props, "phone", "Phone", "MobilePhone")})
	}
}

// propText is the first of the named properties that is a string, or a
// bool as "true"/"false"; "" when none is.
func propText(props map[string]any, names ...string) string {
	for _, n := range names {
		switch v := props[n].(type) {
		case string:
			return v
		case bool:
			if v {
				return "true"
			}
			return "false"
		}
	}
	return ""
}

// consentStream reports whether a file-drop stream carries consent state.
func consentStream(src config.Source, st config.Stream) bool {
	if src.Kind != config.FileDrop {
		return false
	}
	switch st.Entity {
	case config.EntityConsent, config.EntityDeletionRequests:
		return true
	case config.EntityContacts:
		for _, c := range st.Columns {
			if c.To == "email_optout" {
				return true
			}
		}
	}
	return false
}

// rows adds the events of raw rows of one consent, deletion request or
// contacts stream.
func (in *consentInputs) rows(source string, st config.Stream, s *parquet.Schema, rows []parquet.Row) {
	r := consentRows{in: in, source: source, st: st, f: dataset.FieldsOf(s), text: rawText(s)}
	r.spec, _ = config.IdentityEntity(config.EntityContacts)
	for _, row := range rows {
		e := consentEvent{source: source + "/" + st.Name, customerNumber: r.f.Text(row, "customer_number"),
			email: r.f.Text(row, "email"), phone: r.f.Text(row, "phone"), country: r.f.Text(row, "country")}
		switch st.Entity {
		case config.EntityDeletionRequests:
			r.addDeletion(e, row)
		case config.EntityContacts:
			r.addOptOut(e, row)
		default:
			r.addChange(e, row)
		}
	}
}

// consentRows adds the rows of one stream of a source to in; e, the event
// of a row, holds the row's identifiers and the stream as its source.
type consentRows struct {
	in     *consentInputs
	source string
	st     config.Stream
	f      dataset.Fields
	text   func(row parquet.Row, field string) string
	spec   config.IdentitySpec // of contacts
}

// addDeletion adds the deletion request e of row, when it has its time.
func (r *consentRows) addDeletion(e consentEvent, row parquet.Row) {
	if at, ok := r.f.Int64(row, "requested_at"); ok {
		e.at = time.UnixMicro(at).UTC()
		r.in.deletions = append(r.in.deletions, e)
	}
}

// addOptOut adds the opt-out e of a contact row whose email_optout flag is
// set, placed by the contact's record.
func (r *consentRows) addOptOut(e consentEvent, row parquet.Row) {
	get := func(field string) string { return r.f.Text(row, field) }
	e.record = contract.RecordKey(r.source, r.st.Name, r.st.Entity, r.spec, get)
	if !optedOut(r.text(row, "email_optout")) {
		return
	}
	e.denied = true
	r.addEvent(e, row, "updated_at")
}

// addChange adds the consent change e of a row, from the row's own source
// when it names one; it counts a row whose status is not one.
func (r *consentRows) addChange(e consentEvent, row parquet.Row) {
	var valid bool
	if e.denied, valid = consentStatus(r.f.Text(row, "status")); !valid {
		r.in.badStatus++
		return
	}
	if own := strings.TrimSpace(r.f.Text(row, "source")); own != "" {
		e.source = own
	}
	r.addEvent(e, row, "changed_at")
}

// addEvent adds event e at the time in field of row, when it has one.
func (r *consentRows) addEvent(e consentEvent, row parquet.Row, field string) {
	if at, ok := r.f.Int64(row, field); ok {
		e.at = time.UnixMicro(at).UTC()
		r.in.events = append(r.in.events, e)
	}
}

// rawText reads a column of rows of schema s by name as text: strings, and
// bool flags as "true"/"false"; "" when null or not in s.
func rawText(s *parquet.Schema) func(row parquet.Row, field string) string {
	cols := map[string]int{}
	for i, c := range s.Columns() {
		cols[c[0]] = i
	}
	return func(row parquet.Row, field string) string {
		if i, ok := cols[field]; ok && !row[i].IsNull() {
			return row[i].String()
		}
		return ""
	}
}

// placer finds the customer id a consent event belongs to.
type placer struct {
	people        *People
	byNumber      map[string]string // customer number -> id ("" when several)
	countries     *normalize.Countries
	defaultRegion string
}

func newPlacer(people *People, customers []customerview.Customer, defaultRegion string) *placer {
	p := &placer{people: people, byNumber: map[string]string{}, countries: normalize.NewCountries(), defaultRegion: defaultRegion}
	for _, c := range customers {
		if cur, ok := p.byNumber[c.CustomerNumber]; !ok {
			p.byNumber[c.CustomerNumber] = c.CustomerID
		} else if cur != c.CustomerID {
			p.byNumber[c.CustomerNumber] = ""
		}
	}
	return p
}

// place returns the customer ids an event belongs to: its record's, else
// those of the first identifier that names one: the customer number; the
// e-mail, when the records of exactly one customer carry it, or of any
// number for an opt-out (an opt-out follows the address: records the caps
// kept apart, such as a person's second CRM contact, all stop receiving
// mail); the phone, when one customer's records carry it (a shared
// call-centre number opts nobody out). None when nothing names anyone.
func (p *placer) place(e consentEvent) []string {
	if e.record != "" && p.people != nil {
		if id := p.people.IDs[e.record]; id != "" {
			return []string{id}
		}
	}
	if n := strings.TrimSpace(e.customerNumber); n != "" && p.byNumber[n] != "" {
		return []string{p.byNumber[n]}
	}
	if p.people == nil {
		return nil
	}
	if em, ok := normalize.Email(e.email); ok {
		if ids := p.people.ByEmail[em]; len(ids) == 1 || len(ids) > 1 && e.denied {
			return ids
		}
	}
	region := p.defaultRegion
	if c, ok := p.countries.Lookup(e.country); ok {
		region = c.Code
	}
	if ph, ok := normalize.Phone(e.phone, region); ok {
		if ids := p.people.ByPhone[ph]; len(ids) == 1 {
			return ids
		}
	}
	return nil
}

// applyConsent sets each customer's consent columns from the events of its
// person: the latest event wins (see consentEvent.later), and the latest
// deletion request is carried.
func applyConsent(in *consentInputs, people *People, customers []customerview.Customer, defaultRegion string) consentCounts {
	pl := newPlacer(people, customers, defaultRegion)
	counts := consentCounts{Events: int64(len(in.events)), BadStatus: in.badStatus, Deletions: int64(len(in.deletions))}
	state := latestConsent(pl, in.events, &counts)
	deletion := latestDeletions(pl, in.deletions, &counts)
	for i := range customers {
		c := &customers[i]
		if e, ok := state[c.CustomerID]; ok {
			at, source := e.at, e.source
			c.EmailConsent, c.ConsentChangedAt, c.ConsentSource = customerview.ConsentGranted, &at, &source
			if e.denied {
				c.EmailConsent, c.OptedOutAt = customerview.ConsentDenied, &at
			}
		}
		if at, ok := deletion[c.CustomerID]; ok {
			c.DeletionRequestedAt = &at
		}
	}
	return counts
}

// latestConsent is the winning consent event of each customer id; it
// counts the events placed on nobody.
func latestConsent(pl *placer, events []consentEvent, counts *consentCounts) map[string]consentEvent {
	state := map[string]consentEvent{}
	for _, e := range events {
		ids := pl.place(e)
		if len(ids) == 0 {
			counts.Unplaced++
		}
		for _, id := range ids {
			if cur, ok := state[id]; !ok || e.later(cur) {
				state[id] = e
			}
		}
	}
	return state
}

// latestDeletions is the latest deletion request of each customer id; it
// counts the requests not placed on exactly one customer.
func latestDeletions(pl *placer, deletions []consentEvent, counts *consentCounts) map[string]time.Time {
	deletion := map[string]time.Time{}
	for _, e := range deletions {
		ids := pl.place(e)
		if len(ids) != 1 {
			counts.DeletionsUnplaced++ // erasing the wrong person is worse than waiting
			continue
		}
		if e.at.After(deletion[ids[0]]) {
			deletion[ids[0]] = e.at
		}
	}
	return deletion
}
