// Package unify is the unify step: it reads the raw order lines of every
// orders stream for D, checks them against the configured quality rules
// (quality/ and quarantine/quality/), removes exact duplicates, and commits
// unified/orders/dt=D (one row per invoice) and unified/customers/dt=D (one
// row per customer). With CRM, touchpoint, ad-click, catalog and consent
// streams configured it also resolves identities (unified/identity_map and
// unified/identity_events), merges the CRM objects (unified/crm_records),
// and adds categories, engagement and consent to the customers. The
// definitions are in package lib/customerview.
package unify

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/normalize"
	"github.com/segmint/segmint/lib/quality"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// Run builds the unified tables for d.
func Run(ctx context.Context, env step.Env, d rundate.Date) (step.Stats, error) {
	stats := step.Stats{}
	rates, err := env.Config.RatesTable()
	if err != nil {
		return stats, err
	}
	catalog, err := readCatalog(ctx, env, d)
	if err != nil {
		return stats, err
	}
	lines, inputs, err := readOrderLines(ctx, env, d, rates, catalog.keys(), stats)
	if err != nil {
		return stats, err
	}
	t := buildTables(env.Config, d, lines, catalog, stats)
	if err := resolvePeople(ctx, env, d, lines, &t, stats); err != nil {
		return stats, err
	}
	if err := mergeCRMAndConsent(ctx, env, d, &t); err != nil {
		return stats, err
	}
	t.addStats(stats)
	if err := commit(ctx, env, d, t, inputs, catalog, stats); err != nil {
		return stats, err
	}
	return stats, nil
}

// tables are the unified tables of a run and what building them counted.
type tables struct {
	orders    []customerview.Order
	customers []customerview.Customer
	dups      int64
	ostats    customerview.OrderStats
	cats      customerview.CategoryStats
	// kept counts the order lines left after the duplicates are removed.
	kept    int
	people  *People
	crm     crmMerge
	consent *consentInputs
	cc      consentCounts
}

// readOrderLines reads the raw order lines of every orders stream for d,
// checks each stream against its quality rules and converts its prices into
// the reporting currency. It returns the lines and the manifests read.
func readOrderLines(ctx context.Context, env step.Env, d rundate.Date, rates *normalize.Rates,
	keys map[string]quality.KeySet, stats step.Stats) (*customerview.Lines, []*dataset.Manifest, error) {
	lines := customerview.NewLines()
	var inputs []*dataset.Manifest
	for _, r := range env.Config.Streams(config.OrdersStreams) {
		src, st := r.Source, r.Stream
		p := dataset.Partition{Dataset: contract.Raw(src.Name, st.Name), Date: d}
		m, err := dataset.ReadManifest(ctx, env.Store, p)
		if err != nil {
			return nil, nil, step.MissingInput(err, p, contract.StepIngest)
		}
		first := lines.Len()
		if err := appendLines(ctx, env, p, m, src.Name, st.Currency, lines); err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", p, err)
		}
		inputs = append(inputs, m)
		stats.Add("lines_read", int64(lines.Len()-first))
		if err := checkQuality(ctx, env, d, src, st, streamLines{lines, first, lines.Len()}, m, keys, stats); err != nil {
			return nil, nil, err
		}
		if err := lines.Convert(first, lines.Len(), env.Config.Currency, rates); err != nil {
			return nil, nil, fmt.Errorf("convert %s into %s: %w", p, env.Config.Currency, err)
		}
	}
	return lines, inputs, nil
}

// appendLines appends the order lines of one committed raw partition to
// lines.
func appendLines(ctx context.Context, env step.Env, p dataset.Partition, m *dataset.Manifest, source, currency string, lines *customerview.Lines) error {
	lines.Grow(int(m.Rows)) // one allocation, not a doubling series
	return dataset.EachRowsOf(ctx, env.Store, p, m, lines.Appender(source, currency))
}

// buildTables removes duplicate lines and builds the orders and the
// customers, with their products' categories.
func buildTables(c *config.Config, d rundate.Date, lines *customerview.Lines, catalog productCatalog, stats step.Stats) tables {
	var t tables
	t.dups = lines.Dedup()
	stats.Add("duplicate_lines_removed", t.dups)
	t.orders, t.ostats = lines.Orders()
	lines.SetCatalog(catalog.catalog)
	t.customers = lines.Customers(d.End(), lifecycle(c))
	t.cats = lines.CategoryStats()
	return t
}

// lifecycle is the configured customer lifecycle, or the default.
func lifecycle(c *config.Config) customerview.Lifecycle {
	if l := c.Lifecycle; l != (config.Lifecycle{}) {
		return customerview.Lifecycle{NewDays: l.NewDays, ActiveDays: l.ActiveDays, DormantDays: l.DormantDays}
	}
	return customerview.DefaultLifecycle()
}

// resolvePeople resolves identities and gives the orders and customers
// their people, countries and engagement.
func resolvePeople(ctx context.Context, env step.Env, d rundate.Date, lines *customerview.Lines, t *tables, stats step.Stats) error {
	people, err := resolveIdentity(ctx, env, d, lines, stats)
	if err != nil {
		return err
	}
	applyPeople(people, t.orders, t.customers)
	applyCountries(t.customers)
	addEngagement(d, people, t.customers)
	t.kept = lines.Kept()
	t.people = people
	return nil
}

// mergeCRMAndConsent merges the CRM objects, reads the consent events and
// deletion requests, and applies them to the customers.
func mergeCRMAndConsent(ctx context.Context, env step.Env, d rundate.Date, t *tables) error {
	crm, err := mergeCRM(ctx, env, d)
	if err != nil {
		return err
	}
	consent, err := readConsent(ctx, env, d, crm.records)
	if err != nil {
		return err
	}
	t.crm, t.consent = crm, consent
	t.cc = applyConsent(consent, t.people, t.customers, env.Config.Identity.DefaultRegion)
	return nil
}

// addStats adds what building the tables counted to stats (the duplicates
// removed are counted as they are removed).
func (t tables) addStats(stats step.Stats) {
	stats.Add("consent_events", t.cc.Events)
	stats.Add("consent_events_unplaced", t.cc.Unplaced)
	stats.Add("deletion_requests", t.cc.Deletions)
	stats.Add("orders", int64(len(t.orders)))
	stats.Add("customers", int64(len(t.customers)))
	stats.Add("lines_without_customer", t.ostats.LinesWithoutCustomer)
	stats.Add("order_customer_conflicts", t.ostats.CustomerConflicts)
	stats.Add("lines_uncategorised", t.cats.LinesUncategorised)
}

// commit writes unified/orders, unified/customers and the CRM records.
func commit(ctx context.Context, env step.Env, d rundate.Date, t tables, inputs []*dataset.Manifest, catalog productCatalog, stats step.Stats) error {
	meta := map[string]any{"duplicate_lines_removed": t.dups, "lines_without_customer": t.ostats.LinesWithoutCustomer,
		"order_customer_conflicts": t.ostats.CustomerConflicts, "lines": t.kept}
	out := step.Output{Partition: dataset.Partition{Dataset: contract.Orders, Date: d}, Job: contract.StepUnify, Inputs: inputs, Meta: meta}
	if _, err := step.WriteOutput(ctx, env, out, t.orders); err != nil {
		return err
	}
	out.Partition.Dataset = contract.Customers
	out.Inputs = slices.Concat(inputs, catalog.manifests, t.consent.manifests)
	out.Meta = maps.Clone(meta)
	out.Meta["consent"] = t.cc
	out.Meta["catalog"] = catalogMeta{CategoryStats: t.cats, Ignored: catalog.catalog.Ignored, Replaced: catalog.catalog.Replaced}
	if _, err := step.WriteOutput(ctx, env, out, t.customers); err != nil {
		return err
	}
	if err := writeCRM(ctx, env, d, t.crm, stats); err != nil {
		return err
	}
	env.Log.Info().Int(logging.FieldLines, t.kept).Int64(logging.FieldDuplicateLinesRemoved, t.dups).Int(logging.FieldOrders, len(t.orders)).
		Int(logging.FieldCustomers, len(t.customers)).Int64(logging.FieldLinesWithoutCustomer, t.ostats.LinesWithoutCustomer).Msg("unified tables committed")
	return nil
}

// catalogMeta is the customers manifest's account of the product catalog.
type catalogMeta struct {
	customerview.CategoryStats
	Ignored  int64 `json:"ignored_rows"`
	Replaced int64 `json:"replaced_rows"`
}

// applyPeople gives orders and customers the customer id of the person
// identity resolution placed their customer number in, and the customers
// the hashes of the person's e-mail and phone. Without identity resolution
// the ids stay the per-source pseudonyms of lib/customerview.
func applyPeople(people *People, orders []customerview.Order, customers []customerview.Customer) {
	if people == nil {
		return
	}
	placeOrders(people, orders)
	placeCustomers(people, customers)
	sort.Slice(customers, func(i, j int) bool {
		if customers[i].CustomerID != customers[j].CustomerID {
			return customers[i].CustomerID < customers[j].CustomerID
		}
		return customers[i].CustomerNumber < customers[j].CustomerNumber
	})
}

// placeOrders gives the orders of a placed customer number its person's id.
func placeOrders(people *People, orders []customerview.Order) {
	for i := range orders {
		o := &orders[i]
		if o.CustomerNumber == nil {
			continue
		}
		if id, ok := people.IDs[CustomerRecordKey(o.Source, *o.CustomerNumber)]; ok {
			o.CustomerID = &id
		}
	}
}

// placeCustomers gives the customers of a placed customer number its
// person's id and the hashes of the person's e-mail and phone.
func placeCustomers(people *People, customers []customerview.Customer) {
	for i := range customers {
		c := &customers[i]
		id, ok := people.IDs[CustomerRecordKey(c.Source, c.CustomerNumber)]
		if !ok {
			continue
		}
		c.CustomerID = id
		if h, ok := people.EmailHash[id]; ok {
			c.EmailSHA256 = &h
		}
		if h, ok := people.PhoneHash[id]; ok {
			c.PhoneSHA256 = &h
		}
	}
}

// applyCountries adds the ISO 3166 code and the region of each customer's
// country name.
func applyCountries(customers []customerview.Customer) {
	countries := normalize.NewCountries()
	for i := range customers {
		c := &customers[i]
		if c.Country == nil {
			continue
		}
		if co, ok := countries.Lookup(*c.Country); ok {
			code, region := co.Code, co.Region
			c.CountryCode, c.Region = &code, &region
		} else if co.Region != "" {
			region := co.Region // "Channel Islands": no single code, a known region
			c.Region = &region
		}
	}
}

// crmMerge is the latest version of every CRM object up to D and the raw
// partitions it was merged from.
type crmMerge struct {
	records []customerview.CRMRecord
	inputs  []*dataset.Manifest
}

// mergeCRM merges every committed raw partition up to d of the CRM streams:
// the latest version of each object, deleted objects as tombstones. It
// returns an empty merge without CRM sources.
func mergeCRM(ctx context.Context, env step.Env, d rundate.Date) (crmMerge, error) {
	srcs := env.Config.CRMSources()
	if len(srcs) == 0 {
		return crmMerge{}, nil
	}
	merger := customerview.NewCRMMerger()
	var inputs []*dataset.Manifest
	for _, src := range srcs {
		for _, st := range src.Streams {
			ms, err := dataset.EachRowsUpTo(ctx, env.Store, contract.Raw(src.Name, st.Name), d,
				func(s *parquet.Schema, rows []parquet.Row) error { return merger.Add(src.Name, st.Name, s, rows) })
			if err != nil {
				return crmMerge{}, err
			}
			inputs = append(inputs, ms...)
		}
	}
	return crmMerge{records: merger.Records(), inputs: inputs}, nil
}

// writeCRM commits unified/crm_records/dt=d from the merge, when there are
// CRM sources.
func writeCRM(ctx context.Context, env step.Env, d rundate.Date, crm crmMerge, stats step.Stats) error {
	if !contract.Written(env.Config, contract.CRMRecords) {
		return nil
	}
	records := crm.records
	var deleted int64
	for _, r := range records {
		if r.Deleted {
			deleted++
		}
	}
	out := step.Output{Partition: dataset.Partition{Dataset: contract.CRMRecords, Date: d}, Job: contract.StepUnify, Inputs: crm.inputs,
		Meta: map[string]any{"tombstones": deleted}}
	if _, err := step.WriteOutput(ctx, env, out, records); err != nil {
		return err
	}
	stats.Add("crm_records", int64(len(records)))
	stats.Add("crm_tombstones", deleted)
	env.Log.Info().Int(logging.FieldCRMRecords, len(records)).Int64(logging.FieldTombstones, deleted).Msg("crm records committed")
	return nil
}
