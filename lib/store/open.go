package store

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// Options say which store to open. They hold what a configuration's store
// section says (lib/config's Store, mapped by the command that reads it);
// the store does not read configurations itself.
type Options struct {
	// Kind is "local", "s3" or "memory".
	Kind string
	// Path is the root folder of a local store.
	Path string
	// S3 locates an S3 store's bucket. Its endpoint settings (Endpoint,
	// Region, PathStyle, credentials) also reach the buckets of s3://
	// locations (OpenLocation).
	S3 S3Config
	// CreateBucket creates an S3 store's bucket when missing (for local
	// MinIO setups).
	CreateBucket bool
}

// Open builds the store o names. For S3 with CreateBucket set it creates
// the bucket when missing; otherwise it does no I/O. With the test hook
// FailpointEnv set in the environment, the store is wrapped in a failpoint
// that logs to stderr.
func Open(ctx context.Context, o Options) (Store, error) {
	s, err := open(ctx, o)
	if err != nil {
		return nil, err
	}
	return withFailpoint(s, os.Getenv(FailpointEnv), os.Stderr)
}

// open builds the store o names.
func open(ctx context.Context, o Options) (Store, error) {
	switch o.Kind {
	case "local":
		return NewLocal(o.Path)
	case "memory":
		return NewMem(), nil
	case "s3":
		return openS3(ctx, o)
	default:
		return nil, fmt.Errorf("unknown store kind %q", o.Kind)
	}
}

// openS3 builds the S3 store of o, creating its bucket when missing if o
// says so.
func openS3(ctx context.Context, o Options) (Store, error) {
	s, err := NewS3(ctx, o.S3)
	if err != nil {
		return nil, err
	}
	if o.CreateBucket {
		if err := s.EnsureBucket(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// OpenLocation opens a location named in the configuration: a folder path,
// or s3://bucket/prefix reached with the S3 endpoint settings of o. It
// returns the store and the key prefix inside it ("" for a folder).
func OpenLocation(ctx context.Context, o Options, location string) (Store, string, error) {
	if rest, ok := strings.CutPrefix(location, "s3://"); ok {
		return openBucket(ctx, o.S3, location, rest)
	}
	s, err := openFolder(location)
	return s, "", err
}

// openFolder opens the folder at location as a local store. A location is
// read, never created: a missing folder is an error.
func openFolder(location string) (Store, error) {
	fi, err := os.Stat(location)
	if err != nil {
		return nil, fmt.Errorf("open location: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("open location: %s is not a folder", location)
	}
	return NewLocal(location)
}

// openBucket opens the S3 location s3://rest with the endpoint settings of
// cfg, and returns the key prefix rest names in the bucket.
func openBucket(ctx context.Context, cfg S3Config, location, rest string) (Store, string, error) {
	bucket, prefix, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return nil, "", fmt.Errorf("location %q names no bucket", location)
	}
	cfg.Bucket, cfg.Prefix = bucket, ""
	s, err := NewS3(ctx, cfg)
	if err != nil {
		return nil, "", err
	}
	return s, strings.Trim(prefix, "/"), nil
}
