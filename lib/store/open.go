package store

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/segmint/segmint/lib/config"
)

// Open builds the store a configuration names. For S3 with CreateBucket set
// it creates the bucket when missing; otherwise it does no I/O.
func Open(ctx context.Context, c config.Store) (Store, error) {
	switch c.Kind {
	case "local":
		return NewLocal(c.Path)
	case "memory":
		return NewMem(), nil
	case "s3":
		s, err := NewS3(ctx, s3Config(c.S3, c.S3.Bucket, c.S3.Prefix))
		if err != nil {
			return nil, err
		}
		if c.S3.CreateBucket {
			if err := s.EnsureBucket(ctx); err != nil {
				return nil, err
			}
		}
		return s, nil
	default:
		return nil, fmt.Errorf("unknown store kind %q", c.Kind)
	}
}

// OpenLocation opens a location named in the configuration: a folder path,
// or s3://bucket/prefix reached with the store's S3 endpoint settings. It
// returns the store and the key prefix inside it ("" for a folder).
func OpenLocation(ctx context.Context, c config.Store, location string) (Store, string, error) {
	rest, ok := strings.CutPrefix(location, "s3://")
	if !ok {
		// A location is read, never created: a missing folder is an error.
		fi, err := os.Stat(location)
		if err != nil {
			return nil, "", fmt.Errorf("open location: %w", err)
		}
		if !fi.IsDir() {
			return nil, "", fmt.Errorf("open location: %s is not a folder", location)
		}
		s, err := NewLocal(location)
		return s, "", err
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return nil, "", fmt.Errorf("location %q names no bucket", location)
	}
	s, err := NewS3(ctx, s3Config(c.S3, bucket, ""))
	if err != nil {
		return nil, "", err
	}
	return s, strings.Trim(prefix, "/"), nil
}

func s3Config(c config.S3, bucket, prefix string) S3Config {
	return S3Config{Bucket: bucket, Prefix: prefix, Endpoint: c.Endpoint, Region: c.Region, PathStyle: c.PathStyle}
}
