package publish

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/audiencefile"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// The platform files need a person's raw e-mail, phone, name and address.
// They come from the CRM contacts (file-drop contact streams and the CRM
// APIs' objects in unified/crm_records), linked to customers through
// unified/identity_map; only their normalised hashes leave, and only in
// the files of segments whose purpose is ads.

// contact is one CRM contact's raw values and when it last changed.
type contact struct {
	person   audiencefile.Person
	modified time.Time
}

// contactFields are the names a contact's values go by: segmint's field
// names first, then the CRM APIs' property names.
var contactFields = map[string][]string{
	"email": {"email", "Email"}, "phone": {"phone", "Phone", "MobilePhone", "mobilephone"},
	"first_name": {"first_name", "firstname", "FirstName"}, "last_name": {"last_name", "lastname", "LastName"},
	"city": {"city", "City", "MailingCity"}, "state": {"state", "State", "MailingState"},
	"zip": {"zip", "postal_code", "PostalCode", "MailingPostalCode"}, "country": {"country", "Country", "MailingCountry"},
}

// personOf builds a person from a getter of named values.
func personOf(get func(names ...string) string) audiencefile.Person {
	f := func(field string) string { return strings.TrimSpace(get(contactFields[field]...)) }
	return audiencefile.Person{Email: f("email"), Phone: f("phone"), FirstName: f("first_name"), LastName: f("last_name"),
		City: f("city"), State: f("state"), Zip: f("zip"), Country: f("country")}
}

// readContacts reads the CRM contacts up to d by record key, and the partitions
// read.
func readContacts(ctx context.Context, env step.Env, d rundate.Date) (map[string]contact, []*dataset.Manifest, error) {
	out := map[string]contact{}
	inputs, err := fileDropContacts(ctx, env, d, out)
	if err != nil {
		return nil, nil, err
	}
	m, err := apiContacts(ctx, env, d, out)
	if err != nil {
		return nil, nil, err
	}
	if m != nil {
		inputs = append(inputs, m)
	}
	return out, inputs, nil
}

// fileDropContacts adds the latest version of every contact of the
// file-drop contact streams, from every raw partition up to d.
func fileDropContacts(ctx context.Context, env step.Env, d rundate.Date, out map[string]contact) ([]*dataset.Manifest, error) {
	var inputs []*dataset.Manifest
	spec, _ := config.IdentityEntity(config.EntityContacts)
	for _, r := range env.Config.Streams(config.FileDropsOf(config.EntityContacts)) {
		prefix := r.Source.Name + "/" + r.Stream.Name + "/"
		ms, err := dataset.EachRowsUpTo(ctx, env.Store, contract.Raw(r.Source.Name, r.Stream.Name), d,
			func(s *parquet.Schema, rows []parquet.Row) error {
				addRows(out, prefix, spec, dataset.FieldsOf(s), rows)
				return nil
			})
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, ms...)
	}
	return inputs, nil
}

// addRows keeps the newest version of each contact of rows.
func addRows(out map[string]contact, prefix string, spec config.IdentitySpec, f dataset.Fields, rows []parquet.Row) {
	for _, row := range rows {
		key := f.Text(row, spec.Key())
		if key == "" {
			continue
		}
		var at time.Time
		if us, ok := f.Int64(row, spec.At()); ok {
			at = time.UnixMicro(us).UTC()
		}
		get := func(names ...string) string { return f.Text(row, names[0]) }
		keep(out, prefix+key, contact{person: personOf(get), modified: at})
	}
}

// keep stores c under key unless a newer version is there.
func keep(out map[string]contact, key string, c contact) {
	if cur, ok := out[key]; !ok || !c.modified.Before(cur.modified) {
		out[key] = c
	}
}

// apiContacts adds the contacts of the CRM APIs from
// unified/crm_records/dt=d, when it is written.
func apiContacts(ctx context.Context, env step.Env, d rundate.Date, out map[string]contact) (*dataset.Manifest, error) {
	if !contract.Written(env.Config, contract.CRMRecords) {
		return nil, nil
	}
	p := dataset.Partition{Dataset: contract.CRMRecords, Date: d}
	records, m, err := step.ReadInput[customerview.CRMRecord](ctx, env, p, contract.StepUnify)
	if err != nil {
		return nil, err
	}
	for _, r := range records {
		var props map[string]any
		if r.Deleted || json.Unmarshal([]byte(r.Properties), &props) != nil {
			continue
		}
		get := func(names ...string) string { return firstText(props, names) }
		keep(out, r.Source+"/"+r.Stream+"/"+r.ID, contact{person: personOf(get), modified: r.ModifiedAt})
	}
	return m, nil
}

// firstText is the first of the named properties that is a non-empty string.
func firstText(props map[string]any, names []string) string {
	for _, n := range names {
		if s, ok := props[n].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// peopleOf merges the contacts of each customer (unified/identity_map/dt=d):
// the newest contact's values, each empty one filled from the next newest
// (what the platform files carry), and every contact's raw values (what
// suppression checks).
func peopleOf(contacts map[string]contact, idmap []contract.IdentityRow) (map[string]audiencefile.Person, map[string][]audiencefile.Person) {
	by := map[string][]contact{}
	for _, r := range idmap {
		if c, ok := contacts[r.RecordKey]; ok {
			by[r.CustomerID] = append(by[r.CustomerID], c)
		}
	}
	out := make(map[string]audiencefile.Person, len(by))
	all := make(map[string][]audiencefile.Person, len(by))
	for id, cs := range by {
		for _, c := range cs {
			all[id] = append(all[id], c.person)
		}
		out[id] = merged(cs)
	}
	return out, all
}

// merged is the newest contact's values, gaps filled from older ones.
func merged(cs []contact) audiencefile.Person {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].modified.After(cs[j].modified) })
	p := cs[0].person
	for _, c := range cs[1:] {
		fill(&p.Email, c.person.Email)
		fill(&p.Phone, c.person.Phone)
		fill(&p.FirstName, c.person.FirstName)
		fill(&p.LastName, c.person.LastName)
		fill(&p.City, c.person.City)
		fill(&p.State, c.person.State)
		fill(&p.Zip, c.person.Zip)
		fill(&p.Country, c.person.Country)
	}
	return p
}

// fill sets *dst to v when it is empty.
func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}
