package audience

import (
	"context"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/identity"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/store"
)

// ReadMerges reads the identity merges of the nights after since up to
// and including d from unified/identity_events, with the partitions read.
// A store without identity events has none.
func ReadMerges(ctx context.Context, st store.Store, since, d rundate.Date) (Merges, []*dataset.Manifest, error) {
	merges := Merges{}
	dates, err := dataset.CommittedDates(ctx, st, contract.IdentityEvents)
	if err != nil {
		return nil, nil, err
	}
	var inputs []*dataset.Manifest
	for _, day := range dates {
		if !day.Start().After(since.Start()) || day.Start().After(d.Start()) {
			continue
		}
		events, m, err := dataset.ReadParquet[identity.Event](ctx, st, dataset.Partition{Dataset: contract.IdentityEvents, Date: day})
		if err != nil {
			return nil, nil, err
		}
		for _, e := range events {
			if e.Type == identity.EventMerge {
				merges[e.OtherID] = e.CustomerID
			}
		}
		inputs = append(inputs, m)
	}
	return merges, inputs, nil
}
