package unify

import (
	"context"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/quality"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// productCatalog is the product catalog of D and the raw partitions it was
// read from.
type productCatalog struct {
	catalog   *customerview.Catalog
	manifests []*dataset.Manifest
	// streams is false when no products stream is configured.
	streams bool
}

// readCatalog reads the raw partition of D of every file-drop stream of
// entity products, in config order (see customerview.Catalog for which row of a
// product wins).
func readCatalog(ctx context.Context, env step.Env, d rundate.Date) (productCatalog, error) {
	pc := productCatalog{catalog: customerview.NewCatalog()}
	for _, r := range env.Config.Streams(config.FileDropsOf(config.EntityProducts)) {
		src, st := r.Source, r.Stream
		pc.streams = true
		p := dataset.Partition{Dataset: contract.Raw(src.Name, st.Name), Date: d}
		m, err := dataset.EachRows(ctx, env.Store, p, func(s *parquet.Schema, rows []parquet.Row) error {
			f := dataset.FieldsOf(s)
			for _, row := range rows {
				at, ok := f.Int64(row, "updated_at")
				pc.catalog.Add(f.Text(row, "product_id"), f.Text(row, "category"), at, ok)
			}
			return nil
		})
		if err != nil {
			return productCatalog{}, step.MissingInput(err, p, contract.StepIngest)
		}
		pc.manifests = append(pc.manifests, m)
	}
	return pc, nil
}

// keys are the key sets the catalog gives quality relationships rules:
// config.ProductKeys, every product id with an entry. None without a
// products stream (Validate refuses such a rule then).
func (pc productCatalog) keys() map[string]quality.KeySet {
	if !pc.streams {
		return nil
	}
	ks := quality.KeySet{}
	for _, id := range pc.catalog.ProductIDs() {
		ks[id] = struct{}{}
	}
	return map[string]quality.KeySet{config.ProductKeys: ks}
}
