package publish

import (
	"context"
	"encoding/csv"
	"io"

	"github.com/segmint/segmint/lib/audience"
	"github.com/segmint/segmint/lib/audiencefile"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/step"
)

// Roles of the files of a segment partition (the manifest's role).
const (
	RoleSnapshot = "snapshot"
	RoleExport   = "export"
	RoleAdds     = "adds"
	RoleRemoves  = "removes"
	RoleGoogle   = "google_customer_match"
	RoleMeta     = "meta_custom_audience"
	RoleTrigger  = "trigger"
)

// commitSegment commits segments/<name>/dt=D: the snapshot (Parquet, every
// member, control flagged), the export (CSV, treated members), the adds
// and removes (CSV), and for purpose ads the platform files.
func commitSegment(ctx context.Context, env step.Env, n *night, r *segmentResult, ch *changes) (*dataset.Manifest, error) {
	seg := r.seg
	w := dataset.NewWriter(env.Store, dataset.Partition{Dataset: contract.Segment(seg.Name), Date: n.d}, env.RunID, contract.StepPublish, "")
	for _, m := range append(append([]*dataset.Manifest{}, n.inputs...), ch.inputs...) {
		w.AddInput(m)
	}
	setSegmentMeta(w, r, ch)
	for i := range r.members {
		if ids := ch.mergedFrom[r.members[i].CustomerID]; ids != nil {
			r.members[i].MergedFrom = ids
		}
	}
	label := dataset.Label{Segment: seg.Name, Purpose: seg.Purpose}
	files := []func() error{
		func() error {
			return labelled(w, label, RoleSnapshot, func() error { return dataset.WriteParquet(ctx, w, r.members) })
		},
		func() error {
			return addCSV(ctx, w, label, RoleExport, int64(len(r.treated())), func(o io.Writer) error { return writeExport(o, r) })
		},
		func() error { return addChanges(ctx, w, label, RoleAdds, seg.Name, ch.adds) },
		func() error { return addChanges(ctx, w, label, RoleRemoves, seg.Name, ch.removes) },
	}
	if seg.Purpose == config.PurposeAds {
		files = append(files, func() error { return addPlatform(ctx, w, label, n, r, audiencefile.Google) },
			func() error { return addPlatform(ctx, w, label, n, r, audiencefile.Meta) })
	}
	for _, f := range files {
		if err := f(); err != nil {
			return nil, err
		}
	}
	return w.Commit(ctx, env.Now())
}

// setSegmentMeta puts what a reader needs to trust the partition into its
// manifest.
func setSegmentMeta(w *dataset.Writer, r *segmentResult, ch *changes) {
	w.SetMeta("segment", r.seg.Name)
	w.SetMeta("purpose", r.seg.Purpose)
	w.SetMeta("description", r.seg.Description)
	w.SetMeta("rule", r.seg.Rule)
	w.SetMeta("members", len(r.members))
	w.SetMeta("treated", len(r.treated()))
	w.SetMeta("control", r.control)
	w.SetMeta("suppressed", r.suppressed)
	w.SetMeta("adds", len(ch.adds))
	w.SetMeta("removes", len(ch.removes))
	if !ch.since.IsZero() {
		w.SetMeta("changes_since", ch.since.String())
	}
}

// labelled runs add and labels the files it added.
func labelled(w *dataset.Writer, l dataset.Label, role string, add func() error) error {
	from := len(w.Files())
	if err := add(); err != nil {
		return err
	}
	l.Role = role
	w.LabelFrom(from, l)
	return nil
}

// addCSV adds one labelled CSV file of rows lines.
func addCSV(ctx context.Context, w *dataset.Writer, l dataset.Label, role string, rows int64, write func(io.Writer) error) error {
	return labelled(w, l, role, func() error { return w.AddFile(ctx, "csv", "csv", rows, write) })
}

// writeExport writes the treated members: customer_id, segment and the
// hashed identifiers.
func writeExport(out io.Writer, r *segmentResult) error {
	cw := csv.NewWriter(out)
	_ = cw.Write([]string{"customer_id", "segment", "email_sha256", "phone_sha256"})
	for _, m := range r.members {
		if !m.Control {
			_ = cw.Write([]string{m.CustomerID, m.Segment, deref(m.EmailSHA256), deref(m.PhoneSHA256)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// addChanges adds the adds or removes file: customer_id, segment, change,
// previous_customer_id.
func addChanges(ctx context.Context, w *dataset.Writer, l dataset.Label, role, segment string, cs []audience.Change) error {
	change := map[string]string{RoleAdds: "add", RoleRemoves: "remove"}[role]
	return addCSV(ctx, w, l, role, int64(len(cs)), func(out io.Writer) error {
		cw := csv.NewWriter(out)
		_ = cw.Write([]string{"customer_id", "segment", "change", "previous_customer_id"})
		for _, c := range cs {
			_ = cw.Write([]string{c.CustomerID, segment, change, c.Previous})
		}
		cw.Flush()
		return cw.Error()
	})
}

// addPlatform adds one platform's upload file of the treated members and
// records how many were left out and the share of rows with each
// identifier (a match-rate estimate).
func addPlatform(ctx context.Context, w *dataset.Writer, l dataset.Label, n *night, r *segmentResult, f audiencefile.Format) error {
	enc, err := audiencefile.NewEncoder(f, n.region)
	if err != nil {
		return err
	}
	var people []audiencefile.Person
	var rows int64
	for _, m := range r.members {
		if p := n.people[m.CustomerID]; !m.Control {
			people = append(people, p)
			if _, ok := enc.Row(p); ok {
				rows++
			}
		}
	}
	role := map[audiencefile.Format]string{audiencefile.Google: RoleGoogle, audiencefile.Meta: RoleMeta}[f]
	var stats audiencefile.Stats
	err = addCSV(ctx, w, l, role, rows, func(out io.Writer) error {
		pw, err := audiencefile.NewWriter(out, f, n.region)
		if err != nil {
			return err
		}
		for _, p := range people {
			if err := pw.Write(p); err != nil {
				return err
			}
		}
		stats, err = pw.Close()
		return err
	})
	if err != nil {
		return err
	}
	w.SetMeta(role, platformMeta(stats))
	return nil
}

// platformMeta is a platform file's counts for the manifest.
func platformMeta(s audiencefile.Stats) map[string]any {
	return map[string]any{"rows": s.Rows, "left_out": s.LeftOut, "identifier_share": s.Shares()}
}
