// Package train is the train step. The model library (gradient boosting,
// logistic regression, k-means, BG/NBD) is not built yet, so no model is
// configured and the step trains nothing; it says so in its log and in the
// run record rather than pretending.
package train

import (
	"context"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/job"
)

// Name is the step's name.
const Name = "train"

// Outputs: train commits no date partition (models are versioned, not dated).
func Outputs(_ *config.Config, _ job.Date) []dataset.Partition { return nil }

// Run trains the configured models: none yet.
func Run(_ context.Context, env job.Env, _ job.Date) (job.Stats, error) {
	env.Log.Info().Int("models", 0).Msg("no models configured: nothing to train")
	return job.Stats{"models_trained": 0}, nil
}
