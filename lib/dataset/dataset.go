// Package dataset implements segmint's storage contract: Hive-style date
// partitions that are committed atomically.
//
// A partition is <dataset>/dt=YYYY-MM-DD/. Writing one goes in this order:
//
//  1. data parts, each named part-NNNNN-<first 16 hex of its sha256>.<ext>;
//  2. manifest.json: every file with its row count, size and sha256, the
//     schema, the run, the inputs read;
//  3. _SUCCESS, last. A partition without it does not exist for readers.
//
// Then, and only then, objects of an earlier commit that the new manifest does
// not name are deleted. Because part names carry their checksum, a rerun with
// the same inputs writes the same keys with the same bytes, and a rerun with
// different inputs never overwrites a part that the committed manifest still
// names: a reader that follows the manifest always sees one whole commit. A
// reader that globs part-*.parquet sees one whole commit whenever no run is
// writing the partition (a crashed run's orphan parts are removed by the
// next successful commit of that partition).
package dataset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/store"
)

// Names of the commit objects in a partition.
const (
	ManifestName = "manifest.json"
	SuccessName  = "_SUCCESS"
)

// ErrNotCommitted means a partition has no _SUCCESS marker.
var ErrNotCommitted = errors.New("partition not committed")

// Partition names one date partition of a dataset, such as
// unified/customers/dt=2010-12-09.
type Partition struct {
	Dataset string
	Date    rundate.Date
}

// Prefix is the partition's key prefix, ending in a slash.
func (p Partition) Prefix() string { return p.Dataset + "/" + p.Date.Partition() + "/" }

// Key is the key of a file name inside the partition.
func (p Partition) Key(name string) string { return p.Prefix() + name }

// String is dataset/dt=YYYY-MM-DD.
func (p Partition) String() string { return p.Dataset + "/" + p.Date.Partition() }

// Manifest describes one committed partition.
type Manifest struct {
	Dataset   string    `json:"dataset"`
	Partition string    `json:"partition"`
	RunID     string    `json:"run_id"`
	Job       string    `json:"job"`
	CreatedAt time.Time `json:"created_at"`
	// Rows counts the rows of the Parquet parts. Other files (an audience
	// CSV) repeat those rows in another format and carry their own count.
	Rows   int64   `json:"rows"`
	Files  []File  `json:"files"`
	Schema []Field `json:"schema,omitempty"`
	Inputs []Input `json:"inputs,omitempty"`
	// Meta holds step-specific facts (segment definitions, counts by reason).
	Meta map[string]any `json:"meta,omitempty"`
}

// File is one data file of a partition. Name is relative to the partition.
type File struct {
	Name   string `json:"name"`
	Format string `json:"format"`
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	Label
}

// Label says what a published file is to its readers: its role
// ("snapshot", "adds", "google_customer_match", ...), the segment and the
// segment's purpose. Empty for the files of internal datasets.
type Label struct {
	Role    string `json:"role,omitempty"`
	Segment string `json:"segment,omitempty"`
	Purpose string `json:"purpose,omitempty"`
}

// Field is one column of the schema.
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Input is a committed partition a step read.
type Input struct {
	Dataset   string `json:"dataset"`
	Partition string `json:"partition"`
	RunID     string `json:"run_id"`
	Rows      int64  `json:"rows"`
}

// InputOf describes a manifest as an input of another step.
func InputOf(m *Manifest) Input {
	return Input{Dataset: m.Dataset, Partition: m.Partition, RunID: m.RunID, Rows: m.Rows}
}

// Committed reports whether the partition's _SUCCESS marker exists.
func Committed(ctx context.Context, st store.Store, p Partition) (bool, error) {
	_, err := st.Stat(ctx, p.Key(SuccessName))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	default:
		return false, fmt.Errorf("check commit of %s: %w", p, err)
	}
}

// ReadManifest returns the manifest of a committed partition, or an error
// wrapping ErrNotCommitted.
func ReadManifest(ctx context.Context, st store.Store, p Partition) (*Manifest, error) {
	ok, err := Committed(ctx, st, p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w", p, ErrNotCommitted)
	}
	b, err := store.GetBytes(ctx, st, p.Key(ManifestName))
	if err != nil {
		return nil, fmt.Errorf("read manifest of %s: %w", p, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode manifest of %s: %w", p, err)
	}
	return &m, nil
}

// CommittedDates lists the dates of a dataset's committed partitions, oldest first.
func CommittedDates(ctx context.Context, st store.Store, dataset string) ([]rundate.Date, error) {
	infos, err := st.List(ctx, dataset+"/dt=")
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dataset, err)
	}
	var dates []rundate.Date
	for _, info := range infos {
		if d, ok := successDate(info.Key, dataset); ok {
			dates = append(dates, d)
		}
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].Start().Before(dates[j].Start()) })
	return dates, nil
}

// NewestBefore is the newest date of a dataset's committed partitions
// before d, or the zero Date when there is none.
func NewestBefore(ctx context.Context, st store.Store, dataset string, d rundate.Date) (rundate.Date, error) {
	dates, err := CommittedDates(ctx, st, dataset)
	var prev rundate.Date
	for _, day := range dates {
		if day.Start().Before(d.Start()) {
			prev = day
		}
	}
	return prev, err
}

// successDate is the date of the dataset's partition whose _SUCCESS
// marker key is; false when key is no such marker.
func successDate(key, dataset string) (rundate.Date, bool) {
	rest := strings.TrimPrefix(key, dataset+"/dt=")
	day, name, ok := strings.Cut(rest, "/")
	if !ok || name != SuccessName {
		return rundate.Date{}, false
	}
	d, err := rundate.Parse(day)
	return d, err == nil
}

// Writer builds one partition: add files, then Commit.
type Writer struct {
	st       store.Store
	p        Partition
	manifest Manifest
	tmpDir   string
	next     int
}

// NewWriter starts a partition. Files are staged in tmpDir ("" for the
// system default) before upload so that their checksum names them.
func NewWriter(st store.Store, p Partition, runID, jobName, tmpDir string) *Writer {
	return &Writer{
		st: st, p: p, tmpDir: tmpDir,
		manifest: Manifest{Dataset: p.Dataset, Partition: p.Date.Partition(), RunID: runID, Job: jobName},
	}
}

// Partition is the partition being written.
func (w *Writer) Partition() Partition { return w.p }

// AddInput records a partition the step read.
func (w *Writer) AddInput(m *Manifest) { w.manifest.Inputs = append(w.manifest.Inputs, InputOf(m)) }

// SetSchema records the schema of the data files.
func (w *Writer) SetSchema(fields []Field) { w.manifest.Schema = fields }

// SetMeta records a step-specific fact in the manifest.
func (w *Writer) SetMeta(key string, v any) {
	if w.manifest.Meta == nil {
		w.manifest.Meta = map[string]any{}
	}
	w.manifest.Meta[key] = v
}

// LabelFrom labels the files added since the first from of them (from is
// the length of Files before adding them).
func (w *Writer) LabelFrom(from int, l Label) {
	for i := from; i < len(w.manifest.Files); i++ {
		w.manifest.Files[i].Label = l
	}
}

// Files returns the files added so far.
func (w *Writer) Files() []File { return w.manifest.Files }

// Commit writes manifest.json, then _SUCCESS, then removes objects of the
// partition that the new manifest does not name. now stamps the manifest.
func (w *Writer) Commit(ctx context.Context, now time.Time) (*Manifest, error) {
	m := w.final(now)
	if err := w.writeCommit(ctx, m); err != nil {
		return nil, err
	}
	if err := w.removeStale(ctx, m); err != nil {
		return nil, err
	}
	return &m, nil
}

// final is the manifest to commit, stamped with now and counting the rows
// of the Parquet parts.
func (w *Writer) final(now time.Time) Manifest {
	m := w.manifest
	m.CreatedAt = now.UTC()
	m.Rows = 0
	for _, f := range m.Files {
		if f.Format == "parquet" {
			m.Rows += f.Rows
		}
	}
	return m
}

// writeCommit writes the manifest m, then the _SUCCESS marker.
func (w *Writer) writeCommit(ctx context.Context, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest of %s: %w", w.p, err)
	}
	if err := store.PutBytes(ctx, w.st, w.p.Key(ManifestName), append(b, '\n')); err != nil {
		return fmt.Errorf("write manifest of %s: %w", w.p, err)
	}
	if err := store.PutBytes(ctx, w.st, w.p.Key(SuccessName), nil); err != nil {
		return fmt.Errorf("write marker of %s: %w", w.p, err)
	}
	return nil
}

// Abandon gives up a partition that will not be committed: it removes the
// files this writer uploaded, except those that the partition's committed
// manifest names (a rerun writes the same bytes under the same names, and
// the committed partition still needs them), so that a failed run leaves
// the partition as it found it. When the committed manifest cannot be read,
// it removes nothing.
func (w *Writer) Abandon(ctx context.Context) error {
	keep, err := w.committedFiles(ctx)
	if err != nil {
		return fmt.Errorf("abandon %s: %w", w.p, err)
	}
	for _, f := range w.manifest.Files {
		if keep[f.Name] {
			continue
		}
		if err := w.st.Delete(ctx, w.p.Key(f.Name)); err != nil {
			return fmt.Errorf("abandon %s: %w", w.p, err)
		}
	}
	w.manifest.Files = nil
	return nil
}

// committedFiles names the files of the partition's committed manifest,
// none when it is not committed.
func (w *Writer) committedFiles(ctx context.Context) (map[string]bool, error) {
	m, err := ReadManifest(ctx, w.st, w.p)
	if errors.Is(err, ErrNotCommitted) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, err
	}
	return fileNames(m.Files), nil
}

// removeStale deletes what an earlier commit (or a crashed run) left in the
// partition that the new manifest does not name.
func (w *Writer) removeStale(ctx context.Context, m Manifest) error {
	keep := fileNames(m.Files)
	keep[ManifestName], keep[SuccessName] = true, true
	infos, err := w.st.List(ctx, w.p.Prefix())
	if err != nil {
		return fmt.Errorf("list %s for clean-up: %w", w.p, err)
	}
	for _, info := range infos {
		if keep[strings.TrimPrefix(info.Key, w.p.Prefix())] {
			continue
		}
		if err := w.st.Delete(ctx, info.Key); err != nil {
			return fmt.Errorf("remove stale %s: %w", info.Key, err)
		}
	}
	return nil
}

// fileNames is the set of the files' names.
func fileNames(files []File) map[string]bool {
	names := make(map[string]bool, len(files))
	for _, f := range files {
		names[f.Name] = true
	}
	return names
}

// isPartName reports whether a file of a partition is named after its
// content (partName) rather than by hand (AddFileAs).
func isPartName(name string) bool { return strings.HasPrefix(name, "part-") }

// VerifyNamed checks the files of a committed partition that are named by
// hand (AddFileAs: a report's index.html), which a rerun overwrites in
// place, against the sha256 its manifest records; an error wrapping
// ErrChecksum when one differs. Data parts are named after their content
// and are not read.
func VerifyNamed(ctx context.Context, st store.Store, p Partition) error {
	m, err := ReadManifest(ctx, st, p)
	if err != nil {
		return err
	}
	for _, f := range m.Files {
		if isPartName(f.Name) {
			continue
		}
		b, err := store.GetBytes(ctx, st, p.Key(f.Name))
		if err != nil {
			return fmt.Errorf("verify %s: %w", p.Key(f.Name), err)
		}
		sum := sha256.Sum256(b)
		if int64(len(b)) != f.Bytes || hex.EncodeToString(sum[:]) != f.SHA256 {
			return fmt.Errorf("verify %s: %w", p.Key(f.Name), ErrChecksum)
		}
	}
	return nil
}

// partName names the n-th part after its content.
func partName(n int, sum []byte, ext string) string {
	return fmt.Sprintf("part-%05d-%s.%s", n, hex.EncodeToString(sum)[:16], ext)
}
