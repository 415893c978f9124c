// Package objio holds what lib/store and models/registry share about
// objects: the rule for the elements of a key and reading a whole object.
// It is a leaf, so that the registry can use it without importing
// lib/store (models/ reaches no object store).
package objio

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Getter opens an object for reading.
type Getter interface {
	Get(ctx context.Context, key string) (io.ReadCloser, error)
}

// CleanElements reports whether every slash-separated element of p is
// usable in a key: none empty, "." or "..".
func CleanElements(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	return true
}

// ReadAll reads a whole (small) object.
func ReadAll(ctx context.Context, g Getter, key string) ([]byte, error) {
	rc, err := g.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	return b, nil
}
