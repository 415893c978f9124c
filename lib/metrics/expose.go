package metrics

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
	"github.com/prometheus/common/expfmt"

	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/store"
)

// Options say where a run's metrics go. They hold what the configuration's
// metrics section says (mapped by the command; this package reads no
// configuration).
type Options struct {
	// TextfileDir is a local folder (node_exporter's
	// --collector.textfile.directory) for segmint_<command>.prom; empty
	// means the store, under StoreKey.
	TextfileDir string
	// Pushgateway is the base URL of a Pushgateway; empty means no push.
	Pushgateway string
	// Job is the job of the Pushgateway grouping key.
	Job string
	// Client makes the push request; nil means http.DefaultClient.
	Client *http.Client
}

// FileName is the name of the exposition file of a command's runs.
func FileName(command string) string { return "segmint_" + command + ".prom" }

// StoreKey is where the exposition file lives in the store when no folder
// is configured.
func StoreKey(command string) string { return "runs/metrics/" + FileName(command) }

// Publish writes the metrics of run rec as a text exposition file, into
// o.TextfileDir (to a temporary name, renamed) or the store st, and pushes
// them to o.Pushgateway when set. It tries both and reports both errors.
func Publish(ctx context.Context, o Options, st store.Store, rec *runlog.Record) error {
	reg, err := Registry(rec)
	if err != nil {
		return err
	}
	errs := []error{writeFile(ctx, o, st, rec.Command, reg)}
	if o.Pushgateway != "" {
		errs = append(errs, Push(ctx, o, rec.Command, reg))
	}
	return errors.Join(errs...)
}

// writeFile writes the exposition of reg for command to its file.
func writeFile(ctx context.Context, o Options, st store.Store, command string, reg prometheus.Gatherer) error {
	if o.TextfileDir != "" {
		// client_golang writes to a temporary file in the folder (whose name
		// does not end in .prom, so node_exporter skips it) and renames it.
		if err := prometheus.WriteToTextfile(filepath.Join(o.TextfileDir, FileName(command)), reg); err != nil {
			return fmt.Errorf("write metrics file: %w", err)
		}
		return nil
	}
	b, err := Text(reg)
	if err != nil {
		return err
	}
	// A store's Put is atomic: a reader sees the old file or the new one.
	if err := store.PutBytes(ctx, st, StoreKey(command), b); err != nil {
		return fmt.Errorf("write metrics file: %w", err)
	}
	return nil
}

// Text is the text exposition of what g gathers.
func Text(g prometheus.Gatherer) ([]byte, error) {
	mfs, err := g.Gather()
	if err != nil {
		return nil, fmt.Errorf("gather metrics: %w", err)
	}
	var buf bytes.Buffer
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&buf, mf); err != nil {
			return nil, fmt.Errorf("encode metrics: %w", err)
		}
	}
	return buf.Bytes(), nil
}

// Push sends what g gathers to the Pushgateway of o, in the group
// job=<o.Job>, instance=<command>, with POST: of the metrics the group
// holds, only those of the same names are replaced, so the last success
// time of an earlier run outlives a failed run that has none.
func Push(ctx context.Context, o Options, command string, g prometheus.Gatherer) error {
	p := push.New(o.Pushgateway, o.Job).Grouping("instance", command).Gatherer(g)
	if o.Client != nil {
		p = p.Client(o.Client)
	}
	if err := p.AddContext(ctx); err != nil {
		return fmt.Errorf("push metrics to %s: %w", o.Pushgateway, err)
	}
	return nil
}
