package train

import (
	"context"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// recommendationDecisions reads the night's measurement of the
// recommendations, which the recommend step commits as decision rows, so
// that models/_decisions holds every model of the night.
func recommendationDecisions(ctx context.Context, env step.Env, d rundate.Date) ([]contract.Decision, *dataset.Manifest, error) {
	in := dataset.Partition{Dataset: contract.RecommendationEvaluation, Date: d}
	return step.ReadInput[contract.Decision](ctx, env, in, contract.StepRecommend)
}
