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
	// people are the customers' raw identifiers for the platform files.
	people map[string]audiencefile.Person
	list   *audience.List
	// region reads phones written without a country code.
	region string
	inputs []*dataset.Manifest
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
	n.people = peopleOf(contacts, idmap)
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
	for i, in := range sel {
		if in {
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
	case audience.InControl(salt, audience.GlobalScope, c.CustomerID, segs.Control.GlobalShare):
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

// personOf is what suppression needs of a unified customer: its flags and
// the hashes of its identifiers, unified/customers' and those of the CRM
// contact the platform files would use.
func (n *night) personOf(c customerview.Customer) audience.Person {
	p := audience.Person{CustomerID: c.CustomerID, CustomerNumber: c.CustomerNumber,
		DeletionRequested: c.DeletionRequestedAt != nil, ConsentDenied: c.EmailConsent == customerview.ConsentDenied}
	if c.EmailSHA256 != nil {
		p.EmailSHA256 = append(p.EmailSHA256, *c.EmailSHA256)
	}
	if c.PhoneSHA256 != nil {
		p.PhoneSHA256 = append(p.PhoneSHA256, *c.PhoneSHA256)
	}
	raw := n.people[c.CustomerID]
	if e, ok := normalize.Email(raw.Email); ok {
		p.EmailSHA256 = append(p.EmailSHA256, normalize.Hash(e))
	}
	if ph, ok := normalize.Phone(raw.Phone, n.region); ok {
		p.PhoneSHA256 = append(p.PhoneSHA256, normalize.Hash(ph))
	}
	return p
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
// the number left out by reason.
func (n *night) allowed(scores []contract.Score, purpose string) ([]contract.Score, map[string]int64) {
	by := make(map[string]int, len(n.customers))
	for i, c := range n.customers {
		by[c.CustomerID] = i
	}
	suppressed := map[string]int64{}
	kept := make([]contract.Score, 0, len(scores))
	for _, s := range scores {
		if i, ok := by[s.CustomerID]; ok {
			if reason := audience.Suppressed(n.personOf(n.customers[i]), purpose, n.list); reason != "" {
				suppressed[reason]++
				continue
			}
		}
		kept = append(kept, s)
	}
	return kept, suppressed
}
