package unify

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/identity"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/normalize"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// CustomerRecordKey is the identity record key of an order source's customer.
func CustomerRecordKey(source, number string) string {
	return source + "/customer_number/" + number
}

// linker turns rows into identity links, normalising each identifier.
type linker struct {
	countries     *normalize.Countries
	defaultRegion string
	links         []identity.Link
	invalid       map[string]int64    // identifier field -> values that did not normalise
	seen          map[string]bool     // records already linked
	touches       []touch             // the touchpoints read, for engagement
	emails        map[string][]string // record -> normalised e-mails
	phones        map[string][]string // record -> E.164 phones
}

func (l *linker) add(record string, kind identity.Kind, value string) {
	if value = strings.TrimSpace(value); value != "" {
		l.links = append(l.links, identity.Link{Record: record, Kind: kind, Value: value})
	}
}

// row adds the identifiers of one row of an identity entity and returns
// the row's record key ("" for a row without identifiers).
func (l *linker) row(source, stream string, entity config.Entity, spec config.IdentitySpec, get func(string) string) string {
	record := contract.RecordKey(source, stream, entity, spec, get)
	if record == "" || l.seen[record] {
		return record
	}
	l.seen[record] = true
	for _, field := range spec.Identifiers() {
		raw := get(field)
		if strings.TrimSpace(raw) == "" {
			continue
		}
		switch field {
		case "contact_id":
			l.add(record, identity.CRMID, source+":"+raw)
		case "customer_number":
			l.add(record, identity.CustomerNumber, raw)
		case "email":
			l.addEmail(record, raw)
		case "phone":
			l.addPhone(record, raw, get("country"))
		case "device_id":
			l.add(record, identity.Device, raw)
		case "cookie_id":
			l.add(record, identity.Cookie, raw)
		}
	}
	return record
}

// addEmail links the record's normalised e-mail and keeps it for the
// record unless blocked; an e-mail that does not normalise is counted.
func (l *linker) addEmail(record, raw string) {
	e, ok := normalize.Email(raw)
	if !ok {
		l.invalid["email"]++
		return
	}
	l.link(record, identity.Email, e, l.emails)
}

// addPhone links the record's phone in E.164 (read in the region of the
// row's country, else the default region) and keeps it for the record
// unless blocked; a phone that does not normalise is counted.
func (l *linker) addPhone(record, raw, country string) {
	region := l.defaultRegion
	if c, ok := l.countries.Lookup(country); ok {
		region = c.Code
	}
	p, ok := normalize.Phone(raw, region)
	if !ok {
		l.invalid["phone"]++
		return
	}
	l.link(record, identity.Phone, p, l.phones)
}

// link links the record's normalised value of kind and keeps it in kept
// for the record unless the value is blocked.
func (l *linker) link(record string, kind identity.Kind, v string, kept map[string][]string) {
	l.add(record, kind, v)
	if _, blocked := identity.BlockReason(kind, v); !blocked {
		kept[record] = append(kept[record], v)
	}
}

// People is what identity resolution tells the customer tables.
type People struct {
	// touches are the touchpoints of D with their record keys.
	touches []touch
	// IDs maps record keys to customer ids.
	IDs map[string]string
	// EmailHash and PhoneHash map customer ids to the hex SHA-256 of the
	// person's most frequent normalised e-mail and phone (ties: the
	// smallest hash).
	EmailHash, PhoneHash map[string]string
	// ByEmail and ByPhone map each normalised e-mail and phone found on a
	// record (blocked values excluded) to the customer ids whose records
	// carry it, sorted. (Several when the caps kept records that share it
	// apart: a person's second CRM contact, a call-centre number.)
	ByEmail, ByPhone map[string][]string
}

// resolveIdentity links every record of D that carries identifiers (order
// customers, CRM contacts, touchpoints, ad clicks), resolves people with the
// ids of the newest earlier identity map, and commits unified/identity_map
// and unified/identity_events for D. Without identity sources it returns nil.
func resolveIdentity(ctx context.Context, env step.Env, d rundate.Date, lines *customerview.Lines, stats step.Stats) (*People, error) {
	if !contract.Written(env.Config, contract.IdentityMap) {
		return nil, nil
	}
	l := newLinker(env.Config.Identity.DefaultRegion)
	l.linkCustomers(lines)
	inputs, err := l.readStreams(ctx, env, d)
	if err != nil {
		return nil, err
	}
	prev, pm, err := previousIdentity(ctx, env, d)
	if err != nil {
		return nil, err
	}
	if pm != nil {
		inputs = append(inputs, pm)
	}
	cfg := identityConfig(env.Config.Identity)
	res, err := identity.Resolve(l.links, prev, d.Start(), cfg)
	if err != nil {
		return nil, fmt.Errorf("resolve identities: %w", err)
	}
	rows := identityRows(&res)
	if err := writeIdentity(ctx, env, d, &res, rows, inputs, l.invalid, stats); err != nil {
		return nil, err
	}
	return l.people(rows), nil
}

// newLinker is a linker with nothing linked yet that reads phones without
// a country in defaultRegion.
func newLinker(defaultRegion string) *linker {
	return &linker{countries: normalize.NewCountries(), defaultRegion: defaultRegion,
		invalid: map[string]int64{}, seen: map[string]bool{}, emails: map[string][]string{}, phones: map[string][]string{}}
}

// linkCustomers links the customer number of every customer of the order
// lines.
func (l *linker) linkCustomers(lines *customerview.Lines) {
	lines.EachCustomer(func(source, number string) {
		l.add(CustomerRecordKey(source, number), identity.CustomerNumber, number)
	})
}

// readStreams links the records of every identity stream's raw partition
// of d and returns the manifests read.
func (l *linker) readStreams(ctx context.Context, env step.Env, d rundate.Date) ([]*dataset.Manifest, error) {
	var inputs []*dataset.Manifest
	for _, r := range env.Config.Streams(config.IdentityStreams) {
		src, st := r.Source, r.Stream
		spec, _ := config.IdentityEntity(st.Entity)
		p := dataset.Partition{Dataset: contract.Raw(src.Name, st.Name), Date: d}
		m, err := dataset.EachRows(ctx, env.Store, p, func(s *parquet.Schema, rows []parquet.Row) error {
			l.streamRows(src.Name, st, spec, s, rows)
			return nil
		})
		if err != nil {
			return nil, step.MissingInput(err, p, contract.StepIngest)
		}
		inputs = append(inputs, m)
	}
	return inputs, nil
}

// streamRows links the raw rows, of schema s, of identity stream st of
// source, and keeps the touchpoints among them.
func (l *linker) streamRows(source string, st config.Stream, spec config.IdentitySpec, s *parquet.Schema, rows []parquet.Row) {
	f := dataset.FieldsOf(s)
	for _, row := range rows {
		get := func(field string) string { return f.Text(row, field) }
		record := l.row(source, st.Name, st.Entity, spec, get)
		if at, ok := f.Int64(row, "occurred_at"); ok && st.Entity == config.EntityTouchpoints && record != "" {
			l.touches = append(l.touches, touch{record: record, at: time.UnixMicro(at).UTC(),
				channel: get("channel"), campaign: get("campaign_id")})
		}
	}
}

// identityRows are the rows of unified/identity_map, by record key.
func identityRows(res *identity.Result) []contract.IdentityRow {
	rows := make([]contract.IdentityRow, len(res.Assignments))
	for i, a := range res.Assignments {
		rows[i] = contract.IdentityRow{RecordKey: a.RecordKey, CustomerID: a.CustomerID, FirstSeen: int32(a.FirstSeen.Unix() / 86400)}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].RecordKey < rows[j].RecordKey })
	return rows
}

// writeIdentity commits unified/identity_map and unified/identity_events
// for d and counts what the resolution did.
func writeIdentity(ctx context.Context, env step.Env, d rundate.Date, res *identity.Result, rows []contract.IdentityRow,
	inputs []*dataset.Manifest, invalid map[string]int64, stats step.Stats) error {
	meta := map[string]any{"links": res.Stats.Links, "records": res.Stats.Records, "customers": res.Stats.Customers,
		"blocked_links": res.Stats.BlockedLinks, "value_cap_refused": res.Stats.ValueCapRefused,
		"person_cap_refused": res.Stats.PersonCapRefused, "merges": res.Stats.Merges, "splits": res.Stats.Splits,
		"invalid_identifiers": invalid}
	out := step.Output{Partition: dataset.Partition{Dataset: contract.IdentityMap, Date: d}, Job: contract.StepUnify, Inputs: inputs, Meta: meta}
	if _, err := step.WriteOutput(ctx, env, out, rows); err != nil {
		return err
	}
	out.Partition.Dataset = contract.IdentityEvents
	if _, err := step.WriteOutput(ctx, env, out, res.Events); err != nil {
		return err
	}
	stats.Add("identity_records", int64(res.Stats.Records))
	stats.Add("identity_customers", int64(res.Stats.Customers))
	stats.Add("identity_merges", int64(res.Stats.Merges))
	stats.Add("identity_refused", int64(res.Stats.ValueCapRefused+res.Stats.PersonCapRefused))
	env.Log.Info().Int(logging.FieldRecords, res.Stats.Records).Int(logging.FieldCustomers, res.Stats.Customers).
		Int(logging.FieldBlockedLinks, res.Stats.BlockedLinks).Int(logging.FieldValueCapRefused, res.Stats.ValueCapRefused).
		Int(logging.FieldPersonCapRefused, res.Stats.PersonCapRefused).Int(logging.FieldMerges, res.Stats.Merges).Msg("identities resolved")
	return nil
}

// people are the customer ids of the linked records and what the orders
// and customers take from them.
func (l *linker) people(rows []contract.IdentityRow) *People {
	people := &People{IDs: make(map[string]string, len(rows)), touches: l.touches}
	for _, r := range rows {
		people.IDs[r.RecordKey] = r.CustomerID
	}
	people.EmailHash = mostFrequentHash(people.IDs, l.emails)
	people.PhoneHash = mostFrequentHash(people.IDs, l.phones)
	people.ByEmail = ownerOf(people.IDs, l.emails)
	people.ByPhone = ownerOf(people.IDs, l.phones)
	return people
}

// ownerOf maps each value to the customers whose records carry it, sorted.
func ownerOf(ids map[string]string, values map[string][]string) map[string][]string {
	out := map[string][]string{}
	for record, vs := range values {
		id := ids[record]
		if id == "" {
			continue
		}
		for _, v := range vs {
			if !slices.Contains(out[v], id) {
				out[v] = append(out[v], id)
			}
		}
	}
	for _, owners := range out {
		slices.Sort(owners)
	}
	return out
}

// mostFrequentHash picks, per customer, the hash of the value found on the
// most of its records (ties: the smallest hash).
func mostFrequentHash(ids map[string]string, values map[string][]string) map[string]string {
	counts := hashCounts(ids, values)
	out := make(map[string]string, len(counts))
	for id, c := range counts {
		out[id] = mostFrequent(c)
	}
	return out
}

// hashCounts counts, per customer, the hashes of the values on its
// records.
func hashCounts(ids map[string]string, values map[string][]string) map[string]map[string]int {
	counts := map[string]map[string]int{}
	for record, vs := range values {
		id := ids[record]
		if id == "" {
			continue
		}
		if counts[id] == nil {
			counts[id] = map[string]int{}
		}
		for _, v := range vs {
			counts[id][normalize.Hash(v)]++
		}
	}
	return counts
}

// mostFrequent is the hash counted most often (ties: the smallest).
func mostFrequent(counts map[string]int) string {
	best, n := "", 0
	for h, k := range counts {
		if k > n || k == n && h < best {
			best, n = h, k
		}
	}
	return best
}

// identityConfig is the library's default with value caps suited to
// event records (an identifier set is one record): an e-mail may appear on
// up to 25 identifier sets of one person (cookies, devices), a cookie or
// device on 10; a phone on 5 contacts.
func identityConfig(c config.Identity) identity.Config {
	cfg := identity.DefaultConfig()
	cfg.ValueCap[identity.Email] = 25
	cfg.ValueCap[identity.Device] = 10
	cfg.Blocked = append(cfg.Blocked, c.Blocked...)
	return cfg
}

// previousIdentity reads the newest identity map committed before d.
func previousIdentity(ctx context.Context, env step.Env, d rundate.Date) ([]identity.Assignment, *dataset.Manifest, error) {
	last, err := dataset.NewestBefore(ctx, env.Store, contract.IdentityMap, d)
	if err != nil {
		return nil, nil, err
	}
	if last.IsZero() {
		return nil, nil, nil
	}
	rows, m, err := dataset.ReadParquet[contract.IdentityRow](ctx, env.Store, dataset.Partition{Dataset: contract.IdentityMap, Date: last})
	if err != nil {
		return nil, nil, err
	}
	return assignments(rows), m, nil
}

// assignments are the rows of an identity map as the previous assignment
// identity resolution takes.
func assignments(rows []contract.IdentityRow) []identity.Assignment {
	prev := make([]identity.Assignment, len(rows))
	for i, r := range rows {
		prev[i] = identity.Assignment{RecordKey: r.RecordKey, CustomerID: r.CustomerID,
			FirstSeen: time.Unix(int64(r.FirstSeen)*86400, 0).UTC()}
	}
	return prev
}
