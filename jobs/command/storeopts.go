package command

import (
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/store"
)

// storeOptions maps the configuration's store section onto the options the
// store opens with (lib/store does not import lib/config, which would pull
// the configuration into every package that stores).
func storeOptions(c config.Store) store.Options {
	return store.Options{
		Kind: c.Kind,
		Path: c.Path,
		S3: store.S3Config{
			Bucket: c.S3.Bucket, Prefix: c.S3.Prefix,
			Endpoint: c.S3.Endpoint, Region: c.S3.Region, PathStyle: c.S3.PathStyle,
			MaxAttempts: c.S3.Retry.MaxAttempts, MaxBackoff: c.S3.Retry.MaxBackoff,
		},
		CreateBucket: c.S3.CreateBucket,
	}
}
