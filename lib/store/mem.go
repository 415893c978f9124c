package store

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// Mem is a Store held in memory, for tests. It is safe for concurrent use;
// Put copies the bytes in and Get hands out a reader over a private copy.
type Mem struct {
	mu   sync.RWMutex
	objs map[string]memObject
}

type memObject struct {
	data    []byte
	modTime time.Time
}

var _ Store = (*Mem)(nil)

// NewMem returns an empty in-memory store.
func NewMem() *Mem {
	return &Mem{objs: make(map[string]memObject)}
}

// String names the store ("mem://").
func (m *Mem) String() string { return "mem://" }

// Put reads r to the end and then stores its bytes under key.
func (m *Mem) Put(ctx context.Context, key string, r io.Reader) error {
	if err := checkOp(ctx, "put", key, ValidKey); err != nil {
		return err
	}
	data, err := io.ReadAll(&ctxReader{ctx: ctx, r: r})
	if err != nil {
		return fmt.Errorf("put %s: read: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	m.mu.Lock()
	m.objs[key] = memObject{data: data, modTime: time.Now()}
	m.mu.Unlock()
	return nil
}

// Get returns a reader over a copy of the object's bytes.
func (m *Mem) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := checkOp(ctx, "get", key, ValidKey); err != nil {
		return nil, err
	}
	m.mu.RLock()
	o, ok := m.objs[key]
	m.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("get %s: %w", key, ErrNotFound)
	}
	return io.NopCloser(bytes.NewReader(bytes.Clone(o.data))), nil
}

// Stat describes one object.
func (m *Mem) Stat(ctx context.Context, key string) (Info, error) {
	if err := checkOp(ctx, "stat", key, ValidKey); err != nil {
		return Info{}, err
	}
	m.mu.RLock()
	o, ok := m.objs[key]
	m.mu.RUnlock()
	if !ok {
		return Info{}, fmt.Errorf("stat %s: %w", key, ErrNotFound)
	}
	return Info{Key: key, Size: int64(len(o.data)), ModTime: o.modTime}, nil
}

// List returns every object whose key starts with prefix (a plain string
// prefix), sorted by key.
func (m *Mem) List(ctx context.Context, prefix string) ([]Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	out := []Info{}
	m.mu.RLock()
	for k, o := range m.objs {
		if strings.HasPrefix(k, prefix) {
			out = append(out, Info{Key: k, Size: int64(len(o.data)), ModTime: o.modTime})
		}
	}
	m.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Delete removes an object; a missing key is not an error.
func (m *Mem) Delete(ctx context.Context, key string) error {
	if err := checkOp(ctx, "delete", key, ValidKey); err != nil {
		return err
	}
	m.mu.Lock()
	delete(m.objs, key)
	m.mu.Unlock()
	return nil
}
