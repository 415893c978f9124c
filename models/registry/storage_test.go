package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"testing"

	"github.com/rs/zerolog"
)

// mapStorage is a Storage that is not lib/store's: the registry needs only
// Put, Get and fs.ErrNotExist for a missing key.
type mapStorage map[string][]byte

func (m mapStorage) Put(_ context.Context, key string, r io.Reader) error {
	b, err := io.ReadAll(r)
	m[key] = b
	return err
}

func (m mapStorage) Get(_ context.Context, key string) (io.ReadCloser, error) {
	b, ok := m[key]
	if !ok {
		return nil, fmt.Errorf("get %s: %w", key, fs.ErrNotExist)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func TestAnyStorageWithNotExist(t *testing.T) {
	ctx := context.Background()
	r := New(mapStorage{}, zerolog.Nop())
	if _, err := r.Champion(ctx, "churn"); !errors.Is(err, ErrNoChampion) {
		t.Fatalf("champion before any: %v", err)
	}
	v, err := r.Save(ctx, sample(0.8))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Record(ctx, "churn", Decide("auc", true, 0.005, v, 0.8, nil, 0)); err != nil {
		t.Fatal(err)
	}
	p, err := r.Champion(ctx, "churn")
	if err != nil || p.Version != v {
		t.Fatalf("champion %+v %v, want %s", p, err, v)
	}
	if _, err := r.Load(ctx, "churn", "0000000000000000"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("load of a missing version: %v", err)
	}
}
