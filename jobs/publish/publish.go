// Package publish is the publish step: it turns the night's customers,
// features and scores into the files downstream systems read: the RFM
// family (segments/rfm/dt=D), every rule segment of the configuration
// (segments/<name>/dt=D: snapshot, export, adds, removes and, for purpose
// ads, the Google and Meta upload files) and the trigger lists
// (triggers/<name>/dt=D). Nobody who asked to be deleted, and for email and
// ads nobody who denied consent or is on the suppression list, is in them
// (lib/audience). Each partition's manifest names every file's role; then
// segments/<name>/latest.json points at the newest committed date. A
// backfill of an older date never moves latest.json backwards, and a run
// dated after the newest input (step.EmptyNight, --allow-empty) never
// moves it.
package publish

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rfm"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// Run publishes the segments of d: the RFM family, then every rule
// segment.
func Run(ctx context.Context, env step.Env, d rundate.Date) (step.Stats, error) {
	segs := env.Config.Segments
	if !segs.RFM.Enabled && len(segs.Rules) == 0 && !segs.Triggers.Enabled {
		env.Log.Info().Msg("no segment configured: nothing to publish")
		return step.Stats{}, nil
	}
	empty, err := step.EmptyNight(ctx, env, d)
	if err != nil {
		return nil, err
	}
	in := dataset.Partition{Dataset: contract.Scores, Date: d}
	scores, m, err := step.ReadInput[contract.Score](ctx, env, in, contract.StepScore)
	if err != nil {
		return nil, err
	}
	n, err := readNight(ctx, env, d, scores, m)
	if err != nil {
		return nil, err
	}
	n.empty = empty
	stats := step.Stats{}
	if segs.RFM.Enabled {
		if err := publishRFM(ctx, env, n, scores, stats); err != nil {
			return nil, err
		}
	}
	for _, seg := range segs.Rules {
		if err := publishSegment(ctx, env, n, seg, stats); err != nil {
			return nil, err
		}
	}
	if segs.Triggers.Enabled {
		if err := publishTriggers(ctx, env, n, scores, stats); err != nil {
			return nil, err
		}
	}
	return stats, nil
}

// publishRFM commits the RFM family of the night, suppressed for its
// purpose, and points its latest.json at it.
func publishRFM(ctx context.Context, env step.Env, n *night, scores []contract.Score, stats step.Stats) error {
	purpose := env.Config.Segments.RFM.Purpose
	kept, suppressed := n.allowed(scores, purpose, env.Config.Segments)
	members, sizes := rfmMembers(kept)
	p := dataset.Partition{Dataset: contract.RFMSegments, Date: n.d}
	pm, err := commitMembers(ctx, env, p, n.inputs, members, sizes, suppressed)
	if err != nil {
		return err
	}
	if err := updateLatest(ctx, env, p, pm, n.empty); err != nil {
		return err
	}
	stats["rfm.members"] = int64(len(members))
	ev := env.Log.Info().Str(logging.FieldSegment, "rfm").Int(logging.FieldMembers, len(members))
	for _, name := range rfm.Segments() {
		if k, ok := sizes[name]; ok {
			stats["rfm."+name] = k
			ev = ev.Int64(name, k)
		}
	}
	for reason, k := range suppressed {
		stats["rfm.suppressed."+reason] = k
	}
	ev.Msg("segments published")
	return nil
}

// publishSegment commits one rule segment of the night and points its
// latest.json at it.
func publishSegment(ctx context.Context, env step.Env, n *night, seg config.Segment, stats step.Stats) error {
	r, err := selectMembers(n, env.Config.Segments, seg)
	if err != nil {
		return err
	}
	ch, err := changesOf(ctx, env, n.d, seg.Name, r.treated())
	if err != nil {
		return err
	}
	pm, err := commitSegment(ctx, env, n, r, ch)
	if err != nil {
		return err
	}
	if err := updateLatest(ctx, env, dataset.Partition{Dataset: contract.Segment(seg.Name), Date: n.d}, pm, n.empty); err != nil {
		return err
	}
	key := seg.Name + "."
	stats[key+"members"] = int64(len(r.members))
	stats[key+"treated"] = int64(len(r.treated()))
	stats[key+"adds"] = int64(len(ch.adds))
	stats[key+"removes"] = int64(len(ch.removes))
	for reason, k := range r.suppressed {
		stats[key+"suppressed."+reason] = k
	}
	env.Log.Info().Str(logging.FieldSegment, seg.Name).Int(logging.FieldMembers, len(r.members)).
		Int(logging.FieldTreated, len(r.treated())).Int(logging.FieldAdds, len(ch.adds)).Int(logging.FieldRemoves, len(ch.removes)).
		Msg("segment published")
	return nil
}

// rfmMembers are the scored customers as RFM segment members, by segment
// (in rfm.Segments order) and customer id, with the size of each segment.
func rfmMembers(scores []contract.Score) ([]contract.Member, map[string]int64) {
	members := make([]contract.Member, len(scores))
	sizes := map[string]int64{}
	for i, s := range scores {
		members[i] = contract.Member{CustomerID: s.CustomerID, Segment: s.RFMSegment, RScore: s.RScore, FScore: s.FScore,
			MScore: s.MScore, RFMCell: s.RFMCell}
		sizes[s.RFMSegment]++
	}
	order := map[string]int{}
	for i, name := range rfm.Segments() {
		order[name] = i
	}
	sort.Slice(members, func(i, j int) bool {
		a, b := members[i], members[j]
		if a.Segment != b.Segment {
			return order[a.Segment] < order[b.Segment]
		}
		return a.CustomerID < b.CustomerID
	})
	return members, sizes
}

// commitMembers commits segment partition p, read from inputs: the members
// as Parquet and as the audience CSV, with the counts of people left out
// by suppression.
func commitMembers(ctx context.Context, env step.Env, p dataset.Partition, inputs []*dataset.Manifest,
	members []contract.Member, sizes, suppressed map[string]int64) (*dataset.Manifest, error) {
	w := dataset.NewWriter(env.Store, p, env.RunID, contract.StepPublish, "")
	for _, m := range inputs {
		w.AddInput(m)
	}
	w.SetMeta("segment_sizes", sizes)
	w.SetMeta("purpose", env.Config.Segments.RFM.Purpose)
	w.SetMeta("suppressed", suppressed)
	w.SetMeta("segments", rfm.Segments())
	label := dataset.Label{Segment: "rfm", Purpose: env.Config.Segments.RFM.Purpose}
	if err := labelled(w, label, RoleSnapshot, func() error { return dataset.WriteParquet(ctx, w, members) }); err != nil {
		return nil, err
	}
	err := addCSV(ctx, w, label, RoleExport, int64(len(members)), func(out io.Writer) error { return writeCSV(out, members) })
	if err != nil {
		return nil, err
	}
	return w.Commit(ctx, env.Now())
}

// writeCSV writes the audience file: a header and one customer a line.
func writeCSV(out io.Writer, members []contract.Member) error {
	cw := csv.NewWriter(out)
	if err := cw.Write([]string{"customer_id", "segment", "r_score", "f_score", "m_score", "rfm_cell"}); err != nil {
		return err
	}
	for _, m := range members {
		rec := []string{m.CustomerID, m.Segment, strconv.Itoa(int(m.RScore)), strconv.Itoa(int(m.FScore)),
			strconv.Itoa(int(m.MScore)), m.RFMCell}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// updateLatest points latest.json at p unless it already names a later
// date, or the night is empty (hold).
func updateLatest(ctx context.Context, env step.Env, p dataset.Partition, m *dataset.Manifest, hold bool) error {
	if hold {
		env.Log.Info().Str(logging.FieldDataset, p.Dataset).Msg("empty night: latest.json left as it is")
		return nil
	}
	key := contract.LatestKey(p.Dataset)
	later, err := laterDate(ctx, env.Store, key, p.Date)
	if err != nil {
		return err
	}
	if later != "" {
		env.Log.Info().Str(logging.FieldLatest, later).Msg("latest.json names a later date: left as it is")
		return nil
	}
	return writeLatest(ctx, env.Store, key, latestOf(p, m, env.Now()))
}

// laterDate is the date the latest.json at key names when it is later
// than d, else "" (also when there is none, or it does not decode).
func laterDate(ctx context.Context, st store.Store, key string, d rundate.Date) (string, error) {
	b, err := store.GetBytes(ctx, st, key)
	switch {
	case err == nil:
		var cur contract.Latest
		if json.Unmarshal(b, &cur) == nil && cur.Date > d.String() {
			return cur.Date, nil
		}
	case !errors.Is(err, store.ErrNotFound):
		return "", fmt.Errorf("read %s: %w", key, err)
	}
	return "", nil
}

// latestOf is the latest.json of partition p, committed with manifest m,
// updated at now.
func latestOf(p dataset.Partition, m *dataset.Manifest, now time.Time) contract.Latest {
	files := make([]string, len(m.Files))
	for i, f := range m.Files {
		files[i] = f.Name
	}
	return contract.Latest{Dataset: p.Dataset, Date: p.Date.String(), Prefix: p.Prefix(), Manifest: p.Key(dataset.ManifestName),
		RunID: m.RunID, Rows: m.Rows, Files: files, UpdatedAt: now.UTC()}
}

// writeLatest writes l as the latest.json at key.
func writeLatest(ctx context.Context, st store.Store, key string, l contract.Latest) error {
	out, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	if err := store.PutBytes(ctx, st, key, append(out, '\n')); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}
