package step

import (
	"context"
	"errors"
	"fmt"

	"github.com/segmint/segmint/lib/dataset"
)

// ReadInput reads a step's committed input partition. A partition that is
// not committed yields ErrMissingInput with the command that makes it.
func ReadInput[T any](ctx context.Context, env Env, p dataset.Partition, producer string) ([]T, *dataset.Manifest, error) {
	rows, m, err := dataset.ReadParquet[T](ctx, env.Store, p)
	if err != nil {
		return nil, nil, MissingInput(err, p, producer)
	}
	return rows, m, nil
}

// MissingInput turns ErrNotCommitted into ErrMissingInput naming the
// step that produces p; other errors pass through.
func MissingInput(err error, p dataset.Partition, producer string) error {
	if errors.Is(err, dataset.ErrNotCommitted) {
		return fmt.Errorf("%w: %s (run segmint %s --date %s first)", ErrMissingInput, p, producer, p.Date)
	}
	return err
}

// Output describes one partition a step commits.
type Output struct {
	Partition dataset.Partition
	Job       string
	Inputs    []*dataset.Manifest
	Meta      map[string]any
}

// WriteOutput writes rows as the Parquet parts of out and commits it.
func WriteOutput[T any](ctx context.Context, env Env, out Output, rows []T) (*dataset.Manifest, error) {
	w := dataset.NewWriter(env.Store, out.Partition, env.RunID, out.Job, "")
	for _, m := range out.Inputs {
		w.AddInput(m)
	}
	for k, v := range out.Meta {
		w.SetMeta(k, v)
	}
	if err := dataset.WriteParquet(ctx, w, rows); err != nil {
		return nil, err
	}
	return w.Commit(ctx, env.Now())
}
