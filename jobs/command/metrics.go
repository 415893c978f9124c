package command

import (
	"context"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/metrics"
	"github.com/segmint/segmint/lib/runlog"
)

// publishMetrics writes the run's Prometheus metrics (and pushes them when
// a Pushgateway is configured) on a fresh context, as the run record is
// written. A failure is logged and does not change the run's outcome.
func (rc *runContext) publishMetrics(ctx context.Context, log zerolog.Logger, rec *runlog.Record) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	m := rc.cfg.Metrics
	o := metrics.Options{TextfileDir: m.TextfileDir, Pushgateway: m.Pushgateway, Job: m.Job,
		Client: &http.Client{Timeout: 10 * time.Second}}
	if err := metrics.Publish(wctx, o, rc.st, rec); err != nil {
		log.Warn().Err(err).Msg("metrics not published")
	}
}
