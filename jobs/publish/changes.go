package publish

import (
	"context"

	"github.com/segmint/segmint/lib/audience"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// changes are a segment's adds and removes against its previous committed
// snapshot, and the previous ids merged into tonight's members.
type changes struct {
	// since is the previous snapshot's date; zero for a first night, when
	// every treated member is an add.
	since      rundate.Date
	adds       []audience.Change
	removes    []audience.Change
	mergedFrom map[string][]string
	inputs     []*dataset.Manifest
}

// changesOf compares tonight's treated members of a segment with the
// previous committed snapshot before d, across the identity merges of the
// nights in between.
func changesOf(ctx context.Context, env step.Env, d rundate.Date, name string, treated []string) (*changes, error) {
	prev, since, m, err := previousSnapshot(ctx, env, d, name)
	if err != nil {
		return nil, err
	}
	c := &changes{since: since}
	if m != nil {
		c.inputs = append(c.inputs, m)
	}
	merges := audience.Merges{}
	if !since.IsZero() {
		var inputs []*dataset.Manifest
		if merges, inputs, err = audience.ReadMerges(ctx, env.Store, since, d); err != nil {
			return nil, err
		}
		c.inputs = append(c.inputs, inputs...)
	}
	c.adds, c.removes, c.mergedFrom = audience.Diff(prev, treated, merges)
	return c, nil
}

// previousSnapshot is the treated members of the newest committed snapshot
// of the segment before d, with its date and manifest (none: nil, zero).
func previousSnapshot(ctx context.Context, env step.Env, d rundate.Date, name string) ([]string, rundate.Date, *dataset.Manifest, error) {
	prev, err := dataset.NewestBefore(ctx, env.Store, contract.Segment(name), d)
	if err != nil {
		return nil, rundate.Date{}, nil, err
	}
	if prev.IsZero() {
		return nil, prev, nil, nil
	}
	rows, m, err := dataset.ReadParquet[contract.AudienceMember](ctx, env.Store, dataset.Partition{Dataset: contract.Segment(name), Date: prev})
	if err != nil {
		return nil, prev, nil, err
	}
	var ids []string
	for _, r := range rows {
		if !r.Control {
			ids = append(ids, r.CustomerID)
		}
	}
	return ids, prev, m, nil
}
