// Package store holds segmint's object store: one small interface with a
// local-folder, an S3 and an in-memory implementation.
//
// Keys are slash-separated paths relative to the store's root
// ("raw/retail/orders/dt=2010-12-09/part-00000.parquet"). A key never starts
// with a slash and never contains "." or ".." elements.
//
// Every implementation makes Put atomic: a reader sees the whole new object or
// the old one (or none), never a half-written object. The local store writes
// to a hidden temporary file and renames it; S3 gives this by itself.
package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/segmint/segmint/lib/objio"
)

// ErrNotFound is returned (wrapped) when a key does not exist. It also
// matches fs.ErrNotExist, so that code which reads through an interface of
// its own (models/registry) can tell a missing object without importing
// this package.
var ErrNotFound error = notFound{}

type notFound struct{}

func (notFound) Error() string { return "object not found" }

// Is makes errors.Is(err, fs.ErrNotExist) hold for ErrNotFound.
func (notFound) Is(target error) bool { return target == fs.ErrNotExist }

// Info describes one stored object.
type Info struct {
	Key     string
	Size    int64
	ModTime time.Time
}

// Store is the object store every job reads from and writes to.
type Store interface {
	// Put stores the whole content of r under key, replacing any object
	// there. The object becomes visible only once complete.
	Put(ctx context.Context, key string, r io.Reader) error
	// Get opens an object for reading. A missing key yields an error that
	// wraps ErrNotFound.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Stat describes one object; a missing key wraps ErrNotFound.
	Stat(ctx context.Context, key string) (Info, error)
	// List returns every object whose key starts with prefix, recursively,
	// sorted by key. A prefix that matches nothing gives an empty list.
	List(ctx context.Context, prefix string) ([]Info, error)
	// Delete removes an object; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// String names the store for logs and errors ("file:///data", "s3://bucket/prefix").
	String() string
}

// ValidKey reports why key cannot be used, or nil.
func ValidKey(key string) error {
	if key == "" {
		return errors.New("empty key")
	}
	if strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/") {
		return fmt.Errorf("key %q: leading or trailing slash", key)
	}
	if !objio.CleanElements(key) {
		return fmt.Errorf("key %q: empty, . or .. element", key)
	}
	return nil
}

// checkOp is the check a keyed operation op of a store starts with: the
// key, by the store's check, then the context.
func checkOp(ctx context.Context, op, key string, check func(string) error) error {
	if err := check(key); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s %s: %w", op, key, err)
	}
	return nil
}

// GetBytes reads a whole (small) object.
func GetBytes(ctx context.Context, s Store, key string) ([]byte, error) {
	return objio.ReadAll(ctx, s, key)
}

// PutBytes stores a small object from memory.
func PutBytes(ctx context.Context, s Store, key string, b []byte) error {
	return s.Put(ctx, key, bytes.NewReader(b))
}

// Keys lists the keys of every object whose key starts with prefix, sorted,
// as List does; on an error, the keys listed so far with it.
func Keys(ctx context.Context, s Store, prefix string) ([]string, error) {
	infos, err := s.List(ctx, prefix)
	keys := make([]string, len(infos))
	for i, in := range infos {
		keys[i] = in.Key
	}
	return keys, err
}
