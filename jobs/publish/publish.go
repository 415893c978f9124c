// Package publish is the publish step: it turns scores/dt=D into segment
// files that downstream systems read, segments/<family>/dt=D/, each with a
// Parquet part, an audience CSV, manifest.json and _SUCCESS, and then points
// segments/<family>/latest.json at the newest committed date. A backfill of
// an older date never moves latest.json backwards.
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

	"github.com/segmint/segmint/jobs/score"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rfm"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// Name is the step's name.
const Name = "publish"

// RFMDataset is the RFM segment family.
const RFMDataset = "segments/rfm"

// LatestKey is the pointer to a family's newest committed partition.
func LatestKey(family string) string { return family + "/latest.json" }

// Outputs are the partitions publish commits for d.
func Outputs(c *config.Config, d rundate.Date) []dataset.Partition {
	if !c.Segments.RFM.Enabled {
		return nil
	}
	return []dataset.Partition{{Dataset: RFMDataset, Date: d}}
}

// Member is one row of a segment file: a customer and its segment.
type Member struct {
	CustomerID string `parquet:"customer_id"`
	Segment    string `parquet:"segment"`
	RScore     int32  `parquet:"r_score"`
	FScore     int32  `parquet:"f_score"`
	MScore     int32  `parquet:"m_score"`
	RFMCell    string `parquet:"rfm_cell"`
}

// Latest is the content of latest.json.
type Latest struct {
	Dataset   string    `json:"dataset"`
	Date      string    `json:"date"`
	Prefix    string    `json:"prefix"`
	Manifest  string    `json:"manifest"`
	RunID     string    `json:"run_id"`
	Rows      int64     `json:"rows"`
	Files     []string  `json:"files"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Run publishes the segment families of d.
func Run(ctx context.Context, env step.Env, d rundate.Date) (step.Stats, error) {
	if !env.Config.Segments.RFM.Enabled {
		env.Log.Info().Msg("no segment family enabled: nothing to publish")
		return step.Stats{}, nil
	}
	in := dataset.Partition{Dataset: score.Dataset, Date: d}
	scores, m, err := step.ReadInput[score.Score](ctx, env, in, score.Name)
	if err != nil {
		return nil, err
	}
	members := make([]Member, len(scores))
	sizes := map[string]int64{}
	for i, s := range scores {
		members[i] = Member{CustomerID: s.CustomerID, Segment: s.RFMSegment, RScore: s.RScore, FScore: s.FScore,
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
	p := dataset.Partition{Dataset: RFMDataset, Date: d}
	w := dataset.NewWriter(env.Store, p, env.RunID, Name, "")
	w.AddInput(m)
	w.SetMeta("segment_sizes", sizes)
	w.SetMeta("segments", rfm.Segments())
	if err := dataset.WriteParquet(ctx, w, members); err != nil {
		return nil, err
	}
	if err := w.AddFile(ctx, "csv", "csv", int64(len(members)), func(out io.Writer) error { return writeCSV(out, members) }); err != nil {
		return nil, err
	}
	pm, err := w.Commit(ctx, env.Now())
	if err != nil {
		return nil, err
	}
	if err := updateLatest(ctx, env, p, pm); err != nil {
		return nil, err
	}
	stats := step.Stats{"rfm.members": int64(len(members))}
	ev := env.Log.Info().Int(logging.FieldMembers, len(members))
	for name, n := range sizes {
		stats["rfm."+name] = n
		ev = ev.Int64(name, n)
	}
	ev.Msg("segments published")
	return stats, nil
}

// writeCSV writes the audience file: a header and one customer a line.
func writeCSV(out io.Writer, members []Member) error {
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

// updateLatest points latest.json at p unless it already names a later date.
func updateLatest(ctx context.Context, env step.Env, p dataset.Partition, m *dataset.Manifest) error {
	key := LatestKey(p.Dataset)
	b, err := store.GetBytes(ctx, env.Store, key)
	switch {
	case err == nil:
		var cur Latest
		if json.Unmarshal(b, &cur) == nil && cur.Date > p.Date.String() {
			env.Log.Info().Str(logging.FieldLatest, cur.Date).Msg("latest.json names a later date: left as it is")
			return nil
		}
	case !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("read %s: %w", key, err)
	}
	files := make([]string, len(m.Files))
	for i, f := range m.Files {
		files[i] = f.Name
	}
	l := Latest{Dataset: p.Dataset, Date: p.Date.String(), Prefix: p.Prefix(), Manifest: p.Key(dataset.ManifestName),
		RunID: m.RunID, Rows: m.Rows, Files: files, UpdatedAt: env.Now().UTC()}
	out, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	if err := store.PutBytes(ctx, env.Store, key, append(out, '\n')); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}
