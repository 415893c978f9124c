package audience

import (
	"context"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/identity"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/store"
)

// MergeDay is one night's identity merges.
type MergeDay struct {
	Day    rundate.Date
	Merges Merges
}

// ReadMergeDays reads the identity merges of each night after since up to
// and including d from unified/identity_events, oldest first, with the
// partitions read. A store without identity events has none.
func ReadMergeDays(ctx context.Context, st store.Store, since, d rundate.Date) ([]MergeDay, []*dataset.Manifest, error) {
	dates, err := dataset.CommittedDates(ctx, st, contract.IdentityEvents)
	if err != nil {
		return nil, nil, err
	}
	var days []MergeDay
	var inputs []*dataset.Manifest
	for _, day := range dates {
		if !day.Start().After(since.Start()) || day.Start().After(d.Start()) {
			continue
		}
		events, m, err := dataset.ReadParquet[identity.Event](ctx, st, dataset.Partition{Dataset: contract.IdentityEvents, Date: day})
		if err != nil {
			return nil, nil, err
		}
		days = append(days, MergeDay{Day: day, Merges: mergesOf(events)})
		inputs = append(inputs, m)
	}
	return days, inputs, nil
}

// mergesOf are the merge events of a list: absorbed id to survivor.
func mergesOf(events []identity.Event) Merges {
	m := Merges{}
	for _, e := range events {
		if e.Type == identity.EventMerge {
			m[e.OtherID] = e.CustomerID
		}
	}
	return m
}

// After are the merges of the nights after since, in night order.
func After(days []MergeDay, since rundate.Date) Merges {
	out := Merges{}
	for _, md := range days {
		if md.Day.Start().After(since.Start()) {
			for from, to := range md.Merges {
				out[from] = to
			}
		}
	}
	return out
}

// ReadMerges reads the identity merges of the nights after since up to
// and including d (ReadMergeDays, taken together).
func ReadMerges(ctx context.Context, st store.Store, since, d rundate.Date) (Merges, []*dataset.Manifest, error) {
	days, inputs, err := ReadMergeDays(ctx, st, since, d)
	if err != nil {
		return nil, nil, err
	}
	return After(days, since), inputs, nil
}
