package publish

import (
	"context"
	"fmt"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/audience"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/step"
)

// readSuppressions reads every committed partition up to the night's date
// of the suppression streams into the night's list: an entry once listed
// stays listed. An entry that cannot be read fails the step, naming its
// partition, rather than letting someone through.
func (n *night) readSuppressions(ctx context.Context, env step.Env) error {
	n.list = audience.NewList()
	region := env.Config.Identity.DefaultRegion
	for _, r := range env.Config.Streams(config.FileDropsOf(config.EntitySuppressions)) {
		name := contract.Raw(r.Source.Name, r.Stream.Name)
		seen := 0
		ms, err := dataset.EachRowsUpTo(ctx, env.Store, name, n.d, func(s *parquet.Schema, rows []parquet.Row) error {
			f := dataset.FieldsOf(s)
			for _, row := range rows {
				seen++
				if err := addEntry(n.list, f, row, region); err != nil {
					return fmt.Errorf("suppression list %s, row %d of its partitions up to %s: %w", name, seen, n.d, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		n.inputs = append(n.inputs, ms...)
	}
	return nil
}

// addEntry adds every identifier of one suppression row to list.
func addEntry(list *audience.List, f dataset.Fields, row parquet.Row, region string) error {
	for _, kind := range config.SuppressionFields() {
		if v := f.Text(row, kind); v != "" {
			if err := list.Add(kind, v, region); err != nil {
				return err
			}
		}
	}
	return nil
}
