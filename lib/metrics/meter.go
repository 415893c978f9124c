// Package metrics measures what the steps of a run read and write, and
// publishes a run as Prometheus metrics: a text exposition file that
// node_exporter's textfile collector reads, and, when configured, a push
// to a Prometheus Pushgateway.
package metrics

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"

	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/store"
)

// quarantinePrefix starts the datasets of refused rows (lib/contract's
// Quarantine and QualityQuarantine).
const quarantinePrefix = "quarantine/"

// Meter is a store that counts what goes through it: the bytes put, and
// from the manifests put (a commit writes one per partition), the rows
// committed and the rows of the inputs they name. A step runs on a Meter
// around the run's store; its other operations pass through unchanged.
type Meter struct {
	store.Store

	mu          sync.Mutex
	bytes       int64
	written     int64
	quarantined int64
	inputs      map[string]int64 // rows by input partition, each counted once
}

// NewMeter returns a Meter around st.
func NewMeter(st store.Store) *Meter {
	return &Meter{Store: st, inputs: map[string]int64{}}
}

// Put puts r under key through the store and, when the put succeeds,
// counts its bytes and, for a manifest, its rows.
func (m *Meter) Put(ctx context.Context, key string, r io.Reader) error {
	cr := &countingReader{r: r}
	var manifest *bytes.Buffer
	if strings.HasSuffix(key, "/"+dataset.ManifestName) {
		manifest = &bytes.Buffer{}
		cr.r = io.TeeReader(r, manifest)
	}
	if err := m.Store.Put(ctx, key, cr); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bytes += cr.n
	if manifest != nil {
		m.countManifest(manifest.Bytes())
	}
	return nil
}

// countManifest adds the rows of a manifest put and of its inputs. A
// manifest that does not decode is not counted: the commit's reader will
// refuse it in its own words.
func (m *Meter) countManifest(b []byte) {
	var man dataset.Manifest
	if json.Unmarshal(b, &man) != nil {
		return
	}
	if strings.HasPrefix(man.Dataset, quarantinePrefix) {
		m.quarantined += man.Rows
	} else {
		m.written += man.Rows
	}
	for _, in := range man.Inputs {
		m.inputs[in.Dataset+"/"+in.Partition] = in.Rows
	}
}

// IO is what went through the meter; stats are the step's own counts, of
// which the rows ingest read from its sources (`<source>/<stream>.rows_read`
// of file drops, `.records_seen` of APIs) add to RowsRead, since they come
// from outside the store.
func (m *Meter) IO(stats map[string]int64) runlog.IO {
	m.mu.Lock()
	defer m.mu.Unlock()
	io := runlog.IO{RowsWritten: m.written, RowsQuarantined: m.quarantined, BytesWritten: m.bytes}
	for _, n := range m.inputs {
		io.RowsRead += n
	}
	for k, n := range stats {
		if strings.HasSuffix(k, ".rows_read") || strings.HasSuffix(k, ".records_seen") {
			io.RowsRead += n
		}
	}
	return io
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
