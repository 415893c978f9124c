package publish

import (
	"context"
	"fmt"

	"github.com/segmint/segmint/lib/audience"
	"github.com/segmint/segmint/lib/audiencefile"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/normalize"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/segrule"
	"github.com/segmint/segmint/lib/step"
)

// night is what publishing the rule segments of one date reads.
type night struct {
	d         rundate.Date
	customers []customerview.Customer
	orders    []customerview.Order
	table     *segrule.Table
	// people are the customers' raw identifiers for the platform files,
	// contacts every CRM contact's of each customer.
	people   map[string]audiencefile.Person
	contacts map[string][]audiencefile.Person
	// persons are what suppression needs of each customer id, gathered
	// over all its rows and contacts.
	persons map[string]audience.Person
	list    *audience.List
	// region reads phones written without a country code.
	region string
	inputs []*dataset.Manifest
	// empty is an empty night (step.EmptyNight): the partitions are
	// committed, but no latest.json moves to them.
	empty bool
}

// readNight reads the customers, their features and scores, their CRM
// contacts and the suppression list of d.
func readNight(ctx context.Context, env step.Env, d rundate.Date, scores []contract.Score, sm *dataset.Manifest) (*night, error) {
	n := &night{d: d, inputs: []*dataset.Manifest{sm}, region: env.Config.Identity.DefaultRegion}
	customers, cm, err := step.ReadInput[customerview.Customer](ctx, env, dataset.Partition{Dataset: contract.Customers, Date: d}, contract.StepUnify)
	if err != nil {
		return nil, err
	}
	features, fm, err := step.ReadInput[featureset.Customer](ctx, env, dataset.Partition{Dataset: contract.CustomerFeatures, Date: d}, contract.StepFeatures)
	if err != nil {
		return nil, err
	}
	orders, om, err := step.ReadInput[customerview.Order](ctx, env, dataset.Partition{Dataset: contract.Orders, Date: d}, contract.StepUnify)
	if err != nil {
		return nil, err
	}
	n.customers, n.orders, n.inputs = customers, orders, append(n.inputs, cm, fm, om)
	n.table = audience.Table(customers, features, scores, orders)
	if err := n.readPeople(ctx, env); err != nil {
		return nil, err
	}
	n.gatherPersons()
	return n, n.readSuppressions(ctx, env)
}

// readPeople links the CRM contacts to the customers.
func (n *night) readPeople(ctx context.Context, env step.Env) error {
	contacts, inputs, err := readContacts(ctx, env, n.d)
	if err != nil || len(contacts) == 0 {
		return err
	}
	idmap, m, err := step.ReadInput[contract.IdentityRow](ctx, env, dataset.Partition{Dataset: contract.IdentityMap, Date: n.d}, contract.StepUnify)
	if err != nil {
		return err
	}
	n.people, n.contacts = peopleOf(contacts, idmap)
	n.inputs = append(append(n.inputs, inputs...), m)
	return nil
}

// segmentResult is one segment's members of the night and what was left
// out.
type segmentResult struct {
	seg        config.Segment
	members    []contract.AudienceMember
	suppressed map[string]int64 // by reason
	control    map[string]int64 // by group
}

// selectMembers applies a segment's rule, suppression and control groups.
func selectMembers(n *night, segs config.Segments, seg config.Segment) (*segmentResult, error) {
	rule, err := segrule.Compile(seg.Rule, audience.Schema())
	if err != nil {
		return nil, fmt.Errorf("segment %s: %w", seg.Name, err)
	}
	sel, err := rule.Select(n.table)
	if err != nil {
		return nil, fmt.Errorf("segment %s: %w", seg.Name, err)
	}
	r := &segmentResult{seg: seg, suppressed: map[string]int64{}, control: map[string]int64{}}
	seen := map[string]bool{}
	for i, in := range sel {
		// A person with several source customer numbers has several rows:
		// it is a member when one of them matches, once.
		if id := n.customers[i].CustomerID; in && !seen[id] {
			seen[id] = true
			r.add(n.customers[i], n.personOf(n.customers[i]), segs, n.list)
		}
	}
	return r, nil
}

// add makes c a member unless suppressed, flagging control members.
func (r *segmentResult) add(c customerview.Customer, p audience.Person, segs config.Segments, list *audience.List) {
	if reason := audience.Suppressed(p, r.seg.Purpose, list); reason != "" {
		r.suppressed[reason]++
		return
	}
	m := contract.AudienceMember{CustomerID: c.CustomerID, Segment: r.seg.Name, Purpose: r.seg.Purpose,
		EmailSHA256: c.EmailSHA256, PhoneSHA256: c.PhoneSHA256, MergedFrom: []string{}}
	salt := segs.Control.Salt
	switch {
	case globalControl(segs, c.CustomerID):
		m.Control, m.ControlGroup = true, ptr(groupGlobal)
	case audience.InControl(salt, r.seg.Name, c.CustomerID, segs.ShareOf(r.seg)):
		m.Control, m.ControlGroup = true, ptr(groupSegment)
	}
	if m.Control {
		r.control[*m.ControlGroup]++
	}
	r.members = append(r.members, m)
}

// Control groups a member can be in.
const (
	groupSegment = "segment"
	groupGlobal  = "global"
)

// gatherPersons builds, per customer id, what suppression needs: a
// deletion request or a denied consent on any of its rows, every source
// customer number, and the hashes of every e-mail and phone known for it
// (unified/customers' and every linked CRM contact's).
func (n *night) gatherPersons() {
	n.persons = make(map[string]audience.Person, len(n.customers))
	for _, c := range n.customers {
		p, seen := n.persons[c.CustomerID]
		if !seen {
			p = n.contactHashes(c.CustomerID)
		}
		p.DeletionRequested = p.DeletionRequested || c.DeletionRequestedAt != nil
		p.ConsentDenied = p.ConsentDenied || c.EmailConsent == customerview.ConsentDenied
		p.CustomerNumbers = append(p.CustomerNumbers, c.CustomerNumber)
		p.EmailSHA256 = appendIf(p.EmailSHA256, c.EmailSHA256)
		p.PhoneSHA256 = appendIf(p.PhoneSHA256, c.PhoneSHA256)
		n.persons[c.CustomerID] = p
	}
}

// contactHashes is a person with the hashes of its contacts' e-mails and
// phones.
func (n *night) contactHashes(id string) audience.Person {
	p := audience.Person{CustomerID: id}
	for _, raw := range n.contacts[id] {
		if e, ok := normalize.Email(raw.Email); ok {
			p.EmailSHA256 = append(p.EmailSHA256, normalize.Hash(e))
		}
		if ph, ok := normalize.Phone(raw.Phone, n.region); ok {
			p.PhoneSHA256 = append(p.PhoneSHA256, normalize.Hash(ph))
		}
	}
	return p
}

// appendIf appends *v when v is set.
func appendIf(list []string, v *string) []string {
	if v == nil {
		return list
	}
	return append(list, *v)
}

// personOf is what suppression needs of the person of a unified customer
// row.
func (n *night) personOf(c customerview.Customer) audience.Person { return n.persons[c.CustomerID] }

// globalControl reports whether a customer is in the global control group,
// which no file targets.
func globalControl(segs config.Segments, id string) bool {
	return audience.InControl(segs.Control.Salt, audience.GlobalScope, id, segs.Control.GlobalShare)
}

// treated are the ids of the members outside every control group.
func (r *segmentResult) treated() []string {
	var out []string
	for _, m := range r.members {
		if !m.Control {
			out = append(out, m.CustomerID)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// allowed are the scores of the customers a file of purpose may hold, and
// the number left out by reason: suppression, the global control group
// ("global_control"), and scores of ids unified/customers does not hold
// tonight ("unknown_customer": nothing can be checked of them).
func (n *night) allowed(scores []contract.Score, purpose string, segs config.Segments) ([]contract.Score, map[string]int64) {
	left := map[string]int64{}
	kept := make([]contract.Score, 0, len(scores))
	for _, s := range scores {
		if reason := n.leftOut(s.CustomerID, purpose, segs); reason != "" {
			left[reason]++
			continue
		}
		kept = append(kept, s)
	}
	return kept, left
}

// leftOut is why a customer id may not be in a file of purpose, "" when
// it may.
func (n *night) leftOut(id, purpose string, segs config.Segments) string {
	p, ok := n.persons[id]
	switch {
	case !ok:
		return "unknown_customer"
	case globalControl(segs, id):
		if reason := audience.Suppressed(p, purpose, n.list); reason != "" {
			return reason
		}
		return "global_control"
	}
	return audience.Suppressed(p, purpose, n.list)
}
