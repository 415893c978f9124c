package unify

import (
	"context"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/jobs/ingest"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/job"
	"github.com/segmint/segmint/lib/unified"
)

// touch is one touchpoint of a person.
type touch struct {
	at                time.Time
	channel, campaign string
}

// engagementAcc gathers one person's touchpoints.
type engagementAcc struct {
	first, last touch
	n30, n90    map[string]int64
}

// addEngagement reads the touchpoints of D, places each with its person
// through the identity map, and sets each customer's first and last channel
// and campaign and its touchpoints per channel in the last 30 and 90 days
// before the end of D. Customers of a person share the person's values.
func addEngagement(ctx context.Context, env job.Env, d job.Date, people *People, customers []unified.Customer) error {
	if people == nil {
		return nil
	}
	accs := map[string]*engagementAcc{}
	from30, from90 := d.End().AddDate(0, 0, -30), d.End().AddDate(0, 0, -90)
	for _, src := range env.Config.Sources {
		for _, st := range src.Streams {
			if st.Entity != "touchpoints" || src.Kind != "filedrop" {
				continue
			}
			spec, _ := config.IdentityEntity(st.Entity)
			p := dataset.Partition{Dataset: ingest.RawDataset(src.Name, st.Name), Date: d}
			_, err := dataset.EachRows(ctx, env.Store, p, func(s *parquet.Schema, rows []parquet.Row) error {
				cols := map[string]int{}
				for i, c := range s.Columns() {
					cols[c[0]] = i
				}
				at, hasAt := cols["occurred_at"]
				for _, row := range rows {
					get := func(field string) string {
						i, ok := cols[field]
						if !ok || row[i].IsNull() {
							return ""
						}
						return string(row[i].ByteArray())
					}
					id := people.IDs[RecordKey(src.Name, st.Name, st.Entity, spec, get)]
					if id == "" || !hasAt || row[at].IsNull() {
						continue
					}
					t := touch{at: time.UnixMicro(row[at].Int64()).UTC(), channel: get("channel"), campaign: get("campaign_id")}
					a := accs[id]
					if a == nil {
						a = &engagementAcc{first: t, last: t, n30: map[string]int64{}, n90: map[string]int64{}}
						accs[id] = a
					}
					a.add(t, from30, from90)
				}
				return nil
			})
			if err != nil {
				return dataset.MissingInput(err, p, ingest.Name)
			}
		}
	}
	for i := range customers {
		c := &customers[i]
		a := accs[c.CustomerID]
		if a == nil {
			continue
		}
		c.FirstChannel, c.FirstCampaign = text(a.first.channel), text(a.first.campaign)
		c.LastChannel, c.LastCampaign = text(a.last.channel), text(a.last.campaign)
		c.Touchpoints30dByChannel, c.Touchpoints90dByChannel = a.n30, a.n90
		for _, n := range a.n30 {
			c.Touchpoints30d += n
		}
		for _, n := range a.n90 {
			c.Touchpoints90d += n
		}
	}
	return nil
}

// add counts one touchpoint; ties in time go to the smaller channel and
// campaign so that the result does not depend on row order.
func (a *engagementAcc) add(t touch, from30, from90 time.Time) {
	if before(t, a.first) {
		a.first = t
	}
	if before(a.last, t) {
		a.last = t
	}
	channel := t.channel
	if channel == "" {
		channel = "unknown"
	}
	if !t.at.Before(from90) {
		a.n90[channel]++
	}
	if !t.at.Before(from30) {
		a.n30[channel]++
	}
}

func before(a, b touch) bool {
	if !a.at.Equal(b.at) {
		return a.at.Before(b.at)
	}
	if a.channel != b.channel {
		return a.channel < b.channel
	}
	return a.campaign < b.campaign
}

func text(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
